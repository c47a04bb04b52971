/**
 * The link and unlink response parser (src/zoho/api/links.ts): each item's answer in one response,
 * whatever shape Zoho gives it, and each item's outcome across every attempt of its call.
 */
import { describe, expect, it } from 'vitest';
import { ZohoError, errorFromResponse, type AttemptRecord } from '../../src/zoho/errors.ts';
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
