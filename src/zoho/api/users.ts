/** `GET /users/{id}`: enough to fill in an owner's name. */
import type { ZohoUser, ZohoUsersResponse } from '../../wire/index.ts';
import { invalidResponseError } from '../errors.ts';
import { assertZohoId } from '../limits.ts';
import type { ZohoRequester } from '../types.ts';

/** `GET /users?type=CurrentUser`: the user these credentials act as. */
export async function getCurrentUser(c: ZohoRequester): Promise<ZohoUser> {
  const res = await c.request<ZohoUsersResponse>({ method: 'GET', route: '/users', query: { type: 'CurrentUser' } });
  const user = res.data?.users?.[0];
  if (!user?.id) throw invalidResponseError(res.status, res.call, res.text);
  return user;
}

/** The user, or null when Zoho has none by that id (204). */
export async function getUser(c: ZohoRequester, id: string): Promise<ZohoUser | null> {
  assertZohoId('user id', id);
  const res = await c.request<ZohoUsersResponse>({ method: 'GET', route: '/users/{id}', params: { id } });
  return res.data?.users?.[0] ?? null;
}
