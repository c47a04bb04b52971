/**
 * Requests the gateway refuses with a stable code and HTTP 400 (a client's mistake, logged as
 * such, never as a server error): persisted queries it cannot honour, subscriptions; and request
 * bodies that do not arrive in time, which are answered 408 and their socket closed.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, startOpsStack, type OpsStack } from './support.ts';

const logs = captureLogs('info');
let stack: OpsStack;
const BODY_TIMEOUT_MS = 300;

beforeAll(async () => {
  stack = await startOpsStack({ logger: logs.logger, gateway: { bodyTimeoutMs: BODY_TIMEOUT_MS } });
});
afterAll(() => stack?.close());

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}
const sha = (q: string) => createHash('sha256').update(q).digest('hex');
const errorLines = () => logs.lines.filter((l) => JSON.parse(l).level === 'error');

describe('persisted queries', () => {
  const query = '{ __typename }';

  it('a query whose hash does not match: PERSISTED_QUERY_HASH_MISMATCH, HTTP 400, no error log', async () => {
    const before = errorLines().length;
    const r = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha('{ other }') } } });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(errorLines().length).toBe(before);
  });

  it('an unsupported version: PERSISTED_QUERY_VERSION_UNSUPPORTED, HTTP 400', async () => {
    const r = await post({ extensions: { persistedQuery: { version: 2, sha256Hash: sha(query) } } });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_VERSION_UNSUPPORTED');
  });

  it('an unknown hash asks for the query, and the registered one then runs by hash alone', async () => {
    const hash = { persistedQuery: { version: 1, sha256Hash: sha(query) } };
    const miss = await post({ extensions: hash });
    expect(miss.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: hash })).json.data).toEqual({ __typename: 'Query' });
    expect((await post({ extensions: hash })).json.data).toEqual({ __typename: 'Query' });
  });
});

describe('subscriptions', () => {
  it('are refused with SUBSCRIPTIONS_NOT_SUPPORTED and HTTP 400, not a masked server error', async () => {
    const before = errorLines().length;
    const r = await post({ query: 'subscription { emailsChanged }' });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toMatch(/SUBSCRIPTIONS_NOT_SUPPORTED|GRAPHQL_VALIDATION_FAILED/);
    expect(errorLines().length).toBe(before);
  });

  it('are refused as such when the document is otherwise valid', async () => {
    const r = await post({ query: 'subscription S { __typename }' });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toBe('SUBSCRIPTIONS_NOT_SUPPORTED');
  });
});

describe('request bodies that do not arrive', () => {
  it('are answered 408 and their socket closed once GATEWAY_BODY_TIMEOUT_MS has passed', async () => {
    const { port } = new URL(stack.gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    // Promise a 1,000-byte body and send 10 bytes of it.
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    socket.write('{"query":"');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    await new Promise<void>((r) => socket.once('close', () => r()));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
