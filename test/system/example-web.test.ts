/**
 * The example app end to end: examples/web (Vite, React, Apollo Client and the client kit), built
 * and served on its own origin, in headless Chromium, against the gateway and the emulator, with
 * every other request cut. A user picks the article's contact, loads all (61) of her emails, selects
 * them and moves them to a deal. The app sends them 50 per mutation with a progress bar, and shows
 * the per-email results side by side; a Zoho failure injected on one link call makes some of them
 * fail. Then the emulator's own records say where each email really is.
 *
 * Skips, saying why, when /usr/bin/chromium is absent. `UPDATE_SCREENSHOTS=1` refreshes
 * docs/example-web.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { ARTICLE } from '../../src/emulator/index.ts';
import { startStack, type Stack } from '../support/gateway.ts';
import { hasChromium, launchOffline, screenshotPath, skipMessage, type OfflineBrowser } from './support/chromium.ts';
import { buildExample, installExample, serveExample, typecheckExample } from './support/example-web.ts';

if (!hasChromium) console.warn(skipMessage('the example app test'));

const CONTACT = ARTICLE.contactWithManyEmails;
const LINK_ROUTE = 'POST /crm/v8/Contacts/{id}/Emails/actions/link_record';

describe.skipIf(!hasChromium)('examples/web in headless Chromium, against the gateway and the emulator', () => {
  let stack: Stack;
  let app: { url: string; close(): Promise<void> };
  let browser: OfflineBrowser;

  const linkedDeals = (messageIds: string[]): Record<string, string | null> => {
    const rows = stack.emulator.store.db
      .prepare(
        `SELECT message_id, linked_deal_id FROM emails WHERE message_id IN (${messageIds.map(() => '?').join(',')})`,
      )
      .all(...messageIds) as Array<{ message_id: string; linked_deal_id: string | null }>;
    return Object.fromEntries(rows.map((r) => [r.message_id, r.linked_deal_id]));
  };
  const idsIn = (list: Locator) =>
    list.locator('[data-message-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')!));

  beforeAll(async () => {
    installExample();
    buildExample();
    // The app is on another origin: development's CORS default (any loopback origin) lets it in.
    [stack, app] = await Promise.all([startStack({ gateway: { corsLoopbackOrigins: true } }), serveExample()]);
    browser = await launchOffline([app.url, new URL(stack.gateway.url).origin]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stack?.close();
  });

  it('type-checks against the client kit', () => {
    expect(() => typecheckExample()).not.toThrow();
  });

  it('moves all her emails to a deal in 2 calls with progress, shows each result, and the emulator agrees', async () => {
    const { page, blocked } = browser;
    const mutations: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url() === stack.gateway.url && r.postData()?.includes('moveEmailsToDeal'))
        mutations.push(r.postData()!);
    });

    await page.goto(`${app.url}/?gateway=${encodeURIComponent(stack.gateway.url)}`);
    await expect.poll(() => page.getByTestId('contact-name').textContent()).toBe('Rebecca Lindqvist');
    await expect
      .poll(() => page.getByTestId('prediction').textContent())
      .toMatch(/Zoho would link this contact's next email to/);
    await expect.poll(() => page.getByTestId('email-count').textContent()).toBe('25 emails loaded');

    // Load more until the list is complete: each page is appended to the one shown.
    while (await page.getByTestId('load-more').isVisible()) {
      const before = await page.getByTestId('email-row').count();
      await page.getByTestId('load-more').click();
      await expect.poll(() => page.getByTestId('email-row').count()).toBeGreaterThan(before);
    }
    // All of them: what the gateway lists for her in one call.
    const all = await stack.gql(`{ contact(id: "${CONTACT}") { emails(first: 100) { nodes { messageId } } } }`);
    const total: number = all.data.contact.emails.nodes.length;
    expect(total).toBeGreaterThan(50);
    expect(await page.getByTestId('email-count').textContent()).toBe(`${total} emails loaded`);
    const shown = await idsIn(page.locator('tbody'));
    expect(shown).toEqual(all.data.contact.emails.nodes.map((e: { messageId: string }) => e.messageId));
    const before = linkedDeals(shown);

    await page.getByTestId('select-all').check();
    expect(await page.getByTestId('selected-count').textContent()).toBe(`${total} selected`);
    await page.getByTestId('deal-picker').selectOption(ARTICLE.dealTravelInsurance);

    // Zoho refuses the next link call: its emails fail, are put back, and the rest still move.
    const fault = await stack.emulator.admin('POST', '/__emulator/faults', {
      route: LINK_ROUTE,
      status: 403,
      count: 1,
    });
    expect(fault.status).toBe(200);
    await page.getByTestId('move').click();

    await expect
      .poll(() => page.getByTestId('progress-text').textContent(), { timeout: 60_000 })
      .toBe(`${total} of ${total} emails · 2 of 2 calls (50 per call)`);
    await page.getByTestId('results').waitFor();
    expect(mutations).toHaveLength(2);
    expect(mutations.map((m) => JSON.parse(m).variables.emails.length)).toEqual([50, total - 50]);

    const succeeded = await idsIn(page.getByTestId('results-succeeded'));
    const failed = await idsIn(page.getByTestId('results-failed'));
    expect(await page.getByTestId('count-unknown').textContent()).toBe('0');
    expect(succeeded.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    expect([...succeeded, ...failed].sort()).toEqual([...shown].sort());
    expect(await page.getByTestId('results-failed').textContent()).toContain('FORBIDDEN');

    await page.screenshot({ path: screenshotPath('example-web.png') });

    // The emulator's records: every succeeded email is on the deal, every failed one where it was.
    const after = linkedDeals(shown);
    for (const id of succeeded) expect(after[id], id).toBe(ARTICLE.dealTravelInsurance);
    for (const id of failed) expect(after[id], id).toBe(before[id]);
    // The list shows the new deal on a moved email without reloading.
    const moved = page.locator(`tr[data-message-id="${succeeded[0]}"] [data-testid="deal-badge"]`);
    expect(await moved.textContent()).toBe('Travel Insurance');

    expect(blocked).toEqual([]);
  });
});
