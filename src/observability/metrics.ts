/**
 * Prometheus metrics (prom-client): their definitions, and what feeds them. GET /metrics on the
 * gateway's own server serves the registry (src/http/metrics.ts).
 *
 * Every label has a bounded set of values: Zoho routes are templates (`/crm/v8/Contacts/{id}/…`),
 * never ids; operation names are capped (past the cap they count as `__other`); error codes come
 * from fixed enums. One registry per gateway, so tests can run several side by side.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import type { MutationName, StateStore } from '../state/types.ts';
import { getOperationAST } from 'graphql';
import {
  createInMemoryBudget,
  type BudgetSnapshot,
  type ConcurrencyBudget,
  type ZohoCallEvent,
  type ZohoClientHooks,
  type ZohoRateLimitedEvent,
  type ZohoRequester,
  type ZohoTokenRefreshEvent,
} from '../zoho/index.ts';

const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The mutations whose payload is one result per email, and the name their outcomes go by. */
const ITEM_MUTATIONS: Readonly<Partial<Record<MutationName, string>>> = {
  linkEmailsToDeal: 'link',
  unlinkEmailsFromDeal: 'unlink',
  moveEmailsToDeal: 'move',
};

/** One item of a mutation's result, as its outcome is counted. */
export interface ItemOutcome {
  status: string;
  error: { code: string } | null;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #operationNames = new Set<string>();
  /** Budgets not built by observedBudget (a client made elsewhere): read at scrape time. */
  readonly #watched = new Set<ConcurrencyBudget>();
  readonly #observed = new WeakSet<ConcurrencyBudget>();
  /** Live counts across every observed budget, pass-through callers' included. */
  #queued = 0;
  #inFlight = 0;
  /** The budget of the gateway's own credentials (the first one built or watched). */
  #own: ConcurrencyBudget | null = null;
  #credits: () => number | null = () => null;
  #lastCredits: number | null = null;

  readonly operations = new Counter({
    name: 'gateway_graphql_operations_total',
    help: 'GraphQL operations, by operation name, type and outcome (success, or the first error code).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: 'gateway_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its response.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly zohoRequests = new Counter({
    name: 'gateway_zoho_requests_total',
    help: 'HTTP requests sent to Zoho, by method, route template, status (or timeout / network_error) and attempt (1 = first try).',
    labelNames: ['method', 'route', 'status', 'attempt'] as const,
    registers: [this.registry],
  });
  readonly zohoDuration = new Histogram({
    name: 'gateway_zoho_request_duration_seconds',
    help: 'Duration of one HTTP request to Zoho, by method and route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly itemOutcomes = new Counter({
    name: 'gateway_email_link_items_total',
    help: 'Per-email outcomes of link, unlink and move mutations, by status and item error code (NONE when it succeeded).',
    labelNames: ['operation', 'status', 'code'] as const,
    registers: [this.registry],
  });
  readonly loaderBatchSize = new Histogram({
    name: 'gateway_dataloader_batch_size',
    help: 'Keys per DataLoader batch, by loader.',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly tokenRefreshes = new Counter({
    name: 'gateway_zoho_token_refreshes_total',
    help: 'Access token requests to Zoho accounts, by reason (initial, expired, proactive, rejected) and outcome.',
    labelNames: ['reason', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'gateway_zoho_rate_limited_total',
    help: 'Zoho calls refused with 429, by method, route template and whether the call was retried.',
    labelNames: ['method', 'route', 'will_retry'] as const,
    registers: [this.registry],
  });
  readonly budgetWait = new Histogram({
    name: 'gateway_zoho_budget_wait_seconds',
    help: 'Time a Zoho call waited for a slot in the concurrency budget (ZOHO_CONCURRENCY).',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const watched = (): BudgetSnapshot[] => [...this.#watched].map((b) => b.snapshot());
    const queued = () => this.#queued + watched().reduce((n, b) => n + b.queued, 0);
    const inFlight = () => this.#inFlight + watched().reduce((n, b) => n + b.inFlight, 0);
    const own = () => this.#own;
    new Gauge({
      name: 'gateway_zoho_budget_queue_depth',
      help: 'Zoho calls waiting for a slot in a concurrency budget now.',
      registers: [this.registry],
      collect() {
        this.set(queued());
      },
    });
    new Gauge({
      name: 'gateway_zoho_budget_in_flight',
      help: 'Zoho calls holding a slot in a concurrency budget now.',
      registers: [this.registry],
      collect() {
        this.set(inFlight());
      },
    });
    new Gauge({
      name: 'gateway_zoho_budget_limit',
      help: "Slots in the concurrency budget of the gateway's own credentials, or of each pass-through caller (ZOHO_CONCURRENCY).",
      registers: [this.registry],
      collect() {
        const b = own();
        if (b) this.set(b.limit);
      },
    });
    new Gauge({
      name: 'gateway_zoho_budget_effective_limit',
      help: "The concurrency limit in force now: ZOHO_CONCURRENCY, lowered by Zoho's concurrency 429s and raised back by successes (AIMD); the fleet's when REDIS_URL is set.",
      registers: [this.registry],
      collect() {
        const b = own();
        if (b) this.set(b.effectiveLimit());
      },
    });
    const credits = () => this.#credits() ?? this.#lastCredits;
    new Gauge({
      name: 'gateway_zoho_credits_remaining',
      help: "Zoho's X-API-CREDITS-REMAINING as last seen; NaN until Zoho sends it (only once half the day's credits are spent).",
      registers: [this.registry],
      collect() {
        // Not 0 while unknown: 0 would read as "credits exhausted".
        this.set(credits() ?? Number.NaN);
      },
    });
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }

  /** The client hooks that feed the Zoho metrics; pass them to createZohoClient. */
  zohoHooks(): Required<ZohoClientHooks> {
    return {
      onCall: (e: ZohoCallEvent) => {
        const status = e.status !== null ? String(e.status) : e.errorCode === 'TIMEOUT' ? 'timeout' : 'network_error';
        this.zohoRequests.inc({
          method: e.method,
          route: e.routeTemplate,
          status,
          attempt: String(Math.min(e.attempt, 10)),
        });
        this.zohoDuration.observe({ method: e.method, route: e.routeTemplate }, e.durationMs / 1000);
        if (e.creditsRemaining !== null) this.#lastCredits = e.creditsRemaining;
      },
      onTokenRefresh: (e: ZohoTokenRefreshEvent) => {
        this.tokenRefreshes.inc({ reason: e.reason, outcome: e.ok ? 'ok' : 'failed' });
      },
      onRateLimited: (e: ZohoRateLimitedEvent) => {
        this.rateLimited.inc({ method: e.method, route: e.routeTemplate, will_retry: String(e.willRetry) });
      },
    };
  }

  /**
   * A concurrency budget that reports its waits and queue: wraps `inner` (by default an in-memory
   * budget). Use it for the client's `budget` and `callerBudget` options.
   */
  observedBudget(limit: number, inner: ConcurrencyBudget = createInMemoryBudget(limit)): ConcurrencyBudget {
    const histogram = this.budgetWait;
    const counts = (dq: number, df: number) => {
      this.#queued += dq;
      this.#inFlight += df;
    };
    const budget: ConcurrencyBudget = {
      limit: inner.limit,
      effectiveLimit: () => inner.effectiveLimit(),
      async acquire(opts) {
        const queuedAt = performance.now();
        counts(1, 0);
        let permit;
        try {
          permit = await inner.acquire(opts);
        } finally {
          counts(-1, 0);
        }
        counts(0, 1);
        histogram.observe((performance.now() - queuedAt) / 1000);
        let released = false;
        return {
          release(feedback) {
            if (released) return;
            released = true;
            counts(0, -1);
            permit.release(feedback);
          },
        };
      },
      snapshot: () => inner.snapshot(),
    };
    this.#observed.add(budget);
    this.#own ??= budget;
    return budget;
  }

  /** Counts a client's own budget in the gauges when it was not built by observedBudget. */
  watchBudget(budget: ConcurrencyBudget): void {
    this.#own ??= budget;
    if (!this.#observed.has(budget)) this.#watched.add(budget);
  }

  /** The state store's size (keys, running operations, journal entries, bytes), read at scrape time. */
  watchState(store: StateStore): void {
    const bytes = new Gauge({
      name: 'gateway_state_store_bytes',
      help: 'Size of the state store (the SQLite file with its write-ahead log), in bytes; absent with Redis, where measuring it would hold Redis up.',
      registers: [this.registry],
    });
    new Gauge({
      name: 'gateway_state_store_rows',
      help: 'Rows in the state store of idempotency keys and the move journal, by kind (operations, running, journal, pending).',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      async collect() {
        const s = await store.stats().catch(() => null);
        if (!s) return;
        this.set({ kind: 'operations' }, s.operations);
        this.set({ kind: 'running' }, s.runningOperations);
        this.set({ kind: 'journal' }, s.journalEntries);
        this.set({ kind: 'pending' }, s.pendingEntries);
        if (s.bytes !== null) bytes.set(s.bytes);
      },
    });
  }

  /** A fleet's link to Redis, and what it did without it, read at scrape time. */
  watchFleet(fleet: { up(): boolean; counters(): { lostLeases: number; fallbacks: number } }): void {
    new Gauge({
      name: 'gateway_redis_up',
      help: "1 while Redis (REDIS_URL) answers and the fleet's limits, token and state are shared; 0 while this replica runs on its local share.",
      registers: [this.registry],
      collect() {
        this.set(fleet.up() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gateway_fleet_local_calls',
      help: "Zoho calls that waited for a slot while Redis could not be asked, and took one of the replica's local share instead (since start).",
      registers: [this.registry],
      collect() {
        this.set(fleet.counters().fallbacks);
      },
    });
    new Gauge({
      name: 'gateway_fleet_lost_leases',
      help: 'Concurrency slots whose Redis lease ended while their call still ran (since start).',
      registers: [this.registry],
      collect() {
        this.set(fleet.counters().lostLeases);
      },
    });
  }

  /** Reads the credits figure from the client (its own credentials) at scrape time. */
  watchCredits(zoho: ZohoRequester): void {
    this.#credits = () => zoho.creditsRemaining();
  }

  /** The loaders' hook: one observation per batch. */
  onLoaderBatch = (loader: string, size: number): void => {
    this.loaderBatchSize.observe({ loader }, size);
  };

  /**
   * Counts each item of a link, unlink or move result, whatever fields the caller selected: the
   * durable operations call it with every result they answer (services/operations.ts).
   */
  countItemOutcomes = (mutation: MutationName, items: readonly ItemOutcome[]): void => {
    const operation = ITEM_MUTATIONS[mutation];
    if (!operation) return;
    for (const r of items) this.itemOutcomes.inc({ operation, status: r.status, code: r.error?.code ?? 'NONE' });
  };

  /** Operations by name and outcome, and their duration. */
  apolloPlugin(): ApolloServerPlugin {
    const names = this.#operationNames;
    const label = (name: string | null | undefined): string => {
      if (!name) return 'anonymous';
      if (!OPERATION_NAME.test(name)) return '__invalid';
      if (names.has(name)) return name;
      if (names.size >= MAX_OPERATION_NAMES) return '__other';
      names.add(name);
      return name;
    };
    return {
      requestDidStart: async () => {
        const started = performance.now();
        return {
          willSendResponse: async (rc) => {
            // Named even when validation failed, from the parsed document when there is one.
            const named =
              rc.operationName ??
              (rc.document ? getOperationAST(rc.document, rc.request.operationName)?.name?.value : undefined);
            const operation = label(named ?? rc.request.operationName);
            const type = rc.operation?.operation ?? 'unknown';
            const body = rc.response.body;
            const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
            const code = errors?.[0]?.extensions?.code;
            const outcome = !errors?.length ? 'success' : typeof code === 'string' ? code : 'error';
            this.operations.inc({ operation, type, outcome });
            this.operationDuration.observe({ operation, type }, (performance.now() - started) / 1000);
          },
        };
      },
    };
  }
}
