// ESLint (flat config): typescript-eslint's recommended rules, import cycles flagged, the layers'
// import rules enforced, and Prettier left in charge of layout (eslint-config-prettier turns the
// layout rules off).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import prettier from 'eslint-config-prettier';

/**
 * What each entry of src/ may import besides itself: the table in docs/ARCHITECTURE.md ("What each
 * folder may import"), which this must match. `folder/file.ts` allows that one file of a folder.
 * Everything else in src/ is forbidden, so a new folder is closed until it is listed here.
 */
const MAY_IMPORT = {
  wire: [],
  domain: ['wire'],
  zoho: ['domain', 'wire'],
  loaders: ['zoho', 'domain', 'wire'],
  state: ['fleet/redis.ts', 'domain', 'wire'],
  fleet: ['state', 'zoho', 'domain', 'wire'],
  services: ['loaders', 'state', 'zoho', 'domain', 'wire'],
  observability: ['state', 'zoho', 'domain', 'wire'],
  http: ['observability', 'state', 'zoho', 'settings.ts', 'domain', 'wire'],
  graphql: ['services', 'loaders', 'http', 'observability', 'state', 'zoho', 'settings.ts', 'domain', 'wire'],
  emulator: ['wire'],
  'settings.ts': ['domain', 'wire'],
  'config.ts': ['graphql', 'http', 'zoho', 'settings.ts', 'domain', 'wire'],
  'banner.ts': ['config.ts'],
  'main.ts': [
    'config.ts',
    'banner.ts',
    'settings.ts',
    'graphql',
    'http',
    'services',
    'loaders',
    'fleet',
    'state',
    'observability',
    'zoho',
    'emulator/index.ts',
    'domain',
    'wire',
  ],
};

function layerZones() {
  const entries = readdirSync(new URL('./src', import.meta.url));
  const unlisted = entries.filter((e) => !(e in MAY_IMPORT));
  if (unlisted.length) {
    throw new Error(
      `eslint.config.js: say in MAY_IMPORT (and docs/ARCHITECTURE.md) what src/${unlisted[0]} may import`,
    );
  }
  return Object.entries(MAY_IMPORT).flatMap(([target, allowed]) => {
    const message = `src/${target} may import only itself${allowed.map((a) => `, src/${a}`).join('')} (docs/ARCHITECTURE.md, "What each folder may import").`;
    const closed = [];
    const partly = [];
    for (const entry of entries) {
      if (entry === target || allowed.includes(entry)) continue;
      const files = allowed.filter((a) => a.startsWith(`${entry}/`)).map((a) => `./${a.slice(entry.length + 1)}`);
      if (files.length) partly.push({ target: `src/${target}`, from: `src/${entry}`, except: files, message });
      else closed.push(`src/${entry}`);
    }
    return [...(closed.length ? [{ target: `src/${target}`, from: closed, message }] : []), ...partly];
  });
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'src/wire/generated/',
      'src/graphql/generated/',
      'client/generated/',
      'bench/results/',
      // A separate package (the Hive Gateway peer), with its own dependencies.
      'bench/peers/',
      // The example app's build output.
      'examples/web/dist/',
      'third_party/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      // A runtime import cycle makes module initialisation order matter; type-only imports are exempt.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // The layers point one way: the GraphQL layer over the workflows, over the client, over the rules.
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones() }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Promise mistakes are the bugs a server cannot afford: checked with type information.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
    },
  },
  {
    // The example app runs in the browser.
    files: ['examples/web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', URLSearchParams: 'readonly' },
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
