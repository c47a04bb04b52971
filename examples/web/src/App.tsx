import { useMemo, useState } from 'react';
import { useApolloClient, useQuery } from '@apollo/client/react';
import {
  ContactEmailsDocument,
  ContactsByIdsDocument,
  type ChunkProgress,
  type EmailRowFragment,
} from '../../../client/src/index.ts';
import { CHUNK_SIZE, CONTACT_IDS, GATEWAY_URL } from './settings.ts';
import { runBulk, type Action, type ItemResult } from './bulk.ts';
import { Prediction } from './Prediction.tsx';
import { Results } from './Results.tsx';

const PAGE_SIZE = 25;

export function App() {
  const [contactId, setContactId] = useState(CONTACT_IDS[0]!);
  return (
    <div className="app">
      <header>
        <h1>Emails and deals</h1>
        <span className="endpoint" title="The gateway this app talks to">
          {GATEWAY_URL}
        </span>
      </header>
      <ContactPicker value={contactId} onChange={setContactId} />
      {/* A new contact starts from a clean selection and no results. */}
      <ContactView key={contactId} contactId={contactId} />
    </div>
  );
}

function ContactPicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { data } = useQuery(ContactsByIdsDocument, { variables: { ids: CONTACT_IDS } });
  const [typed, setTyped] = useState('');
  return (
    <section className="picker">
      <label>
        Contact{' '}
        <select data-testid="contact-picker" value={value} onChange={(e) => onChange(e.target.value)}>
          {CONTACT_IDS.map((id, i) => {
            const c = data?.contacts[i];
            return (
              <option key={id} value={id}>
                {c ? `${c.fullName ?? id}${c.emailAddress ? ` <${c.emailAddress}>` : ''}` : id}
              </option>
            );
          })}
          {!CONTACT_IDS.includes(value) && <option value={value}>{value}</option>}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (/^\d+$/.test(typed.trim())) onChange(typed.trim());
        }}
      >
        <input placeholder="or a contact id" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit">Open</button>
      </form>
    </section>
  );
}

function ContactView({ contactId }: { contactId: string }) {
  const client = useApolloClient();
  const { data, loading, error, fetchMore } = useQuery(ContactEmailsDocument, {
    variables: { contactId, first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dealId, setDealId] = useState<string>('');
  const [progress, setProgress] = useState<(ChunkProgress & { action: Action }) | null>(null);
  const [results, setResults] = useState<{ action: Action; items: ItemResult[] } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const contact = data?.contact;
  const emails = useMemo(() => contact?.emails.nodes ?? [], [contact]);
  const deals = contact?.deals ?? [];
  const running = progress !== null && progress.done < progress.total;

  if (error) return <p className="error">Could not load the contact: {error.message}</p>;
  if (!contact) return <p>{loading ? 'Loading…' : 'No such contact.'}</p>;

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = emails.length > 0 && emails.every((e) => selected.has(e.messageId));

  const loadMore = async () => {
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: contact.emails.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  const run = async (action: Action) => {
    const chosen = emails.filter((e) => selected.has(e.messageId));
    if (chosen.length === 0) return;
    setResults(null);
    setProgress({ action, done: 0, total: chosen.length, chunk: 0, chunks: Math.ceil(chosen.length / CHUNK_SIZE) });
    const items = await runBulk(client, {
      action,
      contactId,
      dealId: dealId || null,
      emails: chosen,
      chunkSize: CHUNK_SIZE,
      onProgress: (p) => setProgress({ ...p, action }),
    });
    setResults({ action, items });
    setSelected(new Set());
  };

  return (
    <>
      <section className="summary">
        <h2 data-testid="contact-name">{contact.fullName}</h2>
        <Prediction contactId={contactId} />
      </section>

      <section className="actions" aria-label="Selected emails">
        <span data-testid="selected-count">{selected.size} selected</span>
        <label>
          Deal{' '}
          <select data-testid="deal-picker" value={dealId} onChange={(e) => setDealId(e.target.value)}>
            <option value="">choose a deal…</option>
            {deals.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} · {d.stage}
              </option>
            ))}
          </select>
        </label>
        <button data-testid="link" disabled={running || !selected.size || !dealId} onClick={() => void run('link')}>
          Link
        </button>
        <button data-testid="move" disabled={running || !selected.size || !dealId} onClick={() => void run('move')}>
          Move
        </button>
        <button data-testid="unlink" disabled={running || !selected.size} onClick={() => void run('unlink')}>
          Unlink
        </button>
        {progress && (
          <div className="progress" data-testid="progress">
            <progress value={progress.done} max={progress.total} />
            <span data-testid="progress-text">
              {progress.done} of {progress.total} emails · {progress.chunk} of {progress.chunks}{' '}
              {progress.chunks === 1 ? 'call' : 'calls'} ({CHUNK_SIZE} per call)
            </span>
          </div>
        )}
      </section>

      {results && <Results action={results.action} items={results.items} />}

      <section className="emails">
        <table>
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select all loaded emails"
                  data-testid="select-all"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(emails.map((e) => e.messageId)))}
                />
              </th>
              <th>Subject</th>
              <th>From</th>
              <th>Sent</th>
              <th>Deal</th>
            </tr>
          </thead>
          <tbody>
            {emails.map((e) => (
              <EmailRow key={e.id} email={e} checked={selected.has(e.messageId)} onToggle={toggle} />
            ))}
          </tbody>
        </table>
        <footer>
          <span data-testid="email-count">{emails.length} emails loaded</span>
          {contact.emails.pageInfo.hasNextPage && (
            <button data-testid="load-more" disabled={loadingMore} onClick={() => void loadMore()}>
              {loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </footer>
      </section>
    </>
  );
}

function EmailRow({
  email,
  checked,
  onToggle,
}: {
  email: EmailRowFragment;
  checked: boolean;
  onToggle: (messageId: string) => void;
}) {
  const deal = email.linkedDeal;
  return (
    <tr className={checked ? 'selected' : undefined} data-testid="email-row" data-message-id={email.messageId}>
      <td>
        <input type="checkbox" checked={checked} onChange={() => onToggle(email.messageId)} aria-label="Select" />
      </td>
      <td className="subject">
        <span className={`direction ${email.direction.toLowerCase()}`}>{email.direction === 'SENT' ? '↗' : '↘'}</span>
        {email.subject ?? '(no subject)'}
      </td>
      <td>{email.from?.name ?? email.from?.email ?? ''}</td>
      <td className="date">{email.sentAt ? new Date(email.sentAt).toLocaleDateString() : ''}</td>
      <td data-testid="deal-badge">
        {deal ? (
          <span className={`badge ${(deal.stageCategory ?? 'unknown').toLowerCase()}`} title={deal.stage ?? ''}>
            {deal.name}
          </span>
        ) : (
          <span className="badge none">no deal</span>
        )}
      </td>
    </tr>
  );
}
