/**
 * Who may touch which mail. Zoho lets an administrator read and associate any user's email, and
 * anyone else only their own (docs/zoho-notes.md §9: NO_PERMISSION 403). The emulator applies
 * that to reading, linking, unlinking and associating: a non-administrator naming another
 * user's mailbox gets 403 NO_PERMISSION for the whole call.
 */
import type { Store } from '../store/index.ts';
import { ZohoHttpError, envelope } from './errors.ts';

export function isAdministrator(store: Store, orgId: string, userId: string): boolean {
  const user = store.getUser(orgId, userId) as { profile?: { name?: string } } | undefined;
  return user?.profile?.name === 'Administrator';
}

/** Whether the caller may see or change mail held in `ownerId`'s mailbox. */
export function mayTouchMailOf(store: Store, caller: { orgId: string; userId: string }, ownerId: string): boolean {
  return ownerId === caller.userId || isAdministrator(store, caller.orgId, caller.userId);
}

/**
 * The permission a non-administrator lacks for another user's mail. Zoho's OAS examples name the
 * missing profile permission in `details.permissions` (`Crm_Implied_View_Leads` for a record);
 * which one guards another user's mailbox is undocumented, and Crm_Implied_View_Emails is the name
 * clients have logged for mail.
 */
export const MAIL_PERMISSION = 'Crm_Implied_View_Emails';

/** Zoho's 403 (the OAS example's shape; the associate docs give the message for mail). */
export function noPermission(message = 'permission denied', permissions: string[] = [MAIL_PERMISSION]): ZohoHttpError {
  return new ZohoHttpError(403, envelope('NO_PERMISSION', message, { permissions }));
}

export const ADMIN_ONLY_MESSAGE = 'Only Admin Role/Profile Users will have permission';
