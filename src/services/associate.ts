/**
 * associateEmail: logs a new email through Zoho's Associate Email, idempotent on the original
 * Message-ID. The client (src/zoho/api/associate.ts) already turns DUPLICATE_DATA and a lost
 * answer into "it is there" or "it is not", through email_available; this layer checks the input
 * first, says where to file the email, and reports the email as the client can select it, or
 * UNKNOWN when Zoho's answers and the read-back do not tell.
 */
import {
  associateEmail as associate,
  emailAvailable,
  ZohoError,
  type FiledEmail,
  type ZohoRequester,
  type OrgCache,
} from '../zoho/index.ts';
import { mayStillLand, type LateWrites } from './settle.ts';
import type { ZohoAssociateAddress, ZohoAssociateEmail } from '../wire/index.ts';
import type { Loaders } from '../loaders/index.ts';
import { checkAssociateInput, placement, type AddressInput, type AssociateInput } from '../domain/associate-input.ts';
import { itemError, type ItemErrorModel } from '../domain/item-errors.ts';
import { fromZohoError } from './item-errors.ts';
import type { EmailParent } from '../domain/ids.ts';
import type { AssociateEmailPayloadModel, EmailModel } from './models.ts';

export interface AssociateServiceContext {
  zoho: ZohoRequester;
  loaders: Loaders;
  orgCache: OrgCache;
}

const failed = (error: ItemErrorModel): AssociateEmailPayloadModel => ({
  status: 'FAILED',
  error,
  alreadyExisted: false,
  email: null,
});

function address(a: AddressInput): ZohoAssociateAddress {
  return a.name ? { user_name: a.name, email: a.email } : { email: a.email };
}

export async function associateEmail(
  ctx: AssociateServiceContext,
  input: AssociateInput,
): Promise<AssociateEmailPayloadModel> {
  const problem = checkAssociateInput(input);
  if (problem) return failed(itemError('INVALID_INPUT', problem.message, problem.field));
  const where = placement(input);

  let outcome;
  try {
    const body: ZohoAssociateEmail = {
      from: address(input.from),
      to: input.to.map(address),
      ...(input.cc && input.cc.length > 0 ? { cc: input.cc.map(address) } : {}),
      subject: input.subject,
      content: input.content,
      mail_format: input.format === 'TEXT' ? 'text' : 'html',
      date_time: input.sentAt,
      sent: input.direction === 'SENT',
      original_message_id: input.originalMessageId,
      ...(where.linkDealId
        ? {
            linked_record: {
              id: where.linkDealId,
              module: { api_name: 'Deals', id: await ctx.orgCache.dealsModuleId(ctx.zoho) },
            },
          }
        : {}),
      ...(input.ownerId ? { owner: { id: input.ownerId } } : {}),
    };
    outcome = await associate(ctx.zoho, where.module, where.recordId, body);
  } catch (e) {
    // Before anything was sent (the Deals module id could not be read): nothing was filed.
    return failed(await errorOf(ctx, e, input, where.module));
  }
  if (outcome.kind === 'refused') return failed(await errorOf(ctx, outcome.error, input, where.module));
  if (outcome.kind === 'unclear') {
    const e = outcome.error;
    return {
      status: 'UNKNOWN',
      error: itemError(
        'UNKNOWN_RESULT',
        `Zoho's answer was lost (${e.code}), and asking Zoho whether the email is there did not settle it. ` +
          'Sending the same email again is safe: Zoho de-duplicates on originalMessageId.',
        null,
        e.fromZoho ? e.code : null,
      ),
      alreadyExisted: false,
      email: null,
    };
  }
  if (outcome.messageId === null) {
    // Zoho confirmed the duplicate but not where it is: a success without an email to show.
    return { status: 'SUCCEEDED', error: null, alreadyExisted: true, email: null };
  }
  return {
    status: 'SUCCEEDED',
    error: null,
    alreadyExisted: outcome.alreadyExisted,
    email: emailOf(outcome, outcome.messageId, where, input),
  };
}

/** The email as the client can select it: where Zoho says it is, else where it was filed. */
function emailOf(
  result: FiledEmail,
  messageId: string,
  where: ReturnType<typeof placement>,
  input: AssociateInput,
): EmailModel {
  const record = result.available?.record;
  const module = record?.module?.api_name;
  if (record?.id && (module === 'Contacts' || module === 'Deals')) {
    const link = result.available?.linked_record ?? record.linked_record;
    return {
      parent: { module, recordId: record.id },
      contactId: module === 'Contacts' ? record.id : null,
      messageId,
      linkedDeal: link?.id ? { id: link.id } : null,
    };
  }
  const parent: EmailParent = { module: where.module, recordId: where.recordId };
  // Filed with a deal, the link is known; filed on a contact alone, prediction decided it, so it is read when asked for.
  const dealId = where.linkDealId ?? (where.module === 'Deals' ? where.recordId : null);
  return {
    parent,
    contactId: input.contactId ?? null,
    messageId,
    ...(dealId ? { linkedDeal: { id: dealId } } : {}),
  };
}

/** Zoho's refusal, told apart by what the gateway can find out. */
async function errorOf(
  ctx: AssociateServiceContext,
  e: unknown,
  input: AssociateInput,
  module: 'Contacts' | 'Deals',
): Promise<ItemErrorModel> {
  if (!(e instanceof ZohoError)) return itemError('UPSTREAM_ERROR', 'The gateway could not log this email.', null);
  const vendor = e.fromZoho ? e.code : null;
  const path = typeof e.details.json_path === 'string' ? e.details.json_path : '';
  if (e.code === 'INVALID_DATA') {
    if ('resource_path_index' in e.details) {
      return module === 'Contacts'
        ? itemError('NOT_FOUND', 'There is no contact with this id.', 'contactId', vendor)
        : itemError('NOT_FOUND', 'There is no deal with this id.', 'dealId', vendor);
    }
    if (path.includes('linked_record')) {
      const deal = input.dealId ? await ctx.loaders.deals.load(input.dealId).catch(() => undefined) : undefined;
      return deal === null
        ? itemError('NOT_FOUND', 'There is no deal with this id.', 'dealId', vendor)
        : itemError(
            'DEAL_NOT_RELATED',
            'The deal is not related to this contact (as primary contact or contact role).',
            'dealId',
            vendor,
          );
    }
    if (path.includes('owner'))
      return itemError('INVALID_INPUT', 'There is no Zoho user with this id.', 'ownerId', vendor);
  }
  return fromZohoError(e, { at: 'input' });
}

/**
 * A stored associate result, as the email now is: an UNKNOWN one is looked up by its Message-ID
 * (past every cache); it becomes SUCCEEDED when Zoho has it, FAILED when it does not and the
 * late-write window has passed since the call finished.
 */
export async function revisitAssociate(
  ctx: AssociateServiceContext & { late: LateWrites },
  input: AssociateInput,
  stored: AssociateEmailPayloadModel,
  finishedAt: number,
): Promise<AssociateEmailPayloadModel> {
  if (stored.status !== 'UNKNOWN') return stored;
  let available;
  try {
    available = await emailAvailable(ctx.zoho, input.originalMessageId);
  } catch {
    return stored;
  }
  if (available) {
    const filed: FiledEmail = {
      kind: 'filed',
      messageId: null,
      alreadyExisted: false,
      resolvedBy: 'email_available',
      available,
    };
    const messageId = (available as { message_id?: unknown; record?: { message_id?: unknown } }).message_id;
    const email = typeof messageId === 'string' ? emailOf(filed, messageId, placement(input), input) : null;
    return { status: 'SUCCEEDED', error: null, alreadyExisted: false, email };
  }
  if (mayStillLand(finishedAt, ctx.late)) return stored;
  return failed(
    itemError(
      'UPSTREAM_UNAVAILABLE',
      "Zoho's answers were lost, and Zoho has no email with this originalMessageId: nothing was logged.",
      null,
    ),
  );
}
