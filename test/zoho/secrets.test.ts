/**
 * No token, client secret or refresh token ever reaches a log line or an error, whatever happens:
 * refreshes, 401s, refused grants, failures.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoClient, getOrg, listEmails } from '../../src/zoho/index.ts';
import {
  ARTICLE,
  DEMO_CREDENTIALS,
  FAST,
  captureLogger,
  serviceClient,
  startTestEmulator,
  type TestEmulator,
} from './support.ts';

let a: TestEmulator;
let b: TestEmulator;

beforeAll(async () => {
  [a, b] = await Promise.all([startTestEmulator(), startTestEmulator()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

/** Anything shaped like a Zoho token (access or refresh): `1000.<hex>.<hex>`. */
const TOKEN_SHAPE = /1000\.[0-9a-f]{16,}\.[0-9a-f]{16,}/i;

describe('secrets', () => {
  it('appear in no log line and no error, at the most verbose log level', async () => {
    const capture = captureLogger();
    const errors: unknown[] = [];
    const keep = (p: Promise<unknown>) => p.catch((e: unknown) => errors.push(e));

    // Happy path with a refresh.
    const zoho = serviceClient(a.url, {}, { logger: capture.logger });
    await getOrg(zoho);
    await listEmails(zoho, { module: 'Contacts', recordId: ARTICLE.contactWithManyEmails });
    // 401 → refresh → 401 (tokens from A, calls to B).
    const crossed = serviceClient(a.url, { apiBaseUrl: b.url }, { logger: capture.logger });
    await keep(getOrg(crossed));
    // A refused grant (wrong secret), and a mint refused locally.
    const wrong = serviceClient(
      a.url,
      { clientSecret: `${DEMO_CREDENTIALS.clientSecret}x` },
      { logger: capture.logger },
    );
    await keep(getOrg(wrong));
    const capped = serviceClient(a.url, { apiBaseUrl: b.url, token: { mintLimit: 1 } }, { logger: capture.logger });
    await keep(getOrg(capped));
    await keep(getOrg(capped));
    // A fixed token Zoho rejects, and pass-through callers.
    const { access_token } = await a.admin.token();
    const fixed = createZohoClient(
      { apiBaseUrl: b.url, accessToken: access_token, ...FAST },
      { logger: capture.logger },
    );
    await keep(getOrg(fixed));
    const pass = createZohoClient({ apiBaseUrl: a.url, authMode: 'passthrough', ...FAST }, { logger: capture.logger });
    await getOrg(pass.forCaller(`Zoho-oauthtoken ${access_token}`));
    await keep(getOrg(pass.forCaller('Zoho-oauthtoken 1000.0123456789abcdef0123.0123456789abcdef0123')));
    // A network failure.
    const down = createZohoClient(
      { apiBaseUrl: 'http://127.0.0.1:9', accessToken: access_token, ...FAST, retry: { maxAttempts: 1 } },
      { logger: capture.logger },
    );
    await keep(getOrg(down));

    const logs = capture.text();
    expect(logs).toContain('zoho call');
    expect(errors.length).toBeGreaterThanOrEqual(6);
    const shown = [
      logs,
      ...errors.map((e) => JSON.stringify(e)),
      ...errors.map((e) => inspect(e, { depth: 10 })),
      ...errors.map((e) => String((e as Error).message)),
      inspect(zoho, { depth: 6 }),
      JSON.stringify(zoho.config),
    ].join('\n');
    for (const secret of [DEMO_CREDENTIALS.clientSecret, DEMO_CREDENTIALS.refreshToken, access_token]) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).not.toMatch(TOKEN_SHAPE);
    expect(shown).not.toMatch(/Zoho-oauthtoken\s+1000/);
    for (const c of [zoho, crossed, wrong, capped, fixed, pass, down]) c.close();
  });
});
