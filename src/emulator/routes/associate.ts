/**
 * Associate Email with a Record (docs/zoho-notes.md §10): `POST /{module}/{id}/actions/associate_email`
 * logs one new email into CRM, and `GET /actions/email_available?orginal_message_id=…` (Zoho's
 * spelling) says where an email already is.
 *
 * Where the email is filed and which deal it is linked to:
 * - `Contacts/{id}` with a Deals `linked_record`: under the contact, linked to that deal;
 * - `Deals/{id}` with a Contacts `linked_record`: under that contact, linked to the deal;
 * - `Contacts/{id}` without one: under the contact; a received email (`sent: false`) is linked by
 *   deal prediction (domain/prediction.ts), a sent one is not linked;
 * - `Deals/{id}` without one: under the deal, linked to it.
 * The `linked_record` must be the path record's (the deal's primary contact or a contact role),
 * as for Link Deal to Emails. Nothing here changes a deal's `Modified_Time`.
 *
 * De-duplication: an `original_message_id` already in the org answers DUPLICATE_DATA.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZohoAssociateResponse, ZohoErrorBody, ZohoLinkedRecord } from '../../wire/index.ts';
import { validateAssociateBody, invalidData, type AssociateEmailInput } from '../domain/associate.ts';
import { predictDeal, type EligibilityRule, type Prediction, type PredictionDeal } from '../domain/prediction.ts';
import { ZohoHttpError, errors } from '../http/errors.ts';
import { ADMIN_ONLY_MESSAGE, mayTouchMailOf, noPermission } from '../http/permissions.ts';
import { zohoTime } from '../seed/index.ts';
import type { EmailRow, RecordModule, Store } from '../store/index.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf, queryParam, recordModule, requireDigits } from './shared.ts';

export const ASSOCIATE_SUCCESS_MESSAGE = 'Your mail has been added successfully';

// ---------------------------------------------------------------- shared with the mailbox route

/** Deal prediction over the store's view of a contact's deals. */
export function predictForContact(
  store: Store,
  orgId: string,
  contactId: string,
  eligible: EligibilityRule,
): Prediction<PredictionDeal & { name: string }> {
  const deals = store.dealsOfContact(orgId, contactId).map((d) => ({
    id: d.id,
    name: d.deal_name,
    modifiedTime: d.modified_time,
    stage: d.stage,
    primaryContactId: d.contact_id,
    // dealsOfContact only returns the contact's deals: not primary means through a contact role.
    contactRoleIds: d.contact_id === contactId ? [] : [contactId],
  }));
  const stages = new Map(store.listStages(orgId).map((s) => [s.actual_value, s.forecast_type]));
  return predictDeal({ contactId, deals, forecastTypeOfStage: stages, eligible });
}

/** The wire `linked_record` of a deal link. */
export function dealLinkOf(store: Store, orgId: string, dealId: string | null): ZohoLinkedRecord | null {
  if (dealId === null) return null;
  const deal = store.getDealRow(orgId, dealId);
  return {
    id: dealId,
    name: deal?.deal_name ?? null,
    module: { api_name: 'Deals', id: store.getModule(orgId, 'Deals')?.id ?? null },
  };
}

/** Zoho's message ids are 64 or 96 hex characters; mail logged or synced into CRM gets 64 here. */
export function newMessageId(): string {
  return randomBytes(32).toString('hex');
}

export function emailIdByOriginal(store: Store, orgId: string, originalMessageId: string): string | undefined {
  const row = store.db
    .prepare('SELECT message_id FROM emails WHERE org_id = ? AND original_message_id = ? ORDER BY message_id LIMIT 1')
    .get(orgId, originalMessageId) as { message_id: string } | undefined;
  return row?.message_id;
}

export interface NewEmail {
  orgId: string;
  ownerId: string;
  sent: boolean;
  timeMs: number;
  subject: string;
  content: string;
  mailFormat: string;
  from: { user_name?: string; email: string };
  to: Array<{ user_name?: string; email: string }>;
  cc: Array<{ user_name?: string; email: string }> | null;
  originalMessageId: string | null;
  linkedDealId: string | null;
  filedUnder: Array<{ module: RecordModule; id: string }>;
}

/** Inserts an email and files it (the caller holds the transaction). Returns its message id. */
export function insertNewEmail(store: Store, e: NewEmail): string {
  const messageId = newMessageId();
  const address = (a: { user_name?: string; email: string }) => ({ user_name: a.user_name ?? null, email: a.email });
  const row: EmailRow = {
    org_id: e.orgId,
    message_id: messageId,
    owner_id: e.ownerId,
    kind: 'synced',
    sent: e.sent ? 1 : 0,
    time: zohoTime(e.timeMs),
    time_ms: e.timeMs,
    subject: e.subject,
    from_addr: JSON.stringify(address(e.from)),
    to_addrs: JSON.stringify(e.to.map(address)),
    cc_addrs: e.cc && e.cc.length > 0 ? JSON.stringify(e.cc.map(address)) : null,
    reply_to: null,
    // Zoho's statuses (sent, opened, bounced) track mail the user sent; received mail has none.
    status: JSON.stringify(e.sent ? [{ type: 'sent', bounced_time: null, bounced_reason: null }] : []),
    read: e.sent ? 1 : 0,
    source: 'individual',
    // Zia has not looked at a new email yet.
    summary: null,
    intent: null,
    sentiment_info: null,
    emotion: null,
    thread_id: String(BigInt('0x' + messageId.slice(0, 15))),
    has_attachment: 0,
    has_thread_attachment: 0,
    attachments: '[]',
    content: e.content,
    mail_format: e.mailFormat,
    original_message_id: e.originalMessageId,
    linked_deal_id: e.linkedDealId,
  };
  store.insertEmail(row);
  for (const r of e.filedUnder) store.fileEmailUnder(e.orgId, messageId, r.module, r.id);
  return messageId;
}

// ---------------------------------------------------------------- the route

function fail(body: ZohoErrorBody | { Emails: ZohoErrorBody[] }, status = 400): ZohoHttpError {
  return new ZohoHttpError(status, body);
}

const LR = '$.Emails[0].linked_record';

/** Where the email goes and which deal it is linked to, or the error that refuses it. */
function placement(
  store: Store,
  eligible: EligibilityRule,
  orgId: string,
  module: RecordModule,
  recordId: string,
  email: AssociateEmailInput,
): { filedUnder: Array<{ module: RecordModule; id: string }>; dealId: string | null } {
  const lr = email.linked_record;
  if (!lr) {
    if (module === 'Deals') return { filedUnder: [{ module: 'Deals', id: recordId }], dealId: recordId };
    const dealId = email.sent ? null : (predictForContact(store, orgId, recordId, eligible).deal?.id ?? null);
    return { filedUnder: [{ module: 'Contacts', id: recordId }], dealId };
  }
  // The second record must be of the other module: a contact for a deal, a deal for a contact.
  const expected: RecordModule = module === 'Contacts' ? 'Deals' : 'Contacts';
  if (lr.module.api_name !== expected) {
    throw fail(invalidData('api_name', `${LR}.module.api_name`, 'the api_name given seems to be invalid'));
  }
  const moduleRow = store.getModule(orgId, expected);
  if (lr.module.id !== null && lr.module.id !== moduleRow?.id) throw fail(invalidData('id', `${LR}.module.id`));
  const [contactId, dealId] = module === 'Contacts' ? [recordId, lr.id] : [lr.id, recordId];
  if (!store.recordExists(orgId, expected, lr.id) || !store.isDealRelatedToContact(orgId, dealId, contactId)) {
    throw fail(invalidData('id', `${LR}.id`, 'the parent entity id given seems to be invalid'));
  }
  return { filedUnder: [{ module: 'Contacts', id: contactId }], dealId };
}

export function registerAssociateRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.post<{ Params: { module: string; id: string } }>(
    '/crm/v8/:module/:id/actions/associate_email',
    async (req, reply) => {
      const caller = callerOf(req);
      const module = recordModule(req.params.module);
      const recordId = requireDigits(req.params.id);
      if (!store.recordExists(caller.orgId, module, recordId)) throw errors.invalidPathId(1);
      const checked = validateAssociateBody(req.body);
      if (!checked.ok) throw fail(checked.error.body, checked.error.status);
      const email = checked.email;

      // Only an administrator may associate another user's mail (docs/zoho-notes.md §9).
      const ownerId = email.owner?.id ?? caller.userId;
      if (!store.getUser(caller.orgId, ownerId)) {
        throw fail(invalidData('id', '$.Emails[0].owner.id', 'Provide a Proper owner id'));
      }
      if (!mayTouchMailOf(store, caller, ownerId)) throw noPermission(ADMIN_ONLY_MESSAGE);

      const messageId = store.tx(() => {
        if (emailIdByOriginal(store, caller.orgId, email.original_message_id) !== undefined) {
          throw fail({
            Emails: [
              {
                code: 'DUPLICATE_DATA',
                details: { api_name: 'original_message_id', json_path: '$.Emails[0].original_message_id' },
                message: 'duplicate data',
                status: 'error',
              },
            ],
          });
        }
        const { filedUnder, dealId } = placement(
          store,
          ctx.config.current.predictionEligible,
          caller.orgId,
          module,
          recordId,
          email,
        );
        return insertNewEmail(store, {
          orgId: caller.orgId,
          ownerId,
          sent: email.sent,
          timeMs: Date.parse(email.date_time),
          subject: email.subject,
          content: email.content,
          mailFormat: email.mail_format,
          from: email.from,
          to: email.to,
          cc: email.cc,
          originalMessageId: email.original_message_id,
          linkedDealId: dealId,
          filedUnder,
        });
      });
      const body: ZohoAssociateResponse = {
        Emails: [
          {
            code: 'SUCCESS',
            details: { message_id: messageId },
            message: ASSOCIATE_SUCCESS_MESSAGE,
            status: 'success',
          },
        ],
      };
      return reply.code(201).send(body);
    },
  );

  app.get('/crm/v8/actions/email_available', async (req) => {
    const { orgId } = callerOf(req);
    const original = queryParam(req, 'orginal_message_id');
    if (original === undefined || original === '') throw errors.requiredParamMissing('orginal_message_id');
    const messageId = emailIdByOriginal(store, orgId, original);
    if (messageId === undefined) return { available: false };
    const row = store.getEmail(orgId, messageId)!;
    const filed = store.recordsOfEmail(orgId, messageId);
    const where = filed.find((r) => r.module === 'Contacts') ?? filed[0];
    const link = dealLinkOf(store, orgId, row.linked_deal_id);
    const module = where ? store.getModule(orgId, where.module) : undefined;
    return {
      available: true,
      record: where
        ? {
            module: { api_name: where.module, id: module?.id ?? null },
            id: where.record_id,
            message_id: messageId,
            linked_record: link,
          }
        : null,
      linked_record: link,
    };
  });
}
