/** `GET /users/{id}`: enough to fill in an owner's name. */
import type { ZohoUser, ZohoUsersResponse } from '../../wire/index.ts';
import { assertZohoId } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';

/** The user, or null when Zoho has none by that id (204). */
export async function getUser(c: ZohoRequester, id: string): Promise<ZohoUser | null> {
  assertZohoId('user id', id);
  const res = await c.request<ZohoUsersResponse>({ method: 'GET', route: '/users/{id}', params: { id } });
  return res.data?.users?.[0] ?? null;
}
