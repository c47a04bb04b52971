/**
 * associateEmail: logging mail from outside the CRM, idempotent on the original Message-ID,
 * against the emulator's Associate Email and email_available.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/gateway.ts';
import { contactsWithEmails, linkedDealOf, unrelatedDeal, type ContactFixture } from '../support/fixtures.ts';

const ASSOCIATE_ON_CONTACT = 'POST /crm/v8/Contacts/{id}/actions/associate_email';
const ASSOCIATE_ON_DEAL = 'POST /crm/v8/Deals/{id}/actions/associate_email';
const AVAILABLE = 'GET /crm/v8/actions/email_available';
const ASSOCIATE = /* GraphQL */ `
  mutation Associate($input: AssociateEmailInput!) {
    associateEmail(input: $input) {
      status
      alreadyExisted
      error {
        code
        message
        vendorCode
        field
      }
      email {
        id
        messageId
        linkedDeal {
          id
        }
      }
    }
  }
`;

let stack: Stack;
let c: ContactFixture;
let serial = 0;
/** A fresh email from the fixture contact, unique by its Message-ID. */
const email = (over: Record<string, unknown> = {}) => ({
  contactId: c.contactId,
  from: { name: 'Ann Client', email: 'ann@client.example' },
  to: [{ name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example' }],
  cc: [{ email: 'desk@zylker.example' }],
  subject: 'Renewal terms',
  content: '<p>Can we renew at last year’s price?</p>',
  format: 'HTML',
  sentAt: '2026-03-04T10:15:00+05:30',
  direction: 'RECEIVED',
  originalMessageId: `<renewal.${++serial}@client.example>`,
  ...over,
});

beforeAll(async () => {
  stack = await startStack({
    zoho: { timeoutMs: 1_000, retry: { initialDelayMs: 5, maxDelayMs: 20, maxTotalMs: 1_500, maxAttempts: 3 } },
  });
  c = contactsWithEmails(stack.emulator, { minEmails: 1, count: 1 })[0]!;
  await stack.gql(`{ deal(id: "${c.relatedDealIds[0]}") { stageCategory } }`);
  stack.resetStats();
});
afterAll(() => stack?.close());
afterEach(async () => {
  await stack.emulator.admin('DELETE', '/__emulator/faults');
  stack.resetStats();
});

async function associate(input: Record<string, unknown>) {
  const res = await stack.gql(ASSOCIATE, { input });
  expect(res.errors).toBeUndefined();
  return res.data.associateEmail as { status: string; alreadyExisted: boolean; error: any; email: any };
}

/** The emails the emulator holds with this Message-ID. */
function stored(originalMessageId: string) {
  return stack.emulator.store.db
    .prepare('SELECT message_id, linked_deal_id, sent, subject FROM emails WHERE original_message_id = ?')
    .all(originalMessageId) as Array<{
    message_id: string;
    linked_deal_id: string | null;
    sent: number;
    subject: string;
  }>;
}

describe('logging a new email', () => {
  it('on a contact, linked to a given deal: one Associate Email call, and the email as it now is', async () => {
    const dealId = c.relatedDealIds[0]!;
    const input = email({ dealId });
    const res = await stack.gql(
      `mutation ($input: AssociateEmailInput!) {
        associateEmail(input: $input) { status alreadyExisted error { code } email { messageId subject direction cc { email } contact { id } linkedDeal { id } } }
      }`,
      { input },
    );
    const p = res.data.associateEmail;
    const [row] = stored(input.originalMessageId);
    expect(p).toMatchObject({ status: 'SUCCEEDED', alreadyExisted: false, error: null });
    expect(p.email).toEqual({
      messageId: row!.message_id,
      subject: 'Renewal terms',
      direction: 'RECEIVED',
      cc: [{ email: 'desk@zylker.example' }],
      contact: { id: c.contactId },
      linkedDeal: { id: dealId },
    });
    expect(row!.linked_deal_id).toBe(dealId);
    expect(stack.calls(ASSOCIATE_ON_CONTACT)).toBe(1);
    expect(stack.calls(AVAILABLE)).toBe(0);
  });

  it('on a contact alone, a received email is linked by Zoho deal prediction, as dealPrediction foretold', async () => {
    const before = await stack.gql(`{ contact(id: "${c.contactId}") { dealPrediction { deal { id } } } }`);
    const input = email();
    const p = await associate(input);
    const predicted = before.data.contact.dealPrediction.deal?.id ?? null;
    expect(p.status).toBe('SUCCEEDED');
    expect(p.email.linkedDeal?.id ?? null).toBe(predicted);
    expect(linkedDealOf(stack.emulator, p.email.messageId)).toBe(predicted);
  });

  it('on a deal alone: filed under the deal and linked to it', async () => {
    const dealId = c.relatedDealIds[0]!;
    const input = email({ contactId: null, dealId, direction: 'SENT', format: 'TEXT', content: 'Plain text' });
    const p = await associate(input);
    expect(p).toMatchObject({ status: 'SUCCEEDED', email: { linkedDeal: { id: dealId } } });
    expect(stored(input.originalMessageId)[0]).toMatchObject({ linked_deal_id: dealId, sent: 1 });
    expect(stack.calls(ASSOCIATE_ON_DEAL)).toBe(1);
  });
});

describe('idempotent on originalMessageId', () => {
  it('a repeat creates nothing and reports the existing email as a success that already existed', async () => {
    const input = email({ dealId: c.relatedDealIds[0] });
    const first = await associate(input);
    stack.resetStats();

    const again = await associate(input);

    expect(again).toMatchObject({ status: 'SUCCEEDED', alreadyExisted: true, error: null });
    expect(again.email.messageId).toBe(first.email.messageId);
    expect(again.email.id).toBe(first.email.id);
    expect(again.email.linkedDeal.id).toBe(c.relatedDealIds[0]);
    expect(stored(input.originalMessageId)).toHaveLength(1);
    // The refused duplicate, then email_available to learn where it is.
    expect(stack.calls(ASSOCIATE_ON_CONTACT)).toBe(1);
    expect(stack.calls(AVAILABLE)).toBe(1);
  });

  it('an after-phase fault (written, answer lost) is resolved through email_available, not by writing twice', async () => {
    await stack.emulator.admin('POST', '/__emulator/faults', {
      route: ASSOCIATE_ON_CONTACT,
      status: 500,
      phase: 'after',
      count: 1,
    });
    const input = email({ dealId: c.relatedDealIds[0] });

    const p = await associate(input);

    const rows = stored(input.originalMessageId);
    expect(rows).toHaveLength(1);
    expect(p).toMatchObject({ status: 'SUCCEEDED', alreadyExisted: false, email: { messageId: rows[0]!.message_id } });
    expect(stack.calls(ASSOCIATE_ON_CONTACT)).toBe(1);
    expect(stack.calls(AVAILABLE)).toBe(1);
  });

  it('a before-phase fault (nothing written) is checked, then sent once more', async () => {
    await stack.emulator.admin('POST', '/__emulator/faults', { route: ASSOCIATE_ON_CONTACT, status: 500, count: 1 });
    const input = email();
    const p = await associate(input);
    expect(p).toMatchObject({ status: 'SUCCEEDED', alreadyExisted: false });
    expect(stored(input.originalMessageId)).toHaveLength(1);
    expect(stack.calls(ASSOCIATE_ON_CONTACT)).toBe(2);
  });
});

describe('refusals', () => {
  it('checks the input before any call', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ contactId: null }, 'contactId'],
      [{ contactId: '58431O4' }, 'contactId'],
      [{ to: [] }, 'to'],
      [{ from: { email: 'not-an-address' } }, 'from.email'],
      [{ sentAt: 'yesterday' }, 'sentAt'],
      [{ subject: '' }, 'subject'],
    ];
    for (const [over, field] of cases) {
      const p = await associate(email(over));
      expect(p, field).toMatchObject({
        status: 'FAILED',
        alreadyExisted: false,
        email: null,
        error: { code: 'INVALID_INPUT', field },
      });
    }
    expect(stack.allCalls()).toEqual({});
  });

  it('a deal unrelated to the contact is DEAL_NOT_RELATED; an unknown contact is NOT_FOUND', async () => {
    const unrelated = await associate(email({ dealId: unrelatedDeal(stack.emulator, c.contactId) }));
    expect(unrelated.error).toMatchObject({ code: 'DEAL_NOT_RELATED', vendorCode: 'INVALID_DATA', field: 'dealId' });
    const unknown = await associate(email({ contactId: '5843104999999999999' }));
    expect(unknown.error).toMatchObject({ code: 'NOT_FOUND', field: 'contactId' });
  });
});
