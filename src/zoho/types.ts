/**
 * The client's public request surface. Every API module takes a `ZohoRequester` as its first
 * argument: the client itself (service and token modes) or a per-caller handle (passthrough).
 */
import type { ZohoAuthMode } from './config.ts';
import type { AttemptRecord, ZohoCall } from './errors.ts';
import type { ZohoAssociateRequest, ZohoLinkRequest, ZohoUnlinkQuery } from '../wire/index.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query values as sent: `undefined` and `null` are left out, commas are kept literal. */
export type ZohoQuery = Record<string, string | number | boolean | null | undefined>;

/** The `{name}` placeholders of a route template: `/Contacts/{id}/Emails/{message_id}` → `id | message_id`. */
export type RouteParamNames<R extends string> = R extends `${string}{${infer P}}${infer Rest}`
  ? P | RouteParamNames<Rest>
  : never;

/**
 * One write the client makes: its method and route template, the path parameters the template
 * names, and the body and query Zoho's OAS gives that operation (through the wire types of
 * src/wire, with their documented overlays). What the operation does not take is `never`.
 */
type Write<M extends HttpMethod, R extends string, Shape extends { body: unknown } | { query: unknown }> = {
  method: M;
  route: R;
  params: Record<RouteParamNames<R>, string>;
} & { [K in Exclude<'body' | 'query', keyof Shape>]?: never } & Shape;

/**
 * Every write to Zoho, by route: a body (or unlink's query) that breaks the wire type does not
 * compile. A write not listed here is not a call this client makes; list it first.
 */
export type ZohoWrite =
  /** Link Deal to Emails: `{"Emails":[{message_id, owner, linked_record}…]}`. */
  | Write<'POST', '/Contacts/{id}/Emails/actions/link_record', { body: ZohoLinkRequest }>
  /** Unlink Deal from Emails: no body; `owner_id` and the comma-joined `message_ids` in the query. */
  | Write<'DELETE', '/Contacts/{id}/Emails/actions/link_record', { query: ZohoUnlinkQuery }>
  /** Associate Email, under any module's record (`/Contacts/{id}/…`, `/Deals/{id}/…`). */
  | Write<'POST', `/${string}/{id}/actions/associate_email`, { body: ZohoAssociateRequest }>;

/** A read: any route, with no body. */
export interface ZohoRead {
  method: 'GET';
  route: string;
  params?: Record<string, string>;
  query?: ZohoQuery;
  body?: never;
}

/** How a call is made, whatever it calls. */
export interface ZohoCallOptions {
  /**
   * Whether the call may be repeated after a 5xx, a timeout or a reset (an attempt that may have
   * been applied). Defaults to true for GET and DELETE, false otherwise. A 429, or a failure
   * before anything was sent, is retried whatever this says (classify.ts).
   */
  idempotent?: boolean;
  /** Statuses (≥400) whose body the caller reads itself, instead of receiving a ZohoError. */
  acceptStatus?: readonly number[];
  /** Overrides the client's per-call timeout. */
  timeoutMs?: number;
  /**
   * When the request this call serves must be answered (epoch ms): the call waits for a slot, and
   * retries 429s, only until then. Absent: the client's own bounds (attempts and total time).
   */
  deadline?: number | null;
  /**
   * A call the truth of a reported result depends on (a read-back): it is served whatever the
   * request's deadline, within the client's own bounds.
   */
  essential?: boolean;
  /** Whose call it is (the GraphQL request): the budget's fair share serves operations in turn. */
  operation?: string;
  /** Straight from Zoho: no shared read cache, no joining an identical call in flight. */
  fresh?: boolean;
  /**
   * Extra headers for this call, such as `x-request-id` and `traceparent` so one id follows a
   * request upstream. They never override Authorization or Content-Type.
   */
  headers?: Readonly<Record<string, string>>;
}

/**
 * One call to Zoho. `route` is the template under `/crm/v8`, with `{name}` placeholders filled
 * from `params`, e.g. `/Contacts/{id}/Emails`. The template (module names literal, ids templated)
 * is what hooks, logs and errors report, so it must not contain ids.
 */
export type ZohoRequest = ZohoCallOptions & (ZohoRead | ZohoWrite);

export interface ZohoResponse<T = unknown> {
  status: number;
  /** Parsed JSON body; undefined when the body was empty (204). */
  data: T | undefined;
  /** The raw body text (for error reporting by callers that read bodies themselves). */
  text: string;
  /** `X-API-CREDITS-REMAINING`, when Zoho sent it (only past half the daily credits). */
  creditsRemaining: number | null;
  /** HTTP requests made for this call, retries and the post-refresh retry included. */
  attempts: number;
  /** Every attempt of the call, this answer's last: what the earlier ones may have done matters. */
  history: readonly AttemptRecord[];
  call: ZohoCall;
  /** Answered without a call of its own: joined to an identical read in flight, or from the read cache. */
  shared?: boolean;
}

export interface ZohoRequester {
  readonly mode: ZohoAuthMode;
  request<T = unknown>(req: ZohoRequest): Promise<ZohoResponse<T>>;
  /**
   * The org these credentials belong to, from `GET /org` once per token (per client in service and
   * token modes). Key every cache of Zoho data (metadata, module ids…) by it.
   */
  getOrgId(): Promise<string>;
  /** The Zoho user these credentials act as (`GET /users?type=CurrentUser`), once per credentials. */
  getUserId(): Promise<string>;
  /** The last `X-API-CREDITS-REMAINING` seen for these credentials, or null. */
  creditsRemaining(): number | null;
}

/** Reported once per HTTP request sent to Zoho's API (retries are separate events). */
export interface ZohoCallEvent {
  method: string;
  routeTemplate: string;
  /** HTTP status, or null for a network failure or timeout. */
  status: number | null;
  durationMs: number;
  /** 1 for the first request of a call, 2 for its first retry… */
  attempt: number;
  /** The error code when this request failed (Zoho's, or TIMEOUT / NETWORK_ERROR). */
  errorCode?: string;
  creditsRemaining: number | null;
  mode: ZohoAuthMode;
}

export interface ZohoTokenRefreshEvent {
  reason: 'initial' | 'expired' | 'proactive' | 'rejected';
  ok: boolean;
  durationMs: number;
  errorCode?: string;
}

export interface ZohoRateLimitedEvent {
  method: string;
  routeTemplate: string;
  attempt: number;
  /** Whether the call will be tried again. */
  willRetry: boolean;
}

export interface ZohoClientHooks {
  onCall?(event: ZohoCallEvent): void;
  onTokenRefresh?(event: ZohoTokenRefreshEvent): void;
  onRateLimited?(event: ZohoRateLimitedEvent): void;
}
