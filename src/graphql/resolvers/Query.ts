import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { ZOHO_ID_RULE, isZohoRecordId } from '../../domain/ids.ts';
import { badInput } from '../errors.ts';
import { MAX_NODE_IDS, resolveNode } from '../../services/nodes.ts';
import { contactsById } from '../../services/contacts.ts';
import { contactLookup } from '../contact-lookup.ts';

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
