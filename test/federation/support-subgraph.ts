/**
 * A second, independent subgraph for the federation tests: a support-ticket service that knows
 * nothing of Zoho. It extends Contact and Deal with their tickets, references them from its own
 * Ticket type, and defines PageInfo too (as another team's subgraph would), so composition shows
 * that our value types are shareable.
 *
 * It keeps its tickets in memory and counts the entity representations it is asked to resolve.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export const SUPPORT_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])

  type Query {
    "Every ticket, oldest first."
    tickets: [Ticket!]!
    "Tickets a page at a time."
    ticketPage(first: Int = 10, after: String): TicketConnection!
  }

  type Ticket @key(fields: "id") {
    id: ID!
    title: String!
    status: TicketStatus!
    "The customer who opened it (resolved by the Zoho subgraph)."
    contact: Contact!
    "The deal it is about, if any (resolved by the Zoho subgraph)."
    deal: Deal
  }

  enum TicketStatus {
    OPEN
    SOLVED
  }

  type TicketConnection {
    nodes: [Ticket!]!
    pageInfo: PageInfo!
  }

  "The same Relay PageInfo as the Zoho subgraph's: both declare it @shareable."
  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
    hasPreviousPage: Boolean!
    startCursor: String
  }

  type Contact @key(fields: "id") {
    id: ID!
    "The support tickets this contact opened."
    tickets: [Ticket!]!
  }

  type Deal @key(fields: "id") {
    id: ID!
    "The support tickets about this deal."
    tickets: [Ticket!]!
    "How many of them are still open."
    openTicketCount: Int!
  }
`);

export type TicketRow = {
  id: string;
  title: string;
  status: 'OPEN' | 'SOLVED';
  contactId: string;
  dealId: string | null;
};

export interface SupportSubgraph {
  url: string;
  /** Entity representations received, by type name (Contact, Deal). */
  referencesResolved: Record<string, number>;
  close(): Promise<void>;
}

export async function startSupportSubgraph(tickets: readonly TicketRow[]): Promise<SupportSubgraph> {
  const referencesResolved: Record<string, number> = {};
  const seen = (typename: string) => (referencesResolved[typename] = (referencesResolved[typename] ?? 0) + 1);
  const byContact = (id: string) => tickets.filter((t) => t.contactId === id);
  const byDeal = (id: string) => tickets.filter((t) => t.dealId === id);
  const ticket = (t: TicketRow) => ({ ...t, contact: { id: t.contactId }, deal: t.dealId ? { id: t.dealId } : null });

  const resolvers = {
    Query: {
      tickets: () => tickets.map(ticket),
      ticketPage: (_: unknown, { first, after }: { first: number; after?: string | null }) => {
        const start = after ? Number(after) : 0;
        const nodes = tickets.slice(start, start + first).map(ticket);
        const end = start + nodes.length;
        return {
          nodes,
          pageInfo: {
            hasNextPage: end < tickets.length,
            endCursor: nodes.length ? String(end) : null,
            hasPreviousPage: start > 0,
            startCursor: nodes.length ? String(start + 1) : null,
          },
        };
      },
    },
    Ticket: {
      __resolveReference: (ref: { id: string }) => {
        const t = tickets.find((x) => x.id === ref.id);
        return t ? ticket(t) : null;
      },
    },
    Contact: {
      __resolveReference: (ref: { id: string }) => (seen('Contact'), { id: ref.id }),
      tickets: (c: { id: string }) => byContact(c.id).map(ticket),
    },
    Deal: {
      __resolveReference: (ref: { id: string }) => (seen('Deal'), { id: ref.id }),
      tickets: (d: { id: string }) => byDeal(d.id).map(ticket),
      openTicketCount: (d: { id: string }) => byDeal(d.id).filter((t) => t.status === 'OPEN').length,
    },
  };

  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: SUPPORT_TYPE_DEFS, resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, referencesResolved, close: () => server.stop() };
}
