/**
 * Query limits for a public graph (graphql-armor): each limit, when hit, answers HTTP 400 with its
 * own code and costs Zoho nothing; the defaults let real operations and schema introspection
 * through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import { DEFAULT_LIMITS, type QueryLimits } from '../../src/settings.ts';
import { LINK_MUTATION } from '../support/operations.ts';
import { contactsWithEmails } from '../support/fixtures.ts';
import { startOpsStack, type OpsStack } from './support.ts';

const ID = '5843104000005878180';

describe('each limit, set low (one at a time, the others at their defaults)', () => {
  const refused = async (limits: Partial<QueryLimits>, query: string, code: string, limit: number) => {
    const stack = await startOpsStack({ gateway: { limits } });
    try {
      stack.resetStats();
      const r = await stack.gql(query);
      expect(r.status).toBe(400);
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.extensions).toEqual({ code, limit });
      // Refused before any resolver ran: Zoho saw nothing.
      expect(stack.allCalls()).toEqual({});
      expect((await stack.metrics()).value('gateway_graphql_operations_total', { outcome: code })).toBe(1);
      // And a small query on the same gateway still runs.
      const ok = await stack.gql(`{ contact(id: "${ID}") { fullName } }`);
      expect(ok.data.contact.fullName).toBe('Rebecca Lindqvist');
      return r.errors![0]!.message;
    } finally {
      await stack.close();
    }
  };

  it('depth: QUERY_TOO_DEEP', async () => {
    const message = await refused(
      { maxDepth: 3 },
      `{ contact(id: "${ID}") { emails(first: 1) { nodes { linkedDeal { name } } } } }`,
      'QUERY_TOO_DEEP',
      3,
    );
    expect(message).toBe('Query depth limit of 3 exceeded, found 5.');
  });

  it('aliases: TOO_MANY_ALIASES', async () => {
    const message = await refused(
      { maxAliases: 2 },
      `{ a: contact(id: "${ID}") { id } b: contact(id: "${ID}") { id } c: contact(id: "${ID}") { id } }`,
      'TOO_MANY_ALIASES',
      2,
    );
    expect(message).toBe('Aliases limit of 2 exceeded, found 3.');
  });

  it('directives: TOO_MANY_DIRECTIVES', async () => {
    await refused(
      { maxDirectives: 2 },
      `{ contact(id: "${ID}") { id @skip(if: false) fullName @skip(if: false) lastName @skip(if: false) } }`,
      'TOO_MANY_DIRECTIVES',
      2,
    );
  });

  it('tokens: TOO_MANY_TOKENS, counted before the document is parsed', async () => {
    const message = await refused(
      { maxTokens: 40 },
      `{ contact(id: "${ID}") { ${'id '.repeat(50)} } }`,
      'TOO_MANY_TOKENS',
      40,
    );
    expect(message).toBe('Token limit of 40 exceeded.');
  });
});

describe('the default limits', () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack();
  });
  afterAll(() => stack?.close());

  it('are the documented ones', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 5_000,
      maxDirectives: 50,
      maxZohoCalls: 2_000,
      maxEntities: 500,
    });
  });

  it("let Sandbox's full introspection query and a router's _service { sdl } through", async () => {
    const intro = await stack.gql(
      getIntrospectionQuery({
        descriptions: true,
        inputValueDeprecation: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
      }),
    );
    expect(intro.errors).toBeUndefined();
    expect(intro.data.__schema.queryType.name).toBe('Query');
    const sdl = await stack.gql('{ _service { sdl } }');
    expect(sdl.errors).toBeUndefined();
  });

  it("let the README's operations through: a contact's emails with their deals, and a link of many emails", async () => {
    const read = await stack.gql(`{
      contact(id: "${ID}") {
        fullName
        emails(first: 2) {
          pageInfo { hasNextPage endCursor }
          nodes { messageId subject direction sentAt linkedDeal { name stage stageCategory } }
        }
      }
    }`);
    expect(read.errors).toBeUndefined();
    const [c] = contactsWithEmails(stack.emulator, { minEmails: 45, count: 1 });
    const emails = c!.emails
      .slice(0, 45)
      .map((e) => ({ contactId: c!.contactId, messageId: e.messageId, ownerId: e.ownerId }));
    const link = await stack.gql(LINK_MUTATION, { input: { dealId: c!.relatedDealIds[0], emails } });
    expect(link.errors).toBeUndefined();
    expect(link.data.linkEmailsToDeal.succeededCount).toBe(45);
  });

  it('let a federated entity fetch through, as a router sends it', async () => {
    const r = await stack.gql(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Contact { id fullName emails(first: 2) { edges { node { subject linkedDeal { id name stage } } } } } } }`,
      { representations: [{ __typename: 'Contact', id: ID }] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data._entities[0].fullName).toBe('Rebecca Lindqvist');
  });
});
