/**
 * `node(id:)` and `nodes(ids:)`: Relay's refetch by id, over the request's loaders.
 *
 * An Email id carries its parent record and message (src/domain/ids.ts), so it is fetched by its
 * single view, which also tells whether it still exists. Contact and Deal ids are bare Zoho record
 * ids (the contract and the federation keys rely on them), and Zoho record ids are unique across
 * modules, so a digits-only id is looked up in Contacts and in Deals at once: through the batched
 * loaders, every id in the request costs one Get Records call per module per 100 ids together.
 */
import type { Loaders } from '../loaders/index.ts';
import type { NodeModel } from './models.ts';
import { decodeEmailId, isZohoRecordId } from '../domain/ids.ts';

export const MAX_NODE_IDS = 100;

/** What `id` names, or null when nothing does or the id is not one this API issued. */
export async function resolveNode(loaders: Loaders, id: string): Promise<NodeModel | null> {
  if (isZohoRecordId(id)) {
    const [contact, deal] = await Promise.all([loaders.contacts.load(id), loaders.deals.load(id)]);
    if (contact) return { __typename: 'Contact', id, record: contact };
    if (deal) return { __typename: 'Deal', id, record: deal };
    return null;
  }
  const email = decodeEmailId(id);
  if (!email) return null;
  const { messageId, ...parent } = email;
  const wire = await loaders.emailDetails.load({ ...parent, messageId });
  if (!wire) return null;
  return {
    __typename: 'Email',
    parent,
    contactId: parent.module === 'Contacts' ? parent.recordId : null,
    messageId,
    wire,
  };
}
