/**
 * CORS for browsers on other origins (a frontend calling the gateway directly). In production,
 * off unless GATEWAY_CORS_ORIGINS lists origins: same-origin pages (Sandbox at /graphql, GraphiQL)
 * need none, and a gateway that edits a CRM should not answer every web page by default.
 *
 * In development, a page served from this machine (`localhost`, `127.0.0.1` or `[::1]`, on any
 * port: a Vite dev server, the example app) is allowed as well, so that `npm start` and
 * `npm run dev` work together with no setting. Callers still authenticate as configured.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export interface CorsSettings {
  /** GATEWAY_CORS_ORIGINS: exact origins, or `*`. */
  origins: readonly string[];
  /** Development: also any loopback origin, whatever its port. */
  allowLoopbackOrigins: boolean;
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export function isLoopbackOrigin(origin: string): boolean {
  return LOOPBACK_ORIGIN.test(origin);
}

export async function registerCors(app: FastifyInstance, settings: CorsSettings): Promise<void> {
  const listed = settings.origins.map((o) => o.replace(/\/$/, ''));
  if (listed.length === 0 && !settings.allowLoopbackOrigins) return;
  const any = listed.includes('*');
  await app.register(cors, {
    origin: any ? true : settings.allowLoopbackOrigins ? [...listed, LOOPBACK_ORIGIN] : listed,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'content-type',
      'authorization',
      'x-api-key',
      'x-request-id',
      'traceparent',
      'apollo-require-preflight',
      'apollographql-client-name',
      'apollographql-client-version',
    ],
    exposedHeaders: ['x-request-id'],
    // Credentials are headers, never cookies: a wildcard origin must not carry them either way.
    credentials: false,
    maxAge: 600,
  });
}
