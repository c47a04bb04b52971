/**
 * /metrics after known operations: each metric's name, labels and value, checked against what the
 * test did and what the emulator received. Labels carry route templates, never ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactsWithEmails } from '../support/fixtures.ts';
import { LINK_MUTATION, LINK_ROUTE } from '../support/operations.ts';
import { startOpsStack, type Metrics, type OpsStack } from './support.ts';

const CONTACT_EMAILS = /* GraphQL */ `
  query ContactEmails($id: ID!) {
    contact(id: $id) {
      fullName
      emails(first: 5) {
        nodes {
          subject
          linkedDeal {
            name
          }
        }
      }
    }
  }
`;

let stack: OpsStack;
beforeAll(async () => {
  stack = await startOpsStack();
});
afterAll(() => stack?.close());

describe('after known operations', () => {
  let m: Metrics;
  let linkedOk: number;
  beforeAll(async () => {
    const [c] = contactsWithEmails(stack.emulator, { minEmails: 6, count: 1 });
    for (let i = 0; i < 2; i++) expect((await stack.gql(CONTACT_EMAILS, { id: c!.contactId })).errors).toBeUndefined();
    expect((await stack.gql('query Broken { contact(id: "1") { noSuchField } }')).errors?.[0]?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );

    // Four good items and one malformed message id.
    const emails = c!.emails
      .slice(0, 4)
      .map((e) => ({ contactId: c!.contactId, messageId: e.messageId, ownerId: e.ownerId }));
    const { data } = await stack.gql(LINK_MUTATION, {
      input: { dealId: c!.relatedDealIds[0], emails: [...emails, { contactId: c!.contactId, messageId: 'nope!' }] },
    });
    linkedOk = data.linkEmailsToDeal.succeededCount;
    expect(linkedOk).toBe(4);

    // One 429 on the deals route, retried.
    await stack.emulator.admin('POST', '/__emulator/faults', { route: 'GET /crm/v8/Deals', status: 429, count: 1 });
    expect((await stack.gql('query OneDeal { deal(id: "5843104000004382122") { name } }')).errors).toBeUndefined();

    // Ten contacts in one query: one contacts batch of ten.
    const ids = contactsWithEmails(stack.emulator, { minEmails: 1, count: 10 }).map((x) => x.contactId);
    expect((await stack.gql('query Ten($ids: [ID!]!) { contacts(ids: $ids) { id } }', { ids })).errors).toBeUndefined();
    m = await stack.metrics();
  });

  it('counts operations by name, type and outcome', () => {
    expect(
      m.value('gateway_graphql_operations_total', { operation: 'ContactEmails', type: 'query', outcome: 'success' }),
    ).toBe(2);
    expect(
      m.value('gateway_graphql_operations_total', { operation: 'Link', type: 'mutation', outcome: 'success' }),
    ).toBe(1);
    expect(
      m.value('gateway_graphql_operations_total', { operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' }),
    ).toBe(1);
    expect(m.value('gateway_graphql_operation_duration_seconds_count', { operation: 'ContactEmails' })).toBe(2);
  });

  it('counts every upstream call by route template, status and attempt, exactly as the emulator saw them', () => {
    const received = stack.allCalls();
    for (const [key, count] of Object.entries(received)) {
      const [method, route] = key.split(' ');
      expect(m.value('gateway_zoho_requests_total', { method: method!, route: route! }), key).toBe(count);
    }
    expect(m.value('gateway_zoho_requests_total')).toBe(Object.values(received).reduce((a, b) => a + b, 0));
    expect(
      m.value('gateway_zoho_requests_total', {
        route: '/crm/v8/Contacts/{id}/Emails/actions/link_record',
        status: '200',
      }),
    ).toBe(stack.calls(LINK_ROUTE));
    for (const s of m.samples('gateway_zoho_requests_total')) expect(s.labels.route).not.toMatch(/\d{6,}/);
  });

  it('counts the 429 and its retry', () => {
    expect(m.value('gateway_zoho_requests_total', { route: '/crm/v8/Deals', status: '429', attempt: '1' })).toBe(1);
    expect(m.value('gateway_zoho_requests_total', { route: '/crm/v8/Deals', status: '200', attempt: '2' })).toBe(1);
    expect(
      m.value('gateway_zoho_rate_limited_total', { method: 'GET', route: '/crm/v8/Deals', will_retry: 'true' }),
    ).toBe(1);
  });

  it('counts per-email outcomes of the link mutation by status and code', () => {
    expect(m.value('gateway_email_link_items_total', { operation: 'link', status: 'SUCCEEDED', code: 'NONE' })).toBe(4);
    expect(
      m.value('gateway_email_link_items_total', { operation: 'link', status: 'FAILED', code: 'INVALID_INPUT' }),
    ).toBe(1);
  });

  it('records DataLoader batch sizes', () => {
    const contacts = m.samples('gateway_dataloader_batch_size_bucket').filter((s) => s.labels.loader === 'contacts');
    expect(contacts.length).toBeGreaterThan(0);
    // Three batches: one contact each for ContactEmails twice, then ten at once.
    expect(m.value('gateway_dataloader_batch_size_count', { loader: 'contacts' })).toBe(3);
    expect(m.value('gateway_dataloader_batch_size_sum', { loader: 'contacts' })).toBe(12);
    expect(m.value('gateway_dataloader_batch_size_sum', { loader: 'links' })).toBe(4);
  });

  it('counts token refreshes as the emulator granted them', () => {
    expect(m.value('gateway_zoho_token_refreshes_total', { reason: 'initial', outcome: 'ok' })).toBe(1);
    expect(m.value('gateway_zoho_token_refreshes_total')).toBe(stack.emulator.stats.snapshot().tokenGrants);
  });

  it('reports the budget: every call waited for a slot once, none is queued now', () => {
    expect(m.value('gateway_zoho_budget_wait_seconds_count')).toBe(m.value('gateway_zoho_requests_total'));
    expect(m.value('gateway_zoho_budget_queue_depth')).toBe(0);
    expect(m.value('gateway_zoho_budget_in_flight')).toBe(0);
    expect(m.value('gateway_zoho_budget_limit')).toBe(10);
  });

  it("leaves Zoho's remaining credits as NaN while Zoho has not sent them (not 0, which would read as exhausted)", () => {
    expect(stack.zoho.creditsRemaining()).toBeNull();
    expect(m.value('gateway_zoho_credits_remaining')).toBeNaN();
  });

  it('serves Prometheus text', async () => {
    const r = await stack.get('/metrics');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.text).toMatch(/^# HELP gateway_graphql_operations_total /m);
    expect(r.text).toMatch(/^# TYPE gateway_zoho_requests_total counter$/m);
  });
});

describe('per-email outcomes, whatever the caller selected', () => {
  it('counts each email of a link, its keyed repeat, a move and an unlink, when the caller asked only for totalCount', async () => {
    const [first] = contactsWithEmails(stack.emulator, { minEmails: 6, count: 1 });
    const c = contactsWithEmails(stack.emulator, { minEmails: 2, count: 30 }).find(
      (x) => x.contactId !== first!.contactId && x.relatedDealIds.length >= 2,
    )!;
    const [from, to] = c.relatedDealIds as [string, string];
    const emails = c.emails
      .filter((e) => e.linkedDealId === null || e.linkedDealId === from)
      .slice(0, 2)
      .map((e) => ({ contactId: c.contactId, messageId: e.messageId, ownerId: e.ownerId }));
    expect(emails).toHaveLength(2);
    const items = (m: Metrics, operation: string) =>
      m.value('gateway_email_link_items_total', { operation, status: 'SUCCEEDED', code: 'NONE' });
    const before = await stack.metrics();

    const link = `mutation LinkCount($input: LinkEmailsToDealInput!) { linkEmailsToDeal(input: $input) { totalCount } }`;
    const keyed = { dealId: from, emails, idempotencyKey: 'metrics-outcomes-link' };
    expect((await stack.gql(link, { input: keyed })).data.linkEmailsToDeal.totalCount).toBe(2);
    const written = stack.calls(LINK_ROUTE);
    // The repeat answers the stored results without writing again, and its items count again.
    expect((await stack.gql(link, { input: keyed })).data.linkEmailsToDeal.totalCount).toBe(2);
    expect(stack.calls(LINK_ROUTE)).toBe(written);

    const move = await stack.gql(
      `mutation MoveCount($input: MoveEmailsToDealInput!) { moveEmailsToDeal(input: $input) { totalCount } }`,
      { input: { dealId: to, emails: emails.map(({ contactId, messageId }) => ({ contactId, messageId })) } },
    );
    expect(move.errors).toBeUndefined();
    const unlink = await stack.gql(
      `mutation UnlinkCount($input: UnlinkEmailsFromDealInput!) { unlinkEmailsFromDeal(input: $input) { totalCount } }`,
      { input: { emails: emails.map(({ contactId, messageId }) => ({ contactId, messageId })) } },
    );
    expect(unlink.errors).toBeUndefined();

    const after = await stack.metrics();
    expect(items(after, 'link') - items(before, 'link')).toBe(4);
    expect(items(after, 'move') - items(before, 'move')).toBe(2);
    expect(items(after, 'unlink') - items(before, 'unlink')).toBe(2);
    expect(after.value('gateway_email_link_items_total') - before.value('gateway_email_link_items_total')).toBe(8);
  });
});

describe("Zoho's remaining credits", () => {
  it('reports X-API-CREDITS-REMAINING once past half the daily credits', async () => {
    const small = await startOpsStack({ emulator: { dailyCredits: 10 } });
    try {
      for (let i = 0; i < 6 && small.zoho.creditsRemaining() === null; i++)
        await small.gql('{ contact(id: "5843104000005878180") { fullName } }');
      const credits = small.zoho.creditsRemaining();
      expect(credits).toBeGreaterThanOrEqual(0);
      expect(credits).toBeLessThanOrEqual(5);
      expect((await small.metrics()).value('gateway_zoho_credits_remaining')).toBe(credits);
    } finally {
      await small.close();
    }
  });
});

describe('the budget under pressure', () => {
  it('shows calls queued while the budget is full, and their wait', async () => {
    const slow = await startOpsStack({ zoho: { concurrency: 2 }, emulator: { latencyMs: 300 } });
    try {
      const ids = contactsWithEmails(slow.emulator, { minEmails: 1, count: 10 }).map((x) => x.contactId);
      await slow.gql('{ deal(id: "5843104000004382122") { name } }');
      const query = slow.gql('query ($ids: [ID!]!) { contacts(ids: $ids) { emails(first: 1) { nodes { id } } } }', {
        ids,
      });
      let done = false;
      void query.finally(() => (done = true));
      let maxQueued = 0;
      while (!done) {
        maxQueued = Math.max(maxQueued, (await slow.metrics()).value('gateway_zoho_budget_queue_depth'));
        await new Promise((r) => setTimeout(r, 25));
      }
      expect((await query).errors).toBeUndefined();
      expect(maxQueued).toBeGreaterThan(0);
      const m = await slow.metrics();
      expect(m.value('gateway_zoho_budget_limit')).toBe(2);
      // Ten email pages through two slots of 300 ms: at least six waited 300 ms or more.
      const waits = m.samples('gateway_zoho_budget_wait_seconds_bucket');
      const under = (le: string) => waits.find((s) => s.labels.le === le)!.value;
      expect(m.value('gateway_zoho_budget_wait_seconds_count') - under('0.25')).toBeGreaterThanOrEqual(6);
    } finally {
      await slow.close();
    }
  });
});
