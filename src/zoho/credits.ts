/**
 * What the client knows of Zoho's daily API credits: the last X-API-CREDITS-REMAINING it saw, and
 * whether Zoho has said they are spent (a 429 with 0 remaining), until when. One replica keeps it
 * in memory; a fleet shares it through Redis (src/fleet/credits.ts), so that once one replica is
 * told the day is over, the others stop spending calls to learn it too.
 */
export interface CreditsLedger {
  remaining(): number | null;
  observe(remaining: number): void;
  /** Calls fail at once until then (epoch ms); 0 when nothing is known. */
  exhaustedUntil(): number;
  exhausted(until: number): void;
}

export class LocalCredits implements CreditsLedger {
  #remaining: number | null = null;
  #until = 0;

  remaining(): number | null {
    return this.#remaining;
  }

  observe(remaining: number): void {
    this.#remaining = remaining;
  }

  exhaustedUntil(): number {
    return this.#until;
  }

  exhausted(until: number): void {
    if (until > this.#until) this.#until = until;
  }
}
