/**
 * Apollo Client cache configuration for this API: how its objects are keyed, how `node`'s
 * interface maps to types, and how email connections merge as the user loads more.
 *
 *   import { InMemoryCache } from '@apollo/client';
 *   import { possibleTypes, typePolicies } from './client/src/type-policies.ts';
 *   const cache = new InMemoryCache({ typePolicies, possibleTypes });
 *
 * Apollo's own `relayStylePagination` merges `edges` but treats every other field as a value to
 * replace, so a query that reads `nodes` (the shorter Relay form this API also serves) shows only
 * the latest page. `relayConnection` below merges `nodes` the same way as `edges`.
 */
import type { FieldPolicy, Reference, TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

type Connection = {
  edges?: Array<{ cursor?: string | null; node?: unknown }>;
  nodes?: Reference[];
  pageInfo?: Record<string, unknown>;
  [extra: string]: unknown;
};

type KeyArgs = Parameters<typeof relayStylePagination>[0];

/**
 * relayStylePagination, with `nodes` merged too: a page fetched with `after` is appended (cut at
 * `after` when the stored edges say where that is), a page fetched without `after` replaces the
 * list, as it does for `edges`.
 */
export function relayConnection(keyArgs: KeyArgs = false): FieldPolicy<Connection, Connection, Connection> {
  const base = relayStylePagination(keyArgs) as unknown as Required<
    Pick<FieldPolicy<Connection, Connection, Connection>, 'read' | 'merge'>
  > & { merge: Exclude<FieldPolicy<Connection, Connection, Connection>['merge'], boolean | undefined> };
  return {
    keyArgs,
    read(existing, options) {
      const read = base.read(existing, options) as Connection | undefined;
      if (!read || !existing?.nodes) return read;
      return { ...read, nodes: existing.nodes.filter((n) => options.canRead(n)) };
    },
    merge(existing, incoming, options) {
      const merged = base.merge(existing, incoming, options) as Connection;
      if (!incoming?.nodes) return merged;
      const after = options.args?.after as string | undefined;
      let prefix = existing?.nodes ?? [];
      if (after) {
        const edges = existing?.edges ?? [];
        const at = edges.findIndex((e) => e.cursor === after);
        // Only when edges and nodes were fetched together do their positions agree.
        if (at >= 0 && edges.length === prefix.length) prefix = prefix.slice(0, at + 1);
      } else {
        prefix = [];
      }
      const nodes = [...prefix, ...incoming.nodes];
      // With no edges to go by, relayStylePagination takes the start of the list from the page
      // that came last; when that page was appended, the list still starts where it started.
      const start = existing?.pageInfo;
      if (prefix.length > 0 && start && !existing?.edges?.length) {
        const pageInfo = { ...merged.pageInfo };
        if ('startCursor' in start) pageInfo.startCursor = start.startCursor;
        if ('hasPreviousPage' in start) pageInfo.hasPreviousPage = start.hasPreviousPage;
        return { ...merged, nodes, pageInfo };
      }
      return { ...merged, nodes };
    },
  };
}

/** `... on Email` inside `node { }` needs to know which types implement Node. */
export const possibleTypes: Record<string, string[]> = {
  Node: ['Contact', 'Deal', 'Email'],
};

export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      // A contact or deal already in the cache answers `contact(id:)` / `deal(id:)` without a call.
      contact: { read: (_, { args, toReference }) => toReference({ __typename: 'Contact', id: args?.id }) },
      deal: { read: (_, { args, toReference }) => toReference({ __typename: 'Deal', id: args?.id }) },
      node: { read: (existing) => existing },
    },
  },
  // Every object type with an `id` is keyed by it (Apollo's default, `Email:<id>`): Contact and
  // Deal ids are Zoho record ids, unique across modules; an Email id is opaque and unique too.
  Contact: {
    fields: {
      // One list per filter and type: `emails(filter: {linked: false})` is not `emails`.
      emails: relayConnection(['type', 'filter', ['linked', 'dealId']]),
      deals: { merge: false },
      dealPrediction: { merge: false },
    },
  },
  Deal: { fields: { emails: relayConnection() } },
  Email: { fields: { to: { merge: false }, cc: { merge: false } } },
};
