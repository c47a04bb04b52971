/** The client kit: typed documents, cache policies and helpers for this gateway's API. */
export * from '../generated/graphql.js';
export { possibleTypes, relayConnection, typePolicies } from './type-policies.ts';
export { itemOutcome, tally, type ItemOutcome, type Tally } from './outcomes.ts';
export { chunk, DEFAULT_CHUNK_SIZE, sendInChunks, type ChunkProgress } from './chunks.ts';
