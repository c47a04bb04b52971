/**
 * What each workload works on, picked from the emulator's demo org after each reset. Plain JSON:
 * it crosses to the direct-REST child over IPC.
 */
export type EmailRef = { contactId: string; messageId: string; ownerId: string; linkedDealId: string | null };

export type LinkFixture = {
  kind: 'link';
  /** Two deals related to every contact; operation i links to dealIds[i % 2]. */
  dealIds: [string, string];
  emails: EmailRef[];
  withOwner: boolean;
};

export type ReadFixture = {
  kind: 'read';
  contactIds: string[];
  perContact: number;
  /** Distinct deals that the first `perContact` emails of the contacts are linked to. */
  linkedDealIds: string[];
};

export type MoveFixture = {
  kind: 'move';
  /** The emails start on dealIds[0]; operation i moves them to dealIds[(i + 1) % 2]. */
  dealIds: [string, string];
  emails: EmailRef[];
  relinkMode: 'replace' | 'reject';
};

/**
 * Operation i reads contactIds[i % length]: distinct contacts, so that no two reads in flight are
 * the same one (identical reads in flight share one Zoho call); one contact where sharing is the
 * point. `contactId` is the first.
 */
export type SmallReadFixture = { kind: 'small-read'; contactId: string; contactIds: string[]; first: number };

export const smallReadContact = (fx: SmallReadFixture, i: number): string => fx.contactIds[i % fx.contactIds.length]!;

export type ThroughputFixture = {
  kind: 'link-throughput';
  dealIds: [string, string];
  /** Operation i links batches[i % batches.length] to dealIds[floor(i / batches.length) % 2]. */
  batches: EmailRef[][];
};

export type Fixture = LinkFixture | ReadFixture | MoveFixture | SmallReadFixture | ThroughputFixture;

export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** dealIds[n % 2], typed. */
export const dealAt = (ids: readonly [string, string], n: number): string => (n % 2 === 0 ? ids[0] : ids[1]);
