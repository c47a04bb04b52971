import type { MoveEmailsToDealPayloadResolvers } from '../generated/resolvers-types.ts';
import { resultCounts } from './EmailLinkPayload.ts';

export const MoveEmailsToDealPayload: MoveEmailsToDealPayloadResolvers = { ...resultCounts };
