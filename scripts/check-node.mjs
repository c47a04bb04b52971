#!/usr/bin/env node
// Runs before the project's commands (npm start, npm test, …): stops with one line saying what to
// run, instead of a native stack trace, when
//   - this Node is outside package.json's `engines.node`, or
//   - node_modules was built under another Node (better-sqlite3 is a native module: a tree built
//     under Node 24 does not load under Node 22, and one built under 20 crashes under 24).
// Plain JavaScript with no dependencies, so that it runs under any Node, even an old one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const range = pkg.engines?.node ?? '*';
const HOW = 'run `source scripts/use-node24.sh` (it installs Node 24 from the npm registry when needed)';

/** `^22.15.0 || >=24`: alternatives of `^X.Y.Z`, `>=X[.Y[.Z]]` and `<X[.Y[.Z]]` comparators. */
export function satisfies(version, spec) {
  const v = version.replace(/^v/, '').split('.').map(Number);
  const cmp = (a, b) => {
    for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return spec.split('||').some((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(\^|>=|<|)v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(c);
        if (c === '*') return true;
        if (!m) throw new Error(`check-node: cannot read the engines range "${spec}"`);
        const w = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
        if (m[1] === '^') return cmp(v, w) >= 0 && v[0] === w[0];
        if (m[1] === '>=') return cmp(v, w) >= 0;
        if (m[1] === '<') return cmp(v, w) < 0;
        return cmp(v, w) === 0;
      }),
  );
}

function stop(line) {
  console.error(line);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

function main() {
  if (!satisfies(process.version, range)) {
    stop(`This project needs Node ${range} (Node 24 is the one tested); this is Node ${process.version}: ${HOW}.`);
  }

  // Loading the native module is the only reliable test of the tree's ABI; it costs a few ms.
  const require = createRequire(join(root, 'package.json'));
  let Database = null;
  try {
    Database = require('better-sqlite3');
  } catch (e) {
    if (e?.code !== 'MODULE_NOT_FOUND') throw e;
  }
  if (Database) {
    try {
      new Database(':memory:').close();
    } catch (e) {
      const built = /NODE_MODULE_VERSION (\d+)/.exec(String(e?.message))?.[1];
      if (e?.code === 'ERR_DLOPEN_FAILED' || built) {
        stop(
          `node_modules was installed under another Node${built ? ` (ABI ${built})` : ''} than this one ` +
            `(${process.version}, ABI ${process.versions.modules}): run \`npm rebuild better-sqlite3\` under this Node, ` +
            `or switch back to the Node that installed it (${HOW}).`,
        );
      }
      throw e;
    }
  }
}
