/**
 * A fair share of Zoho's concurrency between requests, by counting grants: the operations waiting
 * take turns, so a small request's calls are served within one round of the queue however many
 * calls a big one has queued; and one operation holds at most its share of the slots.
 */
import { describe, expect, it } from 'vitest';
import { AdaptiveBudget, FairQueue, type Permit } from '../../src/zoho/index.ts';

describe('the queue', () => {
  it('serves the operations in turn, one call each, and each in its order', () => {
    const q = new FairQueue<{ operation: string; n: number }>();
    for (let n = 0; n < 5; n++) q.push({ operation: 'big', n });
    for (let n = 0; n < 2; n++) q.push({ operation: 'small', n });
    const order: string[] = [];
    while (q.size) {
      const [w] = q.peek(1);
      q.served(w!);
      order.push(`${w!.operation}${w!.n}`);
    }
    expect(order).toEqual(['big0', 'small0', 'big1', 'small1', 'big2', 'big3', 'big4']);
  });
});

/** Grants, in order, as a budget hands them out while each call holds its slot until released. */
function recorder(budget: AdaptiveBudget) {
  const grants: string[] = [];
  const held: Permit[] = [];
  const ask = (operation: string) =>
    budget.acquire({ operation }).then((p) => {
      grants.push(operation);
      held.push(p);
    });
  const releaseOne = async () => {
    held.shift()?.release('ok');
    await new Promise((r) => setImmediate(r));
  };
  return { grants, held, ask, releaseOne };
}

describe('the budget', () => {
  it("a small request's calls are dispatched within one round, while a 1,000-call request is queued", async () => {
    const budget = new AdaptiveBudget({ limit: 10 });
    const r = recorder(budget);
    const big = Array.from({ length: 1000 }, () => r.ask('big'));
    await new Promise((res) => setImmediate(res));
    expect(r.grants.length).toBe(10);
    // The small request arrives with 990 of the big one's calls queued.
    const small = Array.from({ length: 3 }, () => r.ask('small'));
    const before = r.grants.length;
    while (r.grants.filter((g) => g === 'small').length < 3) await r.releaseOne();
    const after = r.grants.slice(before);
    // Turns alternate: the big request's next calls number at most as many as the small one's.
    expect(after.filter((g) => g === 'big').length).toBeLessThanOrEqual(3);
    while (r.held.length) await r.releaseOne();
    await Promise.all([...big, ...small]);
    expect(r.grants.length).toBe(1003);
  });

  it('one operation holds at most its share of the slots; the rest stay free for the next request', async () => {
    const budget = new AdaptiveBudget({ limit: 10, operationShare: 0.8 });
    const r = recorder(budget);
    const big = Array.from({ length: 50 }, () => r.ask('big'));
    await new Promise((res) => setImmediate(res));
    expect(r.grants.length).toBe(8);
    expect(budget.snapshot().inFlight).toBe(8);
    // A new request is served at once, with no release needed.
    await r.ask('small');
    await r.ask('small');
    expect(r.grants.slice(-2)).toEqual(['small', 'small']);
    expect(budget.snapshot().inFlight).toBe(10);
    while (r.held.length) await r.releaseOne();
    await Promise.all(big);
  });
});
