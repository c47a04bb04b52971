/**
 * OpenTelemetry tracing, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: the SDK and its exporter
 * are imported here, lazily, so a gateway without a collector never loads them.
 *
 * Only the trace packages are used (a tracer provider, the OTLP/HTTP exporter, the HTTP
 * instrumentation), not @opentelemetry/sdk-node, which pulls in every exporter and detector.
 * Spans come from the HTTP instrumentation: one server span per request to the gateway and one
 * client span per call to Zoho, joined by W3C `traceparent`. The server span is then named after
 * the GraphQL operation (`operationSpanPlugin`).
 */
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';

export interface Tracing {
  shutdown(): Promise<void>;
}

export async function startTracing(opts: { endpoint: string; serviceName: string; logger: Logger }): Promise<Tracing> {
  const [
    { TracerProvider, BatchSpanProcessor },
    { AsyncLocalStorageContextManager },
    { W3CTraceContextPropagator },
    { resourceFromAttributes },
    { ATTR_SERVICE_NAME },
    { registerInstrumentations },
    { OTLPTraceExporter },
    { HttpInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
  ]);
  const base = opts.endpoint.replace(/\/+$/, '');
  const exporter = new OTLPTraceExporter({ url: base.endsWith('/v1/traces') ? base : `${base}/v1/traces` });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (req) => /^\/(health|metrics)\b/.test(req.url ?? ''),
      }),
    ],
  });
  // The instrumentation patches modules as they are require()d; this code runs as ESM, so ask for
  // the core modules once through require to have them patched (axios reads http.request at call
  // time, and the server side is patched on the prototype).
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  opts.logger.info({ endpoint: base, serviceName: opts.serviceName }, 'OpenTelemetry tracing on');
  return {
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}

/**
 * Names the request's server span after its GraphQL operation, as OpenTelemetry's GraphQL
 * conventions do: `query ContactEmails`, `mutation` for an anonymous one. The name and the
 * attributes hold the operation's type and name only, never the document or its variables,
 * which carry record ids. A no-op when tracing is off (there is no active span).
 */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function operationSpanPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          const span = trace.getActiveSpan();
          if (!span || !operation) return;
          const type = operation.operation;
          // A name is the client's own text: only a plain GraphQL name goes on the span.
          const name = operationName && OPERATION_NAME.test(operationName) ? operationName : null;
          span.updateName(name ? `${type} ${name}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (name) span.setAttribute('graphql.operation.name', name);
        },
      };
    },
  };
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
