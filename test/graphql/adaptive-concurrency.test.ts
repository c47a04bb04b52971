/**
 * Sharing the org's concurrency with neighbours: Zoho allows 2 calls in flight while the gateway
 * was told 10 (the rest taken by other integrations). Zoho's 429s lower the gateway's limit, calls
 * over it queue instead of failing, and a burst of 40 queries all succeed. Counted, not timed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOpsStack, type OpsStack } from '../ops/support.ts';
import { contactsWithEmails } from '../support/fixtures.ts';

let stack: OpsStack;
let contactId: string;

beforeAll(async () => {
  stack = await startOpsStack({
    emulator: { concurrencyLimit: 2, latencyMs: 20 },
    zoho: { concurrency: 10, retry: { initialDelayMs: 20, maxDelayMs: 200, maxTotalMs: 10_000 } },
  });
  contactId = contactsWithEmails(stack.emulator, { minEmails: 10, count: 1 })[0]!.contactId;
  await stack.gql(`{ contact(id: "${contactId}") { id } }`);
  stack.resetStats();
});
afterAll(() => stack?.close());

it("a burst of 40 queries against Zoho's limit of 2, with ZOHO_CONCURRENCY=10: 40 of 40 succeed", async () => {
  const query = `{ contact(id: "${contactId}") { emails(first: 5) { nodes { subject } } } }`;
  const answers = await Promise.all(Array.from({ length: 40 }, () => stack.gql(query)));
  expect(answers.filter((a) => a.errors === undefined && a.data.contact.emails.nodes.length === 5)).toHaveLength(40);
  const stats = stack.emulator.stats.snapshot();
  // The limit came down to what Zoho allows: a few 429s taught it, far fewer than calls.
  const refused = stats.rejected['429'] ?? 0;
  console.log(`429s: ${refused}, most in flight at Zoho: ${stats.maxInFlight}`);
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThan(20);
  const metrics = await stack.metrics();
  expect(metrics.value('gateway_zoho_budget_effective_limit')).toBeLessThan(10);
  expect(metrics.value('gateway_zoho_budget_limit')).toBe(10);
});
