/** The small checks most emulator routes share. */
import type { FastifyRequest } from 'fastify';
import type { CrmCaller } from '../http/auth.ts';
import { errors } from '../http/errors.ts';
import type { RecordModule } from '../store/index.ts';

/** The authenticated caller of a /crm route (the token check has run before any handler). */
export function callerOf(req: FastifyRequest): CrmCaller {
  const caller = req.crm?.caller;
  if (!caller) throw errors.invalidToken();
  return caller;
}

/**
 * An id in a path is digits; anything else there is a malformed URL. Digits that name no record,
 * a number too large to be a Zoho id included, are the lookup's to refuse: Zoho answers a bad
 * record id in a path with 400 INVALID_DATA (docs/zoho-notes.md §4).
 */
export function requireDigits(id: string): string {
  if (!/^[0-9]+$/.test(id)) throw errors.invalidUrlPattern();
  return id;
}

/** The modules whose records the emulator holds; any other name is INVALID_MODULE. */
export function recordModule(name: string): RecordModule {
  if (name === 'Contacts' || name === 'Deals') return name;
  throw errors.invalidModule();
}

/** Query values arrive as string | string[] | undefined; Zoho reads the first occurrence. */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  const v = q?.[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Positive integer query parameter with a default; garbage is INVALID_DATA on that param. */
export function intParam(req: FastifyRequest, name: string, fallback: number): number {
  const raw = queryParam(req, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw errors.invalidParam(name);
  return Number(raw);
}
