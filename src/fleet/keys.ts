/**
 * Where a fleet's state lives in Redis. Zoho counts its limits per org, user and OAuth app, so the
 * replicas that share those share one namespace, whatever token each happens to hold:
 *
 *   zgw:{org}:…     the concurrency slots and limit, credits, metadata caches, keys and journal,
 *                   keyed by a fingerprint of (accounts server, client id, org id, user id);
 *   zgw:{cred}:…    the access token and its mint counters, keyed by a fingerprint of
 *                   (accounts server, client id, refresh token): Zoho mints and counts tokens per
 *                   refresh token, and a token can only be had before the org is known.
 *
 * Fingerprints are SHA-256, truncated: nothing in a key name can be turned back into an id or a
 * token. A rotated refresh token keeps the org namespace (and so the journal and the limits), and
 * starts a token namespace of its own.
 */
import { createHash } from 'node:crypto';

const fingerprint = (...parts: string[]): string =>
  createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20);

export interface FleetIdentity {
  accountsUrl: string;
  clientId: string;
  orgId: string;
  userId: string;
}

/** The namespace of everything a fleet shares but the token: `zgw:{org:<fp>}:`. */
export function orgNamespace(id: FleetIdentity): string {
  return `zgw:{org:${fingerprint('org', id.accountsUrl, id.clientId, id.orgId, id.userId)}}:`;
}

/** The namespace of one refresh token's access token and mint counters. */
export function credentialNamespace(accountsUrl: string, clientId: string, refreshToken: string): string {
  return `zgw:{cred:${fingerprint('cred', accountsUrl, clientId, refreshToken)}}:`;
}
