import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * The client kit's typed documents: graphql-codegen's client preset over client/operations/,
 * checked against schema/. Run from the repository root (`npm run codegen` runs it after the
 * resolver types); test/client/codegen.test.ts fails when client/generated/ is stale.
 *
 * - `__typename` is added to every selection, as Apollo Client adds it, so the persisted
 *   documents are the operations the cache needs.
 * - persisted-documents.json maps each document's SHA-256 (plain hex, as APQ's `sha256Hash`
 *   is) to its text: the manifest for GATEWAY_PERSISTED_OPERATIONS (trusted documents, sent by
 *   hash alone), and for any gateway or router that takes `{ hash: document }`.
 */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  documents: 'client/operations/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    'client/generated/': {
      preset: 'client',
      documentTransforms: [addTypenameSelectionDocumentTransform],
      presetConfig: {
        fragmentMasking: false,
        // The preset's own 'sha256' writes `sha256:<hex>`, which APQ does not accept.
        persistedDocuments: { hashAlgorithm: (doc: string) => createHash('sha256').update(doc).digest('hex') },
      },
      config: {
        // Imports with `.js`, which TypeScript's NodeNext, tsx and Vite all resolve.
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Date: 'string' },
      },
    },
  },
};

export default config;
