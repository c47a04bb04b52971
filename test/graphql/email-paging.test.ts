/**
 * Paging a contact's (or a deal's) emails while mail arrives: a client reads a page, new mail is
 * delivered to the mailbox (POST /__emulator/inbound), and the client reads on from endCursor.
 * It must see every email that was there exactly once, in order: no repeat, no skip, whether the
 * cursor sits inside Zoho's first page (which new mail pushes down), past it, or at a page edge.
 * Inbound creates emails, so this file has its own stack.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { ARTICLE } from '../../src/emulator/seed/index.ts';

const CONTACT_EMAILS = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String) {
    contact(id: $id) {
      emails(first: $first, after: $after) {
        nodes {
          messageId
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;
const DEAL_EMAILS = CONTACT_EMAILS.replace('contact(id: $id)', 'deal(id: $id)');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.emulator.reseed());

type Page = { nodes: Array<{ messageId: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

async function page(query: string, id: string, first: number, after?: string | null): Promise<Page> {
  const res = await stack.gql(query, { id, first, after: after ?? null });
  expect(res.errors).toBeUndefined();
  return (res.data.contact ?? res.data.deal).emails;
}

const ids = (p: Page) => p.nodes.map((n) => n.messageId);

async function everything(query: string, id: string): Promise<string[]> {
  return ids(await page(query, id, 100));
}

async function deliver(contactId: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await stack.emulator.admin('POST', '/__emulator/inbound', { contactId, subject: `Arrived ${i}` });
    expect(res.status).toBe(200);
    out.push(res.body.message_id);
  }
  return out;
}

describe('paging emails while mail arrives', () => {
  it.each([
    ['inside the first Zoho page', 4, 3],
    ['inside the first page, with more new mail than the page had left', 7, 6],
    ['at the end of the first Zoho page', 10, 3],
    ['on a later Zoho page', 14, 25],
  ])('reads on without a repeat or a skip when the cursor is %s', async (_where, first, arrivals) => {
    const C = ARTICLE.contactWithManyEmails;
    const before = await everything(CONTACT_EMAILS, C);
    const a = await page(CONTACT_EMAILS, C, first);
    const arrived = await deliver(C, arrivals);
    const b = await page(CONTACT_EMAILS, C, 12, a.pageInfo.endCursor);
    expect([...ids(a), ...ids(b)]).toEqual(before.slice(0, first + 12));
    // The new mail is there for a client who starts again.
    expect((await page(CONTACT_EMAILS, C, arrivals)).nodes.map((n) => n.messageId)).toEqual([...arrived].reverse());
  });

  it("holds for a deal's emails too, mail being linked to the deal by prediction", async () => {
    const C = ARTICLE.contactOfMultiLink;
    // The deal the contact's next mail is predicted onto.
    const res = await stack.gql(`query ($id: ID!) { contact(id: $id) { dealPrediction { deal { id } } } }`, { id: C });
    const dealId = res.data.contact.dealPrediction.deal.id as string;
    const before = await everything(DEAL_EMAILS, dealId);
    expect(before.length).toBeGreaterThan(3);
    const a = await page(DEAL_EMAILS, dealId, 2);
    await deliver(C, 2);
    const b = await page(DEAL_EMAILS, dealId, 100, a.pageInfo.endCursor);
    expect([...ids(a), ...ids(b)]).toEqual(before);
  });
});
