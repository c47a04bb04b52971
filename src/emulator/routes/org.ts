/** `GET /org`: the caller's org, whose `id` lets callers key their caches by org. */
import type { FastifyInstance } from 'fastify';
import type { ZohoOrgResponse } from '../../wire/index.ts';
import { errors } from '../http/errors.ts';
import type { EmulatorContext } from '../context.ts';
import { callerOf } from './shared.ts';

export function registerOrgRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/crm/v8/org', async (req): Promise<ZohoOrgResponse> => {
    const { orgId } = callerOf(req);
    const org = ctx.store.getOrg(orgId);
    if (!org) throw errors.internal();
    return { org: [org] };
  });
}
