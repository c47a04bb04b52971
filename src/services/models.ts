/**
 * What the workflows return: contacts, deals and emails as far as the gateway knows them, and the
 * per-item outcomes of the mutations. Each wraps Zoho's wire types, plus what the gateway already
 * knows without another call. The GraphQL layer receives them as its resolvers' parents (codegen
 * mappers, through src/graphql/models.ts): they are shaped for the schema, but know nothing of GraphQL.
 */
import type { ZohoContact, ZohoDeal, ZohoEmail, ZohoEmailDetail } from '../wire/index.ts';
import type { EmailParent } from '../domain/ids.ts';
import type { DealPrediction } from '../domain/prediction.ts';
import type { PageInfo } from '../domain/paging.ts';

/** A contact: its id, and its record once loaded. */
export type ContactModel = { id: string; record?: ZohoContact };

/**
 * A deal: its id, and what is known of it. An email's `linked_record` gives the id and the name
 * for free; the full record is loaded only when another field is asked for.
 */
export type DealModel = { id: string; name?: string | null; record?: ZohoDeal };

/**
 * An email. `parent` is the record whose Emails list holds it (the contact, or for an email only
 * known through a deal with no primary contact, the deal); `contactId` is its contact when known.
 * `wire` is what Zoho listed (or the single view, with content); it is absent when only the ids
 * are known (a mutation result), and loaded on demand. `linkedDeal` overrides the wire link when
 * the gateway has just changed it (`null` = now unlinked).
 */
export type EmailModel = {
  parent: EmailParent;
  contactId: string | null;
  messageId: string;
  wire?: ZohoEmail | ZohoEmailDetail;
  linkedDeal?: DealModel | null;
};

/** What `node(id:)` found, tagged with its GraphQL type (Contact and Deal ids look alike). */
export type NodeModel =
  | (ContactModel & { __typename: 'Contact' })
  | (DealModel & { __typename: 'Deal' })
  | (EmailModel & { __typename: 'Email' });

export type EmailEdgeModel = { cursor: string; node: EmailModel };
export type EmailConnectionModel = {
  edges: EmailEdgeModel[];
  pageInfo: PageInfo;
  /** Zoho pages read to build it. */
  pagesScanned: number;
  /** A filtered scan reached its page bound before it had `first` matches. */
  stoppedEarly: boolean;
};

export type { ItemErrorModel } from '../domain/item-errors.ts';
import type { ItemErrorModel } from '../domain/item-errors.ts';
/** An item's outcome (the GraphQL enum ItemStatus). */
export type ItemStatusModel = 'SUCCEEDED' | 'FAILED' | 'UNKNOWN';
export type EmailLinkResultModel = {
  contactId: string;
  messageId: string;
  status: ItemStatusModel;
  error: ItemErrorModel | null;
  email: EmailModel | null;
};
export type EmailLinkPayloadModel = { results: EmailLinkResultModel[] };

/** A move's result: a link result, plus where the email was and whether it was put back. */
export type EmailMoveResultModel = EmailLinkResultModel & {
  previousDealId: string | null;
  restoreAttempted: boolean;
  restored: boolean | null;
};
export type MoveEmailsToDealPayloadModel = { results: EmailMoveResultModel[] };

export type AssociateEmailPayloadModel = {
  status: ItemStatusModel;
  error: ItemErrorModel | null;
  alreadyExisted: boolean;
  email: EmailModel | null;
};

/** Contact.dealPrediction: the rule's answer over the contact's deal records. */
export type DealPredictionModel = DealPrediction<DealModel>;
export type DealPredictionCandidateModel = DealPredictionModel['candidates'][number];
