/** GraphQL enum values ↔ Zoho's wire values. */
import type { EmailIntent, EmailListType, EmailSentiment } from '../generated/resolvers-types.ts';
import type { ZohoEmailListType } from '../../wire/index.ts';

export const emailListType = (t: EmailListType): ZohoEmailListType => t.toLowerCase() as ZohoEmailListType;

const INTENTS = new Set<EmailIntent>(['REQUEST', 'QUERY', 'PURCHASE', 'COMPLAINTS', 'SPAM', 'OTHERS']);
const SENTIMENTS = new Set<EmailSentiment>(['POSITIVE', 'NEUTRAL', 'NEGATIVE']);

/** Zoho's lowercase Zia values; anything Zoho adds later reads as null rather than failing the query. */
export function emailIntent(v: string | null | undefined): EmailIntent | null {
  const up = v?.toUpperCase() as EmailIntent | undefined;
  return up && INTENTS.has(up) ? up : null;
}

export function emailSentiment(v: string | null | undefined): EmailSentiment | null {
  const up = v?.toUpperCase() as EmailSentiment | undefined;
  return up && SENTIMENTS.has(up) ? up : null;
}
