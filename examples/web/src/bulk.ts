/**
 * Link, unlink or move a selection of emails: sent in chunks, one mutation after the other, and
 * gathered into one result per email, in selection order.
 */
import type { ApolloClient } from '@apollo/client';
import {
  LinkEmailsDocument,
  MoveEmailsDocument,
  UnlinkEmailsDocument,
  itemOutcome,
  sendInChunks,
  type ChunkProgress,
  type EmailRowFragment,
  type ItemOutcome,
} from '../../../client/src/index.ts';

export type Action = 'link' | 'move' | 'unlink';

export interface ItemResult {
  messageId: string;
  subject: string | null;
  outcome: ItemOutcome;
  /** The API's status as sent (SUCCEEDED, FAILED, or one this app does not know yet). */
  status: string;
  code: string | null;
  message: string | null;
  /** Where the email is now, as the gateway reported it. */
  dealName: string | null;
  /** Moves only: where it was, and whether a failed move put it back. */
  previousDealId?: string | null;
  restored?: boolean | null;
}

type Result = {
  messageId: string;
  status: string;
  error?: { code: string; message: string } | null;
  email?: { linkedDeal?: { name?: string | null } | null } | null;
  previousDealId?: string | null;
  restored?: boolean | null;
};

export async function runBulk(
  client: ApolloClient,
  opts: {
    action: Action;
    contactId: string;
    dealId: string | null;
    emails: EmailRowFragment[];
    chunkSize: number;
    onProgress: (p: ChunkProgress) => void;
  },
): Promise<ItemResult[]> {
  const subjects = new Map(opts.emails.map((e) => [e.messageId, e.subject ?? null]));
  const send = async (chunk: EmailRowFragment[]): Promise<Result[]> => {
    const emails = chunk.map((e) => ({
      contactId: opts.contactId,
      messageId: e.messageId,
      ...(e.owner?.id ? { ownerId: e.owner.id } : {}),
    }));
    if (opts.action === 'unlink') {
      const { data } = await client.mutate({ mutation: UnlinkEmailsDocument, variables: { emails } });
      return data!.unlinkEmailsFromDeal.results;
    }
    if (!opts.dealId) throw new Error('choose a deal first');
    if (opts.action === 'link') {
      const { data } = await client.mutate({
        mutation: LinkEmailsDocument,
        variables: { dealId: opts.dealId, emails },
      });
      return data!.linkEmailsToDeal.results;
    }
    const { data } = await client.mutate({ mutation: MoveEmailsDocument, variables: { dealId: opts.dealId, emails } });
    return data!.moveEmailsToDeal.results;
  };
  const results = await sendInChunks<EmailRowFragment, Result>(opts.emails, send, {
    size: opts.chunkSize,
    onProgress: opts.onProgress,
    // The call failed as a whole: its writes may or may not have happened.
    onChunkError: (e, error) => ({
      messageId: e.messageId,
      status: 'NO_ANSWER',
      error: { code: 'NO_ANSWER', message: error instanceof Error ? error.message : String(error) },
    }),
  });
  return results.map((r) => ({
    messageId: r.messageId,
    subject: subjects.get(r.messageId) ?? null,
    outcome: itemOutcome(r.status),
    status: r.status,
    code: r.error?.code ?? null,
    message: r.error?.message ?? null,
    dealName: r.email?.linkedDeal?.name ?? null,
    ...(r.previousDealId !== undefined ? { previousDealId: r.previousDealId, restored: r.restored ?? null } : {}),
  }));
}
