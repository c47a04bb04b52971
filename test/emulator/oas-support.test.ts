/** The OAS validation itself: the vendored files are Zoho's, and the validator does reject. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OAS_DIR, oasProblems } from '../support/oas.ts';

const SHARED = fileURLToPath(new URL('../../../shared/zoho-oas/', import.meta.url));

describe('the OAS files', () => {
  it.skipIf(!existsSync(SHARED))('are byte-identical to ../shared/zoho-oas', () => {
    const ours = readdirSync(OAS_DIR).sort();
    expect(ours).toEqual(readdirSync(SHARED).sort());
    for (const file of ours) expect(readFileSync(OAS_DIR + file).equals(readFileSync(SHARED + file)), file).toBe(true);
  });
});

describe('the validator', () => {
  const email = {
    cc: null,
    summary: null,
    owner: { name: 'P', id: '1' },
    read: true,
    subject: 's',
    message_id: 'abc',
    sent: true,
    activity_info: null,
    intent: null,
    sentiment_info: null,
    source: 'individual',
    linked_record: null,
    emotion: null,
    from: { user_name: 'a', email: 'a@b.c' },
    to: [],
    time: '2026-01-01T10:00:00-05:00',
    status: [],
    has_attachment: false,
    has_thread_attachment: false,
  };
  const list = (e: object) => ({
    Emails: [e],
    info: { per_page: 10, count: 1, next_index: null, prev_index: '0', more_records: false },
  });
  const path = '/crm/v8/Contacts/1/Emails';

  it("accepts a well-formed email list, with the overlay's linked_record: null", () => {
    expect(oasProblems('GET', path, 200, list(email))).toEqual([]);
  });

  it('rejects a list email with `sentiment` for `sentiment_info`, or without info', () => {
    const { sentiment_info: _s, ...rest } = email;
    expect(oasProblems('GET', path, 200, list({ ...rest, sentiment: 'positive' }))).not.toEqual([]);
    expect(oasProblems('GET', path, 200, { Emails: [email] })).not.toEqual([]);
  });

  it('rejects a body on a 204, and a 400 link body mixing codes in one item', () => {
    expect(oasProblems('GET', path, 204, {})).not.toEqual([]);
    const mixed = {
      Emails: [
        [
          { status: 'error', code: 'MANDATORY_NOT_FOUND', message: 'x', details: { api_name: 'a', json_path: 'b' } },
          {
            status: 'error',
            code: 'INVALID_DATA',
            message: 'invalid data',
            details: { api_name: 'a', json_path: 'b' },
          },
        ],
      ],
    };
    expect(oasProblems('POST', '/crm/v8/Contacts/1/Emails/actions/link_record', 400, mixed)).not.toEqual([]);
  });

  it('validates a 207 item by item against the 200 and 400 shapes', () => {
    const ok = { code: 'SUCCESS', details: { message_id: 'a' }, message: 'm', status: 'success' };
    const bad = [
      {
        status: 'error',
        code: 'INVALID_DATA',
        message: 'invalid data',
        details: { api_name: 'message_id', json_path: 'Emails[1].message_id' },
      },
    ];
    const link = '/crm/v8/Contacts/1/Emails/actions/link_record';
    expect(oasProblems('POST', link, 207, { Emails: [ok, bad] })).toEqual([]);
    expect(oasProblems('POST', link, 207, { Emails: [ok, { ...ok, status: 'done' }] })).not.toEqual([]);
  });

  it('validates statuses the operation does not define against the common error envelope', () => {
    expect(
      oasProblems('GET', path, 401, {
        code: 'INVALID_TOKEN',
        details: {},
        message: 'invalid oauth token',
        status: 'error',
      }),
    ).toEqual([]);
    expect(
      oasProblems('GET', path, 401, { code: 'INVALID_TOKEN', message: 'invalid oauth token', status: 'error' }),
    ).not.toEqual([]);
  });
});
