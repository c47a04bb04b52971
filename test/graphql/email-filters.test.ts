/**
 * Contact.emails(filter:): the emails on no deal, or on a given deal, found by scanning Zoho's
 * pages of 10; compared with the emulator's store, with the cost read from its stats.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { contactsWithEmails, type ContactFixture } from '../support/fixtures.ts';

const PAGES = 'GET /crm/v8/Contacts/{id}/Emails';
const EMAILS = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $filter: EmailFilter) {
    contact(id: $id) {
      emails(first: $first, after: $after, filter: $filter) {
        nodes {
          messageId
          linkedDeal {
            id
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
        pagesScanned
        stoppedEarly
      }
    }
  }
`;

type Conn = {
  nodes: Array<{ messageId: string; linkedDeal: { id: string } | null }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  pagesScanned: number;
  stoppedEarly: boolean;
};

let stack: Stack;
let c: ContactFixture;
beforeAll(async () => {
  stack = await startStack();
  [c] = contactsWithEmails(stack.emulator, { minEmails: 60, count: 1 }) as [ContactFixture];
});
afterAll(() => stack?.close());
beforeEach(() => stack.resetStats());

async function emails(vars: {
  first?: number;
  after?: string | null;
  filter?: Record<string, unknown>;
}): Promise<Conn> {
  const res = await stack.gql(EMAILS, { id: c.contactId, ...vars });
  expect(res.errors).toBeUndefined();
  return res.data.contact.emails;
}

/** The contact's emails as the store holds them now, newest first (the order Zoho lists them). */
function inStore(): Array<{ messageId: string; linkedDealId: string | null }> {
  return contactsWithEmails(stack.emulator, { minEmails: 60, count: 1 })[0]!.emails;
}

describe('filtering a contact emails by deal link', () => {
  it('linked: false returns exactly the emails on no deal, scanning every page once', async () => {
    const all = inStore();
    const expected = all.filter((e) => e.linkedDealId === null).map((e) => e.messageId);
    expect(expected.length).toBeGreaterThan(0);

    const conn = await emails({ first: 100, filter: { linked: false } });

    expect(conn.nodes.map((n) => n.messageId)).toEqual(expected);
    expect(conn.nodes.every((n) => n.linkedDeal === null)).toBe(true);
    expect(conn).toMatchObject({
      pagesScanned: Math.ceil(all.length / 10),
      stoppedEarly: false,
      pageInfo: { hasNextPage: false },
    });
    expect(stack.calls(PAGES)).toBe(conn.pagesScanned);
  });

  it('dealId returns exactly the emails on that deal', async () => {
    const all = inStore();
    const dealId = all.find((e) => e.linkedDealId !== null)!.linkedDealId!;
    const expected = all.filter((e) => e.linkedDealId === dealId).map((e) => e.messageId);

    const conn = await emails({ first: 100, filter: { dealId } });

    expect(conn.nodes.map((n) => n.messageId)).toEqual(expected);
    expect(stack.calls(PAGES)).toBe(Math.ceil(all.length / 10));
  });

  it('stops paging as soon as it has first matches, and costs only the pages it read', async () => {
    const all = inStore();
    const linked = all.filter((e) => e.linkedDealId !== null);
    const conn = await emails({ first: 5, filter: { linked: true } });
    const lastIndex = all.findIndex((e) => e.messageId === linked[4]!.messageId);

    expect(conn.nodes.map((n) => n.messageId)).toEqual(linked.slice(0, 5).map((e) => e.messageId));
    expect(conn.pagesScanned).toBe(Math.floor(lastIndex / 10) + 1);
    expect(stack.calls(PAGES)).toBe(conn.pagesScanned);
    expect(conn.pageInfo.hasNextPage).toBe(true);
  });

  it('pages through the matches with endCursor, without repeating or losing one', async () => {
    const expected = inStore()
      .filter((e) => e.linkedDealId === null)
      .map((e) => e.messageId);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const conn: Conn = await emails({ first: 3, after, filter: { linked: false } });
      seen.push(...conn.nodes.map((n) => n.messageId));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('refuses linked: false with a dealId, before any call', async () => {
    const res = await stack.gql(EMAILS, { id: c.contactId, filter: { linked: false, dealId: c.relatedDealIds[0] } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(stack.calls(PAGES)).toBe(0);
  });

  it('unfiltered lists report their cost too, and never stop early', async () => {
    const conn = await emails({ first: 25 });
    expect(conn).toMatchObject({ pagesScanned: 3, stoppedEarly: false });
    expect(stack.calls(PAGES)).toBe(3);
  });

  // Last: it delivers 200 emails to the fixture contact.
  it('stops early at 20 pages when the matches are sparse, and endCursor resumes the scan', async () => {
    for (let i = 0; i < 200; i++) {
      const res = await stack.emulator.admin('POST', '/__emulator/inbound', {
        contactId: c.contactId,
        subject: `Follow-up ${i}`,
      });
      expect(res.body.linked_record?.id).toBeTruthy();
    }
    const expected = inStore()
      .filter((e) => e.linkedDealId === null)
      .map((e) => e.messageId);
    stack.resetStats();

    const first = await emails({ first: 10, filter: { linked: false } });
    expect(first).toMatchObject({ nodes: [], pagesScanned: 20, stoppedEarly: true, pageInfo: { hasNextPage: true } });
    expect(stack.calls(PAGES)).toBe(20);

    const found: string[] = [];
    let scanned = first.pagesScanned;
    let after = first.pageInfo.endCursor;
    for (let i = 0; i < 5 && after; i++) {
      const conn: Conn = await emails({ first: 10, after, filter: { linked: false } });
      expect(conn.stoppedEarly).toBe(false);
      found.push(...conn.nodes.map((n) => n.messageId));
      scanned += conn.pagesScanned;
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    }
    expect(found).toEqual(expected);
    // What each call reported is what Zoho was asked: every page once, plus the page a call
    // resumes in the middle of, which the call before it had read too.
    const pages = Math.ceil((200 + c.emails.length) / 10);
    expect(stack.calls(PAGES)).toBe(scanned);
    expect(scanned).toBeGreaterThanOrEqual(pages);
    expect(scanned).toBeLessThanOrEqual(pages + 2);
  });
});
