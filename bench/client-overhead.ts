/**
 * The Zoho client's own overhead per call: N sequential GET /org calls through the client versus the same
 * GETs through bare axios (same keep-alive agent settings), against the emulator with no latency.
 * Not a test; run with `npx tsx bench/client-overhead.ts [N]`.
 */
import http from 'node:http';
import axios from 'axios';
import { DEMO_CREDENTIALS, startEmulator } from '../src/emulator/index.ts';
import { createZohoClient, getOrg } from '../src/zoho/index.ts';

const N = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

const emu = await startEmulator({ port: 0, db: ':memory:' });
try {
  const zoho = createZohoClient({
    apiBaseUrl: emu.url,
    accountsUrl: emu.url,
    clientId: DEMO_CREDENTIALS.clientId,
    clientSecret: DEMO_CREDENTIALS.clientSecret,
    refreshToken: DEMO_CREDENTIALS.refreshToken,
  });
  const tokenRes = await fetch(`${emu.url}/__emulator/tokens`, { method: 'POST' });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const bare = axios.create({
    httpAgent: new http.Agent({ keepAlive: true }),
    responseType: 'text',
    validateStatus: () => true,
  });

  const viaClient = async () => {
    await getOrg(zoho);
  };
  const viaAxios = async () => {
    const res = await bare.get<string>(`${emu.url}/crm/v8/org`, {
      headers: { Authorization: `Zoho-oauthtoken ${access_token}` },
    });
    JSON.parse(res.data);
  };

  for (let i = 0; i < WARMUP; i++) {
    await viaAxios();
    await viaClient();
  }
  // Interleaved, call by call, so that drift (GC, the emulator's caches) hits both sides alike.
  const tA: number[] = [];
  const tC: number[] = [];
  for (let i = 0; i < N; i++) {
    let t0 = performance.now();
    await viaAxios();
    tA.push(performance.now() - t0);
    t0 = performance.now();
    await viaClient();
    tC.push(performance.now() - t0);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`sequential GET /crm/v8/org, N=${N}, interleaved`);
  console.log(`  bare axios : median ${us(median(tA))}, mean ${us(mean(tA))}`);
  console.log(`  zoho client: median ${us(median(tC))}, mean ${us(mean(tC))}`);
  console.log(`  overhead   : median ${us(median(tC) - median(tA))}, mean ${us(mean(tC) - mean(tA))} per call`);
  zoho.close();
} finally {
  await emu.close();
}
