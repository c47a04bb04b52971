/**
 * Zoho's request limits, in one place (docs/zoho-notes.md §4, §5, §6, §11), with the pure helpers that
 * split work to fit them. The API functions assert these limits: calling them with more is a
 * programming error and throws a RangeError; chunking is the caller's job, through the helpers.
 */
import type { ZohoLinkItem } from '../wire/index.ts';
import { MESSAGE_ID_RULE, ZOHO_ID_RULE, isZohoMessageId, isZohoRecordId } from '../domain/ids.ts';

/** Link: items per call (OAS maxItems 20); each item carries its own owner. */
export const LINK_MAX_ITEMS = 20;
/** Unlink: message ids per call (one owner_id per call). */
export const UNLINK_MAX_IDS = 20;
/** Unlink: length of the comma-joined `message_ids` value (OAS maxLength 2000). */
export const UNLINK_MAX_CHARS = 2000;
/** Get Records: ids per call (the OAS data array's maxItems; no v8 page states a number). */
export const RECORDS_MAX_IDS = 100;
/** `fields` per list call. */
export const FIELDS_MAX = 50;

/** Module API names as they appear in paths (`Contacts`, `Deals`, `Custom_Module__c`…). */
export const isModuleName = (v: unknown): v is string =>
  typeof v === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(v);

function fail(message: string): never {
  throw new RangeError(message);
}

export function assertZohoId(name: string, v: unknown): asserts v is string {
  if (!isZohoRecordId(v)) fail(`${name} must be a Zoho id (${ZOHO_ID_RULE})`);
}
export function assertMessageId(name: string, v: unknown): asserts v is string {
  if (!isZohoMessageId(v)) fail(`${name} must be a Zoho message id (${MESSAGE_ID_RULE})`);
}
export function assertModule(v: unknown): asserts v is string {
  if (!isModuleName(v)) fail('module must be a Zoho module API name');
}

export function assertLinkItems(items: readonly ZohoLinkItem[]): void {
  if (items.length === 0) fail('link needs at least one item');
  if (items.length > LINK_MAX_ITEMS) fail(`link takes at most ${LINK_MAX_ITEMS} items per call; use chunkLinkItems`);
  for (const it of items) {
    if (!isZohoMessageId(it.message_id)) fail(`every link item needs a message_id (${MESSAGE_ID_RULE})`);
    if (!isZohoRecordId(it.owner?.id)) fail('every link item needs its own owner.id');
    if (!isZohoRecordId(it.linked_record?.id)) fail('every link item needs linked_record.id');
  }
}

export function assertUnlinkIds(ownerId: string, messageIds: readonly string[]): void {
  assertZohoId('owner_id', ownerId);
  if (messageIds.length === 0) fail('unlink needs at least one message id');
  if (messageIds.length > UNLINK_MAX_IDS)
    fail(`unlink takes at most ${UNLINK_MAX_IDS} message ids per call; use chunkUnlinkIds`);
  for (const id of messageIds) if (!isZohoMessageId(id)) fail(`message ids must be ${MESSAGE_ID_RULE}`);
  if (messageIds.join(',').length > UNLINK_MAX_CHARS) {
    fail(`unlink's message_ids must fit in ${UNLINK_MAX_CHARS} characters; use chunkUnlinkIds`);
  }
}

export function assertRecordIds(ids: readonly string[]): void {
  if (ids.length === 0) fail('at least one id is needed');
  if (ids.length > RECORDS_MAX_IDS) fail(`at most ${RECORDS_MAX_IDS} ids per call; use chunkIds`);
  for (const id of ids) assertZohoId('id', id);
}

export function assertFields(fields: readonly string[]): void {
  if (fields.length === 0) fail('fields is mandatory on list calls');
  if (fields.length > FIELDS_MAX) fail(`at most ${FIELDS_MAX} fields per call`);
  for (const f of fields) if (!/^[A-Za-z$][A-Za-z0-9_$]{0,99}$/.test(f)) fail(`invalid field API name`);
}

/** Consecutive slices of at most `size` items, order kept. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) fail('chunk size must be a positive integer');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Link items in calls of at most 20, order kept. Items for different contacts must be split first. */
export function chunkLinkItems<T extends ZohoLinkItem>(items: readonly T[]): T[][] {
  return chunk(items, LINK_MAX_ITEMS);
}

/**
 * Message ids of ONE owner in unlink calls: at most 20 ids per call and a comma-joined length of
 * at most 2000 characters. Order kept; a new call starts whenever the next id would not fit.
 */
export function chunkUnlinkIds(messageIds: readonly string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const id of messageIds) {
    if (id.length > UNLINK_MAX_CHARS)
      fail(`a message id longer than ${UNLINK_MAX_CHARS} characters cannot be unlinked`);
    const added = cur.length === 0 ? id.length : len + 1 + id.length;
    if (cur.length === UNLINK_MAX_IDS || added > UNLINK_MAX_CHARS) {
      out.push(cur);
      cur = [id];
      len = id.length;
    } else {
      cur.push(id);
      len = added;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Record ids in calls of at most 100 (Get Records `ids`). */
export function chunkIds(ids: readonly string[], size: number = RECORDS_MAX_IDS): string[][] {
  return chunk(ids, Math.min(size, RECORDS_MAX_IDS));
}
