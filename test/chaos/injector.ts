/**
 * Plays the schedule against the emulator's admin API and remembers when each fault class was
 * active, so that every operation can be filed under the classes it met, and so that the
 * harness knows the longest latency a call sent during an operation could have waited (an
 * abandoned write lands once its delay is over).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CALM,
  type Channel,
  type EmulatorPatch,
  type FaultClass,
  type FaultSpec,
  type ScheduledAction,
} from './schedule.ts';

export interface ActiveWindow {
  class: FaultClass;
  from: number;
  /** null while active. */
  to: number | null;
  /** What was asked, for the examples. */
  detail: string;
}

export interface ClassFigures {
  /** Faults or mode changes asked for. */
  injected: number;
  /** Failures the emulator actually injected (faults only; modes and limits count 0). */
  fired: number;
}

interface OpenFault {
  window: ActiveWindow;
  count: number;
  remaining: number;
}

export function describeSpec(spec: FaultSpec): string {
  const what = spec.mode && spec.mode !== 'status' ? spec.mode : String(spec.status ?? 500);
  const route = spec.route.replace('/crm/v8/Contacts/{id}/Emails', '…/Emails');
  const rate = spec.rate ? ` at ${spec.rate * 100}%` : '';
  return `${what}${spec.phase === 'after' ? ' after the write' : ''} on ${route} ×${spec.count}${rate}`;
}

export class Injector {
  readonly windows: ActiveWindow[] = [];
  readonly figures = new Map<FaultClass, ClassFigures>();
  /** Harness problems (an admin call refused): the run is void if any. */
  readonly errors: string[] = [];
  readonly #base: string;
  readonly #open = new Map<number, OpenFault>();
  readonly #channels = new Map<Channel, ActiveWindow>();
  /** (time, longest delay a call arriving then waits): the latency channel's history. */
  readonly #latency: Array<{ at: number; maxMs: number }> = [];
  #maxLatencyEver = CALM.latencyMs + CALM.jitterMs;

  constructor(emulatorUrl: string) {
    this.#base = emulatorUrl;
    this.#latency.push({ at: 0, maxMs: CALM.latencyMs + CALM.jitterMs });
  }

  get maxLatencyEver(): number {
    return this.#maxLatencyEver;
  }

  /** Plays `schedule` from `t0` until it ends or `stop()` says so. */
  async play(schedule: readonly ScheduledAction[], t0: number, stop: () => boolean): Promise<void> {
    let nextPoll = 0;
    for (const item of schedule) {
      while (!stop()) {
        const wait = t0 + item.atMs - Date.now();
        if (wait <= 0) break;
        await sleep(Math.min(wait, 250));
        if (Date.now() >= nextPoll) {
          await this.poll();
          nextPoll = Date.now() + 250;
        }
      }
      if (stop()) return;
      await this.apply(item);
    }
    while (!stop()) {
      await sleep(250);
      await this.poll();
    }
  }

  /** Clears every fault and puts every channel back to calm (start and end of a run). */
  async calm(): Promise<void> {
    await this.poll();
    await this.#clear();
    await this.#config({ ...CALM });
    const now = Date.now();
    for (const w of this.#channels.values()) w.to = now;
    this.#channels.clear();
    this.#latency.push({ at: now, maxMs: CALM.latencyMs + CALM.jitterMs });
  }

  /** Fault classes active at some moment of [from, to]. */
  classesDuring(from: number, to: number): FaultClass[] {
    const out = new Set<FaultClass>();
    for (const w of this.windows) if (w.from <= to && (w.to === null || w.to >= from)) out.add(w.class);
    return [...out].sort();
  }

  /** What was active during [from, to], in words. */
  detailsDuring(from: number, to: number): string[] {
    return this.windows.filter((w) => w.from <= to && (w.to === null || w.to >= from)).map((w) => w.detail);
  }

  /** The longest delay a call that reached the emulator during [from, to] could have waited. */
  maxLatencyDuring(from: number, to: number): number {
    let max = 0;
    for (let i = 0; i < this.#latency.length; i++) {
      const entry = this.#latency[i]!;
      const until = this.#latency[i + 1]?.at ?? Infinity;
      if (entry.at <= to && until >= from) max = Math.max(max, entry.maxMs);
    }
    return max;
  }

  async apply(item: ScheduledAction): Promise<void> {
    const { action } = item;
    const now = Date.now();
    if (action.type === 'clear') {
      await this.poll();
      await this.#clear();
      return;
    }
    if (action.type === 'config') {
      await this.#config(action.patch);
      const open = this.#channels.get(action.channel);
      if (open) {
        open.to = now;
        this.#channels.delete(action.channel);
      }
      if (action.class !== null) {
        const window: ActiveWindow = { class: action.class, from: now, to: null, detail: describePatch(action.patch) };
        this.windows.push(window);
        this.#channels.set(action.channel, window);
        this.#figure(action.class).injected++;
      }
      if (action.channel === 'latency') {
        const maxMs = (action.patch.latencyMs ?? CALM.latencyMs) + (action.patch.jitterMs ?? 0);
        this.#latency.push({ at: now, maxMs });
        this.#maxLatencyEver = Math.max(this.#maxLatencyEver, maxMs);
      }
      return;
    }
    for (const { class: cls, spec } of action.faults) {
      const res = await this.#admin('POST', '/__emulator/faults', spec);
      const id = (res as { fault?: { id?: number } } | null)?.fault?.id;
      this.#figure(cls).injected++;
      if (typeof id !== 'number') continue;
      const window: ActiveWindow = { class: cls, from: Date.now(), to: null, detail: describeSpec(spec) };
      this.windows.push(window);
      this.#open.set(id, { window, count: spec.count, remaining: spec.count });
    }
  }

  /** Reads which faults are left, closing the windows of those used up. */
  async poll(): Promise<void> {
    if (this.#open.size === 0) return;
    const res = (await this.#admin('GET', '/__emulator/faults')) as {
      faults?: Array<{ id: number; remaining: number | null }>;
    } | null;
    if (!res?.faults) return;
    const now = Date.now();
    const left = new Map(res.faults.map((f) => [f.id, f.remaining]));
    for (const [id, open] of this.#open) {
      const remaining = left.get(id);
      if (remaining === undefined) {
        this.#closeFault(id, open, 0, now);
      } else if (typeof remaining === 'number') {
        open.remaining = remaining;
      }
    }
  }

  async #clear(): Promise<void> {
    await this.#admin('DELETE', '/__emulator/faults');
    const now = Date.now();
    for (const [id, open] of this.#open) this.#closeFault(id, open, open.remaining, now);
  }

  #closeFault(id: number, open: OpenFault, remaining: number, now: number): void {
    open.window.to = now;
    this.#figure(open.window.class).fired += open.count - remaining;
    this.#open.delete(id);
  }

  #figure(cls: FaultClass): ClassFigures {
    let f = this.figures.get(cls);
    if (!f) this.figures.set(cls, (f = { injected: 0, fired: 0 }));
    return f;
  }

  async #config(patch: EmulatorPatch): Promise<void> {
    await this.#admin('PUT', '/__emulator/config', patch);
  }

  async #admin(method: string, path: string, body?: unknown): Promise<unknown> {
    try {
      const res = await fetch(this.#base + path, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5_000),
      });
      const text = await res.text();
      if (!res.ok) {
        this.errors.push(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
        return null;
      }
      return text ? (JSON.parse(text) as unknown) : null;
    } catch (e) {
      this.errors.push(`${method} ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  }
}

function describePatch(patch: EmulatorPatch): string {
  return Object.entries(patch)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
