/**
 * The Zoho calls an operation will make, estimated from its document and variables before any
 * call (docs/cost.md). Prices have one source, the schema: `@cost(weight:)` is the calls one
 * instance of a field makes at its caps, `@listSize` the sizes of lists, and `@zohoBatch(size:)`
 * the instances one call serves. graphql-query-complexity walks the operation (fragments,
 * `@skip`/`@include`, variables, abstract types); the estimator below prices each field:
 *
 *   price(field) = its own calls + its list size × the price of its selection
 *
 * - own calls: the `@cost` weight, plus the weight of each priced argument given (a filter);
 *   on a paged list (`@listSize` with `first` and `assumedSize`, the cap), the pages `first`
 *   needs: ⌈weight × first ÷ cap⌉;
 * - list size: `first` on a paged list; the length of the list argument (`ids`) on the others, or
 *   `assumedSize` when there is none;
 * - `@zohoBatch`: a list argument's items cost ⌈items ÷ size⌉ × weight; a field that hangs off
 *   many objects costs weight ÷ size for each (its loader serves `size` of them per call).
 *
 * The mutations' plans are their own workflows' (domain/link-plan.ts, zoho/limits.ts): one link or
 * unlink call per 20 emails of a contact, one read per email whose owner is not given (every email
 * for a move, and for an unlink with `expectedDealId`), one read of the target deal. `_entities`
 * prices each representation as its type's lookup field does.
 *
 * The result is an upper bound of what the operation will ask Zoho for, reached when every list
 * is full; read-backs and restores, which the truth of a result needs, are not in it.
 */
import { createRequire } from 'node:module';
import {
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import type { ComplexityEstimatorArgs, getComplexity as GetComplexity } from 'graphql-query-complexity';
import { planEmails, groupBy, type EmailRef } from '../domain/link-plan.ts';
import { LINK_MAX_ITEMS, UNLINK_MAX_IDS } from '../zoho/index.ts';
import { contactLookup } from './contact-lookup.ts';

export interface CallEstimate {
  /** Zoho calls, at most. */
  calls: number;
  /** `_entities` representations in the operation. */
  entities: number;
}

type DirectiveArgs = Record<string, unknown>;

/** The arguments of a directive on a schema element, read from its SDL. */
function directive(
  node: { astNode?: { directives?: readonly DirectiveNode[] } | null | undefined },
  name: string,
): DirectiveArgs | null {
  const d = node.astNode?.directives?.find((x) => x.name.value === name);
  if (!d) return null;
  return Object.fromEntries((d.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
}

// Loaded as CommonJS, as @apollo/subgraph loads graphql: the schema's types and the traversal's
// checks must come from one copy of graphql, or it refuses them as "from another realm".
const { getComplexity } = createRequire(import.meta.url)('graphql-query-complexity') as {
  getComplexity: typeof GetComplexity;
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** By its printed form: an instanceof check would depend on which copy of graphql built the type. */
function isList(t: GraphQLType): boolean {
  return String(t).startsWith('[');
}

/** The length of the field's list argument (`ids`), when it has one and it was given. */
function listArgumentLength(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number | null {
  const a = field.args.find((x: GraphQLArgument) => isList(x.type) && Array.isArray(args[x.name]));
  return a ? (args[a.name] as unknown[]).length : null;
}

const perContact = (emails: readonly { contactId: string }[], perCall: number): number =>
  [...groupBy(emails, (e) => e.contactId).values()].reduce((n, g) => n + Math.ceil(g.length / perCall), 0);

type Plan = (input: Record<string, unknown>) => number;

/** Each mutation's Zoho calls, from its input: the workflow's own plan. */
const MUTATION_PLANS: Record<string, Plan> = {
  linkEmailsToDeal: (input) => {
    const { emails } = planEmails(refsOf(input));
    return 1 + emails.filter((e) => e.ownerId === null).length + perContact(emails, LINK_MAX_ITEMS);
  },
  moveEmailsToDeal: (input) => {
    const { emails } = planEmails(refsOf(input));
    return 1 + emails.length + perContact(emails, LINK_MAX_ITEMS);
  },
  unlinkEmailsFromDeal: (input) => {
    const { emails } = planEmails(refsOf(input));
    const reads = input.expectedDealId != null ? emails.length : emails.filter((e) => e.ownerId === null).length;
    return reads + perContact(emails, UNLINK_MAX_IDS);
  },
};

function refsOf(input: Record<string, unknown>): EmailRef[] {
  return Array.isArray(input.emails) ? (input.emails as EmailRef[]).filter((e) => e && typeof e === 'object') : [];
}

/** The fields that read contact records, unless their selection needs only the emails. */
const CONTACT_LOOKUPS = new Set(['contact', 'contacts']);

/** Which field prices a reference to each entity type (`_entities`). */
const ENTITY_LOOKUPS: Record<string, [type: string, field: string]> = {
  Contact: ['Query', 'contacts'],
  Deal: ['Query', 'deals'],
  Email: ['Contact', 'email'],
};

export class CostModel {
  readonly #schema: GraphQLSchema;

  constructor(schema: GraphQLSchema) {
    this.#schema = schema;
  }

  estimate(document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string): CallEstimate {
    let entities = 0;
    const query = this.#schema.getQueryType();
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const d of document.definitions) if (d.kind === 'FragmentDefinition') fragments[d.name.value] = d;
    const estimator = (o: ComplexityEstimatorArgs): number => {
      if (o.field.name === '_entities' && Array.isArray(o.args.representations)) {
        const reps = o.args.representations as Array<{ __typename?: unknown }>;
        entities += reps.length;
        return this.#entities(reps) + reps.length * o.childComplexity;
      }
      if (o.type === this.#schema.getMutationType()) {
        const plan = MUTATION_PLANS[o.field.name];
        if (plan) return plan((o.args.input ?? {}) as Record<string, unknown>) + o.childComplexity;
      }
      // A contact asked for only with its emails is not read: its first page says whether it exists.
      if (o.type === query && CONTACT_LOOKUPS.has(o.field.name)) {
        const lookup = contactLookup({ fieldNodes: [o.node], fragments, variableValues: variables });
        if (lookup.by !== 'record') return this.#price(o.field, o.args, o.childComplexity, 0);
      }
      return this.#price(o.field, o.args, o.childComplexity);
    };
    const calls = getComplexity({
      schema: this.#schema,
      query: document,
      variables,
      ...(operationName ? { operationName } : {}),
      estimators: [estimator],
    });
    return { calls: Math.max(0, Math.ceil(calls - 1e-9)), entities };
  }

  /** `weight`: the field's own calls, when the selection says otherwise than its `@cost`. */
  #price(
    field: GraphQLField<unknown, unknown>,
    args: Record<string, unknown>,
    children: number,
    weight = num(directive(field, 'cost')?.weight) ?? 0,
  ): number {
    const listSize = directive(field, 'listSize');
    const batch = num(directive(field, 'zohoBatch')?.size);
    let extra = 0;
    for (const a of field.args) {
      if (args[a.name] !== undefined && args[a.name] !== null) extra += num(directive(a, 'cost')?.weight) ?? 0;
    }
    const assumed = num(listSize?.assumedSize);
    const slicing = Array.isArray(listSize?.slicingArguments) ? (listSize.slicingArguments as string[]) : null;
    if (slicing) {
      const size = Math.max(0, ...slicing.map((s) => num(args[s]) ?? 0)) || (assumed ?? 1);
      const pages = assumed ? Math.ceil((weight * size) / assumed) : weight;
      return pages + extra + size * children;
    }
    if (listSize) {
      const items = listArgumentLength(field, args) ?? assumed ?? 1;
      const own = batch ? weight * Math.ceil(items / batch) : weight * items;
      return own + extra + items * children;
    }
    return (batch ? weight / batch : weight) + extra + children;
  }

  #entities(reps: ReadonlyArray<{ __typename?: unknown }>): number {
    let calls = 0;
    const byType = groupBy(reps, (r) => String(r?.__typename ?? ''));
    for (const [typename, group] of byType) {
      const lookup = ENTITY_LOOKUPS[typename];
      const type = lookup ? this.#schema.getType(lookup[0]) : null;
      const field =
        type && 'getFields' in type
          ? (type.getFields() as Record<string, GraphQLField<unknown, unknown>>)[lookup![1]]
          : undefined;
      if (!field) continue;
      const weight = num(directive(field, 'cost')?.weight) ?? 0;
      const batch = num(directive(field, 'zohoBatch')?.size);
      calls += batch ? weight * Math.ceil(group.length / batch) : weight * group.length;
    }
    return calls;
  }
}
