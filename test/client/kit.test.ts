/**
 * The client kit (client/) used as a frontend would use it: Apollo Client 4 in Node, with the
 * kit's type policies and typed documents, against the whole stack over HTTP (gateway and
 * emulator). "Load more" appends to the list already shown, mutations update the emails the
 * list shows, and the persisted-operations manifest lets a client send operations by hash alone.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { ARTICLE } from '../../src/emulator/index.ts';
import { loadPersistedOperations } from '../../src/http/persisted-operations.ts';
import {
  AssociateEmailDocument,
  ContactEmailsDocument,
  ContactsByIdsDocument,
  DealEmailsDocument,
  DealPredictionDocument,
  LinkEmailsDocument,
  MoveEmailsDocument,
  NodeByIdDocument,
  UnlinkEmailsDocument,
  itemOutcome,
  possibleTypes,
  tally,
  typePolicies,
  type ContactEmailsQuery,
} from '../../client/src/index.ts';
import { startStack, type Stack } from '../support/gateway.ts';

const CONTACT = ARTICLE.contactWithManyEmails;
const MANIFEST = resolve(import.meta.dirname, '../../client/generated/persisted-documents.json');

/** Apollo Client as an app builds it, with a record of the request bodies it sends. */
function apollo(url: string, opts: { persisted?: boolean; policies?: typeof typePolicies } = {}) {
  const bodies: any[] = [];
  const http = new HttpLink({
    uri: url,
    fetch: async (input, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    },
  });
  const link = opts.persisted
    ? new PersistedQueryLink({ generateHash: (doc) => (doc as { __meta__?: { hash: string } }).__meta__!.hash }).concat(
        http,
      )
    : http;
  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({ typePolicies: opts.policies ?? typePolicies, possibleTypes }),
  });
  return { client, bodies };
}

/**
 * Watches a query as a component would (the subscription stays open, so fetchMore and refetch
 * update it) and resolves with its first complete result.
 */
function watch<T>(list: {
  subscribe: (o: { next: (r: any) => void; error: (e: unknown) => void }) => unknown;
}): Promise<{ data: T }> {
  return new Promise((resolve, reject) =>
    list.subscribe({ next: (r) => !r.loading && r.data && resolve(r), error: reject }),
  );
}

describe('the client kit against the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    await stack.emulator.admin('POST', '/__emulator/reset');
  });

  /** What the gateway answers for the first `n` emails in one call: the list "load more" must build. */
  async function firstEmails(n: number): Promise<string[]> {
    const { data } = await stack.gql(`{ contact(id: "${CONTACT}") { emails(first: ${n}) { nodes { id } } } }`);
    return data.contact.emails.nodes.map((e: { id: string }) => e.id);
  }

  it('"load more" appends the next page to the nodes already shown (3, then 6)', async () => {
    const { client } = apollo(stack.gateway.url);
    const list = client.watchQuery({ query: ContactEmailsDocument, variables: { contactId: CONTACT, first: 3 } });
    const first = await watch<any>(list);
    const page1 = first.data.contact.emails;
    expect(page1.nodes).toHaveLength(3);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    await list.fetchMore({ variables: { after: page1.pageInfo.endCursor } });
    const expected = await firstEmails(6);
    // What the component watching the query renders next.
    const current = () => list.getCurrentResult().data as ContactEmailsQuery | undefined;
    await expect.poll(() => current()?.contact?.emails.nodes.map((e) => e.id)).toEqual(expected);
    const shown = current()!.contact!.emails;
    // The page info is the last page's end, and the first page's start.
    expect(shown.pageInfo.startCursor).toBe(page1.pageInfo.startCursor);
    expect(shown.pageInfo.endCursor).not.toBe(page1.pageInfo.endCursor);
  });

  it("…where Apollo's relayStylePagination alone would have replaced them (the reason the kit has its own)", async () => {
    const plain = {
      ...typePolicies,
      Contact: { fields: { emails: relayStylePagination(['type', 'filter']) } },
    };
    const { client } = apollo(stack.gateway.url, { policies: plain });
    const list = client.watchQuery({ query: ContactEmailsDocument, variables: { contactId: CONTACT, first: 3 } });
    const first = await watch<any>(list);
    await list.fetchMore({ variables: { after: first.data.contact.emails.pageInfo.endCursor } });
    const cached = client.readQuery({ query: ContactEmailsDocument, variables: { contactId: CONTACT, first: 3 } });
    expect(cached!.contact!.emails.nodes).toHaveLength(3);
  });

  it('appends edges as well, and a refetch from the start replaces the list', async () => {
    const EDGES = gql`
      query EdgesPage($id: ID!, $after: String) {
        contact(id: $id) {
          id
          emails(first: 4, after: $after) {
            edges {
              cursor
              node {
                id
                subject
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      }
    `;
    const { client } = apollo(stack.gateway.url);
    const list = client.watchQuery({ query: EDGES, variables: { id: CONTACT } });
    const first = (await watch<any>(list)).data;
    await list.fetchMore({ variables: { after: first.contact.emails.pageInfo.endCursor } });
    const read = () => (client.readQuery({ query: EDGES, variables: { id: CONTACT } }) as any).contact.emails.edges;
    expect(read().map((e: any) => e.node.id)).toEqual(await firstEmails(8));
    await list.refetch({ id: CONTACT, after: null });
    expect(read()).toHaveLength(4);
  });

  it('runs every typed operation of the kit, and the cache shows the emails where the mutations put them', async () => {
    const { client } = apollo(stack.gateway.url);
    const contacts = await client.query({
      query: ContactsByIdsDocument,
      variables: { ids: [CONTACT, ARTICLE.contactOfMultiLink] },
    });
    expect(contacts.data!.contacts.map((c) => c?.fullName)).toEqual(['Rebecca Lindqvist', expect.any(String)]);

    const { data } = await client.query({ query: ContactEmailsDocument, variables: { contactId: CONTACT, first: 5 } });
    const contact = data!.contact!;
    const deals = contact.deals.filter((d) => d.stageCategory === 'OPEN');
    expect(deals.length).toBeGreaterThanOrEqual(2);
    const email = contact.emails.nodes[0]!;
    const ref = { contactId: CONTACT, messageId: email.messageId };
    const target = deals.find((d) => d.id !== email.linkedDeal?.id)!;

    const prediction = await client.query({ query: DealPredictionDocument, variables: { contactId: CONTACT } });
    expect(prediction.data!.contact!.dealPrediction.reason).toMatch(/SINGLE_OPEN_DEAL|MOST_RECENTLY_MODIFIED/);
    expect(prediction.data!.contact!.dealPrediction.candidates.length).toBe(contact.deals.length);

    const move = await client.mutate({ mutation: MoveEmailsDocument, variables: { dealId: target.id, emails: [ref] } });
    expect(move.data!.moveEmailsToDeal.results.map((r) => itemOutcome(r.status))).toEqual(['succeeded']);
    // The list already in the cache now shows the new deal, with no refetch.
    const cached = client.readQuery({ query: ContactEmailsDocument, variables: { contactId: CONTACT, first: 5 } });
    expect(cached!.contact!.emails.nodes[0]!.linkedDeal?.id).toBe(target.id);

    const dealEmails = await client.query({ query: DealEmailsDocument, variables: { dealId: target.id, first: 50 } });
    expect(dealEmails.data!.deal!.emails.nodes.map((e) => e.messageId)).toContain(email.messageId);

    const unlink = await client.mutate({
      mutation: UnlinkEmailsDocument,
      variables: { emails: [ref, { contactId: CONTACT, messageId: 'nope!' }], expectedDealId: target.id },
    });
    expect(tally(unlink.data!.unlinkEmailsFromDeal.results)).toEqual({ succeeded: 1, failed: 1, unknown: 0 });
    expect(unlink.data!.unlinkEmailsFromDeal.results[1]!.error).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'emails[1].messageId',
    });

    const link = await client.mutate({ mutation: LinkEmailsDocument, variables: { dealId: target.id, emails: [ref] } });
    expect(link.data!.linkEmailsToDeal).toMatchObject({ succeededCount: 1, failedCount: 0 });

    const associate = await client.mutate({
      mutation: AssociateEmailDocument,
      variables: {
        input: {
          contactId: CONTACT,
          dealId: target.id,
          from: { email: 'rebecca@example.com', name: 'Rebecca Lindqvist' },
          to: [{ email: 'patricia.boyle@zylker.example' }],
          subject: 'Signed quote',
          content: '<p>Attached.</p>',
          sentAt: '2026-03-04T10:15:00+01:00',
          direction: 'RECEIVED',
          originalMessageId: '<kit-test-1@mail.example.com>',
        },
      },
    });
    const logged = associate.data!.associateEmail;
    expect(logged).toMatchObject({
      status: 'SUCCEEDED',
      alreadyExisted: false,
      email: { linkedDeal: { id: target.id } },
    });

    const node = await client.query({ query: NodeByIdDocument, variables: { id: logged.email!.id } });
    expect(node.data!.node).toMatchObject({ __typename: 'Email', subject: 'Signed quote' });
  });

  it('shows a status other than SUCCEEDED or FAILED as unknown, never as a success', () => {
    expect(['SUCCEEDED', 'FAILED', 'UNKNOWN', 'SOMETHING_NEW'].map(itemOutcome)).toEqual([
      'succeeded',
      'failed',
      'unknown',
      'unknown',
    ]);
  });
});

describe('persisted operations (client/generated/persisted-documents.json)', () => {
  const manifest = loadPersistedOperations(MANIFEST);
  const contactEmails = [...manifest].find(([, body]) => body.includes('query ContactEmails'))!;

  describe('with the manifest preloaded (GATEWAY_PERSISTED_OPERATIONS)', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ gateway: { persistedOperations: manifest } });
    });
    afterAll(() => stack.close());

    it('takes every kit operation by hash alone, from the first request', async () => {
      const { client, bodies } = apollo(stack.gateway.url, { persisted: true });
      const { data } = await client.query({
        query: ContactEmailsDocument,
        variables: { contactId: CONTACT, first: 2 },
      });
      expect(data!.contact!.fullName).toBe('Rebecca Lindqvist');
      const prediction = await client.query({ query: DealPredictionDocument, variables: { contactId: CONTACT } });
      expect(prediction.data!.contact!.dealPrediction.reason).toBeTruthy();
      expect(bodies).toHaveLength(2);
      for (const body of bodies) {
        expect(body.query).toBeUndefined();
        expect(manifest.has(body.extensions.persistedQuery.sha256Hash)).toBe(true);
      }
    });

    it('answers a GET with the hash alone too', async () => {
      const [hash] = contactEmails;
      const url = new URL(stack.gateway.url);
      url.searchParams.set('variables', JSON.stringify({ contactId: CONTACT, first: 1 }));
      url.searchParams.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
      const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).data.contact.emails.nodes).toHaveLength(1);
    });
  });

  describe('without it: ordinary APQ', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack();
    });
    afterAll(() => stack.close());

    it('asks for the body once, then takes the hash alone (the manifest hashes are APQ hashes)', async () => {
      const [hash, body] = contactEmails;
      const send = (payload: object) =>
        fetch(stack.gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ variables: { contactId: CONTACT, first: 1 }, ...payload }),
        }).then((r) => r.json() as Promise<any>);
      const ext = { persistedQuery: { version: 1, sha256Hash: hash } };
      expect((await send({ extensions: ext })).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect((await send({ extensions: ext, query: body })).data.contact.fullName).toBe('Rebecca Lindqvist');
      expect((await send({ extensions: ext })).data.contact.fullName).toBe('Rebecca Lindqvist');
    });
  });
});
