/** One resolver file per GraphQL type; this puts them together for buildSubgraphSchema. */
import type { Resolvers } from '../generated/resolvers-types.ts';
import { Query } from './Query.ts';
import { Mutation } from './Mutation.ts';
import { Contact } from './Contact.ts';
import { Deal } from './Deal.ts';
import { Email } from './Email.ts';
import { EmailAddress } from './EmailAddress.ts';
import { EmailConnection } from './EmailConnection.ts';
import { EmailLinkPayload } from './EmailLinkPayload.ts';
import { MoveEmailsToDealPayload } from './MoveEmailsToDealPayload.ts';
import { DealPredictionCandidate } from './DealPredictionCandidate.ts';
import { Node } from './Node.ts';

export const resolvers: Resolvers = {
  Query,
  Mutation,
  Contact,
  Deal,
  Email,
  EmailAddress,
  EmailConnection,
  EmailLinkPayload,
  MoveEmailsToDealPayload,
  DealPredictionCandidate,
  Node,
};
