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
  | 'STATE_STORE_UNAVAILABLE';

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
