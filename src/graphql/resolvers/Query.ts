import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { ZOHO_ID_RULE, isZohoRecordId } from '../../domain/ids.ts';
import { badInput } from '../errors.ts';
import { MAX_NODE_IDS, resolveNode } from '../../services/nodes.ts';
import { contactsById, type ContactLookup } from '../../services/contacts.ts';
import { argumentOf, selectedFields } from '../lookahead.ts';
import { emailListType } from './enums.ts';
import { emailArgsValid } from '../../services/emails.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { EmailListType } from '../generated/resolvers-types.ts';

/** Fields of a contact that need no read of its record, besides `emails`. */
const FREE = new Set(['id', '__typename']);

/**
 * The contacts' records are read unless only their emails are asked for, from the start (no
 * `after`) and of one list type: then the first page of emails tells whether each exists.
 */
function contactLookup(info: GraphQLResolveInfo): ContactLookup {
  const fields = selectedFields(info);
  const emails = fields.get('emails');
  if (!emails || [...fields.keys()].some((f) => f !== 'emails' && !FREE.has(f))) return { by: 'record' };
  const types = new Set(emails.map((e) => (argumentOf(e, 'type', info) as EmailListType | undefined) ?? null));
  if (types.size !== 1 || emails.some((e) => argumentOf(e, 'after', info) != null)) return { by: 'record' };
  // Arguments the emails field refuses: it answers the error itself, before any call.
  if (
    emails.some((e) => !emailArgsValid({ first: argumentOf(e, 'first', info), filter: argumentOf(e, 'filter', info) }))
  )
    return { by: 'none' };
  const type = [...types][0]!;
  return { by: 'emails', type: type ? emailListType(type) : null };
}

const MAX_IDS = 100;

function checkIds(ids: readonly string[], field: string): void {
  if (ids.length > MAX_IDS) throw badInput(`At most ${MAX_IDS} ids; got ${ids.length}.`, { field, limit: MAX_IDS });
  const bad = ids.find((id) => !isZohoRecordId(id));
  if (bad !== undefined) throw badInput(`"${bad.slice(0, 40)}" is not a Zoho record id (${ZOHO_ID_RULE}).`, { field });
}

export const Query: QueryResolvers = {
  contact: async (_, { id }, { loaders }, info) => {
    checkIds([id], 'id');
    return (await contactsById(loaders, [id], contactLookup(info)))[0]!;
  },
  contacts: async (_, { ids }, { loaders }, info) => {
    checkIds(ids, 'ids');
    return contactsById(loaders, ids, contactLookup(info));
  },
  deal: async (_, { id }, { loaders }) => {
    checkIds([id], 'id');
    const record = await loaders.deals.load(id);
    return record ? { id, record } : null;
  },
  node: (_, { id }, { loaders }) => resolveNode(loaders, id),
  nodes: (_, { ids }, { loaders }) => {
    if (ids.length > MAX_NODE_IDS)
      throw badInput(`At most ${MAX_NODE_IDS} ids; got ${ids.length}.`, { field: 'ids', limit: MAX_NODE_IDS });
    return Promise.all(ids.map((id) => resolveNode(loaders, id)));
  },
  deals: async (_, { ids }, { loaders }) => {
    checkIds(ids, 'ids');
    const records = await loaders.deals.loadMany(ids);
    return records.map((r, i) => {
      if (r instanceof Error) throw r;
      return r ? { id: ids[i]!, record: r } : null;
    });
  },
};
