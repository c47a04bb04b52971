/**
 * docs/ARCHITECTURE.md as a newcomer reads it: it names every folder there is and none that is
 * not, its import table says what eslint.config.js enforces, and the walk-through of one field
 * names files and functions that exist.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');

/** Every folder under `dir`, relative to the repository root. */
function foldersUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${dir}/${e.name}`, ...foldersUnder(`${dir}/${e.name}`)]);
}

/** The body of a `## heading` section, up to the next one. */
function section(heading: string): string {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/ARCHITECTURE.md has a "## ${heading}" section`).toBeGreaterThan(-1);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end === -1 ? undefined : end);
}

/** The rows of every Markdown table in `text`, as trimmed cells (header and rule rows left out). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('docs/ARCHITECTURE.md against the tree', () => {
  it('names every folder under src/', () => {
    const missing = foldersUnder('src').filter((f) => !DOC.includes(`${f}/`));
    expect(missing).toEqual([]);
  });

  it('names every top-level folder of the repository', () => {
    const ignored = new Set(['node_modules', 'dist', 'data', 'coverage']);
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !ignored.has(e.name))
      .map((e) => e.name);
    const missing = folders.filter((f) => !new RegExp(`^${f}/`, 'm').test(DOC));
    expect(missing).toEqual([]);
  });

  it('names only src/ paths that exist', () => {
    // Placeholders such as `src/graphql/resolvers/<Type>.ts` stop at the `<`, leaving their folder.
    const named = [...new Set([...DOC.matchAll(/\bsrc\/[\w./-]*/g)].map((m) => m[0].replace(/\.+$/, '')))];
    expect(named.length).toBeGreaterThan(20);
    const absent = named.filter((p) => !existsSync(join(ROOT, p)));
    expect(absent).toEqual([]);
  });

  it("says what each entry of src/ may import exactly as eslint.config.js's MAY_IMPORT does", () => {
    const config = readFileSync(join(ROOT, 'eslint.config.js'), 'utf8');
    const literal = /const MAY_IMPORT = (\{[\s\S]*?\n\});/.exec(config)?.[1];
    expect(literal).toBeDefined();
    // A plain object literal of strings: evaluated as such, so the test reads what the lint uses.
    const mayImport = new Function(`return ${literal}`)() as Record<string, string[]>;

    const table = tableRows(section('What each folder may import')).filter(([entry]) => entry !== '`src/…`');
    const documented = Object.fromEntries(
      table.map(([entry, allowed]) => [backticked(entry!)[0]!.replace(/\/$/, ''), backticked(allowed!).sort()]),
    );
    const enforced = Object.fromEntries(Object.entries(mayImport).map(([k, v]) => [k, [...v].sort()]));
    expect(documented).toEqual(enforced);
    // And MAY_IMPORT lists every entry of src/ (the lint refuses to start otherwise).
    expect(Object.keys(enforced).sort()).toEqual(readdirSync(join(ROOT, 'src')).sort());
  });

  it('walks one field through files that exist and hold the names it gives', () => {
    const rows = tableRows(section('Follow one field')).filter(([step]) => step !== 'Step');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const [, fileCell, what] of rows) {
      const file = backticked(fileCell!)[0]!;
      const path = join(ROOT, file);
      if (!existsSync(path) || !statSync(path).isFile()) {
        problems.push(`${file} does not exist`);
        continue;
      }
      const source = readFileSync(path, 'utf8');
      for (const token of backticked(what!)) {
        // A route is Zoho's, written as Zoho documents it, not as the code templates it.
        if (/^(GET|POST|PUT|PATCH|DELETE) /.test(token)) continue;
        // Another file: it exists, next to this one or under the root.
        if (/\.(ts|graphql)$/.test(token)) {
          if (!existsSync(join(path, '..', token)) && !existsSync(join(ROOT, token)))
            problems.push(`${file}: ${token} does not exist`);
          continue;
        }
        // `Type.member` names the member; `a → b` is read as its names.
        const name = token.split('.').pop()!;
        if (!new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(source))
          problems.push(`${file} has no ${token}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
