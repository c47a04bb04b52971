/**
 * The state behind the emulator's limits and faults, one object per emulator, reachable as
 * `ctx.behaviours`; the pipeline stages that read it are in behaviours.ts.
 */
import type { EmulatorClock } from '../clock.ts';
import { FaultRegistry, HeldConnections } from './faults.ts';
import { ConcurrencyGate, CreditLedger } from './limits.ts';

export class Behaviours {
  readonly gate = new ConcurrencyGate();
  /** The sub-concurrency of Zoho's heavy APIs, here the mail routes (limits.ts isMailRoute). */
  readonly mailGate = new ConcurrencyGate();
  readonly credits: CreditLedger;
  readonly faults = new FaultRegistry();
  readonly held = new HeldConnections();

  constructor(clock: EmulatorClock) {
    this.credits = new CreditLedger(clock.now);
  }

  /** `POST /__emulator/stats/reset`, and a change of `dailyCredits`: a fresh credit window. */
  resetCounters(): void {
    this.credits.reset();
  }

  /** `POST /__emulator/reset`: fresh credits and no faults. */
  resetAll(): void {
    this.credits.reset();
    this.faults.clear();
  }
}
