/**
 * Get Emails of a Record and Get an Email (zoho-api.md §3): `GET /{module}/{id}/Emails` and
 * `GET /{module}/{id}/Emails/{message_id}`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZohoEmailListType } from '../../wire/index.ts';
import { errors } from '../http/errors.ts';
import type { EmailFilter } from '../store/index.ts';
import { toWireEmail, toWireEmailDetail } from '../store/email-wire.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf, queryParam, recordModule, requireDigits } from './shared.ts';

/** Zoho returns a fixed 10 per page, with no per_page parameter. */
export const EMAILS_PER_PAGE = 10;

/**
 * The `index` cursor is opaque to callers; here it encodes the offset of the page it starts.
 * "0" is the first page, as Zoho's first page reports `prev_index: "0"`.
 */
export function encodeIndex(offset: number): string {
  return offset === 0 ? '0' : Buffer.from(`o:${offset}`).toString('base64url');
}
function decodeIndex(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === '0') return 0;
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const m = /^o:(\d{1,9})$/.exec(text);
  if (!m || Buffer.from(text).toString('base64url') !== raw) throw errors.invalidParam('index');
  return Number(m[1]);
}

/**
 * The `type` filter. Without it, the mailbox's synced mail and the mail sent from CRM show
 * together (drafts and scheduled mail only under their own types). The all_contacts_* types exist
 * for Accounts only, so on Contacts and Deals they are INVALID_DATA like an unknown type.
 */
function filterOf(type: string | undefined, ownerId: string | undefined, callerId: string): EmailFilter {
  switch (type as ZohoEmailListType | undefined) {
    case undefined:
      return { kinds: ['synced', 'crm_sent'] };
    case 'sent_from_crm':
      return { kinds: ['crm_sent'] };
    case 'scheduled_in_crm':
      return { kinds: ['scheduled'] };
    case 'drafts':
      return { kinds: ['draft'] };
    case 'user_emails':
      return { kinds: ['synced'], ownerId: ownerId ?? callerId };
    default:
      throw errors.invalidParam('type');
  }
}

/** `owner_id` / `user_id` name a mailbox user: digits, or INVALID_DATA. */
function userParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,30}$/.test(value)) throw errors.invalidParam(name);
  return value;
}

export function registerEmailRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get<{ Params: { module: string; id: string } }>('/crm/v8/:module/:id/Emails', async (req, reply) => {
    const caller = callerOf(req);
    const module = recordModule(req.params.module);
    const id = requireDigits(req.params.id);
    // The OAS marks owner_id mandatory; the documentation (and Zoho) do not.
    const ownerId = userParam(queryParam(req, 'owner_id'), 'owner_id');
    const filter = filterOf(queryParam(req, 'type'), ownerId, caller.userId);
    const offset = decodeIndex(queryParam(req, 'index'));
    if (!store.recordExists(caller.orgId, module, id)) throw errors.invalidPathId(1);
    const { rows, more } = store.listEmailsOf(caller.orgId, module, id, filter, offset, EMAILS_PER_PAGE);
    if (rows.length === 0) return reply.code(204).send();
    return {
      Emails: rows.map((row) => toWireEmail(store, row)),
      info: {
        per_page: EMAILS_PER_PAGE,
        count: rows.length,
        next_index: more ? encodeIndex(offset + EMAILS_PER_PAGE) : null,
        prev_index: encodeIndex(Math.max(0, offset - EMAILS_PER_PAGE)),
        more_records: more,
      },
    };
  });

  app.get<{ Params: { module: string; id: string; messageId: string } }>(
    '/crm/v8/:module/:id/Emails/:messageId',
    async (req, reply) => {
      const caller = callerOf(req);
      const module = recordModule(req.params.module);
      const id = requireDigits(req.params.id);
      const messageId = req.params.messageId;
      if (!/^[a-zA-Z0-9]{1,500}$/.test(messageId)) throw errors.invalidUrlPattern();
      // The View Email docs call the mailbox user `user_id`, the OAS and SDK `owner_id`; both are
      // accepted and neither is needed: a message id names one email of the org.
      userParam(queryParam(req, 'owner_id'), 'owner_id');
      userParam(queryParam(req, 'user_id'), 'user_id');
      if (!store.recordExists(caller.orgId, module, id)) throw errors.invalidPathId(1);
      const row = store.isEmailUnder(caller.orgId, messageId, module, id)
        ? store.getEmail(caller.orgId, messageId)
        : undefined;
      // An email that is not under this record: the OAS lists 204 for this operation.
      if (!row) return reply.code(204).send();
      return { Emails: [toWireEmailDetail(store, row)] };
    },
  );
}
