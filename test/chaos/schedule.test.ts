/**
 * The chaos schedule: one seed, one schedule; every fault bounded; 4xx never after the write;
 * token events within Zoho's mint budget, so that a correct gateway never runs out of tokens.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES, buildSchedule, withoutClasses, type FaultSpec } from './schedule.ts';

const faultsOf = (seconds: number, seed = 1) =>
  buildSchedule({ seed, seconds, zohoTimeoutMs: 1500 }).flatMap((a) =>
    a.action.type === 'faults' ? a.action.faults : [],
  );

describe('the seeded schedule', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const one = buildSchedule({ seed: 1, seconds: 60, zohoTimeoutMs: 1500 });
    expect(buildSchedule({ seed: 1, seconds: 60, zohoTimeoutMs: 1500 })).toEqual(one);
    expect(buildSchedule({ seed: 2, seconds: 60, zohoTimeoutMs: 1500 })).not.toEqual(one);
  });

  it('asks for every fault class the chaos run reports on, within the run, in time order', () => {
    const schedule = buildSchedule({ seed: 3, seconds: 300, zohoTimeoutMs: 1500 });
    const classes = new Set(
      schedule.flatMap((a) =>
        a.action.type === 'faults'
          ? a.action.faults.map((f) => f.class)
          : a.action.type === 'config'
            ? [a.action.class]
            : [],
      ),
    );
    for (const c of ['5xx', '5xx-after', '429', '401', '403', '400', 'timeout-before', 'timeout-after', 'reset-before'])
      expect(classes).toContain(c);
    for (const c of ['reset-after', 'token-outage', 'latency', 'concurrency', 'atomic', 'reject'])
      expect(classes).toContain(c);
    expect(schedule.every((a, i) => a.atMs < 300_000 && (i === 0 || a.atMs >= schedule[i - 1]!.atMs))).toBe(true);
    expect(schedule.some((a) => a.action.type === 'clear')).toBe(true);
  });

  it('bounds every fault by a count, scopes it to a route, and sends 4xx only before the write', () => {
    const faults = faultsOf(600);
    expect(faults.length).toBeGreaterThan(100);
    for (const { spec } of faults) {
      expect(spec.count).toBeGreaterThanOrEqual(1);
      expect(Object.values(ROUTES)).toContain(spec.route);
      if (spec.status !== undefined && spec.status < 500) expect(spec.phase ?? 'before').toBe('before');
    }
  });

  it('provokes at most 5 token mints per 10 minutes: 3 refreshes (401) and 2 outages', () => {
    const faults = faultsOf(600);
    const is401 = (s: FaultSpec) => s.status === 401;
    expect(faults.filter((f) => f.class === '401' && is401(f.spec))).toHaveLength(3);
    expect(faults.filter((f) => f.class === 'token-outage' && f.spec.route === ROUTES.token)).toHaveLength(2);
    expect(faults.filter((f) => is401(f.spec))).toHaveLength(5);
    // Even a short CI run meets one of each.
    expect(faultsOf(45).filter((f) => f.class === 'token-outage').length).toBeGreaterThan(0);
    expect(faultsOf(45).filter((f) => f.class === '401').length).toBeGreaterThan(0);
  });

  it('can leave fault classes out, modes included, to look at the others alone', () => {
    const full = buildSchedule({ seed: 1, seconds: 120, zohoTimeoutMs: 1500 });
    const rest = withoutClasses(full, ['token-outage', 'reject']);
    const faults = rest.flatMap((a) => (a.action.type === 'faults' ? a.action.faults : []));
    expect(faults.some((f) => f.class === 'token-outage')).toBe(false);
    expect(rest.some((a) => a.action.type === 'config' && a.action.channel === 'relinkMode')).toBe(false);
    expect(rest.some((a) => a.action.type === 'config' && a.action.channel === 'batchMode')).toBe(true);
    expect(faults.some((f) => f.class === '5xx')).toBe(true);
  });
});
