/**
 * Injected faults (CONTRACT.md `POST /__emulator/faults`): the registry decides, once per call,
 * whether the call fails and how. The pipeline in app.ts acts on the decision:
 * - `before`: answer the failure without running the handler (nothing applied);
 * - `after`: run the handler (the write is committed), then replace the answer with the failure,
 *   which is what makes an "unknown result" testable.
 *
 * Kinds: an HTTP status in Zoho's envelope, a timeout (the connection is held until the client
 * gives up) or a connection reset.
 */
import { z } from 'zod';
import type { ZohoErrorBody, ZohoTokenError } from '../../wire/index.ts';
import { tooManyRequestsBody } from './limits.ts';
import { routeKeyOf } from './route-key.ts';

export type FaultMode = 'status' | 'timeout' | 'reset';
export type FaultPhase = 'before' | 'after';

/** The route key of the token endpoint, as faults name it. */
export const TOKEN_ROUTE = 'POST /oauth/v2/token';

const faultSpecSchema = z
  .object({
    route: z.string().min(1).optional(),
    mode: z.enum(['status', 'timeout', 'reset']).optional(),
    status: z.number().int().min(400).max(599).optional(),
    phase: z.enum(['before', 'after']).optional(),
    count: z.number().int().min(1).optional(),
    rate: z.number().gt(0).max(1).optional(),
  })
  .strict();

export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface Fault {
  id: number;
  /** A templated route key (`"GET /crm/v8/Contacts/{id}/Emails"`) or null for every route. */
  route: string | null;
  mode: FaultMode;
  /** The status answered in `status` mode. */
  status: number;
  phase: FaultPhase;
  /** Failures left to inject; null when only `rate` bounds it. */
  remaining: number | null;
  /** Share of matching calls that fail; null means every matching call (until `remaining`). */
  rate: number | null;
}

export type ParsedFaultSpec = { ok: true; spec: FaultSpec } | { ok: false; message: string };

export function parseFaultSpec(body: unknown): ParsedFaultSpec {
  const parsed = faultSpecSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `${where}${issue?.message ?? 'invalid fault'}` };
  }
  return { ok: true, spec: parsed.data };
}

/**
 * Active faults, consulted in the order they were added. `draw` is called once per call and
 * consumes one unit of the first fault that fires.
 */
export class FaultRegistry {
  #faults: Fault[] = [];
  #nextId = 1;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /**
   * Adds a fault. With neither `count` nor `rate` it fails the next call only; with `rate`
   * alone it fails that share of calls until cleared; with both, that share until `count`
   * failures have been injected.
   */
  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      id: this.#nextId++,
      route: spec.route ? normaliseRoute(spec.route) : null,
      mode: spec.mode ?? 'status',
      status: spec.status ?? 500,
      phase: spec.phase ?? 'before',
      remaining: spec.count ?? (spec.rate === undefined ? 1 : null),
      rate: spec.rate ?? null,
    };
    this.#faults.push(fault);
    return fault;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): readonly Fault[] {
    return this.#faults;
  }

  /** Whether this call (by its templated route key) fails, and how. */
  draw(routeKey: string): Fault | null {
    const key = normaliseRoute(routeKey);
    for (const fault of this.#faults) {
      if (fault.route !== null && fault.route !== key) continue;
      if (fault.remaining !== null && fault.remaining <= 0) continue;
      if (fault.rate !== null && this.#random() >= fault.rate) continue;
      if (fault.remaining !== null) fault.remaining -= 1;
      this.#faults = this.#faults.filter((f) => f.remaining === null || f.remaining > 0);
      return { ...fault };
    }
    return null;
  }
}

/**
 * A route as stats name it: `"post /crm/v8/Deals/"`, `"POST /crm/v8/Deals?fields=x"` and
 * `"POST /crm/v8/Deals"` are one route, and a concrete path (`…/Contacts/123/Emails`) names its
 * template (`…/Contacts/{id}/Emails`).
 */
function normaliseRoute(route: string): string {
  const m = /^\s*([A-Za-z]+)\s+(\S+?)\/?\s*$/.exec(route);
  if (!m) return route.trim();
  return routeKeyOf(m[1]!, m[2]!);
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

const STATUS_BODIES: Record<number, Omit<ZohoErrorBody, 'status'>> = {
  400: { code: 'INVALID_DATA', message: 'invalid data', details: {} },
  401: { code: 'INVALID_TOKEN', message: 'Invalid OAuth token', details: {} },
  // An injected 403 names the permission that guards API access as a whole (the profile's
  // "Zoho CRM API Access", which clients have logged as Crm_Implied_Api_Access).
  403: { code: 'NO_PERMISSION', message: 'Permission denied', details: { permissions: ['Crm_Implied_Api_Access'] } },
  404: {
    code: 'INVALID_URL_PATTERN',
    message: 'Please check if the URL trying to access is a correct one',
    details: {},
  },
  429: (({ status: _status, ...body }) => body)(tooManyRequestsBody()),
  500: { code: 'INTERNAL_ERROR', message: 'Internal Server Error', details: {} },
};

/**
 * The body of an injected status: Zoho's own envelope for that status. Any other 5xx gets
 * Zoho's 500 body, which is what Zoho's edge answers for an internal failure.
 */
export function faultBody(status: number): ZohoErrorBody {
  const known = STATUS_BODIES[status] ?? (status >= 500 ? STATUS_BODIES[500]! : STATUS_BODIES[400]!);
  return { code: known.code, details: structuredClone(known.details), message: known.message, status: 'error' };
}

/** The token endpoint speaks Zoho Accounts' dialect, not the CRM envelope. */
export function tokenFaultBody(status: number): ZohoTokenError {
  return status >= 500
    ? { error: 'internal_error', error_description: 'Internal Server Error' }
    : { error: 'invalid_request', error_description: 'Request could not be processed' };
}

// ---------------------------------------------------------------------------------------------
// Held connections
// ---------------------------------------------------------------------------------------------

interface Closable {
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
}

/**
 * Sockets held open by timeout faults. A held connection is never idle, so the server cannot
 * close until they go: `destroyAll()` runs when the emulator shuts down.
 */
export class HeldConnections {
  readonly #held = new Set<Closable>();

  /** Holds the socket; resolves when the client (or shutdown) closes it. */
  hold(socket: Closable): Promise<void> {
    if (socket.destroyed) return Promise.resolve();
    this.#held.add(socket);
    return new Promise((resolve) => {
      socket.once('close', () => {
        this.#held.delete(socket);
        resolve();
      });
    });
  }

  get size(): number {
    return this.#held.size;
  }

  destroyAll(): void {
    for (const socket of this.#held) socket.destroy();
    this.#held.clear();
  }
}
