/**
 * Batching is the point of this gateway: these tests count what the emulator received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { LINK_MUTATION, LINK_ROUTE as LINK, UNLINK_ROUTE as UNLINK } from '../support/operations.ts';
import { contactsWithEmails, linkedDealOf } from '../support/fixtures.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  // Warm the per-org metadata (module id, org id) so counts below are the per-request ones.
  await stack.gql(`{ deal(id: "5843104000004382122") { stageCategory } }`);
});
afterAll(() => stack?.close());
beforeEach(() => stack.resetStats());

describe('linking in bulk', () => {
  it('links 45 distinct emails of one contact in exactly 3 link calls', async () => {
    const [c] = contactsWithEmails(stack.emulator, { minEmails: 45, count: 1 });
    const dealId = c!.relatedDealIds[0]!;
    const emails = c!.emails
      .slice(0, 45)
      .map((e) => ({ contactId: c!.contactId, messageId: e.messageId, ownerId: e.ownerId }));

    const { data, errors } = await stack.gql(LINK_MUTATION, { input: { dealId, emails } });

    expect(errors).toBeUndefined();
    expect(data.linkEmailsToDeal).toMatchObject({ totalCount: 45, succeededCount: 45, failedCount: 0 });
    expect(data.linkEmailsToDeal.results.map((r: any) => r.messageId)).toEqual(emails.map((e) => e.messageId));
    expect(stack.calls(LINK)).toBe(3);
    for (const e of emails) expect(linkedDealOf(stack.emulator, e.messageId)).toBe(dealId);
  });

  it('one mutation over three contacts makes one link call per contact, in flight together', async () => {
    const contacts = contactsWithEmails(stack.emulator, { minEmails: 3, count: 3 });
    // A deal related to all three is unlikely; link each to a deal it is related to, and check
    // that the unrelated ones fail alone without costing extra calls.
    const dealId = contacts[0]!.relatedDealIds[0]!;
    const emails = contacts.flatMap((c) =>
      c.emails.slice(0, 3).map((e) => ({ contactId: c.contactId, messageId: e.messageId, ownerId: e.ownerId })),
    );
    await stack.setConfig({ latencyMs: 120 });
    try {
      const { data } = await stack.gql(LINK_MUTATION, { input: { dealId, emails } });
      expect(stack.calls(LINK)).toBe(3);
      expect(stack.emulator.stats.snapshot().maxInFlight).toBe(3);
      const results = data.linkEmailsToDeal.results as any[];
      for (const [i, r] of results.entries()) {
        const related = contacts.find((c) => c.contactId === r.contactId)!.relatedDealIds.includes(dealId);
        expect(r.status, `item ${i}`).toBe(related ? 'SUCCEEDED' : 'FAILED');
        if (!related) expect(r.error.code).toBe('DEAL_NOT_RELATED');
      }
    } finally {
      await stack.setConfig({ latencyMs: 0 });
    }
  });
});

describe('reading contacts, their emails and the linked deals', () => {
  it('10 contacts × 10 emails × linkedDeal { name stage }: 1 contacts call, 10 email pages, 1 deals call', async () => {
    const ids = contactsWithEmails(stack.emulator, { minEmails: 10, count: 10 }).map((c) => c.contactId);
    stack.resetStats();
    const { data, errors } = await stack.gql(
      `query ($ids: [ID!]!) { contacts(ids: $ids) { id fullName emails(first: 10) { nodes { subject linkedDeal { name stage } } } } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data.contacts).toHaveLength(10);
    for (const c of data.contacts) expect(c.emails.nodes).toHaveLength(10);
    const calls = stack.allCalls();
    expect(calls['GET /crm/v8/Contacts']).toBe(1);
    expect(calls['GET /crm/v8/Contacts/{id}/Emails']).toBe(10);
    expect(calls['GET /crm/v8/Deals'] ?? 0).toBeLessThanOrEqual(1);
    expect(Object.keys(calls).sort()).toEqual(
      [
        'GET /crm/v8/Contacts',
        'GET /crm/v8/Contacts/{id}/Emails',
        ...(calls['GET /crm/v8/Deals'] ? ['GET /crm/v8/Deals'] : []),
      ].sort(),
    );
  });

  it('linkedDeal { id name } costs no deals call at all', async () => {
    const [c] = contactsWithEmails(stack.emulator, { minEmails: 10, count: 1 });
    stack.resetStats();
    const { data } = await stack.gql(
      `query ($id: ID!) { contact(id: $id) { emails(first: 10) { nodes { linkedDeal { id name } } } } }`,
      {
        id: c!.contactId,
      },
    );
    expect(data.contact.emails.nodes).toHaveLength(10);
    expect(stack.calls('GET /crm/v8/Deals')).toBe(0);
  });

  it('first: 30 chains three Zoho pages, and the cursor resumes where it stopped', async () => {
    const [c] = contactsWithEmails(stack.emulator, { minEmails: 45, count: 1 });
    stack.resetStats();
    const q = `query ($id: ID!, $first: Int, $after: String) { contact(id: $id) { emails(first: $first, after: $after) { edges { cursor node { messageId } } pageInfo { hasNextPage endCursor } } } }`;
    const a = await stack.gql(q, { id: c!.contactId, first: 30 });
    expect(stack.calls('GET /crm/v8/Contacts/{id}/Emails')).toBe(3);
    const b = await stack.gql(q, { id: c!.contactId, first: 15, after: a.data.contact.emails.pageInfo.endCursor });
    const ids = [...a.data.contact.emails.edges, ...b.data.contact.emails.edges].map((e: any) => e.node.messageId);
    expect(ids).toEqual(c!.emails.slice(0, 45).map((e) => e.messageId));
    expect(a.data.contact.emails.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses first above the documented cap of 100, with BAD_USER_INPUT', async () => {
    const { errors } = await stack.gql(
      `{ contact(id: "5843104000005878180") { emails(first: 101) { nodes { id } } } }`,
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('unlinking in bulk', () => {
  it('groups by contact and owner: 25 emails of one owner cost 2 unlink calls', async () => {
    const [c] = contactsWithEmails(stack.emulator, { minEmails: 30, count: 1 });
    const owner = c!.emails[0]!.ownerId;
    const mine = c!.emails.filter((e) => e.ownerId === owner).slice(0, 25);
    expect(mine.length).toBe(25);
    const { data } = await stack.gql(
      `mutation ($input: UnlinkEmailsFromDealInput!) { unlinkEmailsFromDeal(input: $input) { succeededCount results { status email { linkedDeal { id } } } } }`,
      { input: { emails: mine.map((e) => ({ contactId: c!.contactId, messageId: e.messageId, ownerId: e.ownerId })) } },
    );
    expect(data.unlinkEmailsFromDeal.succeededCount).toBe(25);
    expect(stack.calls(UNLINK)).toBe(2);
    for (const e of mine) expect(linkedDealOf(stack.emulator, e.messageId)).toBeNull();
  });
});
