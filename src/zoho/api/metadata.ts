/**
 * Metadata: modules (for the Deals module id that link bodies need) and fields (for the Stage
 * picklist's `forecast_type`). Cache the answers per org (`getOrgId()`), not per caller.
 */
import type { ZohoField, ZohoFieldsResponse, ZohoModule, ZohoModulesResponse } from '../../wire/index.ts';
import { assertModule } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';

export async function getModules(c: ZohoRequester): Promise<ZohoModule[]> {
  const res = await c.request<ZohoModulesResponse>({ method: 'GET', route: '/settings/modules' });
  return res.data?.modules ?? [];
}

export async function getFields(c: ZohoRequester, module: string): Promise<ZohoField[]> {
  assertModule(module);
  const res = await c.request<ZohoFieldsResponse>({ method: 'GET', route: '/settings/fields', query: { module } });
  return res.data?.fields ?? [];
}
