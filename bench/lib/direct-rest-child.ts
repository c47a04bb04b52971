/**
 * The `direct-rest` variant's process: runs the workloads' REST calls itself (bench/lib/direct-rest.ts)
 * when the bench asks, so that its CPU and memory are measured like the gateway's.
 */
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { Rest, directOp } from './direct-rest.ts';
import type { Fixture } from './fixtures.ts';
import { runLoop } from './loop.ts';
import { serveIpc } from './proc.ts';

const base = process.env.BENCH_ZOHO_URL!;
// The token comes through the same refresh-token grant a real client uses.
const tokenRes = await fetch(`${base}/oauth/v2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: DEMO_CREDENTIALS.clientId,
    client_secret: DEMO_CREDENTIALS.clientSecret,
    refresh_token: DEMO_CREDENTIALS.refreshToken,
  }),
});
const { access_token } = (await tokenRes.json()) as { access_token: string };
const rest = new Rest(base, access_token);

serveIpc(async (msg) => {
  const { fixture, concurrency, maxOps, maxMs, offset } = msg as unknown as {
    fixture: Fixture;
    concurrency: number;
    maxOps: number;
    maxMs: number;
    offset: number;
  };
  if (msg.type !== 'run') throw new Error(`unknown request ${msg.type}`);
  const result = await runLoop((i) => directOp(rest, fixture, offset + i), { concurrency, maxOps, maxMs });
  return { result };
});
process.send?.({ type: 'ready', url: base });
process.on('SIGTERM', () => process.exit(0));
