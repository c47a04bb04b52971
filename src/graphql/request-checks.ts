/**
 * Checks of a GraphQL request made before Apollo sees it, each answering HTTP 400 with its own
 * stable code, and logged as the client's mistake it is, never as a server error:
 *
 * - persisted queries (APQ): an unsupported version is PERSISTED_QUERY_VERSION_UNSUPPORTED, and a
 *   query whose SHA-256 is not the hash it came with is PERSISTED_QUERY_HASH_MISMATCH (Apollo
 *   raises both without a code). A hash with no query that the gateway has not seen is Apollo's
 *   own PERSISTED_QUERY_NOT_FOUND, which clients answer by sending the query.
 * - subscriptions are not served (SUBSCRIPTIONS_NOT_SUPPORTED): Zoho has no push API to carry them.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';

export interface RequestProblem {
  code: 'PERSISTED_QUERY_VERSION_UNSUPPORTED' | 'PERSISTED_QUERY_HASH_MISMATCH';
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `extensions` of a POST body, or of a GET's query string (JSON text there). */
function extensionsOf(raw: unknown): Obj | null {
  if (isObj(raw)) return raw;
  if (typeof raw !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObj(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function persistedQueryProblem(request: { query?: unknown; extensions?: unknown }): RequestProblem | null {
  const pq = extensionsOf(request.extensions)?.persistedQuery;
  if (!isObj(pq)) return null;
  if (pq.version !== 1) {
    return {
      code: 'PERSISTED_QUERY_VERSION_UNSUPPORTED',
      message: 'Only version 1 of automatic persisted queries is supported.',
    };
  }
  if (typeof request.query === 'string' && typeof pq.sha256Hash === 'string') {
    const actual = createHash('sha256').update(request.query).digest('hex');
    if (actual !== pq.sha256Hash.toLowerCase()) {
      return {
        code: 'PERSISTED_QUERY_HASH_MISMATCH',
        message: "The query's SHA-256 is not the persistedQuery.sha256Hash sent with it.",
      };
    }
  }
  return null;
}

export const SUBSCRIPTIONS_NOT_SUPPORTED = 'SUBSCRIPTIONS_NOT_SUPPORTED';

/** Refuses subscription operations with a stable code, before execution. */
export function refuseSubscriptions(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('This gateway serves queries and mutations; subscriptions are not served.', {
            extensions: { code: SUBSCRIPTIONS_NOT_SUPPORTED, http: { status: 400 } },
          });
        },
      };
    },
  };
}
