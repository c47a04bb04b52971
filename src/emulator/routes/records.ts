/**
 * Records: `GET /{module}/{id}`, `GET /{module}?fields=…` and the Contacts→Deals related list
 * (docs/zoho-notes.md §11). Nothing found is a 204 with an empty body, as Zoho answers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../http/errors.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf, intParam, queryParam, recordModule, requireDigits } from './shared.ts';
import { isZohoId } from '../domain/ids.ts';

const MAX_FIELDS = 50;
const MAX_IDS = 100; // Undocumented for v8; the OAS caps a records page at 100 (docs/zoho-notes.md §11).
const MAX_PER_PAGE = 200;
const DISCRETE_PAGING_LIMIT = 2000;

/** `fields=a,b,c` → names; missing is REQUIRED_PARAM_MISSING, over 50 is LIMIT_EXCEEDED. */
function fieldsParam(req: FastifyRequest, required: boolean, missingMessage?: string): string[] | undefined {
  const raw = queryParam(req, 'fields');
  if (raw === undefined || raw.trim() === '') {
    if (required) throw errors.requiredParamMissing('fields', missingMessage);
    return undefined;
  }
  const names = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  if (names.length > MAX_FIELDS) throw errors.limitExceeded(MAX_FIELDS, 'fields');
  return names;
}

/** Zoho always returns `id`; unknown field names are left out rather than refused. */
function project(record: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return record;
  const out: Record<string, unknown> = { id: record.id };
  for (const f of fields) if (f in record) out[f] = record[f];
  return out;
}

function paging(req: FastifyRequest): { page: number; perPage: number; offset: number } {
  const page = intParam(req, 'page', 1);
  const perPage = intParam(req, 'per_page', MAX_PER_PAGE);
  if (perPage > MAX_PER_PAGE) throw errors.limitExceeded(MAX_PER_PAGE, 'per_page');
  if (page * perPage > DISCRETE_PAGING_LIMIT) throw errors.discretePaginationLimit();
  return { page, perPage, offset: (page - 1) * perPage };
}

/**
 * `sort_by` (id, Created_Time or Modified_Time; default id) and `sort_order` (asc or desc; default
 * desc), as Get Records and Related Records document them (docs/zoho-notes.md §11). Anything else
 * is INVALID_DATA on that parameter. Records with the same time are ordered by id, the same way.
 */
const SORT_FIELDS = ['id', 'Created_Time', 'Modified_Time'] as const;
type SortField = (typeof SORT_FIELDS)[number];
export interface Sort {
  by: SortField;
  order: 'asc' | 'desc';
}

function sortParam(req: FastifyRequest): Sort {
  const by = queryParam(req, 'sort_by') ?? 'id';
  const order = queryParam(req, 'sort_order') ?? 'desc';
  if (!(SORT_FIELDS as readonly string[]).includes(by)) throw errors.invalidParam('sort_by');
  if (order !== 'asc' && order !== 'desc') throw errors.invalidParam('sort_order');
  return { by: by as SortField, order };
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts records as `sort` says; times compare as instants, whatever their offsets. */
export function sortRecords<R extends Record<string, unknown>>(records: R[], sort: Sort): R[] {
  const sign = sort.order === 'asc' ? 1 : -1;
  const time = (r: R) => {
    const t = Date.parse(String(r[sort.by] ?? ''));
    return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
  };
  return [...records].sort((a, b) => {
    const byTime = sort.by === 'id' ? 0 : time(a) - time(b);
    return sign * (byTime || compareIds(String(a.id), String(b.id)));
  });
}

function listInfo(page: number, perPage: number, count: number, more: boolean, sort: Sort) {
  return {
    call: false,
    per_page: perPage,
    count,
    page,
    sort_by: sort.by,
    sort_order: sort.order,
    email: false,
    more_records: more,
  };
}

function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export function registerRecordRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get<{ Params: { module: string } }>('/crm/v8/:module', async (req, reply) => {
    const { orgId } = callerOf(req);
    const module = recordModule(req.params.module);
    const fields = fieldsParam(req, true);
    let ids: string[] | undefined;
    const rawIds = queryParam(req, 'ids');
    if (rawIds !== undefined) {
      ids = rawIds
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (ids.length > MAX_IDS) throw errors.limitExceeded(MAX_IDS, 'ids');
      if (ids.some((id) => !isZohoId(id))) throw errors.invalidParam('ids');
    }
    const sort = sortParam(req);
    const { page, perPage, offset } = paging(req);
    const all = sortRecords(store.listAllRecords(orgId, module, ids), sort);
    const records = all.slice(offset, offset + perPage);
    if (records.length === 0) return noContent(reply);
    const more = offset + perPage < all.length;
    return {
      data: records.map((r) => project(r, fields)),
      info: listInfo(page, perPage, records.length, more, sort),
    };
  });

  app.get<{ Params: { module: string; id: string } }>('/crm/v8/:module/:id', async (req, reply) => {
    const { orgId } = callerOf(req);
    const module = recordModule(req.params.module);
    const id = requireDigits(req.params.id);
    const fields = fieldsParam(req, false);
    const record = store.getRecord(orgId, module, id);
    // The OAS lists 204 for an id that names no record.
    if (!record) return noContent(reply);
    return { data: [project(record, fields)] };
  });

  // Related lists. Only Contacts → Deals exists here; it holds the deals where the contact is
  // Contact_Name or holds a contact role (as Zoho's UI offers them for linking).
  app.get<{ Params: { module: string; id: string; related: string } }>(
    '/crm/v8/:module/:id/:related',
    async (req, reply) => {
      const { orgId } = callerOf(req);
      const module = recordModule(req.params.module);
      const id = requireDigits(req.params.id);
      if (module !== 'Contacts' || req.params.related !== 'Deals')
        throw errors.invalidParam('related_list', 'the related list given seems to be invalid');
      // Related Records' own wording for a missing `fields` (docs/zoho-notes.md §11).
      const fields = fieldsParam(req, true, 'One of the expected parameter is missing');
      const sort = sortParam(req);
      const { page, perPage, offset } = paging(req);
      if (!store.recordExists(orgId, 'Contacts', id)) throw errors.invalidPathId(1);
      const all = sortRecords(
        store.dealsOfContact(orgId, id).map((row) => JSON.parse(row.data) as Record<string, unknown>),
        sort,
      );
      const slice = all.slice(offset, offset + perPage);
      if (slice.length === 0) return noContent(reply);
      return {
        data: slice.map((record) => project(record, fields)),
        info: listInfo(page, perPage, slice.length, offset + perPage < all.length, sort),
      };
    },
  );
}
