/**
 * A fake ZohoRequester for unit tests of the workflows: it holds one contact's emails and their
 * links in memory, and answers link and unlink as a script says, attempt by attempt, the way the
 * real transport reports them (an answer with the call's history, or a ZohoError carrying it).
 * Each scripted attempt says what Zoho did (applied the write or not) and what it answered.
 *
 *   const zoho = new FakeZoho({ relink: 'reject' });
 *   zoho.script('link', [{ apply: true, answer: 500 }, { apply: false, answer: 429, retried: true }]);
 *   const out = await linkEmailsToDeal(fakeContext(zoho), input);
 */
import {
  ZohoError,
  type AttemptRecord,
  type ZohoQuery,
  type ZohoRequest,
  type ZohoRequester,
  type ZohoResponse,
  OrgCache,
} from '../../src/zoho/index.ts';
import { createLoaders } from '../../src/loaders/index.ts';
import type { LinkServiceContext } from '../../src/services/links.ts';

export const CONTACT = '100000000000000001';
export const OWNER = '100000000000000009';
export const DEALS_MODULE = '100000000000000007';

/** What Zoho does with one attempt, and what it answers. */
export interface ScriptedAttempt {
  /** Apply the write (relink rules permitting). */
  apply: boolean;
  /** An HTTP status (200 answers each item as the write went), or no answer at all. */
  answer: number | 'timeout' | 'reset';
  /** With 400/200: the Zoho code each item gets instead of success (e.g. ALREADY_USED). */
  itemCode?: string;
  /** With 400 and `itemCode`: only these items are named; the answer leaves the others out. */
  only?: string[];
  /** This attempt is the transport's retry of the failed attempt before it, in the same call. */
  retried?: boolean;
}

type Kind = 'link' | 'unlink' | 'read';

export class FakeZoho implements ZohoRequester {
  readonly mode = 'service' as const;
  /** message id → deal id (null: on no deal). */
  readonly links = new Map<string, string | null>();
  readonly deals = new Set<string>();
  readonly calls: Array<{ kind: Kind; messageIds: string[] }> = [];
  readonly #scripts: Record<Kind, ScriptedAttempt[]> = { link: [], unlink: [], read: [] };
  readonly #relink: 'replace' | 'reject';
  #clock = 1_000_000;

  constructor(opts: { relink?: 'replace' | 'reject' } = {}) {
    this.#relink = opts.relink ?? 'replace';
  }

  /** Attempts to play, in order, for the next calls of a kind; when they run out, Zoho behaves. */
  script(kind: Kind, attempts: ScriptedAttempt[]): void {
    this.#scripts[kind].push(...attempts);
  }

  now(): number {
    return this.#clock;
  }

  advance(ms: number): void {
    this.#clock += ms;
  }

  getOrgId(): Promise<string> {
    return Promise.resolve('1');
  }

  getUserId(): Promise<string> {
    return Promise.resolve(OWNER);
  }

  creditsRemaining(): number | null {
    return null;
  }

  async request<T>(req: ZohoRequest): Promise<ZohoResponse<T>> {
    const route = `${req.method} ${req.route}`;
    const params: Readonly<Record<string, string>> = req.params ?? {};
    const query: ZohoQuery = req.query ?? {};
    if (route === 'GET /org') return this.#ok({ org: [{ id: '1' }] });
    if (route === 'GET /users/{id}') return this.#ok({ users: [{ id: params.id, full_name: 'Owner' }] });
    if (route === 'GET /settings/modules') return this.#ok({ modules: [{ api_name: 'Deals', id: DEALS_MODULE }] });
    if (route === 'GET /Deals') {
      const ids = String(query.ids ?? '').split(',');
      const data = ids.filter((id) => this.deals.has(id)).map((id) => ({ id, Deal_Name: `Deal ${id}` }));
      return this.#ok(data.length ? { data } : undefined);
    }
    if (route === 'GET /Contacts/{id}/Emails/{message_id}') return this.#read(params.message_id!);
    if (req.route === '/Contacts/{id}/Emails/actions/link_record') {
      if (req.method === 'POST') {
        const items = req.body.Emails;
        return this.#write(
          'link',
          items.map((i) => i.message_id!),
          (id) => this.#link(id, items.find((i) => i.message_id === id)!.linked_record.id),
        );
      }
      const ids = (req.method === 'DELETE' ? req.query.message_ids : '').split(',');
      return this.#write('unlink', ids, (id) => (this.links.set(id, null), null));
    }
    throw new Error(`FakeZoho: no answer for ${route}`);
  }

  /** Zoho's link rule: in reject mode, an email linked elsewhere is refused. */
  #link(messageId: string, dealId: string): string | null {
    const current = this.links.get(messageId) ?? null;
    if (this.#relink === 'reject' && current !== null && current !== dealId) return 'ALREADY_USED';
    this.links.set(messageId, dealId);
    return null;
  }

  #ok<T>(data: unknown, status = 200, history: AttemptRecord[] = []): ZohoResponse<T> {
    const attempt: AttemptRecord = { kind: 'ok', phase: 'answered', status, code: null, sentAt: this.#clock };
    const all = [...history, attempt];
    return {
      status,
      data: data as T,
      text: data === undefined ? '' : JSON.stringify(data),
      creditsRemaining: null,
      attempts: all.length,
      history: all,
      call: { method: 'X', route: '/crm/v8/fake' },
    };
  }

  #read<T>(messageId: string): ZohoResponse<T> {
    this.calls.push({ kind: 'read', messageIds: [messageId] });
    const scripted = this.#scripts.read.shift();
    if (scripted && scripted.answer !== 200) throw this.#error(scripted, []);
    const deal = this.links.get(messageId);
    if (deal === undefined) return this.#ok(undefined, 204);
    return this.#ok({
      Emails: [
        {
          message_id: messageId,
          owner: { id: OWNER, name: 'Owner' },
          linked_record:
            deal === null ? null : { id: deal, name: `Deal ${deal}`, module: { api_name: 'Deals', id: DEALS_MODULE } },
        },
      ],
    });
  }

  /** Plays scripted attempts (like the transport's retries) until one is answered 200/400 or the script ends in an error. */
  #write<T>(kind: Kind, ids: string[], apply: (id: string) => string | null): ZohoResponse<T> {
    const history: AttemptRecord[] = [];
    for (;;) {
      this.calls.push({ kind, messageIds: ids });
      const s = this.#scripts[kind].shift() ?? { apply: true, answer: 200 };
      const refusals = new Map<string, string>();
      if (s.apply)
        for (const id of ids) {
          const refused = apply(id);
          if (refused) refusals.set(id, refused);
        }
      if (s.answer === 200 || s.answer === 400) {
        const Emails = ids.flatMap((id, i): unknown[] => {
          if (s.only && !s.only.includes(id)) return [];
          const code = s.itemCode ?? refusals.get(id) ?? (s.apply ? null : 'INVALID_DATA');
          if (!code) return [{ code: 'SUCCESS', status: 'success', message: 'ok', details: { message_id: id } }];
          const details = { api_name: 'message_id', json_path: `Emails[${i}].message_id` };
          return [[{ code, status: 'error', message: 'refused', details }]];
        });
        const status =
          s.answer === 400 || Emails.every((e) => Array.isArray(e))
            ? 400
            : Emails.some((e) => Array.isArray(e))
              ? 207
              : 200;
        return this.#ok({ Emails }, status, history);
      }
      const error = this.#error(s, history);
      history.push({
        kind: error.kind,
        phase: error.phase,
        status: error.status,
        code: error.code,
        sentAt: this.#clock,
      });
      // Like the transport's retries: the next scripted attempt, when it says it is one.
      if (this.#scripts[kind][0]?.retried) continue;
      error.history = history;
      error.attempts = history.length;
      throw error;
    }
  }

  #error(s: ScriptedAttempt, history: AttemptRecord[]): ZohoError {
    const e =
      s.answer === 'timeout'
        ? new ZohoError({ kind: 'timeout', code: 'TIMEOUT', message: 'no answer', phase: 'no_answer' })
        : s.answer === 'reset'
          ? new ZohoError({ kind: 'network', code: 'NETWORK_ERROR', message: 'reset', phase: 'no_answer' })
          : new ZohoError({
              kind: s.answer === 429 ? 'rate_limited' : s.answer >= 500 ? 'unavailable' : 'rejected',
              code: s.answer === 429 ? 'TOO_MANY_REQUESTS' : s.answer >= 500 ? 'INTERNAL_ERROR' : 'INVALID_DATA',
              message: `HTTP ${s.answer}`,
              status: s.answer,
              fromZoho: true,
            });
    e.history = history;
    return e;
  }
}

/** The workflows' context over a fake Zoho, with its clock and a 60 s late-write window. */
export function fakeContext(zoho: FakeZoho): LinkServiceContext {
  return {
    zoho,
    loaders: createLoaders(zoho),
    orgCache: new OrgCache(),
    late: { now: () => zoho.now(), windowMs: 60_000 },
  };
}
