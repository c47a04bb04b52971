import type { ZohoRequester, OrgCache } from '../zoho/index.ts';
import type { Loaders } from '../loaders/index.ts';
import type { LateWrites } from '../services/settle.ts';
import type { Operations } from '../services/operations.ts';
import type { PredictionRule } from '../domain/prediction.ts';
import type { CallMeter } from '../services/call-meter.ts';

/** What every resolver receives; built once per GraphQL request (src/graphql/server.ts). */
export interface GatewayContext {
  requestId: string;
  /** Zoho, with the gateway's own credentials or, in pass-through mode, the caller's. */
  zoho: ZohoRequester;
  /** This request's DataLoaders: their caches live as long as the request. */
  loaders: Loaders;
  /** Per-org metadata and users, shared across requests of the same org. */
  orgCache: OrgCache;
  /** The clock and late-write window that decide whether a write with no answer may still land. */
  late: LateWrites;
  /** Mutations as durable operations: idempotency keys, the move journal (process-wide). */
  operations: Operations;
  /**
   * Who is calling, as idempotency keys are scoped: the API key's id, the JWT subject, or in
   * pass-through mode the Zoho org and user. `keyed`: a key is to be kept under it.
   */
  callerScope(keyed: boolean): Promise<string>;
  /** Which deals Contact.dealPrediction may choose (ZOHO_PREDICTION_ELIGIBLE). */
  predictionRule: PredictionRule;
  /** This operation's Zoho calls: estimated before it runs, counted as they are made (`zoho` counts them). */
  meter: CallMeter;
}
