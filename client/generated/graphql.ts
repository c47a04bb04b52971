/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/**
 * A new email to log, and where. Give `contactId`, `dealId` or both:
 * - `contactId` alone: the email goes on the contact's timeline. A RECEIVED email is then linked
 *   by Zoho's deal prediction (see `Contact.dealPrediction`); a SENT one is linked to no deal.
 * - `contactId` and `dealId`: on the contact's timeline, linked to that deal. The deal must be
 *   related to the contact (as primary contact or through a contact role).
 * - `dealId` alone: on the deal, linked to it.
 */
export type AssociateEmailInput = {
  /** The copied recipients: at most 50. */
  cc?: Array<EmailAddressInput> | null | undefined;
  /** The contact whose timeline the email goes on. */
  contactId?: string | number | null | undefined;
  /** The body: at most 32,000 characters, in `format`. */
  content: string;
  /** The deal to link the email to. */
  dealId?: string | number | null | undefined;
  /** SENT when the CRM user sent it; RECEIVED when the contact (or someone else) sent it to them. */
  direction: EmailDirection;
  /** The format of `content`. */
  format?: EmailFormat | null | undefined;
  /** The sender. */
  from: EmailAddressInput;
  /**
   * Makes the call safe to send again: a repeat with the same key and the same input returns the
   * first call's results (items that were `UNKNOWN` read back first) and writes nothing again. 1 to
   * 255 characters, unique per call, kept for 24 hours; a key belongs to its caller and this
   * mutation. A repeat with a different input is refused (`IDEMPOTENCY_KEY_REUSED`); one sent while
   * the first call still runs in another gateway process gets `IDEMPOTENCY_KEY_IN_USE` with
   * `retryAfterMs`.
   */
  idempotencyKey?: string | null | undefined;
  /**
   * The `Message-ID` header of the original email (for example `<abc.123@mail.example.com>`), at
   * most 255 characters. Zoho de-duplicates on it, which makes this mutation safe to retry.
   */
  originalMessageId: string;
  /**
   * The CRM user whose mailbox the email belongs to. Optional: by default the user the gateway
   * calls Zoho as. Only an administrator may log another user's email.
   */
  ownerId?: string | number | null | undefined;
  /** When the email was sent or received, with its offset (for example `2026-03-04T10:15:00+05:30`). */
  sentAt: string;
  /** The subject line: 1 to 500 characters. */
  subject: string;
  /** The recipients: 1 to 50. */
  to: Array<EmailAddressInput>;
};

/** Which branch of the deal prediction rule decided. Eligible means eligible under `DealPrediction.rule`. */
export type DealPredictionReason =
  /** The contact has several eligible deals; the most recently modified wins, a tie going to the larger deal id. */
  | 'MOST_RECENTLY_MODIFIED'
  /** The contact has no eligible deal, so the email is linked to none. */
  | 'NO_OPEN_DEAL'
  /** The contact has exactly one eligible deal (with the default rule: one open deal). */
  | 'SINGLE_OPEN_DEAL';

/** The category of a deal's stage, from Zoho's `forecast_type`. */
export type DealStageCategory =
  /** The deal was lost (`forecast_type` Closed Lost). An org may have several lost stages. */
  | 'CLOSED_LOST'
  /** The deal was won (`forecast_type` Closed Won). */
  | 'CLOSED_WON'
  /** The deal is still open (`forecast_type` Open). With the default rule, only open deals take part in deal prediction. */
  | 'OPEN';

/** A sender or recipient, as input. */
export type EmailAddressInput = {
  /** The address itself, for example `ann@example.com`. */
  email: string;
  /** The display name, if any. */
  name?: string | null | undefined;
};

/** Who sent an email. */
export type EmailDirection =
  /** The contact (or someone else) sent it to the CRM user. */
  | 'RECEIVED'
  /** The CRM user sent it. */
  | 'SENT';

/**
 * Which of a contact's emails to keep, by their deal link. Zoho cannot filter emails by deal, so
 * the gateway reads pages of 10 and keeps the matches (see `Contact.emails`).
 */
export type EmailFilter = {
  /** Only emails linked to this deal. Cannot be combined with `linked: false`. */
  dealId?: string | number | null | undefined;
  /** true: only emails linked to some deal; false: only emails linked to no deal (those that may need fixing). */
  linked?: boolean | null | undefined;
};

/** The format of an email body. */
export type EmailFormat =
  /** The content is HTML. */
  | 'HTML'
  /** The content is plain text. */
  | 'TEXT';

/** An email of a contact, by ids. */
export type EmailRefInput = {
  /** The contact under whose timeline the email is listed. */
  contactId: string | number;
  /** Zoho's message id of the email (`Email.messageId`). */
  messageId: string | number;
  /**
   * The owner of the email's mailbox (`Email.owner.id`). Optional: when absent the gateway reads the
   * email to find it, which costs one Zoho call per email. Send it when you have it.
   */
  ownerId?: string | number | null | undefined;
};

/** Stable codes for item failures. */
export type ItemErrorCode =
  /**
   * The operation had made as many Zoho calls as one operation may (GATEWAY_MAX_ZOHO_CALLS), so
   * nothing was sent for this email. Send it again in another operation.
   */
  | 'CALL_LIMIT_REACHED'
  /** The email is linked to another deal than expected, or Zoho refused to replace its link. */
  | 'CONFLICT'
  /** Zoho's API credits for the day are used up; calls fail at once until they renew. */
  | 'CREDITS_EXHAUSTED'
  /** The deal exists but is not related to the email's contact (as primary contact or contact role). */
  | 'DEAL_NOT_RELATED'
  /** Zoho's user may not change this email (for example, another user's mailbox). */
  | 'FORBIDDEN'
  /**
   * The gateway stopped (it was restarted, or killed) before this email was done, and the email was
   * left as it was, or put back as it was. Send the operation again to complete it.
   */
  | 'INTERRUPTED'
  /** The input is malformed (for example an id that is not a Zoho id) or Zoho refused its values. No call was made for a malformed id. */
  | 'INVALID_INPUT'
  /** The email, contact or deal does not exist. */
  | 'NOT_FOUND'
  /** Zoho's concurrency limit refused the call, after the gateway's retries. */
  | 'RATE_LIMITED'
  /** Zoho did not accept the credentials (after one token refresh). */
  | 'UNAUTHENTICATED'
  /** The item's outcome is unknown (status `UNKNOWN`): the message says why, and whether to send it again. */
  | 'UNKNOWN_RESULT'
  /** Zoho refused the item for a reason the gateway does not map; see `vendorCode`. */
  | 'UPSTREAM_ERROR'
  /** Zoho failed or timed out, after the gateway's retries. */
  | 'UPSTREAM_UNAVAILABLE';

/**
 * What happened to one item of a bulk operation. Each status is true whatever failed on the way:
 * the gateway remembers every attempt it made for the item, and reads the email back from Zoho when
 * an answer was lost.
 */
export type ItemStatus =
  /** The email was left as it was, and nothing sent for it can still change that; see `error`. */
  | 'FAILED'
  /** The email ended up as asked: Zoho said so, or reading it back shows it. */
  | 'SUCCEEDED'
  /**
   * Neither can be shown: for example Zoho's answer was lost and reading the email back failed, or
   * a request that got no answer may still be applied. `error.code` is `UNKNOWN_RESULT`, and its
   * message says which case it is and whether sending the operation again is safe.
   */
  | 'UNKNOWN';

export type AssociateEmailMutationVariables = Exact<{
  input: AssociateEmailInput;
}>;


export type AssociateEmailMutation = { __typename: 'Mutation', associateEmail: { __typename: 'AssociateEmailPayload', status: ItemStatus, alreadyExisted: boolean, error: { __typename: 'ItemError', code: ItemErrorCode, message: string, field: string | null, vendorCode: string | null } | null, email: { __typename: 'Email', id: string, messageId: string, subject: string | null, sentAt: string | null, direction: EmailDirection, from: { __typename: 'EmailAddress', name: string | null, email: string | null } | null, owner: { __typename: 'ZohoUser', id: string, name: string | null } | null, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null } | null } };

export type ContactEmailsQueryVariables = Exact<{
  contactId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: EmailFilter | null | undefined;
}>;


export type ContactEmailsQuery = { __typename: 'Query', contact: { __typename: 'Contact', id: string, fullName: string | null, emailAddress: string | null, emails: { __typename: 'EmailConnection', pagesScanned: number, stoppedEarly: boolean, nodes: Array<{ __typename: 'Email', id: string, messageId: string, subject: string | null, sentAt: string | null, direction: EmailDirection, from: { __typename: 'EmailAddress', name: string | null, email: string | null } | null, owner: { __typename: 'ZohoUser', id: string, name: string | null } | null, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null } }, deals: Array<{ __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null }> } | null };

export type ContactsByIdsQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type ContactsByIdsQuery = { __typename: 'Query', contacts: Array<{ __typename: 'Contact', id: string, fullName: string | null, emailAddress: string | null } | null> };

export type DealEmailsQueryVariables = Exact<{
  dealId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DealEmailsQuery = { __typename: 'Query', deal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null, contact: { __typename: 'Contact', id: string, fullName: string | null } | null, emails: { __typename: 'EmailConnection', nodes: Array<{ __typename: 'Email', id: string, messageId: string, subject: string | null, sentAt: string | null, direction: EmailDirection, from: { __typename: 'EmailAddress', name: string | null, email: string | null } | null, owner: { __typename: 'ZohoUser', id: string, name: string | null } | null, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null }>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, endCursor: string | null, hasPreviousPage: boolean, startCursor: string | null } } } | null };

export type EmailRowFragment = { __typename: 'Email', id: string, messageId: string, subject: string | null, sentAt: string | null, direction: EmailDirection, from: { __typename: 'EmailAddress', name: string | null, email: string | null } | null, owner: { __typename: 'ZohoUser', id: string, name: string | null } | null, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null };

export type EmailLinkResultFieldsFragment = { __typename: 'EmailLinkResult', contactId: string, messageId: string, status: ItemStatus, error: { __typename: 'ItemError', code: ItemErrorCode, message: string, field: string | null, vendorCode: string | null } | null, email: { __typename: 'Email', id: string, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null } | null };

export type LinkEmailsMutationVariables = Exact<{
  dealId: string | number;
  emails: Array<EmailRefInput> | EmailRefInput;
  idempotencyKey?: string | null | undefined;
}>;


export type LinkEmailsMutation = { __typename: 'Mutation', linkEmailsToDeal: { __typename: 'EmailLinkPayload', succeededCount: number, failedCount: number, unknownCount: number, results: Array<{ __typename: 'EmailLinkResult', contactId: string, messageId: string, status: ItemStatus, error: { __typename: 'ItemError', code: ItemErrorCode, message: string, field: string | null, vendorCode: string | null } | null, email: { __typename: 'Email', id: string, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null } | null }> } };

export type UnlinkEmailsMutationVariables = Exact<{
  emails: Array<EmailRefInput> | EmailRefInput;
  expectedDealId?: string | number | null | undefined;
  idempotencyKey?: string | null | undefined;
}>;


export type UnlinkEmailsMutation = { __typename: 'Mutation', unlinkEmailsFromDeal: { __typename: 'EmailLinkPayload', succeededCount: number, failedCount: number, unknownCount: number, results: Array<{ __typename: 'EmailLinkResult', contactId: string, messageId: string, status: ItemStatus, error: { __typename: 'ItemError', code: ItemErrorCode, message: string, field: string | null, vendorCode: string | null } | null, email: { __typename: 'Email', id: string, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null } | null }> } };

export type MoveEmailsMutationVariables = Exact<{
  dealId: string | number;
  emails: Array<EmailRefInput> | EmailRefInput;
  idempotencyKey?: string | null | undefined;
}>;


export type MoveEmailsMutation = { __typename: 'Mutation', moveEmailsToDeal: { __typename: 'MoveEmailsToDealPayload', succeededCount: number, failedCount: number, unknownCount: number, results: Array<{ __typename: 'EmailMoveResult', contactId: string, messageId: string, status: ItemStatus, previousDealId: string | null, restoreAttempted: boolean, restored: boolean | null, error: { __typename: 'ItemError', code: ItemErrorCode, message: string, field: string | null, vendorCode: string | null } | null, email: { __typename: 'Email', id: string, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null } | null }> } };

export type NodeByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type NodeByIdQuery = { __typename: 'Query', node:
    | { __typename: 'Contact', fullName: string | null, id: string }
    | { __typename: 'Deal', name: string | null, stage: string | null, stageCategory: DealStageCategory | null, id: string }
    | { __typename: 'Email', id: string, messageId: string, subject: string | null, sentAt: string | null, direction: EmailDirection, from: { __typename: 'EmailAddress', name: string | null, email: string | null } | null, owner: { __typename: 'ZohoUser', id: string, name: string | null } | null, linkedDeal: { __typename: 'Deal', id: string, name: string | null, stage: string | null, stageCategory: DealStageCategory | null } | null }
   | null };

export type DealPredictionQueryVariables = Exact<{
  contactId: string | number;
}>;


export type DealPredictionQuery = { __typename: 'Query', contact: { __typename: 'Contact', id: string, dealPrediction: { __typename: 'DealPrediction', reason: DealPredictionReason, deal: { __typename: 'Deal', id: string, name: string | null, stage: string | null } | null, candidates: Array<{ __typename: 'DealPredictionCandidate', eligible: boolean, stageCategory: DealStageCategory | null, modifiedAt: string | null, deal: { __typename: 'Deal', id: string, name: string | null, stage: string | null } }> } } | null };

export const EmailRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Email"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]} as unknown as DocumentNode<EmailRowFragment, unknown>;
export const EmailLinkResultFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailLinkResultFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EmailLinkResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contactId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"email"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]}}]} as unknown as DocumentNode<EmailLinkResultFieldsFragment, unknown>;
export const AssociateEmailDocument = {"__meta__":{"hash":"cca1fb423a32b2e235a40fdfddeee9191975cfd3bdc6b6b8fb7520331f4a7935"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AssociateEmail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AssociateEmailInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"associateEmail"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"alreadyExisted"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"email"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"EmailRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Email"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]} as unknown as DocumentNode<AssociateEmailMutation, AssociateEmailMutationVariables>;
export const ContactEmailsDocument = {"__meta__":{"hash":"b1710301b451f0aaae2a07536b62bef790a81dfbfefbfaf82a709d553f8b6a61"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContactEmails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"contactId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"contactId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"EmailRow"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pagesScanned"}},{"kind":"Field","name":{"kind":"Name","value":"stoppedEarly"}}]}},{"kind":"Field","name":{"kind":"Name","value":"deals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Email"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]} as unknown as DocumentNode<ContactEmailsQuery, ContactEmailsQueryVariables>;
export const ContactsByIdsDocument = {"__meta__":{"hash":"72cbda79d85e37ef6b573cae4ca9c1cdaffaf78955068f341f9f99498e9a5416"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ContactsByIds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contacts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"emailAddress"}}]}}]}}]} as unknown as DocumentNode<ContactsByIdsQuery, ContactsByIdsQueryVariables>;
export const DealEmailsDocument = {"__meta__":{"hash":"e14184e75cd6a94764771a7fc2e2fa28de3ce68df5ebe89a08827a01bcbc6b94"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DealEmails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dealId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"deal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dealId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}},{"kind":"Field","name":{"kind":"Name","value":"contact"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"emails"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"EmailRow"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Email"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]} as unknown as DocumentNode<DealEmailsQuery, DealEmailsQueryVariables>;
export const LinkEmailsDocument = {"__meta__":{"hash":"2e381eb140df8e741f6f00cb4e051f74afcb928d8c10aeeed36f0e1653563506"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"LinkEmails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dealId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emails"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailRefInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"linkEmailsToDeal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"dealId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dealId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"emails"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emails"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"succeededCount"}},{"kind":"Field","name":{"kind":"Name","value":"failedCount"}},{"kind":"Field","name":{"kind":"Name","value":"unknownCount"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"EmailLinkResultFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailLinkResultFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EmailLinkResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contactId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"email"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]}}]} as unknown as DocumentNode<LinkEmailsMutation, LinkEmailsMutationVariables>;
export const UnlinkEmailsDocument = {"__meta__":{"hash":"e95416176ebb2ab5a9ff450d674e11949d618abda1c24710b94cd397ff8cd2bc"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnlinkEmails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emails"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailRefInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedDealId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"unlinkEmailsFromDeal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"emails"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emails"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedDealId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedDealId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"succeededCount"}},{"kind":"Field","name":{"kind":"Name","value":"failedCount"}},{"kind":"Field","name":{"kind":"Name","value":"unknownCount"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"EmailLinkResultFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailLinkResultFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"EmailLinkResult"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contactId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"email"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]}}]} as unknown as DocumentNode<UnlinkEmailsMutation, UnlinkEmailsMutationVariables>;
export const MoveEmailsDocument = {"__meta__":{"hash":"f2523611606dfbc16d2edf6da8835a47970bdee908b6d4a91c84d8337ae5e37b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MoveEmails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dealId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"emails"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EmailRefInput"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"moveEmailsToDeal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"dealId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dealId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"emails"},"value":{"kind":"Variable","name":{"kind":"Name","value":"emails"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"succeededCount"}},{"kind":"Field","name":{"kind":"Name","value":"failedCount"}},{"kind":"Field","name":{"kind":"Name","value":"unknownCount"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contactId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"previousDealId"}},{"kind":"Field","name":{"kind":"Name","value":"restoreAttempted"}},{"kind":"Field","name":{"kind":"Name","value":"restored"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"email"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<MoveEmailsMutation, MoveEmailsMutationVariables>;
export const NodeByIdDocument = {"__meta__":{"hash":"2d83f024e9529eee10de2776ce7e550134d1db2742fd07ce0fd840f502023e3c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Email"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"EmailRow"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Contact"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Deal"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"EmailRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Email"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"sentAt"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"linkedDeal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}}]}}]}}]} as unknown as DocumentNode<NodeByIdQuery, NodeByIdQueryVariables>;
export const DealPredictionDocument = {"__meta__":{"hash":"2c03c2a4681128e90e121cdade67c93a5cb782e138ab0f066cb781219bf59800"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DealPrediction"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"contactId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"contact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"contactId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dealPrediction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"deal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"candidates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"eligible"}},{"kind":"Field","name":{"kind":"Name","value":"stageCategory"}},{"kind":"Field","name":{"kind":"Name","value":"modifiedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DealPredictionQuery, DealPredictionQueryVariables>;