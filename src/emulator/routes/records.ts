/**
 * Records: `GET /{module}/{id}`, `GET /{module}?fields=…` and the Contacts→Deals related list
 * (zoho-api.md §5). Nothing found is a 204 with an empty body, as Zoho answers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../http/errors.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf, intParam, queryParam, recordModule, requireDigits } from './shared.ts';

const MAX_FIELDS = 50;
const MAX_IDS = 100; // Undocumented for v8; the OAS caps a records page at 100 (zoho-api.md §5.1).
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

function listInfo(page: number, perPage: number, count: number, more: boolean) {
  return {
    call: false,
    per_page: perPage,
    count,
    page,
    sort_by: 'id',
    sort_order: 'desc',
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
      if (ids.some((id) => !/^\d{1,30}$/.test(id))) throw errors.invalidParam('ids');
    }
    const { page, perPage, offset } = paging(req);
    const { records, more } = store.listRecords(orgId, module, { ids, offset, limit: perPage });
    if (records.length === 0) return noContent(reply);
    return { data: records.map((r) => project(r, fields)), info: listInfo(page, perPage, records.length, more) };
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
      // Related Records' own wording for a missing `fields` (zoho-api.md §5.3).
      const fields = fieldsParam(req, true, 'One of the expected parameter is missing');
      const { page, perPage, offset } = paging(req);
      if (!store.recordExists(orgId, 'Contacts', id)) throw errors.invalidPathId(1);
      const all = store.dealsOfContact(orgId, id);
      const slice = all.slice(offset, offset + perPage);
      if (slice.length === 0) return noContent(reply);
      return {
        data: slice.map((row) => project(JSON.parse(row.data) as Record<string, unknown>, fields)),
        info: listInfo(page, perPage, slice.length, offset + perPage < all.length),
      };
    },
  );
}
