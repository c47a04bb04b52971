/**
 * Refusals of a whole request that the workflows raise. They know nothing of GraphQL: the GraphQL
 * layer (src/graphql/errors.ts) turns each into an error with its `code` in `extensions`, and its
 * details beside it (for example `retryAfterMs`).
 */

export type RefusalCode =
  /** The input is malformed, or breaks a limit (with `field`, `limit`). */
  | 'BAD_USER_INPUT'
  /** The idempotency key was used before, by the same caller, with a different input. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The first call with this key is still running in another gateway process (with `retryAfterMs`). */
  | 'IDEMPOTENCY_KEY_IN_USE'
  /** The gateway's state store (journal and keys) cannot be written: moves and keyed calls wait. */
  | 'STATE_STORE_UNAVAILABLE'
  /** The operation would make more Zoho calls than one operation may (with `zohoCalls`). */
  | 'TOO_MANY_ZOHO_CALLS'
  /** The operation carries more `_entities` representations than one operation may (with `entities`, `limit`). */
  | 'TOO_MANY_ENTITIES'
  /** The caller's quota of Zoho calls per minute has too few left (with `retryAfterMs`, `quota`). */
  | 'QUOTA_EXCEEDED';

export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalidInput = (message: string, details: Record<string, unknown> = {}) =>
  new RequestRefusedError('BAD_USER_INPUT', message, details);
