/**
 * The gateway under test, in its own process: the Zoho client from the ZOHO_* variables (service
 * mode, the emulator's demo credentials) and the gateway as `startGateway` builds it. BENCH_BATCHING=0
 * is the `unbatched` variant: batching and write coalescing off.
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
