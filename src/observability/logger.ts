/**
 * The gateway's logger: pino, one JSON object per line, with every field that could carry a
 * credential censored by path, and error messages scrubbed of anything shaped like a token.
 * Redaction by path catches what we put on a line; scrubbing catches what a library put in a
 * message.
 */
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { scrubText } from '../zoho/index.ts';

export const REDACTED = '[REDACTED]';

/** Any of these, at the top level or one level down (and the header ones in headers), is censored. */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'apiKey',
  'apiKeys',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'password',
  'secret',
  'jwt',
];

const quoted = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`);
const join = (prefix: string, k: string) => (quoted(k).startsWith('[') ? `${prefix}${quoted(k)}` : `${prefix}.${k}`);

/** Keys that are headers: censored in `headers` and `req.headers` too. */
const HEADER_KEYS = new Set(['authorization', 'Authorization', 'x-api-key', 'cookie', 'set-cookie']);

/**
 * Every path is checked on every line, so the list is kept to where such a field can be: the
 * lines are objects the gateway builds, one or two levels deep, and headers are never logged whole.
 */
export const LOG_REDACT_PATHS: string[] = SECRET_KEYS.flatMap((k) => [
  quoted(k),
  join('*', k),
  ...(HEADER_KEYS.has(k) ? [join('headers', k), join('req.headers', k), join('*.headers', k)] : []),
]);

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'zoho-email-deal-gateway', ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
      serializers: {
        err: (e: Error) => {
          const s = stdSerializers.err(e);
          return { ...s, message: scrubText(s.message ?? ''), ...(s.stack ? { stack: scrubText(s.stack) } : {}) };
        },
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}
