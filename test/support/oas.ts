/**
 * Validates emulator responses against Zoho's own OpenAPI files (third_party/zoho-oas, a verbatim
 * copy of ../shared/zoho-oas), so that what works against the emulator works against Zoho.
 *
 *   expectMatchesOas('GET', '/crm/v8/Contacts/123/Emails', 200, body)
 *
 * `path` is the request path (query string ignored) or an OAS template; `body` is the parsed JSON
 * (undefined for an empty body). Throws with ajv's errors when the body does not match.
 *
 * Loading: the `*.json` files are OpenAPI 3.0 (`nullable` is turned into a type union with null);
 * the `*.yaml` files are OpenAPI 3.1 and their paths lack the `/crm/v8` prefix. Cross-file `$ref`s
 * to raw.githubusercontent.com are mapped to the local files.
 *
 * Statuses an operation does not define: 207 on link/unlink is validated as Zoho's other bulk
 * APIs answer it (each item either the 200 body's success object or the 400 body's error array);
 * any other undefined error status (401, 413, 415, 404 on records, …) against the error envelope
 * in common.json (`API_Exception`, with status "error"). 204 must have an empty body.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const OAS_DIR = fileURLToPath(new URL('../../third_party/zoho-oas/', import.meta.url));
const BASE = 'https://zoho-oas.local/';
const REMOTE = /^https:\/\/raw\.githubusercontent\.com\/Zohocorp-Pvt-Ltd\/crm-oas\/refs\/heads\/main\/v8\.0\//;
const OVERLAY_FILE = 'overlay.json';

type Json = any;

/** `nullable` → type union; remote `$ref`s → local documents. */
function normalise(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalise);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalise(v);
  if (typeof out.$ref === 'string') out.$ref = out.$ref.replace(REMOTE, BASE);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  } else if (out.nullable === false) delete out.nullable;
  return out;
}

const ptr = (...parts: string[]) => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

// ---------------------------------------------------------------------------------------------
// THE OVERLAY: where Zoho's documentation (or the article, our specification) shows what the OAS
// forbids. Every validation goes through it; keep it small and say why for each entry.
// ---------------------------------------------------------------------------------------------
function applyOverlay(docs: Map<string, Json>): void {
  const emails = docs.get('email_related_records.json');
  const s = emails.components.schemas;
  // 1. An email with no deal has `linked_record: null` (Get Emails docs; the OAS makes it required
  //    and non-nullable). `cc` is null when there is none (v7 sample).
  s.email.properties.linked_record = { anyOf: [{ $ref: '#/components/schemas/linked_record' }, { type: 'null' }] };
  s.email.properties.cc = { type: ['array', 'null'], items: { $ref: '#/components/schemas/UserDetails' } };
  // 2. The single-email view (GET …/Emails/{message_id}) is `{"Emails":[one]}` with `sent_time`
  //    and `content` instead of the list's `time`, and no `info` (View Email docs, docs/zoho-notes.md §8).
  s.email_detail = {
    ...s.email,
    required: [...s.email.required.filter((k: string) => k !== 'time'), 'sent_time', 'content'],
  };
  s.wrapper_detail = {
    type: 'object',
    properties: {
      Emails: { type: 'array', minItems: 1, maxItems: 1, items: { $ref: '#/components/schemas/email_detail' } },
    },
    required: ['Emails'],
  };
  emails.paths['/crm/v8/{module_name}/{record_id}/Emails/{message_id}'].get.responses['200'] = {
    content: { 'application/json': { schema: { $ref: '#/components/schemas/wrapper_detail' } } },
  };
  // 3. The OAS marks Get Emails' `owner_id` mandatory; the documentation and Zoho do not (request
  //    side: the emulator accepts calls without it; nothing to change in response schemas).
  // 4. users.json's `email` and `website` patterns are sample-generator residue
  //    (`[a-z0-9]{9}[@][a-z0-9]{5}[.]com`) that real addresses do not match.
  const user = docs.get('users.json').components.schemas.users.properties;
  delete user.email.pattern;
  delete user.website.pattern;
  // 5. The article's success messages ("email has been linked with the deal successfully") win
  //    over the OAS examples' text; the link schemas leave `message` free, so nothing to change.
  // 6. Link/unlink: a problem with the call as a whole (an unknown contact in the path, more than
  //    20 items) answers Zoho's single error envelope, which the link OAS's 400 does not list.
  const link = docs.get('deal_link_emails.yaml');
  for (const path of Object.values<Json>(link.paths))
    for (const op of Object.values<Json>(path)) {
      const r400 = op.responses?.['400']?.content?.['application/json'];
      // The single-email endpoints list the per-item wrapper twice in their 400's oneOf, so a
      // per-item body matches both and oneOf can never pass; either one is meant.
      const variants = r400?.schema?.oneOf as Json[] | undefined;
      if (variants && variants.filter((v) => v.properties?.Emails).length > 1) {
        r400.schema.anyOf = variants;
        delete r400.schema.oneOf;
      }
      if (r400)
        r400.schema = { anyOf: [r400.schema, { $ref: `${BASE}${OVERLAY_FILE}#/components/schemas/ErrorEnvelope` }] };
    }
  // 7. Get Records and Related Records declare their 200 as oneOf [Response_Wrapper, API_Exception],
  //    but neither schema requires anything, so every body matches both and oneOf always fails.
  //    A 200 is the records wrapper; it must carry `data` (nothing found is a 204).
  for (const [file, path] of [
    ['record.json', '/crm/v8/{module_api_name}'],
    ['record.json', '/crm/v8/{module_api_name}/{id}'],
    ['related_records.json', '/crm/v8/{module_api_name}/{record_id}/{related_list_api_name}'],
  ] as const) {
    docs.get(file).paths[path].get.responses['200'] = {
      content: {
        'application/json': {
          schema: {
            allOf: [{ $ref: '#/components/schemas/Response_Wrapper' }, { type: 'object', required: ['data'] }],
          },
        },
      },
    };
  }
  // 9. GET /settings/modules and GET /settings/fields: the OAS requires the whole module / field
  //    object (layouts, custom views, related lists, 80 field properties…) on the lists as on the
  //    single GETs; Zoho's lists carry a summary. Only the keys clients read stay required.
  const modules = docs.get('modules.json').components.schemas.modules;
  modules.required = [
    'api_name',
    'id',
    'module_name',
    'singular_label',
    'plural_label',
    'api_supported',
    'generated_type',
  ];
  const fields = docs.get('fields.json').components.schemas.fields;
  fields.required = ['api_name', 'id', 'data_type', 'field_label', 'display_label', 'json_type'];
  //    The same holds for the fields of a layout's sections (GET /settings/layouts).
  const layouts = docs.get('layouts.json').components.schemas;
  layouts.fields.required = fields.required;
  // 13. layouts.json alone spells the unknown-module code `InvalidModule`; every other settings
  //     route, the SDK's code list and Zoho's status codes say INVALID_MODULE.
  layouts.InvalidParamError.properties.code.enum.push('INVALID_MODULE');
  // 14. GET /settings/pipeline's 400 is a oneOf whose `pipeline`-array variants require nothing, so
  //     every error body matches them too and oneOf can never pass: any one variant is meant.
  const pipeline400 = docs.get('pipeline.json').components.responses.ErrorResponse.content['application/json'];
  pipeline400.schema = { anyOf: pipeline400.schema.oneOf };
  // 10. Associate Email's two Zoho OAS files disagree on its 400 (associate_email.json allows only
  //     INVALID_DATA and REQUIRED_PARAM_MISSING; associate_email.yaml has the flat
  //     MANDATORY_NOT_FOUND array and the one-email limit), and the v7 docs list more codes
  //     (DUPLICATE_DATA, INVALID_MODULE, INVALID_DATA with other messages). Either file's 400 is
  //     accepted, or Zoho's envelope, top-level or as a flat one-item `Emails` array.
  const assocJson = docs.get('associate_email.json');
  const yaml400 = `${BASE}associate_email.yaml${ptr('paths', '/{module}/{recordId}/actions/associate_email', 'post', 'responses', '400', 'content', 'application/json', 'schema')}`;
  const envelope = `${BASE}${OVERLAY_FILE}#/components/schemas/ErrorEnvelope`;
  const flatEmails = {
    type: 'object',
    additionalProperties: false,
    required: ['Emails'],
    properties: { Emails: { type: 'array', minItems: 1, maxItems: 1, items: { $ref: envelope } } },
  };
  assocJson.paths['/crm/v8/{module}/{recordId}/actions/associate_email'].post.responses['400'] = {
    content: {
      'application/json': {
        schema: {
          anyOf: [
            { $ref: '#/components/responses/ErrorResponse/content/application~1json/schema' },
            { $ref: yaml400 },
            { $ref: envelope },
            flatEmails,
          ],
        },
      },
    },
  };
  // 11. email_available: an original message id that names no email answers `{"available":false}`
  //     (the OAS requires `record`, which then has nothing to say); a missing parameter is
  //     REQUIRED_PARAM_MISSING with `param_name`, as on Zoho's other GETs (the OAS says `param`).
  const available = assocJson.paths['/crm/v8/actions/email_available'].get.responses;
  available['200'] = {
    content: {
      'application/json': {
        schema: {
          anyOf: [
            { $ref: '#/components/schemas/available' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['available'],
              properties: { available: { const: false } },
            },
          ],
        },
      },
    },
  };
  available['400'] = { content: { 'application/json': { schema: { $ref: envelope } } } };
  // 12. relinkMode "reject" answers a per-item ALREADY_USED (CONTRACT.md: a code Zoho uses
  //     elsewhere, for a case Zoho documents no error for) in the shape of the items' INVALID_DATA.
  const allowAlreadyUsed = (node: Json): void => {
    if (Array.isArray(node)) return node.forEach(allowAlreadyUsed);
    if (typeof node !== 'object' || node === null) return;
    const item = node.type === 'array' ? node.items?.properties : undefined;
    if (item?.code?.enum?.includes('INVALID_DATA')) {
      item.code.enum.push('ALREADY_USED');
      // The single-email form fixes the message to "invalid data"; ALREADY_USED says what it is.
      if (item.message?.enum) {
        const fixed = item.message;
        item.message = { type: 'string', maxLength: 256 };
        node.items.if = { properties: { code: { const: 'INVALID_DATA' } } };
        node.items.then = { properties: { message: fixed } };
      }
    }
    for (const v of Object.values(node)) allowAlreadyUsed(v);
  };
  allowAlreadyUsed(docs.get('deal_link_emails.yaml').paths);
  // 8. GET /org is not in the OAS files we hold; shape from Zoho's "Get Organization Data" docs.
  docs.set(OVERLAY_FILE, {
    openapi: '3.0.0',
    paths: {
      '/crm/v8/org': {
        get: {
          responses: {
            '200': {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['org'],
                    properties: {
                      org: {
                        type: 'array',
                        minItems: 1,
                        maxItems: 1,
                        items: {
                          type: 'object',
                          required: ['id', 'company_name'],
                          properties: { id: { type: 'string', pattern: '^[0-9]+$' }, company_name: { type: 'string' } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        // common.json's API_Exception, with status fixed to "error" and nothing else allowed.
        ErrorEnvelope: {
          allOf: [
            { $ref: `${BASE}common.json#/components/schemas/API_Exception` },
            {
              type: 'object',
              properties: {
                status: { const: 'error' },
                code: { type: 'string', pattern: '^[A-Z_]+$' },
                details: { type: 'object' },
              },
              additionalProperties: false,
              required: ['code', 'details', 'message', 'status'],
              patternProperties: { '^(code|details|message|status)$': {} },
            },
          ],
        },
      },
    },
  });
}

interface Operation {
  file: string;
  template: string;
  method: string;
  op: Json;
}

let loaded: { ajv: Ajv; docs: Map<string, Json>; ops: Operation[]; cache: Map<string, ValidateFunction> } | undefined;

function load() {
  if (loaded) return loaded;
  const docs = new Map<string, Json>();
  for (const file of readdirSync(OAS_DIR)) {
    if (file.endsWith('.json')) docs.set(file, normalise(JSON.parse(readFileSync(OAS_DIR + file, 'utf8'))));
    else if (file.endsWith('.yaml')) docs.set(file, normalise(YAML.parse(readFileSync(OAS_DIR + file, 'utf8'))));
  }
  applyOverlay(docs);
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, allowUnionTypes: true });
  // ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
    addFormatsModule) as unknown as (a: Ajv) => void;
  addFormats(ajv);
  const ops: Operation[] = [];
  for (const [file, doc] of docs) {
    ajv.addSchema(doc, BASE + file);
    const prefix = file.endsWith('.yaml') ? '/crm/v8' : '';
    for (const [template, item] of Object.entries<Json>(doc.paths ?? {}))
      for (const [method, op] of Object.entries<Json>(item))
        if (op && typeof op === 'object' && op.responses)
          ops.push({
            file,
            template: prefix + template,
            method: method.toUpperCase(),
            op: { ...op, oasPath: template },
          });
  }
  loaded = { ajv, docs, ops, cache: new Map() };
  return loaded;
}

/** The OAS operation for a method and a concrete (or templated) path: the most literal match. */
export function findOperation(method: string, path: string): Operation {
  const { ops } = load();
  const segs = path.split('?')[0]!.split('/');
  let best: Operation | undefined;
  let bestScore = -1;
  for (const o of ops) {
    if (o.method !== method.toUpperCase()) continue;
    const t = o.template.split('/');
    if (t.length !== segs.length) continue;
    let score = 0;
    let ok = true;
    for (let i = 0; i < t.length; i++) {
      const isParam = /^\{.+\}$/.test(t[i]!);
      if (t[i] === segs[i]) score += isParam ? 0 : 1;
      else if (!isParam) {
        ok = false;
        break;
      }
    }
    if (ok && score > bestScore) {
      best = o;
      bestScore = score;
    }
  }
  if (!best) throw new Error(`no OAS operation for ${method} ${path}`);
  return best;
}

function validatorFor(ref: string, build?: () => Json): ValidateFunction {
  const { ajv, cache } = load();
  const cached = cache.get(ref);
  if (cached) return cached;
  const v = ajv.compile(build ? build() : { $ref: ref });
  cache.set(ref, v);
  return v;
}

/** The pointer of the JSON schema of a response, following a `$ref` to components/responses. */
function responseSchemaRef(o: Operation, status: string): string | undefined {
  const { docs } = load();
  const doc = docs.get(o.file);
  let response = o.op.responses[status];
  let base = ptr('paths', o.op.oasPath, o.method.toLowerCase(), 'responses', status);
  if (!response) return undefined;
  if (typeof response.$ref === 'string' && response.$ref.startsWith('#/')) {
    base = response.$ref;
    response = response.$ref
      .slice(2)
      .split('/')
      .reduce((n: Json, k: string) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  if (!response?.content?.['application/json']?.schema) return undefined;
  return `${BASE}${o.file}${base}/content/application~1json/schema`;
}

/** 207 for link/unlink: each item is the 200 body's success item or one of the 400 body's error arrays. */
function multiStatusSchema(o: Operation): Json {
  const { docs } = load();
  const doc = docs.get(o.file);
  const opPtr = ['paths', o.op.oasPath, o.method.toLowerCase(), 'responses'];
  const r200 = o.op.responses['200'].content['application/json'].schema;
  const r400 = o.op.responses['400'].content['application/json'].schema.anyOf[0];
  const variantsKey = r400.oneOf ? 'oneOf' : 'anyOf';
  const items: Json[] = [
    {
      $ref: `${BASE}${o.file}${ptr(...opPtr, '200', 'content', 'application/json', 'schema', 'properties', 'Emails', 'items')}`,
    },
  ];
  (r400[variantsKey] as Json[]).forEach((variant, i) => {
    if (variant.properties?.Emails)
      items.push({
        $ref: `${BASE}${o.file}${ptr(...opPtr, '400', 'content', 'application/json', 'schema', 'anyOf', '0', variantsKey, String(i), 'properties', 'Emails', 'items')}`,
      });
  });
  void doc;
  return {
    type: 'object',
    required: ['Emails'],
    additionalProperties: false,
    properties: {
      Emails: { type: 'array', minItems: 2, maxItems: r200.properties.Emails.maxItems ?? 20, items: { anyOf: items } },
    },
  };
}

/** Validates a response; returns the list of problems (empty when it matches). */
export function oasProblems(method: string, path: string, status: number, body: unknown): string[] {
  const o = findOperation(method, path);
  const key = String(status);
  const where = `${method} ${o.template} → ${status}`;
  if (status === 204) return body === undefined || body === '' ? [] : [`${where}: a 204 must have an empty body`];
  if (body === undefined) return [`${where}: empty body`];
  let validate: ValidateFunction;
  const ref = responseSchemaRef(o, key);
  if (ref) validate = validatorFor(ref);
  else if (status === 207 && o.file === 'deal_link_emails.yaml')
    validate = validatorFor(`207:${o.template}:${o.method}`, () => multiStatusSchema(o));
  else if (status >= 400) validate = validatorFor(`${BASE}${OVERLAY_FILE}#/components/schemas/ErrorEnvelope`);
  else return [`${where}: status not defined by the OAS`];
  if (validate(body)) return [];
  return (validate.errors ?? [])
    .slice(0, 12)
    .map((e) => `${where}: ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
}

export function expectMatchesOas(method: string, path: string, status: number, body: unknown): void {
  const problems = oasProblems(method, path, status, body);
  if (problems.length > 0)
    throw new Error(
      `response does not match Zoho's OAS:\n${problems.join('\n')}\n${JSON.stringify(body).slice(0, 800)}`,
    );
}
