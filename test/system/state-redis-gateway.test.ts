/**
 * Two gateways sharing one Redis state store, as two replicas with the same credentials, over
 * real HTTP against the emulator: a repeat sent to the other replica answers the first call's
 * results and writes nothing again; with Redis down, keyed calls and moves are refused with
 * STATE_STORE_UNAVAILABLE before any Zoho call, reads carry on, and all is well once it is back.
 * Counting the calls Zoho received. Skips, saying why, when redis-server is not installed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../src/fleet/redis.ts';
import { startGateway, type StartedGateway } from '../../src/graphql/server.ts';
import { RedisStateStore } from '../../src/state/redis.ts';
import { contactsWithEmails, linkedDealOf, type ContactFixture } from '../support/fixtures.ts';
import { startStack, type Stack } from '../support/gateway.ts';
import { LINK_ROUTE as LINK } from '../support/operations.ts';
import { hasRedis, REDIS_MISSING, startRedis, type TestRedis } from '../support/redis.ts';

if (!hasRedis) console.warn(REDIS_MISSING);

const API_KEY = 'replica-test-key-0123456789';
const LINK_M = /* GraphQL */ `
  mutation Link($input: LinkEmailsToDealInput!) {
    linkEmailsToDeal(input: $input) {
      succeededCount
      results {
        messageId
        status
      }
    }
  }
`;
const MOVE_M = /* GraphQL */ `
  mutation Move($input: MoveEmailsToDealInput!) {
    moveEmailsToDeal(input: $input) {
      succeededCount
      results {
        status
        previousDealId
      }
    }
  }
`;

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!ok()) throw new Error(`gave up waiting: ${what}`);
}

describe.skipIf(!hasRedis)('two gateways on one Redis state store', () => {
  let redis: TestRedis;
  const connections: RedisConnection[] = [];
  let stack: Stack;
  let second: StartedGateway;
  let c: ContactFixture;
  let dealA: string;
  let dealB: string;
  let next = 0;
  const take = () => {
    const e = c.emails[next++];
    if (!e) throw new Error('the fixture contact ran out of emails');
    return { contactId: c.contactId, messageId: e.messageId, ownerId: e.ownerId };
  };

  async function gql(url: string, query: string, input: Record<string, unknown>) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ query, variables: { input } }),
    });
    return (await res.json()) as {
      data: any;
      errors?: Array<{ extensions?: Record<string, unknown> }>;
      extensions: { zohoCalls: { actual: number } };
    };
  }

  beforeAll(async () => {
    redis = await startRedis({ appendonly: true });
    // One connection each, as two processes would have, under the same credentials' prefix.
    const prefix = `test:${randomUUID()}:`;
    for (let i = 0; i < 2; i++) {
      const conn = connectRedis({ url: redis.url, keyPrefix: prefix });
      connections.push(conn);
      await until(() => conn.up(), 'Redis connected');
    }
    const auth = { apiKeys: [API_KEY], jwt: null };
    stack = await startStack({ gateway: { auth, state: new RedisStateStore(connections[0]!) } });
    second = await startGateway({
      zoho: stack.zoho,
      auth,
      state: new RedisStateStore(connections[1]!),
      port: 0,
      host: '127.0.0.1',
    });
    c = contactsWithEmails(stack.emulator, { minEmails: 10, count: 1 })[0]!;
    [dealA, dealB] = c.relatedDealIds as [string, string];
    stack.resetStats();
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
    for (const conn of connections) await conn.close();
    await redis?.close();
  });

  it('answers a repeat sent to the other replica with the first call’s results, and writes once', async () => {
    const input = { dealId: dealB, emails: [take(), take()], idempotencyKey: `across-${randomUUID()}` };
    const first = await gql(stack.gateway.url, LINK_M, input);
    expect(first.data.linkEmailsToDeal.succeededCount).toBe(2);
    expect(stack.calls(LINK)).toBe(1);
    stack.resetStats();
    const again = await gql(second.url, LINK_M, input);
    expect(again.data).toEqual(first.data);
    expect(again.errors).toBeUndefined();
    expect(stack.allCalls()).toEqual({});
    // Its own cost, truly: the stored results cost this request no Zoho call.
    expect(again.extensions.zohoCalls.actual).toBe(0);
  });

  it('with Redis down, refuses keyed calls and moves before any Zoho call, and works again once it is back', async () => {
    const e = take();
    await redis.stop();
    await until(() => connections.every((conn) => !conn.up()), 'both replicas saw Redis go');
    stack.resetStats();
    const keyed = await gql(second.url, LINK_M, { dealId: dealA, emails: [e], idempotencyKey: `down-${randomUUID()}` });
    const move = await gql(stack.gateway.url, MOVE_M, { dealId: dealA, emails: [e] });
    for (const refused of [keyed, move]) {
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'STATE_STORE_UNAVAILABLE' });
    }
    expect(stack.allCalls()).toEqual({});
    expect(linkedDealOf(stack.emulator, e.messageId)).not.toBe(dealA);
    // A link without a key needs no store: it still runs.
    const unkeyed = await gql(second.url, LINK_M, { dealId: dealA, emails: [e] });
    expect(unkeyed.data.linkEmailsToDeal.succeededCount).toBe(1);

    await redis.start();
    await until(() => connections.every((conn) => conn.up()), 'both replicas reconnected');
    const moved = await gql(stack.gateway.url, MOVE_M, { dealId: dealB, emails: [e], idempotencyKey: 'after' });
    expect(moved.data.moveEmailsToDeal.results[0]).toEqual({ status: 'SUCCEEDED', previousDealId: dealA });
    expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealB);
  });
});
