/**
 * The subgraph's schema, as routers see it, is committed in supergraph/subgraph.graphql (with the
 * composed supergraph next to it), so that every schema change shows up in review.
 *
 * Policy:
 * - A breaking change (a field, type, argument or enum value removed or changed incompatibly)
 *   fails with the list of what breaks, until someone updates the artifact on purpose with
 *   `npm run schema:update`.
 * - A non-breaking change (a field added…) never counts as breaking, but a stale artifact still
 *   fails, in a test of its own that names the additions and the command that refreshes it, as
 *   the codegen check does for the resolver types. The committed files then always match what
 *   the code serves, which is what a platform team composing from them needs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diff, CriticalityLevel, type Change } from '@graphql-inspector/core';
import { createRequire } from 'node:module';
import type { GraphQLSchema } from 'graphql';
import {
  composeSupergraph,
  printSubgraphSdl,
  SUBGRAPH_ARTIFACT,
  SUPERGRAPH_ARTIFACT,
} from '../../scripts/supergraph.ts';

// graphql-inspector loads graphql's CommonJS build; schemas must come from the same copy.
const { buildSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
const schemaOf = (sdl: string): GraphQLSchema => buildSchema(sdl, { assumeValidSDL: true });
const committed = readFileSync(SUBGRAPH_ARTIFACT, 'utf8');
const live = printSubgraphSdl();

async function changes(before: string, after: string): Promise<{ breaking: Change[]; others: Change[] }> {
  const all = await diff(schemaOf(before), schemaOf(after));
  return {
    breaking: all.filter((c) => c.criticality.level === CriticalityLevel.Breaking),
    others: all.filter((c) => c.criticality.level !== CriticalityLevel.Breaking),
  };
}

const list = (cs: Change[]) => cs.map((c) => `  - ${c.message}${c.path ? ` (${c.path})` : ''}`).join('\n');

describe('the committed subgraph schema (supergraph/subgraph.graphql)', () => {
  it('has no breaking change against the schema the code serves', async () => {
    const { breaking } = await changes(committed, live);
    expect(
      breaking,
      `The schema breaks what clients and other subgraphs rely on:\n${list(breaking)}\n` +
        'If this is intended (clients and the supergraph are ready for it), run `npm run schema:update` ' +
        'and commit supergraph/ with the change, so that reviewers see it.',
    ).toEqual([]);
  });

  it('is up to date, additions included (run `npm run schema:update` after a schema change)', async () => {
    if (live !== committed) {
      const { others } = await changes(committed, live);
      expect.fail(
        `supergraph/subgraph.graphql is stale. ${others.length ? `The schema changed without breaking anything:\n${list(others)}\n` : 'Descriptions or order changed.\n'}` +
          'Run `npm run schema:update` and commit supergraph/.',
      );
    }
    expect(live).toBe(committed);
  });

  it('has a committed supergraph composed from it (npm run schema:update)', () => {
    expect(
      readFileSync(SUPERGRAPH_ARTIFACT, 'utf8'),
      'supergraph/supergraph.graphql is stale: run `npm run schema:update`',
    ).toBe(composeSupergraph());
  });

  it('tells a removed field or a changed type apart from an added field', async () => {
    // Deal.stage, with its description (printed as a block or on one line).
    const removed = committed.replace(
      /\n {2}(?:"""\n {2}The stage as it reads[^"]*"""|"The stage as it reads[^"]*")\n {2}stage: String\n/,
      '\n',
    );
    const retyped = committed.replace('\n  amount: Float\n', '\n  amount: String\n');
    const added = committed.replace(/(\ntype Deal\b[^{]*\{\n)/, '$1  probability: Int\n');
    expect(removed).not.toBe(committed);
    expect(retyped).not.toBe(committed);
    expect(added).not.toBe(committed);

    expect((await changes(committed, removed)).breaking.map((c) => c.path)).toEqual(['Deal.stage']);
    expect((await changes(committed, retyped)).breaking.map((c) => c.path)).toEqual(['Deal.amount']);
    const addition = await changes(committed, added);
    expect(addition.breaking).toEqual([]);
    expect(addition.others.map((c) => c.path)).toEqual(['Deal.probability']);
  });
});
