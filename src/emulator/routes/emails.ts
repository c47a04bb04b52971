/**
 * Get Emails of a Record and Get an Email (docs/zoho-notes.md §7, §8): `GET /{module}/{id}/Emails` and
 * `GET /{module}/{id}/Emails/{message_id}`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZohoEmailListType } from '../../wire/index.ts';
import { errors } from '../http/errors.ts';
import type { EmailFilter } from '../store/index.ts';
import { toWireEmail, toWireEmailDetail } from '../store/email-wire.ts';
import type { EmulatorContext } from '../context.ts';
import { FIRST_PAGE_INDEX, decodeEmailIndex, encodeEmailIndex, type EmailKey } from '../domain/email-cursor.ts';
import { callerOf, queryParam, recordModule, requireDigits } from './shared.ts';
import { isMessageId, isZohoId } from '../domain/ids.ts';

/** Zoho returns a fixed 10 per page, with no per_page parameter. */
export const EMAILS_PER_PAGE = 10;

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

/** Where a page starts: after the email the `index` names, or at the top for none or "0". */
function startOf(raw: string | undefined, scope: string): EmailKey | null {
  if (raw === undefined || raw === '' || raw === FIRST_PAGE_INDEX) return null;
  const key = decodeEmailIndex(raw, scope);
  if (!key) throw errors.invalidParam('index');
  return key;
}

/** `owner_id` / `user_id` name a mailbox user: digits, or INVALID_DATA. */
function userParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isZohoId(value)) throw errors.invalidParam(name);
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
    // A cursor is bound to the record's list it came from (domain/email-cursor.ts).
    const scope = `${caller.orgId}/${module}/${id}`;
    const after = startOf(queryParam(req, 'index'), scope);
    if (!store.recordExists(caller.orgId, module, id)) throw errors.invalidPathId(1);
    const { rows, more } = store.listEmailsOf(caller.orgId, module, id, filter, after, EMAILS_PER_PAGE);
    if (rows.length === 0) return reply.code(204).send();
    const keyOf = (row: { time_ms: number; message_id: string }): EmailKey => ({
      timeMs: row.time_ms,
      messageId: row.message_id,
    });
    // The previous page holds the 10 emails up to `after`, and starts after the 11th; with 10 or
    // fewer, it is the first page.
    const before = after ? store.emailsUpTo(caller.orgId, module, id, filter, after, EMAILS_PER_PAGE + 1) : [];
    const prevStart = before.length > EMAILS_PER_PAGE ? before[EMAILS_PER_PAGE]! : null;
    return {
      Emails: rows.map((row) => toWireEmail(store, row)),
      info: {
        per_page: EMAILS_PER_PAGE,
        count: rows.length,
        next_index: more ? encodeEmailIndex(keyOf(rows[rows.length - 1]!), scope) : null,
        prev_index: prevStart ? encodeEmailIndex(keyOf(prevStart), scope) : FIRST_PAGE_INDEX,
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
      if (!isMessageId(messageId)) throw errors.invalidUrlPattern();
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
