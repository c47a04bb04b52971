/**
 * OpenTelemetry tracing, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: the SDK and its exporter
 * are imported here, lazily, so a gateway without a collector never loads them.
 *
 * Spans come from the HTTP instrumentation: one server span per request to the gateway and one
 * client span per call to Zoho, joined by W3C `traceparent`. Versions are the 0.2xx line (SDK 2),
 * the last to support Node 20; 0.300+ needs Node 22.
 */
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';

export interface Tracing {
  shutdown(): Promise<void>;
}

export async function startTracing(opts: { endpoint: string; serviceName: string; logger: Logger }): Promise<Tracing> {
  const [{ NodeSDK }, { OTLPTraceExporter }, { HttpInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
  ]);
  const base = opts.endpoint.replace(/\/+$/, '');
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    traceExporter: new OTLPTraceExporter({ url: base.endsWith('/v1/traces') ? base : `${base}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(health|metrics)\b/.test(req.url ?? ''),
      }),
    ],
  });
  sdk.start();
  // The instrumentation patches modules as they are require()d; this code runs as ESM, so ask for
  // the core modules once through require to have them patched (axios reads http.request at call
  // time, and the server side is patched on the prototype).
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  opts.logger.info({ endpoint: base, serviceName: opts.serviceName }, 'OpenTelemetry tracing on');
  return { shutdown: () => sdk.shutdown() };
}

/**
 * The `traceparent` to send upstream: the active span's when tracing is on, else the caller's own
 * (validated), so a trace started by a router continues through us to Zoho either way.
 */
export function upstreamTraceparent(incoming: string | string[] | undefined): string | undefined {
  const carrier: Record<string, string> = {};
  if (trace.getSpan(context.active())) propagation.inject(context.active(), carrier);
  if (carrier.traceparent) return carrier.traceparent;
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(value.trim()) ? value.trim() : undefined;
}
