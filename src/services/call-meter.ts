/**
 * The Zoho calls of one operation, counted as they are made, against the limit its estimate was
 * checked against (GATEWAY_MAX_ZOHO_CALLS): the estimate can be wrong, the count cannot. Each
 * request() is one logical call, however many attempts the client makes for it; token requests
 * and answers from a cache never reach it. A call that the truth of a reported result depends on
 * (a read-back, a restore: `essential`) is counted but never stopped.
 */
import { ZohoError, type ZohoRequest, type ZohoRequester } from '../zoho/index.ts';

export class CallMeter {
  /** The estimate made before the operation ran; null until then (or when there was none). */
  estimated: number | null = null;
  #made = 0;
  #refused = 0;

  constructor(readonly limit: number) {}

  /** Calls made (essential ones included). */
  get actual(): number {
    return this.#made;
  }

  /** A call counted by `admit` was answered without a Zoho call of its own (a shared read). */
  unshare(): void {
    if (this.#made > 0) this.#made--;
  }

  /** Calls not made because the limit was reached. */
  get refused(): number {
    return this.#refused;
  }

  /** Counts a call about to be made, or throws (nothing sent) when the operation has made its limit. */
  admit(req: Pick<ZohoRequest, 'essential' | 'method' | 'route'>): void {
    if (!req.essential && this.#made >= this.limit) {
      this.#refused++;
      throw new ZohoError({
        kind: 'call_limit',
        code: 'CALL_LIMIT_REACHED',
        message: `This operation has made ${this.#made} Zoho calls, as many as one operation may (GATEWAY_MAX_ZOHO_CALLS=${this.limit}); nothing was sent for this. Ask for the rest in another operation.`,
        phase: 'not_sent',
        details: { limit: this.limit },
        call: { method: req.method, route: req.route },
      });
    }
    this.#made++;
  }
}

/** `inner`, with every call counted by `meter` first. */
export function metered(inner: ZohoRequester, meter: CallMeter): ZohoRequester {
  return {
    mode: inner.mode,
    request: <T>(req: ZohoRequest) => {
      try {
        meter.admit(req);
      } catch (e) {
        return Promise.reject(e as Error);
      }
      return inner.request<T>(req).then((res) => {
        if (res.shared) meter.unshare();
        return res;
      });
    },
    getOrgId: () => inner.getOrgId(),
    getUserId: () => inner.getUserId(),
    creditsRemaining: () => inner.creditsRemaining(),
  };
}
