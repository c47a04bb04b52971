/**
 * Federation readiness, in process: the subgraph composes with another team's subgraph, its
 * entities and shareable value types are what a supergraph needs, and `_service { sdl }` and
 * `_entities` answer over HTTP as a router calls them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeServices } from '@apollo/composition';
import { buildSchema, parse, print, type DocumentNode, type GraphQLObjectType } from 'graphql';
import { ARTICLE } from '../../src/emulator/index.ts';
import { encodeEmailId } from '../../src/domain/ids.ts';
import { composeSupergraph, printSubgraphSdl, SUBGRAPH_NAME } from '../../scripts/supergraph.ts';
import { startStack, type Stack } from '../support/gateway.ts';
import { SUPPORT_TYPE_DEFS } from './support-subgraph.ts';

const ours = (opts: { relayNode?: boolean } = {}) => ({
  name: SUBGRAPH_NAME,
  url: 'http://zoho-email.internal/graphql',
  typeDefs: parse(printSubgraphSdl(opts)),
});
const support = (typeDefs: DocumentNode = SUPPORT_TYPE_DEFS) => ({
  name: 'support',
  url: 'http://support.internal/graphql',
  typeDefs,
});

describe('composition with an independent support-ticket subgraph (@apollo/composition)', () => {
  it("composes without errors, each side extending the other's entities", () => {
    const result = composeServices([ours(), support()]);
    expect(result.errors).toBeUndefined();
    const schema = buildSchema(result.supergraphSdl!);
    const contact = schema.getType('Contact') as GraphQLObjectType;
    const deal = schema.getType('Deal') as GraphQLObjectType;
    const ticket = schema.getType('Ticket') as GraphQLObjectType;
    expect(String(ticket.getFields().contact?.type)).toBe('Contact!');
    // Our fields and theirs on the same entities.
    expect(Object.keys(contact.getFields())).toEqual(
      expect.arrayContaining(['fullName', 'emails', 'deals', 'tickets']),
    );
    expect(Object.keys(deal.getFields())).toEqual(
      expect.arrayContaining(['name', 'stageCategory', 'emails', 'tickets', 'openTicketCount']),
    );
    // Both subgraphs can resolve PageInfo: it is @shareable on both sides.
    expect(result.supergraphSdl).toMatch(
      /type PageInfo\s+@join__type\(graph: SUPPORT\)\s+@join__type\(graph: ZOHO_EMAIL\)/,
    );
  });

  it('declares Contact, Deal and Email as entities keyed by id', () => {
    const sdl = printSubgraphSdl();
    for (const type of ['Contact', 'Deal', 'Email']) {
      expect(sdl).toMatch(new RegExp(`type ${type} implements Node\\s+@key\\(fields: "id"\\)`));
    }
  });

  // A value type has no key, so each subgraph that defines it must define all of its fields:
  // otherwise the other subgraph's queries could not reach the missing ones.
  it('lets another subgraph define the value types it would plausibly share: PageInfo, ZohoUser, EmailAddress', () => {
    const other = parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])
      type Query { me: Account }
      type Account @key(fields: "id") { id: ID!  crmUser: ZohoUser  address: EmailAddress  history: PageInfo }
      type ZohoUser @shareable { id: ID!  name: String  email: String }
      type EmailAddress @shareable { name: String  email: String }
      type PageInfo @shareable { hasNextPage: Boolean!  endCursor: String  hasPreviousPage: Boolean!  startCursor: String }
    `);
    expect(
      composeServices([ours(), { name: 'accounts', url: 'http://accounts.internal/graphql', typeDefs: other }]).errors,
    ).toBeUndefined();
  });

  it('fails to compose, as it should, when the other subgraph does not mark a shared type shareable', () => {
    const careless = parse(print(SUPPORT_TYPE_DEFS).replace('type PageInfo @shareable', 'type PageInfo'));
    const result = composeServices([ours(), support(careless)]);
    expect(result.errors?.map((e) => e.message).join('\n')).toMatch(
      /Non-shareable field "PageInfo\.hasNextPage" is resolved from multiple subgraphs/,
    );
  });

  it('refuses, as it should, a shared PageInfo that lacks the Relay fields this one has', () => {
    const partial = parse(print(SUPPORT_TYPE_DEFS).replace(/\s+hasPreviousPage: Boolean!\s+startCursor: String/, ''));
    expect(
      composeServices([ours(), support(partial)])
        .errors?.map((e) => e.message)
        .join('\n'),
    ).toMatch(/hasPreviousPage/);
  });

  it("carries @listSize on the email connections into the supergraph, for the router's demand control", () => {
    const supergraph = composeSupergraph('http://localhost:4000/graphql');
    expect(supergraph).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])');
    expect(
      supergraph.match(/EmailConnection! @listSize\(slicingArguments: \["first"\], sizedFields: \["edges", "nodes"\]/g),
    ).toHaveLength(2);
    expect(supergraph).toContain('join__Graph');
    expect(supergraph).toContain('@join__graph(name: "zoho_email", url: "http://localhost:4000/graphql")');
  });
});

describe('beside another subgraph that defines its own Relay Node', () => {
  const withNode = (extra: string) =>
    parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Invoice implements Node @key(fields: "id") { id: ID!  total: Float }
      ${extra}
    `);
  const errorsOf = (...subgraphs: Array<ReturnType<typeof ours>>) =>
    composeServices(subgraphs).errors?.map((e) => e.message) ?? [];
  const other = (typeDefs: DocumentNode) => ({ name: 'billing', url: 'http://billing.internal/graphql', typeDefs });

  it('composes with one that has the Node interface only: our node(id:) then serves our ids', () => {
    const billing = other(withNode('interface Node { id: ID! }  type Query { invoices: [Invoice!]! }'));
    expect(errorsOf(ours(), billing)).toEqual([]);
  });

  it('clashes with one that serves Query.node too, and composes once GATEWAY_RELAY_NODE=false leaves ours out', () => {
    const billing = other(withNode('interface Node { id: ID! }  type Query { node(id: ID!): Node }'));
    expect(errorsOf(ours(), billing).join('\n')).toMatch(/Non-shareable field "Query\.node" is resolved from multiple/);
    expect(errorsOf(ours({ relayNode: false }), billing)).toEqual([]);
  });

  it('composes under a dedicated Node host (an entity interface listing our types) with ours off', () => {
    const host = other(
      withNode(`
        interface Node @key(fields: "id") { id: ID! }
        type Contact implements Node @key(fields: "id") { id: ID! }
        type Deal implements Node @key(fields: "id") { id: ID! }
        type Email implements Node @key(fields: "id") { id: ID! }
        type Query { node(id: ID!): Node }
      `),
    );
    expect(errorsOf(ours({ relayNode: false }), host)).toEqual([]);
    expect(errorsOf(ours(), host).join('\n')).toMatch(/Query\.node/);
  });
});

describe("the subgraph's federation fields over HTTP", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.resetStats());

  it('answers _service { sdl } with the printed subgraph schema, federation directives included', async () => {
    const { data, errors } = await stack.gql(`{ _service { sdl } }`);
    expect(errors).toBeUndefined();
    expect(data._service.sdl + '\n').toBe(printSubgraphSdl());
    expect(data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
    expect(stack.allCalls()).toEqual({});
  });

  it('resolves 50 Deal representations in one _entities call with one Zoho deals call', async () => {
    const ids = stack.emulator.store.db
      .prepare('SELECT DISTINCT id FROM deals ORDER BY id LIMIT 50')
      .pluck()
      .all() as string[];
    expect(ids).toHaveLength(50);
    const { data, errors } = await stack.gql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Deal { id name } } }`,
      { r: ids.map((id) => ({ __typename: 'Deal', id })) },
    );
    expect(errors).toBeUndefined();
    expect(data._entities.map((d: { id: string }) => d.id)).toEqual(ids);
    expect(data._entities.every((d: { name: string | null }) => typeof d.name === 'string')).toBe(true);
    expect(stack.allCalls()).toEqual({ 'GET /crm/v8/Deals': 1 });
  });

  it('resolves an Email from its id alone (the id encodes contact and message), and ignores ids that are not ours', async () => {
    const id = encodeEmailId(
      { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails },
      ARTICLE.emailOfFirstContact,
    );
    const { data, errors } = await stack.gql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Email { id messageId contact { id } subject } } }`,
      {
        r: [
          { __typename: 'Email', id },
          { __typename: 'Email', id: 'not-one-of-ours' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data._entities[0]).toMatchObject({
      id,
      messageId: ARTICLE.emailOfFirstContact,
      contact: { id: ARTICLE.contactWithManyEmails },
      subject: expect.any(String),
    });
    expect(data._entities[1]).toBeNull();
    expect(stack.allCalls()).toEqual({ 'GET /crm/v8/Contacts/{id}/Emails/{message_id}': 1 });
  });
});
