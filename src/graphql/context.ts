import type { ZohoRequester } from '../zoho/index.ts';
import type { Loaders } from '../loaders/index.ts';
import type { OrgCache } from '../loaders/org-cache.ts';
import type { PredictionRule } from '../domain/prediction.ts';

/** What every resolver receives; built once per GraphQL request (src/graphql/server.ts). */
export interface GatewayContext {
  requestId: string;
  /** Zoho, with the gateway's own credentials or, in pass-through mode, the caller's. */
  zoho: ZohoRequester;
  /** This request's DataLoaders: their caches live as long as the request. */
  loaders: Loaders;
  /** Per-org metadata and users, shared across requests of the same org. */
  orgCache: OrgCache;
  /** Which deals Contact.dealPrediction may choose (ZOHO_PREDICTION_ELIGIBLE). */
  predictionRule: PredictionRule;
}
