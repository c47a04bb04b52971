/**
 * The models GraphQL resolvers receive as parents (codegen mappers, codegen.ts): the workflows'
 * own result types. They live with the workflows (src/services/models.ts), so that the services
 * never import the GraphQL layer; this module is the name codegen maps to.
 */
export type * from '../services/models.ts';
