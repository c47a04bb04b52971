/**
 * The `unbatched` variant only: an in-process child that builds the gateway from src/ (under tsx)
 * with batching and write coalescing off, the switch that exists only as an option of
 * createGateway. It is not what ships: no telemetry hooks, logs at warn, the default in-memory
 * state store. Its calls per operation are the point (the naive one-call-per-field resolver); its
 * CPU figures are not comparable with the `gateway` variant's (`node dist/main.js`).
 */
import { loadGatewayConfig } from '../../src/config.ts';
import { createZohoClient } from '../../src/zoho/index.ts';
import { startGateway } from '../../src/graphql/server.ts';
import { pino } from 'pino';

// The bench gives it the ZOHO_* variables of its upstream, as to the `gateway` variant.
const config = loadGatewayConfig();
if (config.zoho.kind !== 'external') throw new Error('the unbatched child needs ZOHO_API_BASE_URL and credentials');
const zoho = createZohoClient(config.zoho.config);
const gateway = await startGateway({
  zoho,
  batching: process.env.BENCH_BATCHING !== '0',
  logger: pino({ level: 'warn' }),
  port: 0,
  host: '127.0.0.1',
});
process.send?.({ type: 'ready', url: gateway.url });
const stop = () => {
  void gateway.close().finally(() => {
    zoho.close();
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
