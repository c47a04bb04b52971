/**
 * The Zoho CRM REST client. Everything above this layer reaches Zoho through these exports.
 * See docs/zoho-client.md.
 */
export { createZohoClient, API_PREFIX, type ZohoClient, type ZohoClientOptions } from './transport.ts';
export {
  loadZohoConfig,
  resolveZohoConfig,
  resolveApiBaseUrl,
  resolveAccountsUrl,
  describeConfig,
  DC_HOSTS,
  ZOHO_DCS,
  DEFAULT_RETRY,
  DEFAULT_TOKEN,
  ZohoConfigError,
  type ZohoConfig,
  type ZohoConfigInput,
  type ZohoDc,
  type ZohoAuthMode,
  type ZohoRetrySettings,
  type ZohoTokenSettings,
} from './config.ts';
export {
  ZohoError,
  isZohoError,
  parseItemOutcomes,
  errorFromResponse,
  jsonPathIndex,
  type ZohoErrorKind,
  type ZohoCall,
  type ItemOutcome,
} from './errors.ts';
export {
  InMemoryConcurrencyBudget,
  createInMemoryBudget,
  type ConcurrencyBudget,
  type BudgetSnapshot,
} from './budget.ts';
export * from './limits.ts';
export { Secret, tokenFingerprint, scrubText } from './secret.ts';
export { parseCallerAuthorization } from './auth/passthrough.ts';
export type {
  ZohoRequester,
  ZohoRequest,
  ZohoResponse,
  ZohoClientHooks,
  ZohoCallEvent,
  ZohoTokenRefreshEvent,
  ZohoRateLimitedEvent,
  HttpMethod,
} from './types.ts';
export {
  listEmails,
  getEmail,
  type EmailPage,
  type ListEmailsParams,
  type GetEmailParams,
  type EmailParentModule,
} from './api/emails.ts';
export { linkEmails, unlinkEmails, type LinkOutcome } from './api/links.ts';
export { getRecords, getRecord, getContactDeals } from './api/records.ts';
export { getUser } from './api/users.ts';
export { getOrg } from './api/org.ts';
export { getModules, getFields } from './api/metadata.ts';
export { associateEmail, emailAvailable, type AssociateResult } from './api/associate.ts';
