/**
 * The move journal's recovery: puts right the moves a dead gateway process left unfinished, and
 * the emails a live one left UNKNOWN.
 *
 * On start-up and on every tick (a third of the lease), the worker renews the leases of this
 * process's operations, and looks for:
 * - running moves whose owner's lease has passed: the owner died. Once the late-write window has
 *   passed since its last renewal (no write of it can still land), the worker takes the move over
 *   and repairs each email it had not settled (links.ts `repairInterruptedMove`), logs what it did
 *   with the message ids, and records the result under the move's idempotency key;
 * - moves whose repair could not read Zoho at the time (entries still pending): tried again;
 * - keyed links, unlinks and associates whose owner died: dropped, so that a repeat runs afresh.
 * A live gateway's own UNKNOWN emails are never repaired behind its caller's back: the caller was
 * told where each one is, and may already have acted on it.
 * Pass-through mode has no credentials of its own: its repairs wait for the next call in the
 * same caller scope (`repairScope`), or for a repeat with the key.
 */
import type { Logger } from 'pino';
import { OrgCache, type ZohoRequester } from '../zoho/index.ts';
import { createLoaders } from '../loaders/index.ts';
import type { MoveEmailsToDealPayloadModel } from './models.ts';
import type { OperationRecord } from '../state/types.ts';
import type { EmailRef } from '../domain/link-plan.ts';
import { moveResultsFrom, repairInterruptedMove, type LinkServiceContext, type MoveVerdict } from './links.ts';
import type { Operations } from './operations.ts';
import type { LateWrites } from './settle.ts';

export interface RecoveryDeps {
  operations: Operations;
  late: LateWrites;
  logger?: Logger | undefined;
}

/** Repairs the unsettled emails of a move, and answers its whole payload. */
export async function repairMove(
  deps: RecoveryDeps,
  zoho: ZohoRequester,
  op: OperationRecord,
): Promise<MoveEmailsToDealPayloadModel> {
  const store = deps.operations.store;
  const ctx: LinkServiceContext = { zoho, loaders: createLoaders(zoho), orgCache: new OrgCache(), late: deps.late };
  const entries = await store.entries(op.id);
  const verdicts = new Map<number, MoveVerdict>();
  await Promise.all(
    entries.map(async (e) => {
      if (e.state === 'done') {
        verdicts.set(e.seq, e.result as MoveVerdict);
        return;
      }
      const verdict = await repairInterruptedMove(ctx, e);
      verdicts.set(e.seq, verdict);
      // Still unknown (Zoho could not be read): pending, for the next tick.
      await store.settle(op.id, e.seq, verdict.status === 'UNKNOWN' ? 'pending' : 'done', verdict);
      deps.logger?.warn(
        {
          operation: op.id,
          messageId: e.messageId,
          contactId: e.contactId,
          previousDealId: e.previousDealId,
          targetDealId: e.targetDealId,
          status: verdict.status,
          restored: verdict.extra?.restored ?? null,
        },
        'repaired an email of an interrupted move',
      );
    }),
  );
  return moveResultsFrom(op.input as { emails: EmailRef[] }, verdicts);
}

export class RecoveryWorker {
  readonly #deps: RecoveryDeps;
  /** The requester for repairs in the background; null in pass-through mode. */
  readonly #zoho: ZohoRequester | null;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  #lastPurge = 0;

  constructor(deps: RecoveryDeps, zoho: ZohoRequester | null) {
    this.#deps = deps;
    this.#zoho = zoho;
  }

  start(): void {
    const every = Math.max(50, Math.floor(this.#deps.operations.settings.leaseMs / 3));
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), every);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
  }

  /** One pass; never throws (a failing store is logged, and tried again next tick). */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick()
      .catch((e: unknown) => this.#deps.logger?.error({ err: e }, 'the move journal recovery failed; retrying'))
      .finally(() => {
        this.#ticking = null;
      });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const { operations } = this.#deps;
    await operations.renewLeases();
    if (this.#zoho) await this.repairDue(this.#zoho, null);
    const now = operations.settings.now();
    if (now - this.#lastPurge > 60_000) {
      this.#lastPurge = now;
      await operations.store.purge(now);
    }
  }

  /**
   * Repairs the moves that are due (`scope` given: only that caller's). Runs in the background in
   * service and token modes, and on a caller's next call in pass-through mode.
   */
  async repairDue(zoho: ZohoRequester, scope: string | null): Promise<void> {
    const { operations, late } = this.#deps;
    const store = operations.store;
    const now = late.now();
    for (const op of await store.findRecoverable(now)) {
      if (scope !== null && op.scope !== scope) continue;
      // A live owner is still at work; a dead one's writes may still land until the window has passed.
      if (op.state === 'running' && op.leaseUntil >= now) continue;
      if (now < op.renewedAt + late.windowMs) continue;
      const mine = () => store.takeOver(op.id, op.owner, operations.processId, now + operations.settings.leaseMs, now);
      if (op.mutation !== 'moveEmailsToDeal') {
        // A link, unlink or associate cut off with its process: nothing to put right (a repeat with
        // its key runs it again), and kept it would pile up and crowd the moves out of this list.
        if (op.state === 'running' && (await mine())) await store.remove(op.id);
        continue;
      }
      if (!(await mine())) continue;
      const result = await repairMove(this.#deps, zoho, op);
      await store.finish(op.id, result, op.expiresAt, late.now());
      this.#deps.logger?.warn(
        {
          operation: op.id,
          key: op.key !== null,
          succeeded: result.results.filter((r) => r.status === 'SUCCEEDED').length,
          failed: result.results.filter((r) => r.status === 'FAILED').length,
          unknown: result.results.filter((r) => r.status === 'UNKNOWN').length,
        },
        'an interrupted move was repaired',
      );
    }
  }
}
