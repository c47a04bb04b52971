/**
 * The gateway's HTTP server: Apollo Server 5 on Fastify, serving the subgraph at /graphql.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { pino, type Logger } from 'pino';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import { ZohoError, type ZohoClient, type ZohoRequester } from '../zoho/index.ts';
import { createLoaders } from '../loaders/index.ts';
import { OrgCache } from '../loaders/org-cache.ts';
import type { GatewayContext } from './context.ts';
import { formatError, gatewayError } from './errors.ts';
import { buildGatewaySchema } from './schema.ts';

export interface GatewayOptions {
  zoho: ZohoClient;
  /** Shared across requests: per-org metadata and users. */
  orgCache?: OrgCache;
  /** Bench only: turns batching and write coalescing off (the `unbatched` variant). */
  batching?: boolean;
  logger?: Logger;
}

/** Logs what formatError hides from clients: unexpected errors, with their stack, server-side only. */
function logUnexpectedErrors(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code && code !== 'INTERNAL_SERVER_ERROR') continue;
            const original = unwrapResolverError(error);
            logger.error(
              { err: original, requestId: contextValue?.requestId, operationName, path: error.path },
              'unexpected error while executing an operation',
            );
          }
        },
      };
    },
  };
}

export interface Gateway {
  app: FastifyInstance;
  apollo: ApolloServer<GatewayContext>;
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const orgCache = opts.orgCache ?? new OrgCache();
  const batch = opts.batching ?? true;
  const logger = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });

  const apollo = new ApolloServer<GatewayContext>({
    schema: buildGatewaySchema(),
    formatError,
    // Never, in any environment: clients must not see stack traces.
    includeStacktraceInErrorResponses: false,
    plugins: [
      fastifyApolloDrainPlugin(app),
      logUnexpectedErrors(logger),
      // Inline traces are for Apollo's usage reporting through a router; nothing here consumes them.
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();

  await app.register(fastifyApollo(apollo), {
    context: async (request) => {
      let zoho: ZohoRequester;
      try {
        // The caller's own token in pass-through mode; the gateway's credentials otherwise.
        zoho = opts.zoho.requesterFor(request.headers.authorization);
      } catch (e) {
        if (e instanceof ZohoError) {
          throw gatewayError('UNAUTHENTICATED', e.message, { http: { status: 401 } });
        }
        throw e;
      }
      return {
        requestId: (request.headers['x-request-id'] as string | undefined) ?? randomUUID(),
        zoho,
        loaders: createLoaders(zoho, { batch }),
        orgCache,
      };
    },
  });
  return { app, apollo };
}

export interface StartedGateway extends Gateway {
  url: string;
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions & { port?: number; host?: string }): Promise<StartedGateway> {
  const gw = await createGateway(opts);
  const host = opts.host ?? '127.0.0.1';
  await gw.app.listen({ port: opts.port ?? 0, host });
  const address = gw.app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;
  return {
    ...gw,
    url,
    close: async () => {
      await gw.app.close();
    },
  };
}
