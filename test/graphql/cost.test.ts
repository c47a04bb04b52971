/**
 * The estimate of Zoho calls, from the document and its variables alone, against the schema's
 * prices: pages of 10, batches of 100, one call per email body, the mutations' plans, entities.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { buildGatewaySchema } from '../../src/graphql/schema.ts';
import { CostModel } from '../../src/graphql/cost.ts';

const model = new CostModel(buildGatewaySchema());
const est = (q: string, variables: Record<string, unknown> = {}) => model.estimate(parse(q), variables);
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(5843104000000000000n + BigInt(i)));

describe('queries', () => {
  it('a contact and a page of its emails: one call per 10 emails, and the contact read only when a field of its record is asked for', () => {
    expect(est('{ contact(id: "1") { fullName emails { nodes { subject } } } }').calls).toBe(2);
    expect(est('{ contact(id: "1") { emails(first: 30) { nodes { subject } } } }').calls).toBe(3);
    expect(est('{ contact(id: "1") { id emails(first: 100) { edges { node { subject } } } } }').calls).toBe(10);
    // From a cursor, the page cannot tell whether the contact exists: its record is read.
    expect(est('{ contact(id: "1") { emails(first: 10, after: "x") { nodes { subject } } } }').calls).toBe(2);
    expect(
      est('fragment F on Contact { fullName } { contact(id: "1") { ...F emails { nodes { subject } } } }').calls,
    ).toBe(2);
  });

  it('sizes lists from the variables', () => {
    const q = 'query($n: Int) { contact(id: "1") { emails(first: $n) { nodes { subject } } } }';
    expect(est(q, { n: 50 }).calls).toBe(5);
    expect(est(q, {}).calls).toBe(1);
  });

  it('an email body is one call per email; deals load 100 per call across the request', () => {
    expect(est('{ contact(id: "1") { emails(first: 100) { nodes { content } } } }').calls).toBe(110);
    expect(est('{ contact(id: "1") { emails(first: 100) { nodes { linkedDeal { stage } } } } }').calls).toBe(11);
  });

  it('contacts(ids:) costs one call per 100 ids, and each contact its own lists', () => {
    expect(est('query($ids: [ID!]!) { contacts(ids: $ids) { fullName } }', { ids: ids(20) }).calls).toBe(1);
    const big = 'query($ids: [ID!]!) { contacts(ids: $ids) { emails(first: 100) { nodes { content } } } }';
    expect(est(big, { ids: ids(20) }).calls).toBe(20 * 110);
  });

  it('a filter may scan up to 20 pages', () => {
    expect(est('{ contact(id: "1") { emails(filter: { linked: false }) { nodes { subject } } } }').calls).toBe(21);
  });

  it('introspection costs nothing', () => {
    expect(est('{ __schema { types { name } } }').calls).toBe(0);
  });
});

describe('_entities', () => {
  const q =
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Email { subject } ... on Contact { fullName } } }';
  it('counts representations, and prices each type as its lookup does', () => {
    const emails = Array.from({ length: 1000 }, (_, i) => ({ __typename: 'Email', id: `e${i}` }));
    const contacts = Array.from({ length: 150 }, (_, i) => ({ __typename: 'Contact', id: String(i) }));
    const e = est(q, { r: [...emails, ...contacts] });
    expect(e.entities).toBe(1150);
    expect(e.calls).toBe(1000 + 2);
  });
});

describe('mutations', () => {
  const LINK = 'mutation($i: LinkEmailsToDealInput!) { linkEmailsToDeal(input: $i) { succeededCount } }';
  const MOVE = 'mutation($i: MoveEmailsToDealInput!) { moveEmailsToDeal(input: $i) { succeededCount } }';
  const UNLINK = 'mutation($i: UnlinkEmailsFromDealInput!) { unlinkEmailsFromDeal(input: $i) { succeededCount } }';
  const refs = (contacts: number, each: number, owner: boolean) =>
    Array.from({ length: contacts * each }, (_, i) => ({
      contactId: String(1000 + Math.floor(i / each)),
      messageId: `m${i}abc`,
      ...(owner ? { ownerId: '77' } : {}),
    }));

  it('link: the deal read, one call per 20 emails of a contact, one read per email without an owner', () => {
    expect(est(LINK, { i: { dealId: '9', emails: refs(1, 100, true) } }).calls).toBe(1 + 5);
    expect(est(LINK, { i: { dealId: '9', emails: refs(1, 100, false) } }).calls).toBe(1 + 5 + 100);
    expect(est(LINK, { i: { dealId: '9', emails: refs(500, 1, false) } }).calls).toBe(1001);
  });

  it('move reads every email; unlink reads only to check expectedDealId or to find owners', () => {
    expect(est(MOVE, { i: { dealId: '9', emails: refs(2, 30, true) } }).calls).toBe(1 + 60 + 4);
    expect(est(UNLINK, { i: { emails: refs(2, 30, true) } }).calls).toBe(4);
    expect(est(UNLINK, { i: { emails: refs(2, 30, true), expectedDealId: '9' } }).calls).toBe(64);
  });
});
