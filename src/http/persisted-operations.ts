/**
 * Persisted operations (trusted documents): a manifest of `{ "<sha256 of the body>": "<body>" }`,
 * the format graphql-codegen's client preset writes (client/generated/persisted-documents.json).
 * Preloaded, it lets a client send only an operation's hash, in Apollo's APQ format
 * (`extensions.persistedQuery.sha256Hash`), from its very first request: the gateway fills in
 * the body before Apollo Server sees the request, and Apollo Server checks the hash as for any
 * APQ. Operations outside the manifest still work, through ordinary APQ registration.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

export type PersistedOperations = ReadonlyMap<string, string>;

export class PersistedOperationsError extends Error {}

const SHA256 = /^[0-9a-f]{64}$/;

/** Parses and checks a manifest: every key must be the SHA-256 (hex) of its body. */
export function parsePersistedOperations(json: string, source: string): PersistedOperations {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new PersistedOperationsError(`${source} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new PersistedOperationsError(`${source} must be a JSON object of { "<sha256>": "<operation>" }`);
  const ops = new Map<string, string>();
  for (const [hash, body] of Object.entries(parsed)) {
    if (!SHA256.test(hash) || typeof body !== 'string')
      throw new PersistedOperationsError(`${source}: "${hash.slice(0, 70)}" is not a SHA-256 hash with a string body`);
    if (createHash('sha256').update(body).digest('hex') !== hash)
      throw new PersistedOperationsError(`${source}: the body of ${hash} does not hash to its key`);
    ops.set(hash, body);
  }
  return ops;
}

export function loadPersistedOperations(file: string): PersistedOperations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PersistedOperationsError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parsePersistedOperations(text, file);
}

function hashOf(extensions: unknown): string | undefined {
  const ext = typeof extensions === 'string' ? safeJson(extensions) : extensions;
  const hash = (ext as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Fills in the body of a hash-only request whose hash is in the manifest (POST and GET). */
export function registerPersistedOperations(app: FastifyInstance, path: string, ops: PersistedOperations): void {
  if (ops.size === 0) return;
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url !== path) return;
    const params = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | undefined;
    if (!params || typeof params !== 'object' || params.query) return;
    const hash = hashOf(params.extensions);
    const body = hash ? ops.get(hash) : undefined;
    if (body) params.query = body;
  });
}
