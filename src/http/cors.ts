/**
 * CORS for browsers on other origins (a frontend calling the gateway directly). Off unless
 * GATEWAY_CORS_ORIGINS lists origins: same-origin pages (Sandbox at /graphql) need none, and a
 * gateway that edits a CRM should not answer every web page by default.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  await app.register(cors, {
    origin: any ? true : origins.map((o) => o.replace(/\/$/, '')),
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
