import type { ItemOutcome } from '../../../client/src/index.ts';
import type { Action, ItemResult } from './bulk.ts';

const COLUMNS: Array<{ outcome: ItemOutcome; title: string }> = [
  { outcome: 'succeeded', title: 'Succeeded' },
  { outcome: 'failed', title: 'Failed' },
  // Any status other than SUCCEEDED or FAILED: neither Zoho nor a read-back could say.
  { outcome: 'unknown', title: 'Unknown' },
];

const VERB: Record<Action, string> = { link: 'Link', move: 'Move', unlink: 'Unlink' };

/** The last action's per-email results, side by side by outcome. */
export function Results({ action, items }: { action: Action; items: ItemResult[] }) {
  return (
    <section className="results" data-testid="results">
      <h3>
        {VERB[action]}: {items.length} emails
      </h3>
      <div className="columns">
        {COLUMNS.map(({ outcome, title }) => {
          const list = items.filter((i) => i.outcome === outcome);
          return (
            <div key={outcome} className={`column ${outcome}`} data-testid={`results-${outcome}`}>
              <h4>
                {title} <span data-testid={`count-${outcome}`}>{list.length}</span>
              </h4>
              <ul>
                {list.map((i) => (
                  <li key={i.messageId} data-message-id={i.messageId}>
                    <span className="subject">{i.subject ?? i.messageId}</span>
                    {i.outcome === 'succeeded' ? (
                      <span className="detail">{i.dealName ? `now on ${i.dealName}` : 'now on no deal'}</span>
                    ) : (
                      <span className="detail">
                        <code>{i.code ?? i.status}</code> {i.message}
                        {i.restored ? ' (put back where it was)' : ''}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}
