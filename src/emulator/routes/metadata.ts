/**
 * Metadata: `GET /settings/modules`, `GET /settings/fields?module=…` (Deals' Stage picklist
 * carries `forecast_type`, which is what decides open or closed: docs/zoho-notes.md §12) and
 * `GET /users?type=…` (Zoho's SDK asks for `CurrentUser` right after every token refresh).
 */
import type { FastifyInstance } from 'fastify';
import type {
  ZohoFieldSummary,
  ZohoFieldsListResponse,
  ZohoModuleSummary,
  ZohoModulesListResponse,
  ZohoPickListValue,
  ZohoUser,
} from '../../wire/index.ts';
import { ZohoHttpError, envelope, errors } from '../http/errors.ts';
import type { ModuleRow, StageRow, Store } from '../store/index.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf, queryParam } from './shared.ts';

export function moduleSummary(m: ModuleRow, sequence: number): ZohoModuleSummary {
  return {
    api_name: m.api_name,
    id: m.id,
    module_name: m.api_name,
    singular_label: m.singular_label,
    plural_label: m.plural_label,
    api_supported: true,
    generated_type: 'default',
    sequence_number: sequence,
    creatable: true,
    editable: true,
    deletable: true,
    viewable: true,
    visible: true,
    visibility: 1,
    show_as_tab: true,
    quick_create: true,
    convertable: false,
    feeds_required: false,
    triggers_supported: true,
    filter_supported: true,
    emailTemplate_support: true,
    inventory_template_supported: false,
    isBlueprintSupported: true,
    presence_sub_menu: true,
    description: null,
    web_link: null,
    modified_time: null,
    arguments: [],
    business_card_field_limit: 5,
    profiles: [],
    parent_module: null,
  };
}

/** Zoho's forecast categories, one id per name (the pipeline metadata's `forecast_category`). */
export const FORECAST_CATEGORY_IDS: Record<string, string> = { Pipeline: '1', Closed: '2', Omitted: '3' };

function stageValue(s: StageRow): ZohoPickListValue {
  return {
    display_value: s.display_value,
    actual_value: s.actual_value,
    id: s.id,
    sequence_number: s.sequence_number,
    type: 'used',
    colour_code: null,
    forecast_type: s.forecast_type,
    forecast_category: { name: s.forecast_category, id: FORECAST_CATEGORY_IDS[s.forecast_category] ?? '0' },
    probability: s.probability,
    deal_category:
      s.forecast_type === 'Open' ? 'Open' : s.forecast_type === 'Closed Won' ? 'Closed Won' : 'Closed Lost',
  };
}

type FieldSpec = [
  apiName: string,
  label: string,
  dataType: string,
  jsonType: string,
  extra?: Partial<ZohoFieldSummary>,
];

function field(
  moduleId: string,
  index: number,
  [apiName, label, dataType, jsonType, extra]: FieldSpec,
): ZohoFieldSummary {
  return {
    api_name: apiName,
    // Field ids are the module id plus a per-field offset: stable across runs, unique per org.
    id: String(BigInt(moduleId) + 100_000n + BigInt(index)),
    field_label: label,
    display_label: label,
    data_type: dataType,
    json_type: jsonType,
    system_mandatory: apiName === 'Deal_Name' || apiName === 'Last_Name' || apiName === 'Stage',
    read_only: apiName.endsWith('_Time') || apiName === 'Full_Name',
    field_read_only: apiName.endsWith('_Time') || apiName === 'Full_Name',
    custom_field: false,
    visible: true,
    sortable: true,
    filterable: true,
    searchable: dataType !== 'lookup',
    created_source: 'default',
    type: 'used',
    length: dataType === 'text' || dataType === 'email' ? 120 : 9,
    decimal_place: dataType === 'currency' ? 2 : null,
    pick_list_values: [],
    ...extra,
  } as ZohoFieldSummary;
}

function lookupTo(store: Store, orgId: string, apiName: string): Partial<ZohoFieldSummary> {
  const target = store.getModule(orgId, apiName);
  // The fields OAS leaves `lookup` an open object; Zoho names the target module in it.
  return { lookup: { module: { api_name: apiName, id: target?.id ?? null } } as unknown as ZohoFieldSummary['lookup'] };
}

export function fieldsOf(store: Store, orgId: string, module: ModuleRow): ZohoFieldSummary[] {
  let specs: FieldSpec[];
  if (module.api_name === 'Deals') {
    const stages = store.listStages(orgId);
    specs = [
      ['Owner', 'Deal Owner', 'ownerlookup', 'jsonobject'],
      ['Deal_Name', 'Deal Name', 'text', 'string'],
      ['Amount', 'Amount', 'currency', 'double'],
      ['Closing_Date', 'Closing Date', 'date', 'string'],
      ['Stage', 'Stage', 'picklist', 'string', { pick_list_values: stages.map(stageValue) }],
      ['Probability', 'Probability (%)', 'integer', 'integer'],
      ['Pipeline', 'Pipeline', 'picklist', 'string'],
      ['Contact_Name', 'Contact Name', 'lookup', 'jsonobject', lookupTo(store, orgId, 'Contacts')],
      ['Account_Name', 'Account Name', 'lookup', 'jsonobject'],
      ['Created_Time', 'Created Time', 'datetime', 'string'],
      ['Modified_Time', 'Modified Time', 'datetime', 'string'],
    ];
  } else {
    specs = [
      ['Owner', 'Contact Owner', 'ownerlookup', 'jsonobject'],
      ['First_Name', 'First Name', 'text', 'string'],
      ['Last_Name', 'Last Name', 'text', 'string'],
      ['Full_Name', 'Full Name', 'text', 'string'],
      ['Email', 'Email', 'email', 'string'],
      ['Secondary_Email', 'Secondary Email', 'email', 'string'],
      ['Phone', 'Phone', 'phone', 'string'],
      ['Account_Name', 'Account Name', 'lookup', 'jsonobject'],
      ['Created_Time', 'Created Time', 'datetime', 'string'],
      ['Modified_Time', 'Modified Time', 'datetime', 'string'],
    ];
  }
  return specs.map((spec, i) => field(module.id, i, spec));
}

const USER_TYPES = [
  'AllUsers',
  'ActiveUsers',
  'DeactiveUsers',
  'ConfirmedUsers',
  'NotConfirmedUsers',
  'DeletedUsers',
  'ActiveConfirmedUsers',
  'AdminUsers',
  'ActiveConfirmedAdmins',
  'CurrentUser',
];

export function registerMetadataRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get('/crm/v8/settings/modules', async (req) => {
    const { orgId } = callerOf(req);
    return {
      modules: store.listModules(orgId).map((m, i) => moduleSummary(m, i + 1)),
    } satisfies ZohoModulesListResponse;
  });

  app.get('/crm/v8/settings/fields', async (req) => {
    const { orgId } = callerOf(req);
    const name = queryParam(req, 'module');
    if (name === undefined || name === '') throw errors.requiredParamMissing('module');
    const module = store.getModule(orgId, name);
    if (!module)
      throw new ZohoHttpError(
        400,
        envelope('INVALID_MODULE', 'the module name given seems to be invalid', { api_name: 'module' }),
      );
    return { fields: fieldsOf(store, orgId, module) } satisfies ZohoFieldsListResponse;
  });

  app.get('/crm/v8/users', async (req, reply) => {
    const caller = callerOf(req);
    const type = queryParam(req, 'type') ?? 'AllUsers';
    if (!USER_TYPES.includes(type)) throw errors.invalidParam('type');
    const rows = store.db.prepare('SELECT id, data FROM users WHERE org_id = ? ORDER BY id').all(caller.orgId) as {
      id: string;
      data: string;
    }[];
    const all = rows.map(
      (r) => JSON.parse(r.data) as ZohoUser & { status?: string; confirm?: boolean; profile?: { name?: string } },
    );
    let users: ZohoUser[];
    switch (type) {
      case 'CurrentUser':
        users = all.filter((u) => u.id === caller.userId);
        break;
      case 'AdminUsers':
      case 'ActiveConfirmedAdmins':
        users = all.filter((u) => u.profile?.name === 'Administrator');
        break;
      case 'DeactiveUsers':
      case 'NotConfirmedUsers':
      case 'DeletedUsers':
        users = [];
        break;
      default:
        users = all;
    }
    if (users.length === 0) return reply.code(204).send();
    return { users, info: { per_page: 200, count: users.length, page: 1, more_records: false } };
  });
}
