import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../client/codegen.ts';

const root = resolve(import.meta.dirname, '../..');

describe('the client kit codegen', () => {
  it('the committed typed documents and manifest match client/operations and schema/ (run `npm run codegen`)', async () => {
    const outputs = await generate({ ...config, cwd: root, silent: true }, false);
    expect(outputs.map((o: { filename: string }) => o.filename.replace(/^.*client\/generated\//, '')).sort()).toEqual([
      'gql.ts',
      'graphql.ts',
      'index.ts',
      'persisted-documents.json',
    ]);
    for (const out of outputs) {
      const committed = readFileSync(resolve(root, out.filename), 'utf8');
      expect(committed, `${out.filename} is stale`).toBe(out.content);
    }
  }, 60_000);
});
