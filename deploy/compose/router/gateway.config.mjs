/**
 * Hive Gateway, the federation router in front of the gateway replicas. It is started as
 * `hive-gateway supergraph <supergraph/supergraph.graphql> -c gateway.config.mjs`: by the compose
 * file in the official image, and by test/system/compose-stack.test.ts from the npm package.
 *
 * Plain JavaScript with no imports, so that the image loads it as it is.
 */
const subgraphUrl = process.env.ZOHO_EMAIL_SUBGRAPH_URL ?? 'http://gateway:4000/graphql';

/** A query or a mutation: the subgraph request's own type, else its document's. */
function operationTypeOf(executionRequest) {
  if (executionRequest.operationType) return executionRequest.operationType;
  const op = executionRequest.document?.definitions?.find((d) => d.kind === 'OperationDefinition');
  return op?.operation;
}

export const gatewayConfig = {
  // The committed supergraph routes to `npm start`'s address; here, the replicas' service name.
  transportEntries: {
    zoho_email: { location: subgraphUrl },
  },
  // Callers authenticate to the subgraph itself (GATEWAY_API_KEYS or a JWT): their credentials,
  // request id and trace context go through, and nothing else of theirs.
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      if (subgraphName !== 'zoho_email') return {};
      const headers = {};
      for (const name of ['authorization', 'x-api-key', 'x-request-id', 'traceparent']) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      return headers;
    },
  },
  // Above the subgraph's own request deadline (GATEWAY_REQUEST_DEADLINE_MS, 20 s), so that its
  // answer, RATE_LIMITED with a retry hint included, arrives before the router gives up.
  upstreamTimeout: 30_000,
  // A query whose replica was gone (connection refused, or 503 from one closing its listener) is
  // sent again, reaching another replica; a mutation never is: callers retry those with an
  // idempotencyKey.
  // Demand control, priced in Zoho calls by the subgraph's @cost and @listSize (docs/cost.md): with
  // ROUTER_MAX_COST set, an operation priced above it is refused before it reaches a replica
  // (COST_ESTIMATED_TOO_EXPENSIVE). Its price is never below the gateway's own estimate, so a
  // ROUTER_MAX_COST at or above GATEWAY_MAX_ZOHO_CALLS refuses nothing the gateway would run.
  ...(process.env.ROUTER_MAX_COST
    ? {
        demandControl: {
          maxCost: Number(process.env.ROUTER_MAX_COST),
          includeExtensionMetadata: process.env.ROUTER_COST_IN_EXTENSIONS === 'true',
        },
      }
    : {}),
  upstreamRetry: ({ executionRequest }) =>
    operationTypeOf(executionRequest) === 'query'
      ? {
          maxRetries: 2,
          retryDelay: 100,
          shouldRetry: ({ response }) => !response || response.status === 503,
        }
      : undefined,
};
