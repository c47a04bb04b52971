/**
 * Contact.dealPrediction: the contact's deals (one related-list call, shared with Contact.deals
 * through the request's loader) and the org's cached stage metadata, through the pure rule, with
 * the eligibility rule the gateway was configured with.
 */
import type { ZohoRequester, OrgCache } from '../zoho/index.ts';
import type { Loaders } from '../loaders/index.ts';
import { predictDeal, type PredictionRule } from '../domain/prediction.ts';
import type { DealModel, DealPredictionModel } from './models.ts';

export async function dealPrediction(
  ctx: { zoho: ZohoRequester; loaders: Loaders; orgCache: OrgCache; predictionRule: PredictionRule },
  contactId: string,
): Promise<DealPredictionModel> {
  const [deals, categories] = await Promise.all([
    ctx.loaders.contactDeals.load(contactId),
    ctx.orgCache.stageCategories(ctx.zoho),
  ]);
  const models: DealModel[] = deals.map((d) => {
    ctx.loaders.deals.prime(d.id, d);
    return { id: d.id, record: d };
  });
  return predictDeal(
    models,
    (m) => ({ id: m.id, stage: m.record?.Stage ?? null, modifiedTime: m.record?.Modified_Time ?? null }),
    categories,
    ctx.predictionRule,
  );
}
