/**
 * The `index` cursor of Get Emails of a Record: opaque, and keyset-based. A list is ordered newest
 * first (`time` descending, then message id), and a cursor names the last email of the page before
 * it, so the next page is "the emails after that one": mail that arrives between two page reads
 * lands before the cursor and never shifts a later page (no repeats, no skips).
 *
 * Zoho's `next_index` is a long hex string (96 hex characters in its samples), so a cursor here is
 * hex too: a version byte, the email's time, its message id and a check value bound to the record
 * the list belongs to, masked so that it reveals nothing. A cursor of another record's list, or one
 * that was altered, is INVALID_DATA on `index`. "0" stands for the first page, as Zoho's first
 * page reports `prev_index: "0"`.
 */
import { createHash } from 'node:crypto';

/** A position in a list: the email a page starts after. */
export interface EmailKey {
  timeMs: number;
  messageId: string;
}

export const FIRST_PAGE_INDEX = '0';

const VERSION_HEX_ID = 1;
const VERSION_TEXT_ID = 2;
const CHECK_BYTES = 7;
const HEAD_BYTES = 1 + 8;
// Not a secret (the emulator holds none); it only keeps cursors from reading as plain data.
const MASK_SEED = 'zoho-emulator/email-index/v1';

function mask(length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let block = 0, at = 0; at < length; block++) {
    const chunk = createHash('sha256').update(`${MASK_SEED}:${block}`).digest();
    at += chunk.copy(out, at);
  }
  return out;
}

function xor(data: Buffer): Buffer {
  const m = mask(data.length);
  return Buffer.from(data.map((b, i) => b ^ m[i]!));
}

function check(scope: string, payload: Buffer): Buffer {
  return createHash('sha256').update(scope).update('\0').update(payload).digest().subarray(0, CHECK_BYTES);
}

/** `scope` names the list (module, record, filter): a cursor only works on the list it came from. */
export function encodeEmailIndex(key: EmailKey, scope: string): string {
  const hexId = /^(?:[0-9a-f]{2})+$/.test(key.messageId);
  const id = hexId ? Buffer.from(key.messageId, 'hex') : Buffer.from(key.messageId, 'utf8');
  const head = Buffer.alloc(HEAD_BYTES);
  head.writeUInt8(hexId ? VERSION_HEX_ID : VERSION_TEXT_ID, 0);
  head.writeBigInt64BE(BigInt(key.timeMs), 1);
  const payload = Buffer.concat([head, id]);
  return xor(Buffer.concat([payload, check(scope, payload)])).toString('hex');
}

/** The key a cursor names, or null when it is not one this list issued. */
export function decodeEmailIndex(raw: string, scope: string): EmailKey | null {
  if (!/^(?:[0-9a-f]{2})+$/.test(raw) || raw.length > 2 * 1024) return null;
  const bytes = xor(Buffer.from(raw, 'hex'));
  if (bytes.length <= HEAD_BYTES + CHECK_BYTES) return null;
  const payload = bytes.subarray(0, bytes.length - CHECK_BYTES);
  if (!check(scope, payload).equals(bytes.subarray(bytes.length - CHECK_BYTES))) return null;
  const version = payload.readUInt8(0);
  if (version !== VERSION_HEX_ID && version !== VERSION_TEXT_ID) return null;
  const id = payload.subarray(HEAD_BYTES);
  return {
    timeMs: Number(payload.readBigInt64BE(1)),
    messageId: version === VERSION_HEX_ID ? id.toString('hex') : id.toString('utf8'),
  };
}
