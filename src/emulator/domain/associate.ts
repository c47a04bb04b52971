/**
 * The body checks of Associate Email (`POST /{module}/{id}/actions/associate_email`,
 * docs/zoho-notes.md §10), as a pure function. Checks that need the store (the records exist, the owner
 * is a user, the original message id is new) are made by the route after this one passes.
 *
 * Error shapes follow Zoho's own examples (associate_email.yaml, the v7 docs page):
 * - the `Emails` key missing or empty: a top-level MANDATORY_NOT_FOUND on `$.Emails`;
 * - more than one email: top-level INVALID_DATA with `details.maximum_length: 1`;
 * - a mandatory key missing from the email: a flat `{"Emails":[{MANDATORY_NOT_FOUND…}]}` whose
 *   `json_path` is `$.Emails[0].<key>` (flat, unlike link_record's array of arrays);
 * - a value of the wrong type or form: top-level INVALID_DATA `{api_name, json_path}`.
 */
import type { ZohoErrorBody } from '../../wire/index.ts';
import { isZohoId } from './ids.ts';

export type ErrorAnswer = {
  status: number;
  body: ZohoErrorBody | { Emails: ZohoErrorBody[] };
};

/** The email once its shape is known to be right. */
export interface AssociateEmailInput {
  from: { user_name?: string; email: string };
  to: Array<{ user_name?: string; email: string }>;
  cc: Array<{ user_name?: string; email: string }> | null;
  bcc: Array<{ user_name?: string; email: string }> | null;
  subject: string;
  content: string;
  mail_format: 'html' | 'text';
  /** Normalised to the instant given, kept as the caller wrote it. */
  date_time: string;
  sent: boolean;
  original_message_id: string;
  linked_record: {
    id: string;
    name: string | null;
    module: { api_name: string; id: string | null };
  } | null;
  owner: { id: string } | null;
}

export type AssociateValidation = { ok: true; email: AssociateEmailInput } | { ok: false; error: ErrorAnswer };

/** Documented order of the mandatory keys; the first one missing is reported. */
const MANDATORY = ['from', 'to', 'subject', 'content', 'date_time', 'sent', 'original_message_id'] as const;

export const SUBJECT_MAX = 500;
export const CONTENT_MAX = 32000;
export const ORIGINAL_MESSAGE_ID_MAX = 255;
export const RECIPIENTS_MAX = 50;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
// Deliberately loose: Zoho accepts any address its mail servers could have produced.
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+$/;

export function mandatoryNotFound(apiName: string, jsonPath: string): ZohoErrorBody {
  return {
    code: 'MANDATORY_NOT_FOUND',
    details: { api_name: apiName, json_path: jsonPath },
    message: 'required field not found',
    status: 'error',
  };
}

export function invalidData(apiName: string, jsonPath: string, message = 'invalid data'): ZohoErrorBody {
  return { code: 'INVALID_DATA', details: { api_name: apiName, json_path: jsonPath }, message, status: 'error' };
}

function top(body: ZohoErrorBody): { ok: false; error: ErrorAnswer } {
  return { ok: false, error: { status: 400, body } };
}

function perEmail(body: ZohoErrorBody): { ok: false; error: ErrorAnswer } {
  return { ok: false, error: { status: 400, body: { Emails: [body] } } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Address = { user_name?: string; email: string };

function parseAddress(v: unknown): Address | null {
  if (!isObject(v) || typeof v.email !== 'string' || !EMAIL.test(v.email)) return null;
  if (v.user_name !== undefined && v.user_name !== null && typeof v.user_name !== 'string') return null;
  return typeof v.user_name === 'string' ? { user_name: v.user_name, email: v.email } : { email: v.email };
}

function parseAddresses(
  v: unknown,
  key: string,
  base: string,
  allowEmpty: boolean,
): { ok: true; list: Array<{ user_name?: string; email: string }> } | { ok: false; error: ErrorAnswer } {
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0)) return top(invalidData(key, `${base}.${key}`));
  if (v.length > RECIPIENTS_MAX) return top(invalidData(key, `${base}.${key}`));
  const list: Array<{ user_name?: string; email: string }> = [];
  for (const [i, item] of v.entries()) {
    const address = parseAddress(item);
    if (!address) return top(invalidData('email', `${base}.${key}[${i}].email`));
    list.push(address);
  }
  return { ok: true, list };
}

/** Validates the request body of Associate Email; `body` is the parsed JSON. */
export function validateAssociateBody(body: unknown): AssociateValidation {
  if (!isObject(body) || !('Emails' in body)) return top(mandatoryNotFound('Emails', '$.Emails'));
  const emails = body.Emails;
  if (!Array.isArray(emails)) return top(invalidData('Emails', '$.Emails'));
  if (emails.length === 0) return top(mandatoryNotFound('Emails', '$.Emails'));
  if (emails.length > 1) {
    // Zoho's own example (associate_email.yaml, MaximumLength): one email per call.
    return top({
      code: 'INVALID_DATA',
      details: { maximum_length: 1, api_name: 'Emails', json_path: '$.Emails' },
      message: 'invalid data',
      status: 'error',
    });
  }
  const item: unknown = emails[0];
  const base = '$.Emails[0]';
  if (!isObject(item)) return top(invalidData('Emails', base));

  for (const key of MANDATORY) {
    if (item[key] === undefined || item[key] === null) return perEmail(mandatoryNotFound(key, `${base}.${key}`));
  }

  const from = parseAddress(item.from);
  if (!from) return top(invalidData('from', `${base}.from`));
  const to = parseAddresses(item.to, 'to', base, false);
  if (!to.ok) return to;
  let cc: Array<{ user_name?: string; email: string }> | null = null;
  if (item.cc !== undefined && item.cc !== null) {
    const parsed = parseAddresses(item.cc, 'cc', base, true);
    if (!parsed.ok) return parsed;
    cc = parsed.list;
  }
  let bcc: Array<{ user_name?: string; email: string }> | null = null;
  if (item.bcc !== undefined && item.bcc !== null) {
    const parsed = parseAddresses(item.bcc, 'bcc', base, true);
    if (!parsed.ok) return parsed;
    bcc = parsed.list;
  }

  if (typeof item.subject !== 'string' || item.subject.length === 0 || item.subject.length > SUBJECT_MAX) {
    return top(invalidData('subject', `${base}.subject`));
  }
  if (typeof item.content !== 'string' || item.content.length > CONTENT_MAX) {
    return top(invalidData('content', `${base}.content`));
  }
  let mailFormat: 'html' | 'text' = 'text';
  if (item.mail_format !== undefined && item.mail_format !== null) {
    if (item.mail_format !== 'html' && item.mail_format !== 'text') {
      return top(invalidData('mail_format', `${base}.mail_format`));
    }
    mailFormat = item.mail_format;
  }
  if (
    typeof item.date_time !== 'string' ||
    !ISO_DATE_TIME.test(item.date_time) ||
    Number.isNaN(Date.parse(item.date_time))
  ) {
    return top(invalidData('date_time', `${base}.date_time`));
  }
  if (typeof item.sent !== 'boolean') return top(invalidData('sent', `${base}.sent`));
  const omid = item.original_message_id;
  if (typeof omid !== 'string' || omid.trim().length === 0 || omid.length > ORIGINAL_MESSAGE_ID_MAX) {
    return top(invalidData('original_message_id', `${base}.original_message_id`));
  }

  if (item.attachments !== undefined && item.attachments !== null) {
    if (!Array.isArray(item.attachments)) return top(invalidData('attachments', `${base}.attachments`));
    if (item.attachments.length > 0) {
      // Attachments are ids of files uploaded to Zoho's file store, which the emulator does
      // not have: every id is therefore one Zoho would not know (its documented message).
      return top(invalidData('id', `${base}.attachments[0].id`, 'provided file id is improper'));
    }
  }

  let owner: { id: string } | null = null;
  if (item.owner !== undefined && item.owner !== null) {
    if (!isObject(item.owner) || item.owner.id === undefined)
      return perEmail(mandatoryNotFound('id', `${base}.owner.id`));
    const id = typeof item.owner.id === 'number' ? String(item.owner.id) : item.owner.id;
    if (!isZohoId(id)) {
      return top(invalidData('id', `${base}.owner.id`, 'Provide a Proper owner id'));
    }
    owner = { id };
  }

  let linked: AssociateEmailInput['linked_record'] = null;
  if (item.linked_record !== undefined && item.linked_record !== null) {
    const lr = item.linked_record;
    const lrPath = `${base}.linked_record`;
    if (!isObject(lr)) return top(invalidData('linked_record', lrPath));
    if (lr.id === undefined || lr.id === null) return perEmail(mandatoryNotFound('id', `${lrPath}.id`));
    if (lr.module === undefined || lr.module === null) return perEmail(mandatoryNotFound('module', `${lrPath}.module`));
    if (!isObject(lr.module)) return top(invalidData('module', `${lrPath}.module`));
    if (lr.module.api_name === undefined || lr.module.api_name === null) {
      return perEmail(mandatoryNotFound('api_name', `${lrPath}.module.api_name`));
    }
    if (typeof lr.module.api_name !== 'string') {
      return top(invalidData('api_name', `${lrPath}.module.api_name`, 'the api_name given seems to be invalid'));
    }
    const id = typeof lr.id === 'number' ? String(lr.id) : lr.id;
    if (!isZohoId(id)) return top(invalidData('id', `${lrPath}.id`));
    let moduleId: string | null = null;
    if (lr.module.id !== undefined && lr.module.id !== null) {
      const mid = typeof lr.module.id === 'number' ? String(lr.module.id) : lr.module.id;
      if (!isZohoId(mid)) return top(invalidData('id', `${lrPath}.module.id`));
      moduleId = mid;
    }
    if (lr.name !== undefined && lr.name !== null && typeof lr.name !== 'string') {
      return top(invalidData('name', `${lrPath}.name`));
    }
    linked = {
      id,
      name: typeof lr.name === 'string' ? lr.name : null,
      module: { api_name: lr.module.api_name, id: moduleId },
    };
  }

  return {
    ok: true,
    email: {
      from,
      to: to.list,
      cc,
      bcc,
      subject: item.subject,
      content: item.content,
      mail_format: mailFormat,
      date_time: item.date_time,
      sent: item.sent,
      original_message_id: omid,
      linked_record: linked,
      owner,
    },
  };
}
