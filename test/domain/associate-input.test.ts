import { describe, expect, it } from 'vitest';
import { checkAssociateInput, placement, type AssociateInput } from '../../src/domain/associate-input.ts';

const input = (over: Partial<AssociateInput> = {}): AssociateInput => ({
  contactId: '5843104000005878180',
  from: { name: 'Ann Client', email: 'ann@client.example' },
  to: [{ email: 'patricia.boyle@zylker.example' }],
  subject: 'Renewal',
  content: '<p>Hello</p>',
  sentAt: '2026-03-04T10:15:00+05:30',
  direction: 'RECEIVED',
  originalMessageId: '<abc.123@client.example>',
  ...over,
});

describe('associateEmail input, checked before any call', () => {
  it('accepts a complete email', () => {
    expect(checkAssociateInput(input())).toBeNull();
  });

  it.each([
    [{ contactId: null, dealId: null }, 'contactId'],
    [{ dealId: '12a' }, 'dealId'],
    [{ ownerId: 'me' }, 'ownerId'],
    [{ from: { email: 'nobody' } }, 'from.email'],
    [{ to: [] }, 'to'],
    [{ to: [{ email: 'a@b.example' }, { email: 'not an address' }] }, 'to[1].email'],
    [{ cc: Array.from({ length: 51 }, () => ({ email: 'a@b.example' })) }, 'cc'],
    [{ subject: '' }, 'subject'],
    [{ subject: 'x'.repeat(501) }, 'subject'],
    [{ content: 'x'.repeat(32_001) }, 'content'],
    [{ sentAt: '2026-03-04 10:15' }, 'sentAt'],
    [{ sentAt: '2026-03-04T10:15:00' }, 'sentAt'],
    [{ originalMessageId: '  ' }, 'originalMessageId'],
  ] as Array<[Partial<AssociateInput>, string]>)('refuses %j on %s', (over, field) => {
    expect(checkAssociateInput(input(over))?.field).toBe(field);
  });

  it('files on the contact, linked to the deal when one is given; or on the deal alone', () => {
    expect(placement(input())).toEqual({ module: 'Contacts', recordId: '5843104000005878180', linkDealId: null });
    expect(placement(input({ dealId: '5843104000004382122' }))).toEqual({
      module: 'Contacts',
      recordId: '5843104000005878180',
      linkDealId: '5843104000004382122',
    });
    expect(placement(input({ contactId: null, dealId: '5843104000004382122' }))).toEqual({
      module: 'Deals',
      recordId: '5843104000004382122',
      linkDealId: null,
    });
  });
});
