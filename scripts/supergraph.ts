/**
 * The schema artifacts committed under supergraph/:
 * - subgraph.graphql: this subgraph's schema exactly as `_service { sdl }` serves it to routers;
 *   test/federation/schema-artifact.test.ts diffs the live schema against it.
 * - supergraph.graphql: a supergraph of this subgraph alone, composed with @apollo/composition,
 *   for Apollo Router users who run `router --supergraph` without a registry.
 *
 *   npm run supergraph                         # writes supergraph/supergraph.graphql
 *   npm run supergraph -- --url https://zoho-email.internal/graphql --out my-supergraph.graphql
 *   SUBGRAPH_URL=https://… npm run supergraph
 *   npm run schema:update                      # rewrites both committed files (default URL)
 *
 * @apollo/composition is Elastic-2.0 and a devDependency: this runs at build time only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { buildGatewaySchema, type SchemaOptions } from '../src/graphql/schema.ts';

export const ARTIFACT_DIR = resolve(import.meta.dirname, '../supergraph');
export const SUBGRAPH_ARTIFACT = resolve(ARTIFACT_DIR, 'subgraph.graphql');
export const SUPERGRAPH_ARTIFACT = resolve(ARTIFACT_DIR, 'supergraph.graphql');
/** The subgraph's name in the supergraph (the router's `subgraphs:` key for header rules). */
export const SUBGRAPH_NAME = 'zoho_email';
/** `npm start`'s address; the committed supergraph uses it. */
export const DEFAULT_ROUTING_URL = 'http://localhost:4000/graphql';

/**
 * Exactly what `_service { sdl }` answers (@apollo/subgraph's own resolver, called in process):
 * the schema a router, `IntrospectAndCompose` or `rover subgraph introspect` sees.
 */
export function printSubgraphSdl(opts: SchemaOptions = {}): string {
  const field = buildGatewaySchema(opts).getQueryType()?.getFields()._service;
  const sdl = (field?.resolve?.(undefined, {}, undefined, undefined as never) as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string')
    throw new Error('the schema has no _service { sdl }: is it built with buildSubgraphSchema?');
  return sdl + '\n';
}

/** The composed supergraph of this subgraph alone; throws with every composition error. */
export function composeSupergraph(routingUrl: string = DEFAULT_ROUTING_URL): string {
  const result = composeServices([{ name: SUBGRAPH_NAME, url: routingUrl, typeDefs: parse(printSubgraphSdl()) }]);
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl + '\n';
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      out: { type: 'string' },
      update: { type: 'boolean', default: false },
    },
  });
  if (values.update) {
    write(SUBGRAPH_ARTIFACT, printSubgraphSdl());
    write(SUPERGRAPH_ARTIFACT, composeSupergraph(DEFAULT_ROUTING_URL));
    return;
  }
  const url = values.url ?? process.env.SUBGRAPH_URL ?? DEFAULT_ROUTING_URL;
  new URL(url); // a typo here would only surface when the router first calls the subgraph
  write(values.out ? resolve(values.out) : SUPERGRAPH_ARTIFACT, composeSupergraph(url));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
