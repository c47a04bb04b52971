/**
 * The `unbatched` variant only: an in-process child that builds the gateway from src/ (under tsx)
 * with batching and write coalescing off, the switch that exists only as an option of
 * createGateway. It is not what ships: no telemetry hooks, logs at warn, the default in-memory
 * state store. Its calls per operation are the point (the naive one-call-per-field resolver); its
 * CPU figures are not comparable with the `gateway` variant's (`node dist/main.js`).
 */
import { createZohoClient, loadZohoConfig } from '../../src/zoho/index.ts';
import { startGateway } from '../../src/graphql/server.ts';
import { pino } from 'pino';

const zoho = createZohoClient(loadZohoConfig(process.env));
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
