/**
 * Configuration in one place: the gateway reads the environment in src/config.ts and the emulator
 * in src/emulator/config.ts, nowhere else. Everything else takes values, so a newcomer finds every
 * variable, its default and its check in one of two files. This reads the real files under src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support.ts';

const CONFIG_MODULES = ['src/config.ts', 'src/emulator/config.ts'];

/** `process.env`, `process['env']`, and `env` taken from the `process` module. */
const READS_ENV = [
  /\bprocess\s*\.\s*env\b/,
  /\bprocess\s*\[\s*['"`]env['"`]\s*\]/,
  /\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/,
  /import\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](node:)?process['"]/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every line of src/ that reads the environment, as `file:line: text`. */
function envReads(): Array<{ file: string; where: string }> {
  return sourceFiles(join(ROOT, 'src')).flatMap((path) => {
    const file = relative(ROOT, path);
    return readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        READS_ENV.some((re) => re.test(line)) ? [{ file, where: `${file}:${i + 1}: ${line.trim()}` }] : [],
      );
  });
}

describe('where the environment is read', () => {
  const reads = envReads();

  it('only in the two config modules: src/config.ts (the gateway) and src/emulator/config.ts (the emulator)', () => {
    expect(reads.filter((r) => !CONFIG_MODULES.includes(r.file)).map((r) => r.where)).toEqual([]);
  });

  it('in both of them, so that the rule above is not met by a scan that finds nothing', () => {
    expect(new Set(reads.map((r) => r.file))).toEqual(new Set(CONFIG_MODULES));
    expect(sourceFiles(join(ROOT, 'src')).length).toBeGreaterThan(50);
  });

  it('the scan sees the usual ways of reading it', () => {
    for (const line of [
      'const port = process.env.PORT;',
      "const port = process['env'].PORT;",
      'const { env } = process;',
      "import { env } from 'node:process';",
    ])
      expect(
        READS_ENV.some((re) => re.test(line)),
        line,
      ).toBe(true);
    expect(READS_ENV.some((re) => re.test('const environment = settings.env;'))).toBe(false);
  });
});
