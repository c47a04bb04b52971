/**
 * Request ids: the caller's `x-request-id` when it is a sane token (a router or load balancer set
 * it), else a fresh UUID. It names the request in every log line, comes back in the response, and
 * goes upstream to Zoho with each call, so one id follows a request through all three.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SANE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdFrom(req: IncomingMessage): string {
  const raw = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && SANE.test(value) ? value : randomUUID();
}
