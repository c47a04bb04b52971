/**
 * Exploring the API with no internet: headless Chromium with every request off this machine cut.
 * The landing page at /graphql cannot load Apollo Sandbox (Apollo's CDN) and offers GraphiQL
 * instead; GraphiQL, served by the gateway from an npm package, opens with the example
 * operations, runs the README's query and shows the data, without attempting a single request
 * beyond the gateway.
 *
 * Skips, saying why, when /usr/bin/chromium is absent. `UPDATE_SCREENSHOTS=1` refreshes
 * docs/graphiql.png.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { startStack, type Stack } from '../support/gateway.ts';
import { hasChromium, launchOffline, screenshotPath, skipMessage, type OfflineBrowser } from './support/chromium.ts';

if (!hasChromium) console.warn(skipMessage('the offline GraphiQL test'));

/** The first GraphQL example of the README: the query a new user tries first. */
function readmeQuery(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const block = /```graphql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```graphql block');
  return block.trim();
}

/** What a locator shows, with the editor's non-breaking spaces as plain ones. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ');

describe.skipIf(!hasChromium)('GraphiQL with the network cut (headless Chromium)', () => {
  let stack: Stack;
  let browser: OfflineBrowser;

  beforeAll(async () => {
    stack = await startStack({ gateway: { sandbox: { landingPage: true, introspection: true, graphiql: true } } });
    browser = await launchOffline([new URL(stack.gateway.url).origin]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('the landing page, unable to load Sandbox from its CDN, offers GraphiQL', async () => {
    const { page, blocked } = browser;
    expect((await page.goto(stack.gateway.url))?.status()).toBe(200);
    const link = page.locator('#graphiql-fallback');
    await link.waitFor();
    expect(await page.textContent('body')).toContain('Apollo Sandbox cannot be loaded');
    // What could not load is Apollo's, not ours.
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((u) => /apollographql\.com|googleapis\.com|gstatic\.com/.test(u))).toBe(true);
  });

  it('GraphiQL opens with the example operations, runs the README query and shows the data, with no request off the machine', async () => {
    const { page, blocked } = browser;
    blocked.length = 0;
    const graphqlRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url() === stack.gateway.url) graphqlRequests.push(r.postData() ?? '');
    });
    await page.locator('#graphiql-fallback').click();
    await page.waitForURL(/\/graphiql$/);

    const editor = page.locator('.graphiql-query-editor');
    await editor.waitFor();
    await expect.poll(() => text(editor), { timeout: 20_000 }).toContain('query ContactEmailsWithDeals');
    await expect
      .poll(() => text(page.locator('.graphiql-editor-tool')))
      .toContain('"contactId": "5843104000005878180"');
    // The schema arrived by introspection (the docs explorer needs it).
    await expect.poll(() => graphqlRequests.some((b) => b.includes('__schema')), { timeout: 20_000 }).toBe(true);

    // Replace the example document with the README's query, as a user pasting it would.
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(stack.gateway.url).origin,
    });
    await page.evaluate((text) => navigator.clipboard.writeText(text), readmeQuery());
    await editor.locator('.monaco-editor').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    // Replaced: the README's query, and none of the example operations.
    await expect.poll(() => text(editor)).toContain('emails(first: 2)');
    expect(await text(editor)).not.toContain('ContactEmailsWithDeals');
    // Run it. A click that lands while GraphiQL is still taking in the paste (it re-renders the
    // toolbar) sends nothing: click again until the README query has gone out, never while it runs.
    const sent = () => graphqlRequests.some((b) => b.includes('5843104000005878180'));
    await expect
      .poll(
        async () => {
          if (!sent()) await page.locator('.graphiql-execute-button').click();
          return sent();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);

    const response = page.locator('.graphiql-response');
    await expect.poll(() => text(response), { timeout: 20_000 }).toContain('"fullName": "Rebecca Lindqvist"');
    expect(await text(response)).toContain('"name": "Travel Insurance"');
    expect(graphqlRequests.some((b) => b.includes('5843104000005878180'))).toBe(true);

    await page.screenshot({ path: screenshotPath('graphiql.png') });
    expect(blocked).toEqual([]);
  });
});
