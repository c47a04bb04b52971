/**
 * Zoho's id rules as the emulator applies them. The gateway has the same rules in
 * src/domain/ids.ts (where the sources are cited); the emulator keeps its own copy because it
 * imports nothing from the gateway, and test/domain/ids.test.ts checks that the two agree.
 *
 * A record, user or module id is a Zoho `long`: 1 to 19 digits, at most 9223372036854775807. A
 * message id is 1 to 500 letters and digits (deal_link_emails.yaml).
 */

const LONG_MAX = '9223372036854775807';
const DIGITS = /^[0-9]{1,19}$/;
const MESSAGE_ID = /^[a-zA-Z0-9]{1,500}$/;

export function isZohoId(v: unknown): v is string {
  if (typeof v !== 'string' || !DIGITS.test(v)) return false;
  // Same length, digits only: string order is numeric order.
  return v.length < LONG_MAX.length || v <= LONG_MAX;
}

export function isMessageId(v: unknown): v is string {
  return typeof v === 'string' && MESSAGE_ID.test(v);
}
