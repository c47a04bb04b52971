/** The counters behind `GET /__emulator/stats` (CONTRACT.md). */
export interface StatsSnapshot {
  /** `"METHOD /crm/v8/templated/path"` → every /crm request received, rejected ones included. */
  requests: Record<string, number>;
  /** The most /crm requests open at once since the last reset. */
  maxInFlight: number;
  /** /crm requests open right now. */
  inFlight: number;
  /** /crm responses with status ≥ 400, by status. */
  rejected: Record<string, number>;
  /** Access tokens issued (refresh-token grants and admin-minted tokens). */
  tokenGrants: number;
  /**
   * Writes (POST, PUT, PATCH, DELETE) whose client went away before the handler ran: applied
   * anyway (`applyAbandonedWrites: true`) or dropped.
   */
  abandonedWrites: { applied: number; dropped: number };
  /** Access tokens revoked because a newer one exceeded `liveTokenLimit` for their refresh token. */
  tokensRevoked: number;
}

export class Stats {
  private requests = new Map<string, number>();
  private rejected = new Map<string, number>();
  private inFlightNow = 0;
  private maxInFlight = 0;
  private tokenGrants = 0;
  private abandoned = { applied: 0, dropped: 0 };
  private tokensRevoked = 0;

  countRequest(routeKey: string): void {
    this.requests.set(routeKey, (this.requests.get(routeKey) ?? 0) + 1);
  }
  enter(): void {
    this.inFlightNow += 1;
    if (this.inFlightNow > this.maxInFlight) this.maxInFlight = this.inFlightNow;
  }
  leave(): void {
    this.inFlightNow = Math.max(0, this.inFlightNow - 1);
  }
  get inFlight(): number {
    return this.inFlightNow;
  }
  countRejected(status: number): void {
    const key = String(status);
    this.rejected.set(key, (this.rejected.get(key) ?? 0) + 1);
  }
  countTokenGrant(): void {
    this.tokenGrants += 1;
  }
  countAbandonedWrite(outcome: 'applied' | 'dropped'): void {
    this.abandoned[outcome] += 1;
  }
  countTokensRevoked(n: number): void {
    this.tokensRevoked += n;
  }
  /** Zeroes the counters; requests still open stay counted in `inFlight`. */
  reset(): void {
    this.requests.clear();
    this.rejected.clear();
    this.maxInFlight = this.inFlightNow;
    this.tokenGrants = 0;
    this.abandoned = { applied: 0, dropped: 0 };
    this.tokensRevoked = 0;
  }
  snapshot(): StatsSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      maxInFlight: this.maxInFlight,
      inFlight: this.inFlightNow,
      rejected: Object.fromEntries(this.rejected),
      tokenGrants: this.tokenGrants,
      abandonedWrites: { ...this.abandoned },
      tokensRevoked: this.tokensRevoked,
    };
  }
}
