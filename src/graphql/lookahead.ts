/**
 * What a field's selection asks for, read before it resolves, so that a resolver makes only the
 * Zoho calls its children need (`contact(id:) { emails }` needs no read of the contact record).
 * Fragments and inline fragments count whatever their type condition (a field they might select
 * is treated as selected: at worst one call too many); `@skip` and `@include` are honoured.
 */
import { Kind, valueFromASTUntyped, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function included(
  node: { directives?: readonly { name: { value: string }; arguments?: readonly unknown[] }[] },
  variables: Record<string, unknown>,
): boolean {
  for (const d of node.directives ?? []) {
    const name = d.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = (
      d.arguments as Array<{ name: { value: string }; value: Parameters<typeof valueFromASTUntyped>[0] }>
    )?.find((a) => a.name.value === 'if');
    const value = arg ? valueFromASTUntyped(arg.value, variables) === true : false;
    if ((name === 'skip' && value) || (name === 'include' && !value)) return false;
  }
  return true;
}

/** What the look-ahead reads of a resolver's info: the estimate before execution has the same. */
export type Selection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>;

/** The fields selected under this field, by name (several aliases of one field together). */
export function selectedFields(info: Selection): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const variables = info.variableValues;
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (!included(s, variables)) continue;
      if (s.kind === Kind.FIELD) {
        const list = out.get(s.name.value);
        if (list) list.push(s);
        else out.set(s.name.value, [s]);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        walk(s.selectionSet);
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk(info.fragments[s.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return out;
}

/** An argument of a selected field, with the request's variables: undefined when not given. */
export function argumentOf(node: FieldNode, name: string, info: Selection): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, info.variableValues) : undefined;
}
