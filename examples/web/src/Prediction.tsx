import { useQuery } from '@apollo/client/react';
import { DealPredictionDocument } from '../../../client/src/index.ts';

const REASONS: Record<string, string> = {
  SINGLE_OPEN_DEAL: 'its only open deal',
  MOST_RECENTLY_MODIFIED: 'the most recently modified of its open deals',
  NO_OPEN_DEAL: 'no deal: the contact has no open deal',
};

/** Where Zoho's deal prediction would put the contact's next incoming email, and why. */
export function Prediction({ contactId }: { contactId: string }) {
  const { data } = useQuery(DealPredictionDocument, { variables: { contactId } });
  const p = data?.contact?.dealPrediction;
  if (!p) return null;
  return (
    <p className="prediction" data-testid="prediction">
      Zoho would link this contact's next email to <strong>{p.deal?.name ?? 'no deal'}</strong>
      {p.deal ? ` (${REASONS[p.reason] ?? p.reason})` : ''}
      {p.candidates.length > 1 &&
        ` · ${p.candidates.filter((c) => c.eligible).length} of ${p.candidates.length} deals open`}
    </p>
  );
}
