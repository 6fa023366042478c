import "server-only";
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLOutputType,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

// Query depth and cost limits as one validation rule, so an abusive query is refused before any
// resolver runs. Cost: every field costs 1, and a field returning a list multiplies what is
// selected under it by the page size asked for (`first` / `limit`, on the list or on the
// connection around it; 100, the cap, when it is a variable) or else by `assumedListSize`. The schema has no cycles deeper than Submission → Person, so
// depth mostly guards against fragments and aliases used to multiply work.

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Cost multiplier for a list field that has no page-size argument. */
  assumedListSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 8, maxCost: 20_000, assumedListSize: 10 };

const PAGE_ARGS = new Set(["first", "limit"]);

export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }

    // Validation runs before variables are known: a page size given as a variable counts as the
    // assumed size, which is no smaller than the services' page-size caps.
    function pageArg(field: FieldNode): number | undefined {
      for (const arg of field.arguments ?? []) {
        if (PAGE_ARGS.has(arg.name.value)) {
          return arg.value.kind === Kind.INT ? Number(arg.value.value) : Math.max(limits.assumedListSize, 100);
        }
      }
      return undefined;
    }

    /**
     * Returns [cost, depth] of a selection set under `type`; `seen` stops fragment cycles. `page`
     * is a page size asked for on an enclosing non-list field (a connection's `first`), which
     * applies to the first list below it (its `nodes`).
     */
    function measure(
      set: SelectionSetNode | undefined,
      type: GraphQLOutputType | null,
      depth: number,
      seen: Set<string>,
      page?: number,
    ): [number, number] {
      if (!set) return [0, depth];
      const named = type ? getNamedType(type) : null;
      const fields = named && (isObjectType(named) || isInterfaceType(named)) ? named.getFields() : {};
      let cost = 0;
      let maxDepth = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith("__")) continue;
          const fieldType = fields[sel.name.value]?.type ?? null;
          const isList = fieldType !== null && isListType(getNullableType(fieldType));
          const own = pageArg(sel);
          const multiplier = isList ? (own ?? page ?? limits.assumedListSize) : 1;
          const [childCost, childDepth] = measure(
            sel.selectionSet,
            fieldType,
            depth + 1,
            seen,
            isList ? undefined : (own ?? page),
          );
          cost += 1 + multiplier * childCost;
          maxDepth = Math.max(maxDepth, childDepth);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const [c, d] = measure(sel.selectionSet, type, depth, seen, page);
          cost += c;
          maxDepth = Math.max(maxDepth, d);
        } else {
          const name = sel.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seen.has(name)) continue;
          const [c, d] = measure(fragment.selectionSet, type, depth, new Set([...seen, name]), page);
          cost += c;
          maxDepth = Math.max(maxDepth, d);
        }
      }
      return [cost, maxDepth];
    }

    return {
      OperationDefinition(node) {
        const schema = context.getSchema();
        const root =
          node.operation === "query"
            ? schema.getQueryType()
            : node.operation === "mutation"
              ? schema.getMutationType()
              : schema.getSubscriptionType();
        const [cost, depth] = measure(node.selectionSet, root ?? null, 0, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`Query is too deep: depth ${depth}, at most ${limits.maxDepth} allowed.`, {
              nodes: [node],
            }),
          );
        }
        if (cost > limits.maxCost) {
          context.reportError(
            new GraphQLError(
              `Query is too expensive: cost ${cost}, at most ${limits.maxCost} allowed. Ask for fewer fields or smaller pages.`,
              { nodes: [node] },
            ),
          );
        }
      },
    };
  };
}
