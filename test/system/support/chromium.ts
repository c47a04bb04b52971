/**
 * Headless Chromium (Debian's package, driven by playwright-core: no browser download) for the
 * browser tests, with the network cut: every request that does not go to an allowed origin on this
 * machine is aborted and recorded, so a test can assert that none was attempted.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function skipMessage(what: string): string {
  return `Skipping ${what}: Chromium is not installed at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` to run it.`;
}

export interface OfflineBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests to anywhere but the allowed origins, aborted, in order. */
  blocked: string[];
  close(): Promise<void>;
}

/** A fresh profile whose pages can reach `allowedOrigins` only. */
export async function launchOffline(
  allowedOrigins: string[],
  viewport = { width: 1400, height: 900 },
): Promise<OfflineBrowser> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
  });
  const blocked: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (allowedOrigins.some((o) => url === o || url.startsWith(`${o}/`))) return route.continue();
    if (url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort('internetdisconnected');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    blocked,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Where a test's screenshot goes: docs/<name> when UPDATE_SCREENSHOTS=1 (to refresh the committed
 * figures), otherwise a temporary folder, so that a test run leaves the tree as it was.
 */
export function screenshotPath(name: string): string {
  const file = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', name) : join(tmpdir(), 'screenshots', name);
  mkdirSync(dirname(file), { recursive: true });
  return file;
}
