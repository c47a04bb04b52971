/**
 * Records (docs/zoho-notes.md §11): Get Records by ids, one record, and a contact's related deals.
 * "Nothing found" is a 204 with no body, answered here as [] or null.
 */
import type { ZohoRecord, ZohoRecordsResponse } from '../../wire/index.ts';
import { assertFields, assertModule, assertRecordIds, assertZohoId } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';

/** `GET /{module}?ids=…&fields=…`: at most 100 ids (use chunkIds), `fields` mandatory. */
export async function getRecords<R extends ZohoRecord = ZohoRecord>(
  c: ZohoRequester,
  module: string,
  ids: readonly string[],
  fields: readonly string[],
): Promise<R[]> {
  assertModule(module);
  assertRecordIds(ids);
  assertFields(fields);
  const res = await c.request<ZohoRecordsResponse<R>>({
    method: 'GET',
    route: `/${module}`,
    query: { ids: ids.join(','), fields: fields.join(',') },
  });
  return res.data?.data ?? [];
}

/** `GET /{module}/{id}`: the record, or null when Zoho answers 204. */
export async function getRecord<R extends ZohoRecord = ZohoRecord>(
  c: ZohoRequester,
  module: string,
  id: string,
  fields?: readonly string[],
): Promise<R | null> {
  assertModule(module);
  assertZohoId('record id', id);
  if (fields) assertFields(fields);
  const res = await c.request<ZohoRecordsResponse<R>>({
    method: 'GET',
    route: `/${module}/{id}`,
    params: { id },
    query: fields ? { fields: fields.join(',') } : undefined,
  });
  return res.data?.data?.[0] ?? null;
}

/** Pages of a related list we follow at most (200 per page). */
const RELATED_MAX_PAGES = 10;

/**
 * `GET /Contacts/{id}/Deals?fields=…`: the contact's deals (as primary contact or contact role,
 * as the related list defines them), all pages, [] when there are none.
 */
export async function getContactDeals<R extends ZohoRecord = ZohoRecord>(
  c: ZohoRequester,
  contactId: string,
  fields: readonly string[],
): Promise<R[]> {
  assertZohoId('contact id', contactId);
  assertFields(fields);
  const out: R[] = [];
  for (let page = 1; page <= RELATED_MAX_PAGES; page++) {
    const res = await c.request<ZohoRecordsResponse<R>>({
      method: 'GET',
      route: '/Contacts/{id}/Deals',
      params: { id: contactId },
      query: { fields: fields.join(','), page: page === 1 ? undefined : page, per_page: 200 },
    });
    out.push(...(res.data?.data ?? []));
    if (!res.data?.info?.more_records) break;
  }
  return out;
}
