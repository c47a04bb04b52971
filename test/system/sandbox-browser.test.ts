/**
 * Apollo Sandbox in a real browser: headless Chromium (Debian's package) driven by playwright-core.
 *
 * Sandbox's own bundle comes from Apollo's CDN and cannot load offline, so the test covers our
 * side: the page we serve, the configuration it hands to the bundle (a stand-in for the bundle
 * records it), and the requests Sandbox makes from the page's origin, which must pass CSRF
 * prevention while a cross-site-style form post must not. No request leaves the machine.
 *
 * Skips, saying why, when /usr/bin/chromium is absent (`apt-get install -y chromium`).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import type { BrowserContext, Page } from 'playwright-core';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from '../../src/graphql/sandbox.ts';
import { startStack, type Stack } from '../support/gateway.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SANDBOX_CDN = 'https://embeddable-sandbox.cdn.apollographql.com/';
/** Stands in for Apollo's bundle: records what our page passes to `new EmbeddedSandbox(...)`. */
const SANDBOX_STAND_IN = 'window.EmbeddedSandbox = function (config) { window.__sandboxConfig = config; };';
const LINK_ROUTE = 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record';

if (!hasChromium) {
  console.warn(
    `Skipping the Sandbox browser test: Chromium is not installed at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` to run it.`,
  );
}

describe.skipIf(!hasChromium)(
  `Apollo Sandbox in headless Chromium (${hasChromium ? CHROMIUM : `skipped: no ${CHROMIUM}; apt-get install -y chromium`})`,
  () => {
    let stack: Stack;
    let context: BrowserContext;
    let page: Page;
    let userDataDir: string;
    const offMachine: string[] = [];
    const cdnRequests: string[] = [];

    /** fetch() inside the page, from its origin, as Sandbox sends requests. */
    const fetchInPage = (init: { body: string; headers: Record<string, string> }) =>
      page.evaluate(
        async ({ url, init }) => {
          const res = await fetch(url, { method: 'POST', ...init });
          return { status: res.status, text: await res.text() };
        },
        { url: stack.gateway.url, init },
      );

    beforeAll(async () => {
      stack = await startStack({ gateway: { sandbox: { landingPage: true, introspection: true, graphiql: true } } });
      const { chromium } = await import('playwright-core');
      userDataDir = mkdtempSync(join(tmpdir(), 'sandbox-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
      });
      const origin = new URL(stack.gateway.url).origin;
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (url.startsWith(origin)) return route.continue();
        if (url.startsWith(SANDBOX_CDN)) {
          cdnRequests.push(url);
          return route.fulfill({ status: 200, contentType: 'application/javascript', body: SANDBOX_STAND_IN });
        }
        offMachine.push(url); // fonts, icons: nothing the test needs, and no network here
        return route.abort();
      });
      page = context.pages()[0] ?? (await context.newPage());
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await stack?.close();
      if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('loads the landing page at /graphql and hands Sandbox the endpoint, headers and example operations', async () => {
      const response = await page.goto(stack.gateway.url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);
      expect(cdnRequests).toEqual([
        expect.stringMatching(
          /^https:\/\/embeddable-sandbox\.cdn\.apollographql\.com\/v2\/embeddable-sandbox\.umd\.production\.min\.js/,
        ),
      ]);

      const config = await page.waitForFunction(() => (globalThis as any).__sandboxConfig).then((h) => h.jsonValue());
      expect(config).toMatchObject({
        target: '#embeddableSandbox',
        initialEndpoint: stack.gateway.url,
        endpointIsEditable: false,
        runTelemetry: false,
        initialState: {
          document: SANDBOX_DOCUMENT,
          variables: SANDBOX_VARIABLES,
          sharedHeaders: {},
          includeCookies: false,
        },
      });
      // The page's container for the embed is there.
      expect(await page.locator('#embeddableSandbox').count()).toBe(1);
    });

    it('lets Sandbox introspect the schema from the page (POST, application/json)', async () => {
      const res = await fetchInPage({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: getIntrospectionQuery({ inputValueDeprecation: true }),
          operationName: 'IntrospectionQuery',
        }),
      });
      expect(res.status).toBe(200);
      const body = JSON.parse(res.text);
      expect(body.errors).toBeUndefined();
      const types = (body.data.__schema.types as Array<{ name: string }>).map((t) => t.name);
      expect(types).toEqual(expect.arrayContaining(['Contact', 'Deal', 'Email', 'EmailLinkPayload']));
    });

    it('lets Sandbox run the example mutation from the page, which reaches Zoho once', async () => {
      stack.resetStats();
      const res = await fetchInPage({
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SANDBOX_DOCUMENT, operationName: 'LinkEmails', variables: SANDBOX_VARIABLES }),
      });
      expect(res.status).toBe(200);
      const body = JSON.parse(res.text);
      expect(body.errors).toBeUndefined();
      expect(body.data.linkEmailsToDeal).toMatchObject({ succeededCount: 1, failedCount: 0 });
      expect(stack.calls(LINK_ROUTE)).toBe(1);
    });

    it('refuses a request Sandbox would never send (text/plain, which needs no preflight) as a CSRF risk', async () => {
      stack.resetStats();
      const res = await fetchInPage({
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: SANDBOX_DOCUMENT, operationName: 'LinkEmails', variables: SANDBOX_VARIABLES }),
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Cross-Site Request Forgery (CSRF)');
      expect(stack.calls(LINK_ROUTE)).toBe(0);
    });

    it('refuses a plain HTML form post of a mutation, the classic cross-site request, before it runs', async () => {
      stack.resetStats();
      const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === stack.gateway.url);
      await page.evaluate(
        ({ url, body }) => {
          const doc = (globalThis as any).document;
          const form = doc.createElement('form');
          form.method = 'POST';
          form.action = url;
          form.enctype = 'text/plain';
          const input = doc.createElement('input');
          input.name = body.slice(0, 10);
          input.value = body.slice(10);
          form.appendChild(input);
          doc.body.appendChild(form);
          form.submit();
        },
        {
          url: stack.gateway.url,
          body: JSON.stringify({
            query: 'mutation { linkEmailsToDeal(input: {dealId: "1", emails: []}) { totalCount } }',
          }),
        },
      );
      const response = await refused;
      expect(response.request().headers()['content-type']).toBe('text/plain');
      expect(response.status()).toBe(400);
      await page.waitForLoadState();
      expect(await page.textContent('body')).toContain('Cross-Site Request Forgery (CSRF)');
      expect(stack.allCalls()).toEqual({});
    });
  },
);
