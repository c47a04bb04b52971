/**
 * The concurrency budget alone: at most its effective limit in flight, the rest queued (never
 * failed, until a deadline), Zoho's heavy-API limit within it, and the limit adapting (AIMD) to
 * Zoho's concurrency refusals.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveBudget, AimdLimit } from '../../src/zoho/budget.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the budget', () => {
  it('runs at most its limit at once, queues the rest in order, and fails none', async () => {
    const budget = new AdaptiveBudget({ limit: 3 });
    let open = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const permit = await budget.acquire();
        order.push(i);
        open++;
        most = Math.max(most, open);
        await tick();
        open--;
        permit.release('ok');
      }),
    );
    expect(most).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(budget.snapshot()).toMatchObject({ limit: 3, effectiveLimit: 3, inFlight: 0, queued: 0, acquired: 20 });
  });

  it('keeps the heavy APIs under their own limit without holding up other calls', async () => {
    const budget = new AdaptiveBudget({ limit: 4, heavyLimit: 2 });
    const heavy = [await budget.acquire({ heavy: true }), await budget.acquire({ heavy: true })];
    let third = false;
    const waiting = budget.acquire({ heavy: true }).then((p) => ((third = true), p));
    // A plain call is served at once, though a heavy one waits before it.
    const plain = await budget.acquire();
    await tick();
    expect(third).toBe(false);
    heavy[0]!.release('ok');
    const p3 = await waiting;
    expect(third).toBe(true);
    for (const p of [heavy[1]!, plain, p3]) p.release('ok');
  });

  it('gives up waiting at the deadline, with a not-sent error, and the queue moves on', async () => {
    const budget = new AdaptiveBudget({ limit: 1 });
    const held = await budget.acquire();
    const refused = await budget.acquire({ deadline: Date.now() + 20 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: 'deadline', code: 'DEADLINE_EXCEEDED', phase: 'not_sent' });
    const next = budget.acquire();
    held.release('ok');
    (await next).release('ok');
    expect(budget.snapshot().queued).toBe(0);
  });
});

describe('the adaptive limit (AIMD)', () => {
  it("halves on Zoho's concurrency refusal, once per round, and climbs back one slot per four rounds of successes", () => {
    const aimd = new AimdLimit(10);
    aimd.refused(0, 100);
    expect(aimd.slots).toBe(5);
    // A call already in flight when the limit fell tells nothing new.
    aimd.refused(50, 110);
    expect(aimd.slots).toBe(5);
    aimd.refused(120, 130);
    expect(aimd.slots).toBe(2);
    // From 2.5: +1/(4 × limit) per success, so the sixth success reaches 3.
    for (let i = 0; i < 5; i++) aimd.succeeded();
    expect(aimd.slots).toBe(2);
    aimd.succeeded();
    expect(aimd.slots).toBe(3);
    for (let i = 0; i < 1_000; i++) aimd.succeeded();
    expect(aimd.slots).toBe(10);
    aimd.refused(200, 210);
    aimd.refused(220, 230);
    aimd.refused(240, 250);
    aimd.refused(260, 270);
    expect(aimd.slots).toBe(1);
  });

  it('through the budget: a refusal lowers what is granted, successes raise it', async () => {
    const budget = new AdaptiveBudget({ limit: 4 });
    const permits = await Promise.all([1, 2, 3, 4].map(() => budget.acquire()));
    permits[0]!.release('concurrency_refused');
    expect(budget.effectiveLimit()).toBe(2);
    // Three still in flight, above the new limit: nothing more is granted until two finish.
    let granted = false;
    const waiting = budget.acquire().then((p) => ((granted = true), p));
    permits[1]!.release('ok');
    await tick();
    expect(granted).toBe(false);
    permits[2]!.release('ok');
    await tick();
    expect(granted).toBe(true);
    permits[3]!.release('ok');
    (await waiting).release('ok');
    expect(budget.snapshot().decreases).toBe(1);
  });
});
