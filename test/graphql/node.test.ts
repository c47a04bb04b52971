/**
 * Relay's Global Object Identification: `node(id:)` and `nodes(ids:)` refetch an Email by its
 * opaque id and a Contact or Deal by its Zoho record id, batched like every other lookup; and the
 * connections' PageInfo carries all four Relay fields.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { encodeEmailId } from '../../src/domain/ids.ts';
import { startStack, type Stack } from '../support/gateway.ts';

const NODE = `query ($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Contact { fullName }
    ... on Deal { name stage }
    ... on Email { messageId subject linkedDeal { id } }
  }
}`;

describe('node(id:) and nodes(ids:)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());

  const emailId = encodeEmailId(
    { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails },
    ARTICLE.emailOfFirstContact,
  );

  it('finds a contact by its Zoho record id, looking in Contacts and Deals at once', async () => {
    const { data, errors } = await stack.gql(NODE, { id: ARTICLE.contactWithManyEmails });
    expect(errors).toBeUndefined();
    expect(data.node).toEqual({
      __typename: 'Contact',
      id: ARTICLE.contactWithManyEmails,
      fullName: 'Rebecca Lindqvist',
    });
    expect(stack.allCalls()).toEqual({ 'GET /crm/v8/Contacts': 1, 'GET /crm/v8/Deals': 1 });
  });

  it('finds a deal by its Zoho record id', async () => {
    const { data, errors } = await stack.gql(NODE, { id: ARTICLE.dealTravelInsurance });
    expect(errors).toBeUndefined();
    expect(data.node).toMatchObject({ __typename: 'Deal', id: ARTICLE.dealTravelInsurance, name: 'Travel Insurance' });
  });

  it('finds an email by its opaque id, and it is the same email the contact lists', async () => {
    const { data, errors } = await stack.gql(NODE, { id: emailId });
    expect(errors).toBeUndefined();
    expect(data.node).toMatchObject({ __typename: 'Email', id: emailId, messageId: ARTICLE.emailOfFirstContact });
    expect(typeof data.node.subject).toBe('string');
    expect(stack.allCalls()).toEqual({ 'GET /crm/v8/Contacts/{id}/Emails/{message_id}': 1 });

    const listed = await stack.gql(
      `{ contact(id: "${ARTICLE.contactWithManyEmails}") { emails(first: 10) { nodes { id messageId } } } }`,
    );
    const same = listed.data.contact.emails.nodes.find((e: any) => e.messageId === ARTICLE.emailOfFirstContact);
    expect(same.id).toBe(emailId);
  });

  it('answers null for an id nothing has, and for an id this API never issued', async () => {
    const absentEmail = encodeEmailId({ module: 'Contacts', recordId: ARTICLE.contactWithManyEmails }, 'abc123');
    for (const id of ['5843104000099999999', 'not-an-id', 'RGVhbDox', absentEmail]) {
      const { data, errors } = await stack.gql(NODE, { id });
      expect(errors, id).toBeUndefined();
      expect(data.node, id).toBeNull();
    }
  });

  it('refetches many objects of mixed types in order, with one Zoho call per module for all record ids', async () => {
    const contactIds = stack.emulator.store.db
      .prepare('SELECT id FROM contacts ORDER BY id LIMIT 3')
      .pluck()
      .all() as string[];
    const dealIds = stack.emulator.store.db
      .prepare('SELECT id FROM deals ORDER BY id LIMIT 3')
      .pluck()
      .all() as string[];
    const ids = [
      dealIds[0]!,
      contactIds[0]!,
      '5843104000099999999',
      emailId,
      contactIds[1]!,
      dealIds[1]!,
      contactIds[2]!,
      dealIds[2]!,
    ];
    stack.resetStats();
    const { data, errors } = await stack.gql(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(errors).toBeUndefined();
    expect(data.nodes).toEqual([
      { __typename: 'Deal', id: dealIds[0] },
      { __typename: 'Contact', id: contactIds[0] },
      null,
      { __typename: 'Email', id: emailId },
      { __typename: 'Contact', id: contactIds[1] },
      { __typename: 'Deal', id: dealIds[1] },
      { __typename: 'Contact', id: contactIds[2] },
      { __typename: 'Deal', id: dealIds[2] },
    ]);
    expect(stack.allCalls()).toEqual({
      'GET /crm/v8/Contacts': 1,
      'GET /crm/v8/Deals': 1,
      'GET /crm/v8/Contacts/{id}/Emails/{message_id}': 1,
    });
  });

  it('refuses more than 100 ids, before any Zoho call', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(5843104000000000000n + BigInt(i)));
    const { data, errors } = await stack.gql(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids', limit: 100 });
    expect(stack.allCalls()).toEqual({});
  });
});

describe('GATEWAY_RELAY_NODE=false (a supergraph with another Node host)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { relayNode: false } });
  });
  afterAll(() => stack.close());

  it('leaves node and nodes out of the schema; the Node interface stays on Email, Contact and Deal', async () => {
    const { errors } = await stack.gql(NODE, { id: ARTICLE.contactWithManyEmails });
    expect(errors?.[0]?.message).toMatch(/Cannot query field "node" on type "Query"/);
    const { data } = await stack.gql(`{ _service { sdl } }`);
    expect(data._service.sdl).not.toMatch(/\bnode\(id: ID!\)/);
    expect(data._service.sdl).toMatch(/type Contact implements Node/);
  });
});

describe('PageInfo: all four Relay fields', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const PAGE = `query ($after: String) {
    contact(id: "${ARTICLE.contactWithManyEmails}") {
      emails(first: 3, after: $after) {
        edges { cursor }
        pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
      }
    }
  }`;

  it('says where a page starts and ends, and whether emails come before and after it', async () => {
    const first = (await stack.gql(PAGE)).data.contact.emails;
    expect(first.pageInfo).toEqual({
      hasNextPage: true,
      endCursor: first.edges[2].cursor,
      hasPreviousPage: false,
      startCursor: first.edges[0].cursor,
    });
    const second = (await stack.gql(PAGE, { after: first.pageInfo.endCursor })).data.contact.emails;
    expect(second.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: second.edges[0].cursor });
    expect(second.edges[0].cursor).not.toBe(first.edges[0].cursor);
  });
});
