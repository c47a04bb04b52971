/**
 * The Zoho CRM REST client. Everything above this layer reaches Zoho through these exports.
 * See docs/zoho-client.md.
 */
export { createZohoClient, API_PREFIX, type ZohoClient, type ZohoClientOptions } from './transport.ts';
export {
  resolveZohoConfig,
  resolveZohoDc,
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
  errorFromResponse,
  type ZohoErrorKind,
  type AttemptPhase,
  type AttemptRecord,
  type ZohoCall,
} from './errors.ts';
export {
  classify,
  mayRetry,
  attemptMayHaveApplied,
  latestUnanswered,
  type Classification,
  type FailureCode,
} from './classify.ts';
export {
  AdaptiveBudget,
  AimdLimit,
  createInMemoryBudget,
  deadlineError,
  isHeavyRoute,
  operationCap,
  type AcquireOptions,
  type BudgetSettings,
  type ConcurrencyBudget,
  type BudgetSnapshot,
  type Feedback,
  type Permit,
} from './budget.ts';
export { FairQueue, type Queued } from './fair-queue.ts';
export { LocalCredits, type CreditsLedger } from './credits.ts';
export { TokenStoreUnavailableError, type SharedToken, type SharedTokenStore } from './auth/types.ts';
export * from './limits.ts';
export { Secret, tokenFingerprint, scrubText } from './secret.ts';
export { parseCallerAuthorization } from './auth/passthrough.ts';
export type {
  ZohoRequester,
  ZohoRequest,
  ZohoRead,
  ZohoWrite,
  ZohoQuery,
  ZohoCallOptions,
  ZohoResponse,
  ZohoClientHooks,
  ZohoCallEvent,
  ZohoTokenRefreshEvent,
  ZohoRateLimitedEvent,
  HttpMethod,
} from './types.ts';
export {
  listEmails,
  isUnknownRecord,
  getEmail,
  type EmailPage,
  type ListEmailsParams,
  type GetEmailParams,
  type EmailParentModule,
} from './api/emails.ts';
export { linkEmails, unlinkEmails, jsonPathIndex, type LinkItemOutcome } from './api/links.ts';
export { getRecords, getRecord, getContactDeals } from './api/records.ts';
export { getUser, getCurrentUser } from './api/users.ts';
export { getOrg } from './api/org.ts';
export { getModules, getFields } from './api/metadata.ts';
export { associateEmail, emailAvailable, type AssociateOutcome, type FiledEmail } from './api/associate.ts';
export { OrgCache, type OrgCacheOptions, type SharedCache } from './org-cache.ts';
