/**
 * `npm start`: the gateway. With no Zoho settings it first starts the embedded emulator with its
 * demo org, and talks to it exactly as to Zoho: the demo client id, secret and refresh token,
 * through the same refresh-token flow, so token expiry and refresh behave as in production.
 *
 * The configuration is read and validated before anything starts (src/config.ts, the only reader
 * of the environment: everything below takes its values); a mistake stops the process with exit
 * code 1 and one line per mistake. SIGTERM and SIGINT stop it gracefully:
 * readiness turns 503 at once, the listener keeps serving for GATEWAY_DRAIN_DELAY_MS, then closes,
 * operations in flight finish, and after GATEWAY_SHUTDOWN_TIMEOUT_MS (counted from the signal) the
 * process exits whatever is left.
 */
import { GatewayConfigError, loadGatewayConfig, type GatewayConfig } from './config.ts';
import { bannerLines } from './banner.ts';
import { createLogger } from './observability/logger.ts';

async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig();
  } catch (e) {
    if (e instanceof GatewayConfigError) {
      console.error(`The gateway did not start. ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel });

  // Tracing first, then everything that makes HTTP calls, so the instrumentation sees them.
  const tracing = config.otel
    ? await (await import('./observability/tracing.ts')).startTracing({ ...config.otel, logger })
    : null;
  const { createZohoClient, describeConfig, resolveZohoConfig } = await import('./zoho/index.ts');
  const { startGateway } = await import('./graphql/server.ts');
  const { createTelemetry, zohoClientOptions } = await import('./observability/telemetry.ts');

  let emulator: { url: string; close(): Promise<void> } | null = null;
  let zohoConfig;
  if (config.zoho.kind === 'embedded') {
    // Imported only here: a gateway talking to real Zoho never loads the emulator, and the
    // production image does not even carry it.
    const { startEmulator, DEMO_CREDENTIALS } = await import('./emulator/index.ts').catch((e: unknown) => {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
      console.error(
        'The gateway did not start: no Zoho settings are set, and this build has no embedded emulator ' +
          "(the production image leaves it out). Set ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN (see docs/configuration.md), or use the image's demo target.",
      );
      process.exit(1);
    });
    emulator = await startEmulator({
      port: config.zoho.emulatorPort,
      ...(config.zoho.emulatorDb ? { db: config.zoho.emulatorDb } : {}),
      // The embedded emulator plays Zoho with the reading the gateway predicts with.
      config: { predictionEligible: config.predictionRule === 'NOT_CLOSED_LOST' ? 'not_closed_lost' : 'open' },
    });
    zohoConfig = resolveZohoConfig({
      ...config.zoho.client,
      authMode: 'service',
      apiBaseUrl: emulator.url,
      accountsUrl: emulator.url,
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      refreshToken: DEMO_CREDENTIALS.refreshToken,
    });
  } else {
    zohoConfig = config.zoho.config;
  }

  const telemetry = createTelemetry({ readyCacheMs: config.readyCacheMs });
  // With REDIS_URL, the replicas that share these Zoho credentials share limits, token and state.
  let fleet: import('./fleet/index.ts').FleetServices | null = null;
  if (config.fleet) {
    const { startFleetServices, PersistenceError } = await import('./fleet/index.ts');
    try {
      fleet = await startFleetServices({ ...config.fleet, operationShare: config.operationShare }, zohoConfig, logger);
    } catch (e) {
      if (!(e instanceof PersistenceError)) throw e;
      console.error(`The gateway did not start. ${e.message}.`);
      process.exit(1);
    }
    telemetry.metrics.watchFleet({ up: () => fleet!.fleet.conn.up(), counters: () => fleet!.fleet.budget.counters() });
  }
  // Idempotency keys and the move journal: a crash in the middle of a move is repaired at the next start.
  const state = fleet?.state ?? new (await import('./state/sqlite.ts')).SqliteStateStore(config.state.db);
  const zoho = createZohoClient(
    zohoConfig,
    zohoClientOptions(telemetry, { ...zohoConfig, operationShare: config.operationShare }, logger, {
      ...fleet?.clientOptions,
      reads: config.reads,
    }),
  );
  // A quota of Zoho calls per caller, kept in Redis once the replica has joined its fleet.
  const callerQuota = config.callerQuotaPerMinute
    ? new (await import('./services/caller-quota.ts')).CallerQuota(config.callerQuotaPerMinute)
    : null;
  if (callerQuota && fleet) fleet.onJoined((conn, ns) => callerQuota.useRedis(conn.client, ns));
  for (const warning of config.warnings) logger.warn(warning);
  const gateway = await startGateway({
    zoho,
    port: config.port,
    host: config.host,
    logger,
    auth: config.auth,
    corsOrigins: config.corsOrigins,
    corsLoopbackOrigins: config.corsLoopbackOrigins,
    relayNode: config.relayNode,
    persistedOperations: config.persistedOperations,
    limits: config.limits,
    callerQuota,
    sandbox: config.sandbox,
    telemetry,
    bodyTimeoutMs: config.bodyTimeoutMs,
    requestDeadlineMs: config.requestDeadlineMs,
    state,
    idempotencyTtlMs: config.state.idempotencyTtlMs,
    leaseMs: config.state.leaseMs,
    predictionRule: config.predictionRule,
    ...(fleet ? { orgCache: fleet.orgCache } : {}),
  });
  void fleet?.join(zoho);

  // The stop, in order: readiness answers 503 at once while the listener keeps serving for the
  // drain delay (load balancers and routers notice and stop sending work here); then the listener
  // closes and the requests in flight finish; then exit 0. GATEWAY_SHUTDOWN_TIMEOUT_MS bounds the
  // whole of it, from the first signal. A second signal ends the drain early.
  let stopping = false;
  let endDrain: (() => void) | null = null;
  const stop = async (signal: string) => {
    if (stopping) {
      if (endDrain) {
        logger.info({ signal }, 'second signal: skipping the rest of the drain delay');
        endDrain();
      }
      return;
    }
    stopping = true;
    const deadline = setTimeout(() => {
      logger.error(
        { timeoutMs: config.shutdownTimeoutMs },
        'shutdown timed out with requests still in flight; exiting',
      );
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    gateway.beginShutdown();
    logger.info(
      { signal, drainDelayMs: config.drainDelayMs, timeoutMs: config.shutdownTimeoutMs },
      config.drainDelayMs > 0
        ? 'shutting down: readiness answers 503; still serving until the drain delay is over'
        : 'shutting down: readiness answers 503; no drain delay',
    );
    if (config.drainDelayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.drainDelayMs);
        endDrain = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      endDrain = null;
    }
    try {
      logger.info('closing the listener: new connections are refused; finishing the requests in flight');
      // The gateway first: its requests in flight may still need Zoho (or the embedded emulator).
      await gateway.close();
      logger.info('requests in flight finished; releasing the rest');
      await state.close();
      await fleet?.fleet.close();
      zoho.close();
      await emulator?.close();
      await tracing?.shutdown();
      logger.info('stopped');
      process.exit(0);
    } catch (e) {
      logger.error({ err: e }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // Only now that a signal stops it gracefully: whoever waits for this line may send one at once.
  console.log(bannerLines(config, gateway.url, emulator, describeConfig(zohoConfig)).join('\n'));
  if (!config.auth.apiKeys.length && !config.auth.jwt && zohoConfig.authMode !== 'passthrough') {
    logger.warn({ host: config.host }, 'caller authentication is off (development mode: emulator on loopback)');
  }
  logger.info({ url: gateway.url, zoho: describeConfig(zohoConfig) }, 'gateway started');
}

main().catch((e: unknown) => {
  console.error(`The gateway could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
