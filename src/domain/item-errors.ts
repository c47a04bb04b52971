/**
 * One error model from the REST client to the GraphQL payload: an item that failed carries an
 * ItemError with a stable `code` clients switch on. Zoho's own code survives as `vendorCode`.
 * How a ZohoError becomes one is the workflows' part (src/services/item-errors.ts).
 */

/** The GraphQL enum ItemErrorCode (the compiler checks the two agree, in the resolvers). */
export type ItemErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'DEAL_NOT_RELATED'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'CREDITS_EXHAUSTED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UNKNOWN_RESULT'
  | 'INTERRUPTED'
  | 'CALL_LIMIT_REACHED'
  | 'UPSTREAM_ERROR';

export type ItemErrorModel = {
  code: ItemErrorCode;
  message: string;
  vendorCode: string | null;
  field: string | null;
  /** When sending the item again may work, for a refusal that says (RATE_LIMITED, CREDITS_EXHAUSTED). */
  retryAfterMs?: number | null;
};

export function itemError(
  code: ItemErrorCode,
  message: string,
  field?: string | null,
  vendorCode?: string | null,
): ItemErrorModel {
  return { code, message, field: field ?? null, vendorCode: vendorCode ?? null };
}
