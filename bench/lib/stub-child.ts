/**
 * The stub upstream (bench/lib/stub-upstream.ts) in its own process, so that its CPU is neither
 * the process under test's nor the load generator's. BENCH_STUB_SOURCE is the emulator it records
 * its answers from; it is configured and counted over HTTP (/__stub/...).
 */
import { startStub } from './stub-upstream.ts';

const stub = await startStub({ source: process.env.BENCH_STUB_SOURCE! });
process.send?.({ type: 'ready', url: stub.url });
const stop = () => {
  void stub.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
