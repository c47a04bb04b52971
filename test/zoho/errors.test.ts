import { describe, expect, it } from 'vitest';
import { ZohoError, errorFromResponse, networkError, oauthError } from '../../src/zoho/errors.ts';

const call = { method: 'POST', route: '/crm/v8/Contacts/{id}/Emails/actions/link_record' };
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
