/**
 * OpenTelemetry, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans of the gateway's requests
 * and of its calls to Zoho reach an OTLP/HTTP collector (here a small recorder), in one trace.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { spawnGateway, type GatewayProcess } from './support.ts';

let emulator: TestEmulator;
let collector: Server;
let collectorUrl: string;
const exported: any[] = [];
let gateway: GatewayProcess | null = null;

beforeAll(async () => {
  emulator = await startTestEmulator();
  collector = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url === '/v1/traces') exported.push(JSON.parse(Buffer.concat(chunks).toString()));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await gateway?.stop();
  await new Promise((r) => collector?.close(r));
  await emulator?.close();
});

it('exports a server span for the GraphQL request and a client span for each Zoho call, in one trace', async () => {
  gateway = spawnGateway(
    {
      PORT: '0',
      ZOHO_API_BASE_URL: emulator.url,
      ZOHO_ACCOUNTS_URL: emulator.url,
      ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
      ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
      ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_SERVICE_NAME: 'gateway-under-test',
    },
    'node',
  );
  await gateway.waitFor(/OpenTelemetry tracing on/);
  const [, url] = await gateway.waitFor(/GraphQL gateway:\s+(\S+)/);
  const res = await fetch(url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query ContactName { contact(id: "5843104000005878180") { fullName } }' }),
  });
  expect(res.status).toBe(200);
  // Shutdown flushes the spans still batched.
  gateway.child.kill('SIGTERM');
  expect((await gateway.exited).code).toBe(0);

  const resourceSpans = exported.flatMap((e) => e.resourceSpans ?? []);
  const service = resourceSpans[0]?.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value
    ?.stringValue;
  expect(service).toBe('gateway-under-test');
  const spans = resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
  const attr = (span: any, key: string) => span.attributes.find((a: any) => a.key === key)?.value;
  const server = spans.find((s: any) => s.kind === 2 && JSON.stringify(s.attributes).includes('/graphql'));
  const client = spans.find((s: any) => s.kind === 3 && JSON.stringify(s.attributes).includes('/crm/v8/Contacts'));
  expect(server, JSON.stringify(spans.map((s: any) => [s.kind, s.name]))).toBeDefined();
  expect(client).toBeDefined();
  expect(client.traceId).toBe(server.traceId);
  expect(attr(client, 'http.method') ?? attr(client, 'http.request.method')).toBeDefined();
  // The server span is named after the operation, never after its document or ids.
  expect(server.name).toBe('query ContactName');
  expect(attr(server, 'graphql.operation.name')?.stringValue).toBe('ContactName');
  expect(attr(server, 'graphql.operation.type')?.stringValue).toBe('query');
  for (const span of spans) expect(span.name).not.toMatch(/\d{10,}/);
}, 60_000);
