/**
 * What an operation costs in Zoho calls, checked and reported (docs/cost.md):
 *
 * - before it runs, its estimate (graphql/cost.ts): over GATEWAY_MAX_ZOHO_CALLS it is refused with
 *   HTTP 400 TOO_MANY_ZOHO_CALLS, over GATEWAY_MAX_ENTITIES representations with
 *   TOO_MANY_ENTITIES, both before any Zoho call; then the caller's quota, if there is one
 *   (HTTP 429 QUOTA_EXCEEDED with retryAfterMs);
 * - while it runs, the context's CallMeter counts its calls against the same limit;
 * - in every response, `extensions.zohoCalls`: `{ estimated, actual, limit }`, as GitHub's and
 *   Shopify's GraphQL APIs report what a query cost.
 */
import { GraphQLError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { CostModel } from './cost.ts';
import type { GatewayContext } from './context.ts';
import { RequestRefusedError } from '../domain/errors.ts';
import type { CallerQuota } from '../services/caller-quota.ts';

export interface ZohoCallsSettings {
  model: CostModel;
  maxCalls: number;
  maxEntities: number;
  quota: CallerQuota | null;
}

const refusal = (e: RequestRefusedError, status: number) =>
  new GraphQLError(e.message, { extensions: { ...e.details, code: e.code, http: { status } } });

export function zohoCallsPlugin(s: ZohoCallsSettings): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let taken: { caller: string; calls: number } | null = null;
      return {
        async didResolveOperation({ contextValue: ctx, document, request, operationName }) {
          let estimate;
          try {
            estimate = s.model.estimate(document, request.variables ?? {}, operationName ?? undefined);
          } catch {
            // Variables that do not fit the operation: execution reports them, with their paths.
            return;
          }
          ctx.meter.estimated = estimate.calls;
          if (estimate.entities > s.maxEntities) {
            throw refusal(
              new RequestRefusedError(
                'TOO_MANY_ENTITIES',
                `This operation asks for ${estimate.entities} entities; one operation may ask for ${s.maxEntities} (GATEWAY_MAX_ENTITIES). Ask for them in several operations.`,
                { entities: estimate.entities, limit: s.maxEntities },
              ),
              400,
            );
          }
          if (estimate.calls > s.maxCalls) {
            throw refusal(
              new RequestRefusedError(
                'TOO_MANY_ZOHO_CALLS',
                `This operation could make up to ${estimate.calls} Zoho calls; one operation may make ${s.maxCalls} (GATEWAY_MAX_ZOHO_CALLS). Ask for fewer items (a smaller \`first\`, fewer ids), or split it.`,
                { zohoCalls: { estimated: estimate.calls, limit: s.maxCalls } },
              ),
              400,
            );
          }
          if (s.quota && estimate.calls > 0) {
            const caller = await ctx.callerScope(false);
            try {
              await s.quota.take(caller, estimate.calls);
            } catch (e) {
              throw e instanceof RequestRefusedError ? refusal(e, 429) : e;
            }
            taken = { caller, calls: estimate.calls };
          }
        },
        async willSendResponse({ contextValue: ctx, response }) {
          const meter = ctx?.meter;
          if (!meter) return;
          if (taken && s.quota) await s.quota.settle(taken.caller, taken.calls, meter.actual);
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            zohoCalls: { estimated: meter.estimated, actual: meter.actual, limit: meter.limit },
          };
        },
      };
    },
  };
}
