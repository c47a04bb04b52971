/** `GET /org`: the org the credentials belong to; its id keys every per-org cache. */
import type { ZohoOrg, ZohoOrgResponse } from '../../wire/index.ts';
import { emptyResponseError, invalidResponseError } from '../errors.ts';
import type { ZohoRequester } from '../types.ts';

export async function getOrg(c: ZohoRequester): Promise<ZohoOrg> {
  const res = await c.request<ZohoOrgResponse>({ method: 'GET', route: '/org' });
  if (res.data === undefined) throw emptyResponseError(res.status, res.call);
  const org = res.data.org?.[0];
  if (!org || typeof org.id !== 'string') throw invalidResponseError(res.status, res.call, res.text);
  return org;
}
