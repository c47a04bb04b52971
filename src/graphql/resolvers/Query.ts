import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { isZohoRecordId } from '../../domain/ids.ts';
import { badInput } from '../errors.ts';
import { MAX_NODE_IDS, resolveNode } from '../../services/nodes.ts';

const MAX_IDS = 100;

function checkIds(ids: readonly string[], field: string): void {
  if (ids.length > MAX_IDS) throw badInput(`At most ${MAX_IDS} ids; got ${ids.length}.`, { field, limit: MAX_IDS });
  const bad = ids.find((id) => !isZohoRecordId(id));
  if (bad !== undefined) throw badInput(`"${bad.slice(0, 40)}" is not a Zoho record id (digits only).`, { field });
}

export const Query: QueryResolvers = {
  contact: async (_, { id }, { loaders }) => {
    checkIds([id], 'id');
    const record = await loaders.contacts.load(id);
    return record ? { id, record } : null;
  },
  contacts: async (_, { ids }, { loaders }) => {
    checkIds(ids, 'ids');
    const records = await loaders.contacts.loadMany(ids);
    return records.map((r, i) => {
      if (r instanceof Error) throw r;
      return r ? { id: ids[i]!, record: r } : null;
    });
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
