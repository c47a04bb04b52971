/**
 * The rest of the metadata Zoho's SDK reads before it touches records (docs/zoho-notes.md §16): the
 * related lists of a module (`GET /settings/related_lists?module=`, which Related Records calls
 * first, to learn the related module), one module by API name or id
 * (`GET /settings/modules/{api_name}`), the layouts of a module (`GET /settings/layouts?module=`,
 * `GET /settings/layouts/{id}`) and the pipeline of the Deals layout
 * (`GET /settings/pipeline?layout_id=`, its stages with `forecast_type`). Any other path under
 * /settings is a malformed URL, never a record module called "settings".
 *
 * Each org has one layout per module ("Standard") and one pipeline ("Standard"), with ids derived
 * from the module id, so they are stable across reseeds.
 */
import type { FastifyInstance } from 'fastify';
import type { ZohoLayout, ZohoPipeline, ZohoRelatedList } from '../../wire/index.ts';
import { ZohoHttpError, envelope, errors } from '../http/errors.ts';
import type { ModuleRow, Store } from '../store/index.ts';
import type { EmulatorContext } from '../context.ts';
import { FORECAST_CATEGORY_IDS, fieldsOf, moduleSummary } from './metadata.ts';
import { callerOf, queryParam } from './shared.ts';

const LAYOUT_OFFSET = 88_000n;
const PIPELINE_OFFSET = 89_000n;
const RELATED_LIST_OFFSET = 87_000n;

export function layoutIdOf(module: ModuleRow): string {
  return String(BigInt(module.id) + LAYOUT_OFFSET);
}

/**
 * A missing query parameter on these routes. Their OAS files name it in `details.param` (common.json
 * wants `param_name` too); both are sent.
 */
function missingParam(name: string): ZohoHttpError {
  return new ZohoHttpError(
    400,
    envelope('REQUIRED_PARAM_MISSING', 'required param is missing', { param_name: name, param: name }),
  );
}

/** `module=` on the settings routes: missing is REQUIRED_PARAM_MISSING, unknown INVALID_MODULE. */
function moduleParam(store: Store, orgId: string, raw: string | undefined): ModuleRow {
  if (raw === undefined || raw === '') throw missingParam('module');
  const module = store.getModule(orgId, raw);
  if (!module)
    throw new ZohoHttpError(
      400,
      envelope('INVALID_MODULE', 'the module name given seems to be invalid', { param: 'module' }),
    );
  return module;
}

function relatedListsOf(store: Store, orgId: string, module: ModuleRow): ZohoRelatedList[] {
  const deals = store.getModule(orgId, 'Deals');
  const list = (
    sequence: number,
    apiName: string,
    related: ModuleRow | undefined,
    sortBy: string,
    fields: string[],
  ): ZohoRelatedList => ({
    id: String(BigInt(module.id) + RELATED_LIST_OFFSET + BigInt(sequence)),
    sequence_number: String(sequence),
    display_label: apiName,
    api_name: apiName,
    // The Emails related list has no module of its own: Zoho's SDK then asks for no field metadata.
    module: { api_name: related?.api_name ?? null, id: related?.id ?? null },
    name: apiName,
    action: null,
    href: `${module.api_name}/{ENTITYID}/${apiName}`,
    type: 'default',
    visible: true,
    customize_sort: related !== undefined,
    customize_fields: related !== undefined,
    customize_display_label: false,
    sort_by: { api_name: sortBy, id: null },
    sort_order: 'desc',
    fields: fields.map((f) => ({ api_name: f, id: null })),
    status: 'visible',
  });
  const lists = [list(1, 'Emails', undefined, 'time', [])];
  if (module.api_name === 'Contacts' && deals)
    lists.unshift(list(0, 'Deals', deals, 'Modified_Time', ['Deal_Name', 'Stage', 'Amount', 'Closing_Date']));
  return lists;
}

function layoutOf(store: Store, caller: { orgId: string; userId: string }, module: ModuleRow): ZohoLayout {
  const { orgId } = caller;
  const admin = store.userRef(orgId, caller.userId) ?? { name: '', id: caller.userId };
  const fields = fieldsOf(store, orgId, module);
  const sectionId = String(BigInt(layoutIdOf(module)) + 1n);
  return {
    id: layoutIdOf(module),
    name: 'Standard',
    display_label: 'Standard',
    api_name: 'Standard',
    visible: true,
    status: 'active',
    source: 'crm',
    mode: 'standard',
    generated_type: 'default',
    has_more_profiles: false,
    show_business_card: false,
    created_time: null,
    modified_time: null,
    created_for: admin,
    created_by: admin,
    modified_by: admin,
    subform_properties: { pinned_column: false },
    // Lead conversion maps into these layouts; Contacts and Deals layouts map nothing.
    convert_mapping: {
      Contacts: { name: null, id: null },
      Deals: { fields: [], name: null, id: null },
      Accounts: { name: null, id: null },
      Invoices: { name: null, id: null },
      SalesOrders: { name: null, id: null },
    },
    profiles: [
      { default: true, name: 'Administrator', id: null, _default_view: { name: 'Standard', id: null, type: 'layout' } },
    ],
    actions_allowed: {
      edit: true,
      rename: false,
      clone: true,
      downgrade: false,
      delete: false,
      deactivate: false,
      set_layout_permissions: true,
    },
    sections: [
      {
        id: sectionId,
        api_name: `${module.singular_label} Information`,
        name: `${module.singular_label} Information`,
        display_label: `${module.singular_label} Information`,
        sequence_number: 1,
        column_count: 2,
        tab_traversal: 'left_to_right',
        isSubformSection: false,
        generated_type: 'default',
        type: 'used',
        properties: { reorder_rows: null, maximum_rows: null, tooltip: {} },
        _delete: { permanent: false },
        fields,
      },
    ],
  };
}

function pipelineOf(store: Store, orgId: string, module: ModuleRow): ZohoPipeline {
  return {
    id: String(BigInt(module.id) + PIPELINE_OFFSET),
    display_value: 'Standard',
    actual_value: 'Standard',
    default: true,
    child_available: false,
    maps: store.listStages(orgId).map((s) => ({
      id: s.id,
      display_value: s.display_value,
      actual_value: s.actual_value,
      sequence_number: s.sequence_number,
      forecast_type: s.forecast_type,
      forecast_category: { name: s.forecast_category, id: FORECAST_CATEGORY_IDS[s.forecast_category] ?? '0' },
    })),
  };
}

export function registerSettingsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get('/crm/v8/settings/related_lists', async (req) => {
    const { orgId } = callerOf(req);
    const module = moduleParam(store, orgId, queryParam(req, 'module'));
    return { related_lists: relatedListsOf(store, orgId, module) };
  });

  app.get<{ Params: { apiName: string } }>('/crm/v8/settings/modules/:apiName', async (req, reply) => {
    const { orgId } = callerOf(req);
    const key = req.params.apiName;
    // The SDK also reads a module by its id (GET /settings/modules/{id}).
    const module = /^\d+$/.test(key) ? store.listModules(orgId).find((m) => m.id === key) : store.getModule(orgId, key);
    if (!module) {
      if (/^\d+$/.test(key)) return reply.code(204).send();
      throw new ZohoHttpError(
        400,
        envelope('INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 2 }),
      );
    }
    const sequence = store.listModules(orgId).findIndex((m) => m.id === module.id) + 1;
    return { modules: [moduleSummary(module, sequence)] };
  });

  app.get('/crm/v8/settings/layouts', async (req) => {
    const caller = callerOf(req);
    const module = moduleParam(store, caller.orgId, queryParam(req, 'module'));
    return { layouts: [layoutOf(store, caller, module)] };
  });

  app.get<{ Params: { id: string } }>('/crm/v8/settings/layouts/:id', async (req, reply) => {
    const caller = callerOf(req);
    const module = moduleParam(store, caller.orgId, queryParam(req, 'module'));
    if (req.params.id !== layoutIdOf(module)) return reply.code(204).send();
    return { layouts: [layoutOf(store, caller, module)] };
  });

  app.get('/crm/v8/settings/pipeline', async (req, reply) => {
    const { orgId } = callerOf(req);
    const layoutId = queryParam(req, 'layout_id');
    if (layoutId === undefined || layoutId === '') throw missingParam('layout_id');
    const module = store.listModules(orgId).find((m) => layoutIdOf(m) === layoutId);
    if (!module) throw errors.invalidParam('layout_id');
    // Only the Deals layout has a pipeline; Zoho answers 204 for a layout without one.
    if (module.api_name !== 'Deals') return reply.code(204).send();
    return { pipeline: [pipelineOf(store, orgId, module)] };
  });

  // Everything else under /settings is a URL Zoho does not serve, not a module named "settings".
  app.all('/crm/v8/settings', async () => {
    throw errors.invalidUrlPattern();
  });
  app.all('/crm/v8/settings/*', async () => {
    throw errors.invalidUrlPattern();
  });
}
