import { describe, expect, it } from 'vitest';
import {
  ZohoError,
  errorFromResponse,
  jsonPathIndex,
  networkError,
  oauthError,
  parseItemOutcomes,
} from '../../src/zoho/errors.ts';

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
      kind: 'http',
      code: 'REQUIRED_PARAM_MISSING',
      status: 400,
      retryable: false,
      fromZoho: true,
      call,
    });
    expect(e.details).toEqual({ param_name: 'fields' });
  });

  it('marks 429 TOO_MANY_REQUESTS as rate limited and retryable', () => {
    const e = errorFromResponse({
      status: 429,
      json: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many', status: 'error' },
      call,
    });
    expect(e).toMatchObject({ kind: 'rate_limited', retryable: true });
  });

  it('marks a 401 INVALID_TOKEN as an auth error', () => {
    const e = errorFromResponse({
      status: 401,
      json: { code: 'INVALID_TOKEN', details: {}, message: 'Invalid OAuth token', status: 'error' },
      call,
    });
    expect(e).toMatchObject({ kind: 'auth', code: 'INVALID_TOKEN', retryable: false });
  });

  it('treats a 500 INTERNAL_ERROR as retryable', () => {
    const e = errorFromResponse({
      status: 500,
      json: { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' },
      call,
    });
    expect(e).toMatchObject({ kind: 'http', code: 'INTERNAL_ERROR', retryable: true });
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
    expect(e).toMatchObject({ kind: 'http', code: 'HTTP_502', retryable: true });
    expect(JSON.stringify(e)).not.toContain('1000.abcdef0123456789');
  });

  it('reports an empty error body by its status', () => {
    expect(errorFromResponse({ status: 503, text: '', call })).toMatchObject({ code: 'HTTP_503', retryable: true });
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
      details: { refusedBy: 'accounts' },
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
    expect(e).toMatchObject({
      kind: 'network',
      code: 'NETWORK_ERROR',
      details: { cause: 'ECONNRESET' },
      retryable: true,
    });
    expect(JSON.stringify(e)).not.toContain('secret');
    expect(e.cause).toBeUndefined();
    expect(networkError(Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), call, 50)).toMatchObject({
      kind: 'timeout',
      code: 'TIMEOUT',
    });
  });
});

describe('per-item outcomes of link and unlink', () => {
  it('reads a 200 with one success per item', () => {
    const out = parseItemOutcomes({ status: 200, json: { Emails: ids.map(success) }, messageIds: ids, call });
    expect(out).toEqual(ids.map((messageId) => ({ ok: true, messageId })));
  });

  it('matches array-of-arrays errors by json_path index, not by position', () => {
    // An atomic 400 lists only the bad items: item 2 first, then item 0.
    const json = {
      Emails: [
        [itemErr('INVALID_DATA', 'Emails[2].linked_record.id', 'linked_record.id')],
        [itemErr('MANDATORY_NOT_FOUND', 'Emails[0].message_id')],
      ],
    };
    const out = parseItemOutcomes({ status: 400, json, messageIds: ids, call });
    expect(out[0]).toMatchObject({
      ok: false,
      messageId: 'aaa1',
      error: { kind: 'item', code: 'MANDATORY_NOT_FOUND', status: 400 },
    });
    expect(out[2]).toMatchObject({
      ok: false,
      messageId: 'ccc3',
      error: { code: 'INVALID_DATA', details: { api_name: 'linked_record.id' } },
    });
    // Item 1 is not mentioned: it is never reported as a success.
    expect(out[1]).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_RESULT', kind: 'unknown_result', retryable: true },
    });
  });

  it("reads unlink's message_ids[i] paths", () => {
    const json = { Emails: [success('aaa1'), [itemErr('INVALID_DATA', 'message_ids[1]')], success('ccc3')] };
    const out = parseItemOutcomes({ status: 207, json, messageIds: ids, call });
    expect(out.map((o) => o.ok)).toEqual([true, false, true]);
    expect(out[1]).toMatchObject({ error: { code: 'INVALID_DATA', status: 207 } });
  });

  it('reads a 207 whose indices hold either a success or an array of errors', () => {
    const json = {
      Emails: [[itemErr('INVALID_DATA', 'Emails[0].owner.id', 'owner.id')], success('bbb2'), success('ccc3')],
    };
    const out = parseItemOutcomes({ status: 207, json, messageIds: ids, call });
    expect(out.map((o) => o.ok)).toEqual([false, true, true]);
  });

  it('matches successes by message id even when Zoho reorders them', () => {
    const json = { Emails: [success('ccc3'), success('aaa1'), success('bbb2')] };
    expect(parseItemOutcomes({ status: 200, json, messageIds: ids, call }).every((o) => o.ok)).toBe(true);
  });

  it('applies a single error envelope to every item', () => {
    const json = {
      code: 'MANDATORY_NOT_FOUND',
      details: { api_name: 'Emails', json_path: 'Emails' },
      message: 'required field not found',
      status: 'error',
    };
    const out = parseItemOutcomes({ status: 400, json, messageIds: ids, call });
    expect(out).toHaveLength(3);
    for (const o of out) expect(o).toMatchObject({ ok: false, error: { code: 'MANDATORY_NOT_FOUND', status: 400 } });
  });

  it('gives UNKNOWN_RESULT to every item of a 200 with no body', () => {
    const out = parseItemOutcomes({ status: 200, json: undefined, text: '', messageIds: ids, call });
    for (const o of out) expect(o).toMatchObject({ ok: false, error: { code: 'UNKNOWN_RESULT' } });
  });

  it('gives UNKNOWN_RESULT to items a short 200 leaves out', () => {
    const out = parseItemOutcomes({ status: 200, json: { Emails: [success('aaa1')] }, messageIds: ids, call });
    expect(out.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'UNKNOWN_RESULT', 'UNKNOWN_RESULT']);
  });

  it('reports a non-JSON 400 on every item', () => {
    const out = parseItemOutcomes({ status: 400, json: undefined, text: 'Bad Request', messageIds: ids, call });
    for (const o of out) expect(o).toMatchObject({ ok: false, error: { code: 'HTTP_400', kind: 'invalid_response' } });
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
    const [first] = parseItemOutcomes({ status: 400, json, messageIds: ['aaa1'], call });
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
