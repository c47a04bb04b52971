/**
 * Secret handling for the client: tokens, client secrets and refresh tokens must never reach a
 * log, an error or a response, whatever a caller does with the objects that hold them.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

const REDACTED = '[REDACTED]';

/** A string that prints, serialises and inspects as `[REDACTED]`; `reveal()` is the only way in. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** A stable, non-reversible name for a token: safe as a cache key and in logs. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** Paths pino must censor, in case anything ever places such a field on a log line. */
export const LOG_REDACT_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'access_token',
  'refresh_token',
  'client_secret',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.*.access_token',
  '*.*.refresh_token',
  '*.*.client_secret',
  'token',
  '*.token',
];

/**
 * Removes anything shaped like an OAuth credential from free text (upstream bodies we quote in an
 * error, for instance): an Authorization value, a `key=value` OAuth field, or a Zoho token.
 */
export function scrubText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const k of known) if (k) out = out.split(k).join(REDACTED);
  return out
    .replace(/(Zoho-oauthtoken|Bearer|Basic)\s+[^\s"'<>,;]+/gi, `$1 ${REDACTED}`)
    .replace(/((?:access_token|refresh_token|client_secret|code)["']?\s*[:=]\s*["']?)[^\s"'&<>,;]+/gi, `$1${REDACTED}`)
    .replace(/\b1000\.[A-Za-z0-9._-]{8,}/g, REDACTED);
}
