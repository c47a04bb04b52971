import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.ts';

const root = resolve(import.meta.dirname, '../..');

describe('codegen', () => {
  it('the committed resolver types match schema/ (run `npm run codegen` after a schema change)', async () => {
    const outputs = await generate({ ...config, cwd: root, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const out of outputs) {
      const committed = readFileSync(resolve(root, out.filename), 'utf8');
      expect(committed, `${out.filename} is stale`).toBe(out.content);
    }
  }, 60_000);
});
