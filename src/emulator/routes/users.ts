/** `GET /users/{id}`: enough of a user for callers to show an owner's name. */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { callerOf, requireDigits } from './shared.ts';

export function registerUserRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/crm/v8/users/:id', async (req, reply) => {
    const { orgId } = callerOf(req);
    const user = ctx.store.getUser(orgId, requireDigits(req.params.id));
    // users.json lists 204 for a user id that names nobody.
    if (!user) return reply.code(204).send();
    // users.json's wrapper requires `info`, as Zoho sends it even for one user.
    return { users: [user], info: { per_page: 200, count: 1, page: 1, more_records: false } };
  });
}
