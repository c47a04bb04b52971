/**
 * The subgraph in a federated graph, end to end over HTTP: @apollo/gateway composes it with an
 * independent support-ticket subgraph through IntrospectAndCompose (each subgraph's
 * `_service { sdl }`), every server on an ephemeral port, and the emulator counts what each
 * query costs in Zoho calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose } from '@apollo/gateway';
import { ARTICLE } from '../../src/emulator/index.ts';
import { startStack, type Stack } from '../support/gateway.ts';
import { startSupportSubgraph, type SupportSubgraph, type TicketRow } from './support-subgraph.ts';

const REBECCA = ARTICLE.contactWithManyEmails;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let stack: Stack;
let support: SupportSubgraph;
let router: ApolloServer;
let routerUrl: string;
let fiftyDeals: Array<{ id: string; name: string; contactId: string }>;

async function federated(query: string, variables?: Record<string, unknown>) {
  const res = await fetch(routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
}

beforeAll(async () => {
  stack = await startStack();
  const db = stack.emulator.store.db;
  const { orgId } = db.prepare('SELECT org_id AS orgId FROM deals WHERE id = ?').get(ARTICLE.dealTravelInsurance) as {
    orgId: string;
  };
  fiftyDeals = db
    .prepare(
      `SELECT id, deal_name AS name, contact_id AS contactId FROM deals
        WHERE org_id = ? AND contact_id IS NOT NULL AND id <> ? ORDER BY id LIMIT 50`,
    )
    .all(orgId, ARTICLE.dealTravelInsurance) as typeof fiftyDeals;
  expect(fiftyDeals).toHaveLength(50);

  const tickets: TicketRow[] = [
    // Two tickets of the article's contact, one about her Travel Insurance deal.
    {
      id: 'T-1',
      title: 'Claim form will not upload',
      status: 'OPEN',
      contactId: REBECCA,
      dealId: ARTICLE.dealTravelInsurance,
    },
    { id: 'T-2', title: 'Password reset', status: 'SOLVED', contactId: REBECCA, dealId: null },
    // One ticket on each of fifty other deals.
    ...fiftyDeals.map((d, i): TicketRow => ({
      id: `D-${i}`,
      title: `About ${d.name}`,
      status: i % 3 ? 'SOLVED' : 'OPEN',
      contactId: d.contactId,
      dealId: d.id,
    })),
  ];
  support = await startSupportSubgraph(tickets);

  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [
        { name: 'zoho_email', url: stack.gateway.url },
        { name: 'support', url: support.url },
      ],
    }),
    logger: quiet,
  });
  router = new ApolloServer({ gateway });
  ({ url: routerUrl } = await startStandaloneServer(router, { listen: { port: 0, host: '127.0.0.1' } }));
}, 60_000);

afterAll(async () => {
  await router?.stop();
  await support?.close();
  await stack?.close();
});

beforeEach(() => stack.resetStats());

describe('@apollo/gateway over both subgraphs (IntrospectAndCompose over HTTP)', () => {
  it('resolves 50 Deal references from the support subgraph with one Zoho deals call', async () => {
    const { data, errors } = await federated(`{
      tickets { id deal { id name stage stageCategory } }
    }`);
    expect(errors).toBeUndefined();
    const onFifty = (
      data.tickets as Array<{ id: string; deal: { id: string; name: string; stage: string } | null }>
    ).filter((t) => t.id.startsWith('D-'));
    expect(onFifty).toHaveLength(50);
    expect(onFifty.map((t) => t.deal?.id)).toEqual(fiftyDeals.map((d) => d.id));
    expect(onFifty.map((t) => t.deal?.name)).toEqual(fiftyDeals.map((d) => d.name));
    expect(onFifty.every((t) => typeof t.deal?.stage === 'string')).toBe(true);

    // 51 distinct deals (the 50, plus Travel Insurance) in one _entities request: one Get Records call.
    expect(stack.calls('GET /crm/v8/Deals')).toBe(1);
    expect(stack.allCalls()).toEqual({
      'GET /crm/v8/Deals': 1,
      // stageCategory's Stage metadata, read once per org and cached (keyed by the org's id).
      'GET /crm/v8/org': 1,
      'GET /crm/v8/settings/fields': 1,
    });
  });

  it("serves Relay's node(id:) through the supergraph, joined with the other subgraph's fields", async () => {
    const { data, errors } = await federated(
      `query ($ids: [ID!]!) {
        nodes(ids: $ids) {
          __typename
          id
          ... on Contact { fullName tickets { id } }
          ... on Deal { name tickets { title } }
        }
      }`,
      { ids: [REBECCA, ARTICLE.dealTravelInsurance] },
    );
    expect(errors).toBeUndefined();
    expect(data.nodes).toEqual([
      { __typename: 'Contact', id: REBECCA, fullName: 'Rebecca Lindqvist', tickets: [{ id: 'T-1' }, { id: 'T-2' }] },
      {
        __typename: 'Deal',
        id: ARTICLE.dealTravelInsurance,
        name: 'Travel Insurance',
        tickets: [{ title: 'Claim form will not upload' }],
      },
    ]);
    expect(stack.allCalls()).toEqual({ 'GET /crm/v8/Contacts': 1, 'GET /crm/v8/Deals': 1 });
  });

  it('resolves 50 Contact references, with their names, in one Zoho contacts call', async () => {
    const { data, errors } = await federated(`{ tickets { contact { id fullName } } }`);
    expect(errors).toBeUndefined();
    expect(data.tickets).toHaveLength(52);
    expect(
      data.tickets.every((t: { contact: { fullName: string | null } }) => typeof t.contact.fullName === 'string'),
    ).toBe(true);
    expect(stack.calls('GET /crm/v8/Contacts')).toBe(1);
  });

  it('crosses both subgraphs in both directions in one query, at the cost of the fields asked for', async () => {
    const { data, errors } = await federated(
      `query ($id: ID!) {
        contact(id: $id) {
          fullName
          tickets {
            title
            deal { name stage }
          }
          deals {
            id
            name
            openTicketCount
            tickets { title }
          }
          emails(first: 3) { nodes { subject linkedDeal { name openTicketCount } } }
        }
      }`,
      { id: REBECCA },
    );
    expect(errors).toBeUndefined();
    const contact = data.contact;
    expect(contact.fullName).toBe('Rebecca Lindqvist');
    // zoho → support: the contact's tickets; then support → zoho: each ticket's deal.
    expect(contact.tickets).toEqual([
      { title: 'Claim form will not upload', deal: { name: 'Travel Insurance', stage: expect.any(String) } },
      { title: 'Password reset', deal: null },
    ]);
    // zoho → support on Deal: the tickets about each of her deals.
    const travel = contact.deals.find((d: { id: string }) => d.id === ARTICLE.dealTravelInsurance);
    expect(travel).toMatchObject({
      name: 'Travel Insurance',
      openTicketCount: 1,
      tickets: [{ title: 'Claim form will not upload' }],
    });
    expect(contact.emails.nodes).toHaveLength(3);

    expect(stack.allCalls()).toEqual({
      'GET /crm/v8/Contacts': 1, // the contact
      'GET /crm/v8/Contacts/{id}/Deals': 1, // her deals, with their records (the related list)
      'GET /crm/v8/Contacts/{id}/Emails': 1, // one page of 10 emails, each with its linked deal's id and name
      'GET /crm/v8/Deals': 1, // the ticket's deal: the router's _entities call is another request, with its own loaders
    });
  });
});
