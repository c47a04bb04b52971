/**
 * The `bare-apollo` reference of workload 5: a bare Apollo Server (standalone, no Fastify, no
 * loaders, no retries, no concurrency budget) whose one resolver makes one REST call per request
 * with fetch. What a GraphQL layer costs at its thinnest, against the same emulator.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const base = process.env.BENCH_ZOHO_URL!;
const token = process.env.BENCH_ZOHO_TOKEN!;

const typeDefs = `#graphql
  type Query { contact(id: ID!): Contact }
  type Contact { id: ID!  emails(first: Int = 10): EmailConnection! }
  type EmailConnection { nodes: [Email!]! }
  type Email { messageId: ID!  subject: String  sentAt: String }
`;
type WireEmail = { message_id: string; subject: string | null; time: string | null };

const resolvers = {
  Query: { contact: (_: unknown, { id }: { id: string }) => ({ id }) },
  Contact: {
    emails: async ({ id }: { id: string }, { first }: { first: number }) => {
      const res = await fetch(`${base}/crm/v8/Contacts/${id}/Emails`, {
        headers: { Authorization: `Zoho-oauthtoken ${token}` },
      });
      if (res.status === 204) return { nodes: [] };
      if (!res.ok) throw new Error(`Zoho answered ${res.status}`);
      const body = (await res.json()) as { Emails: WireEmail[] };
      return {
        nodes: body.Emails.slice(0, first).map((e) => ({
          messageId: e.message_id,
          subject: e.subject,
          sentAt: e.time,
        })),
      };
    },
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
process.send?.({ type: 'ready', url });
const stop = () => {
  void server.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
