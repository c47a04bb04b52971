/**
 * A contact asked for only with its emails costs no read of its record: the first page of emails,
 * which the emails field needs anyway, says whether the contact exists. Counting Zoho's calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { contactsWithEmails, type ContactFixture } from '../support/fixtures.ts';

const RECORD = 'GET /crm/v8/Contacts';
const PAGE = 'GET /crm/v8/Contacts/{id}/Emails';
const UNKNOWN = '5843104999999999999';

let stack: Stack;
let c: ContactFixture;
beforeAll(async () => {
  stack = await startStack();
  c = contactsWithEmails(stack.emulator, { minEmails: 6, count: 1 })[0]!;
});
afterAll(() => stack?.close());

async function run(query: string, variables: Record<string, unknown> = {}) {
  stack.resetStats();
  const res = await stack.gql(query, variables);
  return { res, record: stack.calls(RECORD), pages: stack.calls(PAGE), all: stack.allCalls() };
}

describe('contact(id:) with only its emails', () => {
  it('is one Zoho call: the page of emails, and no read of the contact', async () => {
    const r = await run(`query($id: ID!) { contact(id: $id) { id emails(first: 5) { nodes { subject } } } }`, {
      id: c.contactId,
    });
    expect(r.res.errors).toBeUndefined();
    expect(r.res.data.contact.emails.nodes).toHaveLength(5);
    expect(r.all).toEqual({ [PAGE]: 1 });
  });

  it('answers null with no error for an unknown id, from the page of emails', async () => {
    const r = await run(`{ contact(id: "${UNKNOWN}") { emails { nodes { subject } } } }`);
    expect(r.res.errors).toBeUndefined();
    expect(r.res.data.contact).toBeNull();
    expect(r.all).toEqual({ [PAGE]: 1 });
  });

  it('looks through fragments, and reads the record once a record field is asked for', async () => {
    const viaFragment = await run(
      `query($id: ID!) { contact(id: $id) { ...E } } fragment E on Contact { emails(type: SENT_FROM_CRM) { nodes { subject } } }`,
      { id: c.contactId },
    );
    expect(viaFragment.res.errors).toBeUndefined();
    expect(viaFragment.record).toBe(0);
    const withName = await run(
      `query($id: ID!) { contact(id: $id) { ...N emails { nodes { subject } } } } fragment N on Contact { fullName }`,
      { id: c.contactId },
    );
    expect(withName.res.data.contact.fullName).toBeTruthy();
    expect(withName.record).toBe(1);
    expect(withName.pages).toBe(1);
  });

  it('a skipped record field is not asked for', async () => {
    const r = await run(
      `query($id: ID!, $name: Boolean!) { contact(id: $id) { fullName @include(if: $name) emails { nodes { subject } } } }`,
      { id: c.contactId, name: false },
    );
    expect(r.res.errors).toBeUndefined();
    expect(r.record).toBe(0);
  });
});

describe('contacts(ids:) with only their emails', () => {
  it('one page per contact, null for an unknown id, and no read of the records', async () => {
    const r = await run(`query($ids: [ID!]!) { contacts(ids: $ids) { id emails(first: 2) { nodes { subject } } } }`, {
      ids: [c.contactId, UNKNOWN],
    });
    expect(r.res.errors).toBeUndefined();
    expect(r.res.data.contacts[0].id).toBe(c.contactId);
    expect(r.res.data.contacts[1]).toBeNull();
    expect(r.all).toEqual({ [PAGE]: 2 });
  });
});
