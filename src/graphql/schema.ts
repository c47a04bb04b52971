import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers/index.ts';

export const SCHEMA_DIR = resolve(import.meta.dirname, '../../schema');

/** schema/*.graphql, one file per domain, in a stable order. */
export function loadTypeDefs(dir = SCHEMA_DIR): DocumentNode {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  return parse(files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n'));
}

export function buildGatewaySchema(): GraphQLSchema {
  return buildSubgraphSchema([
    { typeDefs: loadTypeDefs(), resolvers: resolvers as unknown as GraphQLResolverMap<unknown> },
  ]);
}
