import { describe, expect, it } from 'vitest';
import { ZohoError, errorFromResponse, networkError, oauthError, type AttemptRecord } from '../../src/zoho/errors.ts';
import { foldItem, jsonPathIndex, readItemAnswers } from '../../src/zoho/api/links.ts';

const call = { method: 'POST', route: '/crm/v8/Contacts/{id}/Emails/actions/link_record' };
const ids = ['aaa1', 'bbb2', 'ccc3'];
const success = (id: string) => ({
  code: 'SUCCESS',
  details: { message_id: id },
  message: 'email has been linked with the deal successfully',
  status: 'success',
});
const itemErr = (code: string, path: string, api = 'message_id') => ({
  code,
  details: { api_name: api, json_path: path },
  message: code === 'INVALID_DATA' ? 'invalid data' : 'message_id is mandatory',
  status: 'error',
});

describe('whole-call errors from every body shape', () => {
  it('reads the single envelope, keeping Zoho code, message and details', () => {
    const e = errorFromResponse({
      status: 400,
      text: JSON.stringify({
        code: 'REQUIRED_PARAM_MISSING',
        details: { param_name: 'fields' },
        message: 'required param is missing',
        status: 'error',
      }),
      call,
    });
    expect(e).toBeInstanceOf(ZohoError);
    expect(e).toMatchObject({
      kind: 'rejected',
      phase: 'answered',
      code: 'REQUIRED_PARAM_MISSING',
      status: 400,
      fromZoho: true,
      call,
    });
    expect(e.details).toEqual({ param_name: 'fields' });
  });

  it('marks 429 TOO_MANY_REQUESTS as rate limited', () => {
    const e = errorFromResponse({
      status: 429,
      json: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many', status: 'error' },
      call,
    });
    expect(e).toMatchObject({ kind: 'rate_limited' });
  });

  it('marks a 401 INVALID_TOKEN as an auth error', () => {
    const e = errorFromResponse({
      status: 401,
      json: { code: 'INVALID_TOKEN', details: {}, message: 'Invalid OAuth token', status: 'error' },
      call,
    });
    expect(e).toMatchObject({ kind: 'auth', code: 'INVALID_TOKEN' });
  });

  it('treats a 500 INTERNAL_ERROR as Zoho being unavailable', () => {
    const e = errorFromResponse({
      status: 500,
      json: { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' },
      call,
    });
    expect(e).toMatchObject({ kind: 'unavailable', code: 'INTERNAL_ERROR', phase: 'answered' });
  });

  it("takes the first error of associate's flat per-item array", () => {
    const e = errorFromResponse({
      status: 400,
      json: {
        Emails: [
          {
            code: 'MANDATORY_NOT_FOUND',
            details: { api_name: 'from', json_path: '$.Emails[0].from' },
            message: 'required field not found',
            status: 'error',
          },
        ],
      },
      call,
    });
    expect(e).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'from' } });
  });

  it('takes the first error of an array-of-arrays body', () => {
    const e = errorFromResponse({
      status: 400,
      json: { Emails: [[itemErr('INVALID_DATA', 'Emails[0].linked_record.id')]] },
      call,
    });
    expect(e.code).toBe('INVALID_DATA');
  });

  it('reports a non-JSON body without trusting it, and scrubs credentials out of the snippet', () => {
    const e = errorFromResponse({
      status: 502,
      text: '<html>Bad gateway for Zoho-oauthtoken 1000.abcdef0123456789</html>',
      call,
    });
    expect(e).toMatchObject({ kind: 'unavailable', code: 'HTTP_502' });
    expect(JSON.stringify(e)).not.toContain('1000.abcdef0123456789');
  });

  it('reports an empty error body by its status', () => {
    expect(errorFromResponse({ status: 503, text: '', call })).toMatchObject({ code: 'HTTP_503', kind: 'unavailable' });
    // A bare 4xx says only that Zoho refused: nothing is guessed from it.
    expect(errorFromResponse({ status: 400, text: '', call })).toMatchObject({ code: 'HTTP_400', kind: 'rejected' });
    expect(errorFromResponse({ status: 429, text: '', call })).toMatchObject({
      kind: 'rate_limited',
      code: 'TOO_MANY_REQUESTS',
    });
  });

  it("turns Zoho Accounts' mint refusal into OAUTH_MINT_LIMIT", () => {
    const e = oauthError(
      400,
      {
        error: 'Access Denied',
        error_description: 'You have made too many requests continuously. Please try again after some time.',
      },
      { method: 'POST', route: '/oauth/v2/token' },
    );
    expect(e).toMatchObject({
      kind: 'token_mint',
      code: 'OAUTH_MINT_LIMIT',
      status: 400,
      phase: 'not_sent',
      details: { refusedBy: 'accounts' },
    });
  });

  it('recognises the mint refusal by its structure, whatever the language of its description', () => {
    const e = oauthError(
      200,
      { error: 'Zugriff verweigert', error_description: 'Zu viele Anfragen.', status: 'failure' },
      { method: 'POST', route: '/oauth/v2/token' },
    );
    expect(e).toMatchObject({ kind: 'token_mint', code: 'OAUTH_MINT_LIMIT' });
  });

  it("reads the accounts server's HTTP 200 {error} answers as errors, and its 5xx as an outage", () => {
    const token = { method: 'POST', route: '/oauth/v2/token' };
    expect(oauthError(200, { error: 'invalid_code' }, token)).toMatchObject({
      kind: 'auth',
      code: 'OAUTH_REFRESH_FAILED',
      phase: 'not_sent',
    });
    expect(errorFromResponse({ status: 503, json: { error: 'internal_error' }, call: token })).toMatchObject({
      kind: 'unavailable',
      code: 'OAUTH_UNAVAILABLE',
      phase: 'not_sent',
    });
  });

  it('turns other OAuth errors into OAUTH_REFRESH_FAILED', () => {
    const e = errorFromResponse({
      status: 400,
      json: { error: 'invalid_code' },
      call: { method: 'POST', route: '/oauth/v2/token' },
    });
    expect(e).toMatchObject({ kind: 'auth', code: 'OAUTH_REFRESH_FAILED', details: { error: 'invalid_code' } });
  });

  it('keeps only the code of a network failure, and recognises timeouts', () => {
    const raw = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
      config: { headers: { Authorization: 'Zoho-oauthtoken secret' } },
    });
    const e = networkError(raw, call);
    // A reset after the request went out leaves its fate open.
    expect(e).toMatchObject({
      kind: 'network',
      code: 'NETWORK_ERROR',
      phase: 'no_answer',
      details: { cause: 'ECONNRESET' },
    });
    expect(networkError(Object.assign(new Error('r'), { code: 'ECONNREFUSED' }), call)).toMatchObject({
      phase: 'not_sent',
    });
    expect(JSON.stringify(e)).not.toContain('secret');
    expect(e.cause).toBeUndefined();
    expect(networkError(Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), call, 50)).toMatchObject({
      kind: 'timeout',
      code: 'TIMEOUT',
    });
  });
});

describe("each item's answer in one link or unlink response", () => {
  it('reads a 200 with one success per item', () => {
    const out = readItemAnswers({ status: 200, json: { Emails: ids.map(success) }, messageIds: ids, call });
    expect(out).toEqual(ids.map(() => ({ ok: true })));
  });

  it('matches array-of-arrays errors by json_path index, not by position', () => {
    // An atomic 400 lists only the bad items: item 2 first, then item 0.
    const json = {
      Emails: [
        [itemErr('INVALID_DATA', 'Emails[2].linked_record.id', 'linked_record.id')],
        [itemErr('MANDATORY_NOT_FOUND', 'Emails[0].message_id')],
      ],
    };
    const out = readItemAnswers({ status: 400, json, messageIds: ids, call });
    expect(out[0]).toMatchObject({ ok: false, error: { kind: 'item', code: 'MANDATORY_NOT_FOUND', status: 400 } });
    expect(out[2]).toMatchObject({
      ok: false,
      error: { code: 'INVALID_DATA', details: { api_name: 'linked_record.id' } },
    });
    // Item 1 is not mentioned: it is never reported as a success.
    expect(out[1]).toMatchObject({ ok: null, error: { code: 'UNKNOWN_RESULT', kind: 'unknown_result' } });
  });

  it("reads unlink's message_ids[i] paths", () => {
    const json = { Emails: [success('aaa1'), [itemErr('INVALID_DATA', 'message_ids[1]')], success('ccc3')] };
    const out = readItemAnswers({ status: 207, json, messageIds: ids, call });
    expect(out.map((o) => o.ok)).toEqual([true, false, true]);
    expect(out[1]).toMatchObject({ error: { code: 'INVALID_DATA', status: 207 } });
  });

  it('reads a 207 whose indices hold either a success or an array of errors', () => {
    const json = {
      Emails: [[itemErr('INVALID_DATA', 'Emails[0].owner.id', 'owner.id')], success('bbb2'), success('ccc3')],
    };
    const out = readItemAnswers({ status: 207, json, messageIds: ids, call });
    expect(out.map((o) => o.ok)).toEqual([false, true, true]);
  });

  it('matches successes by message id even when Zoho reorders them', () => {
    const json = { Emails: [success('ccc3'), success('aaa1'), success('bbb2')] };
    expect(readItemAnswers({ status: 200, json, messageIds: ids, call }).every((o) => o.ok)).toBe(true);
  });

  it('applies a single error envelope to every item', () => {
    const json = {
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'Emails', json_path: 'Emails' },
      message: 'required field not found',
      status: 'error',
    };
    const out = readItemAnswers({ status: 400, json, messageIds: ids, call });
    expect(out).toHaveLength(3);
    for (const o of out) expect(o).toMatchObject({ ok: false, error: { code: 'MANDATORY_NOT_FOUND', status: 400 } });
  });

  it('leaves every item of a 200 with no body unmentioned', () => {
    const out = readItemAnswers({ status: 200, json: undefined, text: '', messageIds: ids, call });
    for (const o of out) expect(o).toMatchObject({ ok: null, error: { code: 'UNKNOWN_RESULT' } });
  });

  it('leaves unmentioned the items a short 200 leaves out', () => {
    const out = readItemAnswers({ status: 200, json: { Emails: [success('aaa1')] }, messageIds: ids, call });
    expect(out.map((o) => o.ok)).toEqual([true, null, null]);
  });

  it('reports a non-JSON 400 on every item', () => {
    const out = readItemAnswers({ status: 400, json: undefined, text: 'Bad Request', messageIds: ids, call });
    for (const o of out) expect(o).toMatchObject({ ok: false, error: { code: 'HTTP_400', kind: 'rejected' } });
  });

  it('keeps every error of an item that has several', () => {
    const json = {
      Emails: [
        [
          itemErr('MANDATORY_NOT_FOUND', 'Emails[0].message_id'),
          itemErr('INVALID_DATA', 'Emails[0].owner.id', 'owner.id'),
        ],
      ],
    };
    const [first] = readItemAnswers({ status: 400, json, messageIds: ['aaa1'], call });
    expect(first).toMatchObject({ ok: false, error: { code: 'MANDATORY_NOT_FOUND' } });
    expect((first as { error: ZohoError }).error.details.errors).toHaveLength(2);
  });

  it('reads json_path with and without the $. prefix', () => {
    expect(jsonPathIndex('Emails[3].message_id')).toBe(3);
    expect(jsonPathIndex('$.Emails[12]')).toBe(12);
    expect(jsonPathIndex('message_ids[7]')).toBe(7);
    expect(jsonPathIndex('Emails')).toBeUndefined();
    expect(jsonPathIndex(undefined)).toBeUndefined();
  });
});

describe("an item's outcome weighs every attempt of its call", () => {
  const at = (kind: AttemptRecord['kind'], phase: AttemptRecord['phase'], status: number | null, sentAt = 1_000) => ({
    kind,
    phase,
    status,
    code: null,
    sentAt: phase === 'not_sent' ? null : sentAt,
  });
  const rateLimited = errorFromResponse({
    status: 429,
    json: { code: 'TOO_MANY_REQUESTS', message: 'x', details: {}, status: 'error' },
    call,
  });
  const refusedItem = readItemAnswers({
    status: 400,
    json: { Emails: [[itemErr('INVALID_DATA', 'Emails[0].message_id')]] },
    messageIds: ['aaa1'],
    call,
  })[0]!;

  it('a 429 after a 500 that may have applied the write is unclear, never refused', () => {
    const history = [at('unavailable', 'answered', 500), at('rate_limited', 'answered', 429)];
    expect(foldItem('aaa1', history, rateLimited)).toMatchObject({ kind: 'unclear', unansweredAt: null });
  });

  it('a 429 after a timeout is unclear, and remembers when the unanswered attempt was sent', () => {
    const history = [at('timeout', 'no_answer', null, 5_000), at('rate_limited', 'answered', 429, 6_000)];
    expect(foldItem('aaa1', history, rateLimited)).toMatchObject({ kind: 'unclear', unansweredAt: 5_000 });
  });

  it('429s alone, or failures before anything was sent, are refused: nothing can have been applied', () => {
    const history = [
      at('rate_limited', 'answered', 429),
      at('network', 'not_sent', null),
      at('rate_limited', 'answered', 429),
    ];
    expect(foldItem('aaa1', history, rateLimited)).toMatchObject({ kind: 'refused', collateral: false });
  });

  it('an item Zoho refused in the final answer is refused, unless an earlier attempt may have applied it', () => {
    expect(foldItem('aaa1', [at('ok', 'answered', 400)], refusedItem)).toMatchObject({ kind: 'refused' });
    expect(foldItem('aaa1', [at('network', 'no_answer', null), at('ok', 'answered', 400)], refusedItem)).toMatchObject({
      kind: 'unclear',
    });
  });

  it('an item a 2xx leaves out is unclear; one a 4xx leaves out was never tried', () => {
    const missing = { ok: null, error: rateLimited } as const;
    expect(foldItem('aaa1', [at('ok', 'answered', 207)], missing)).toMatchObject({ kind: 'unclear' });
    expect(foldItem('aaa1', [at('ok', 'answered', 400)], missing)).toMatchObject({ kind: 'refused', collateral: true });
  });

  it('a success is applied, whatever came before it', () => {
    const history = [at('timeout', 'no_answer', null, 7), at('ok', 'answered', 200)];
    expect(foldItem('aaa1', history, { ok: true })).toEqual({ kind: 'applied', messageId: 'aaa1', unansweredAt: 7 });
  });
});
