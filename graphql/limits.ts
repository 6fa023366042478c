import "server-only";
import type { ApolloServerOptions } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { GraphQLContext } from "./builder";

// What one request may ask for, refused before any resolver runs. In the order they apply:
// - tokens (graphql's own parser, `maxTokens`): parsing stops at the limit, so a document the
//   size of the body limit costs no more to refuse than a small one, and every later check
//   (graphql's validation rules included) runs over a bounded document;
// - depth, aliases and directives (graphql-armor's validation rules);
// - root fields and cost (queryCostRule below; armor has no root-field limit, and its cost limit
//   has no per-field costs, multiplies only `first`/`last` given inline, and treats a list
//   without one as a single item).
// They are constants, not settings: they bound what one request may cost the server, and a
// client that needs more asks for it in pages or in several requests.

export const QUERY_LIMITS = {
  /**
   * Over ten times the largest query in docs/graders.md (about 80); graphql's standard
   * introspection query is about 200. At this size a document is refused in full validation
   * in a few milliseconds (bench/results/graphql-limits.json).
   */
  maxTokens: 1_000,
  /** The schema's deepest selection is 5 (searchSubmissions → nodes → result → perClass → f1). */
  maxDepth: 8,
  maxAliases: 15,
  maxRootFields: 10,
  maxDirectives: 20,
  /**
   * In units of about 1 µs of server time (FIELD_COSTS): a fifth of a second. A page of 100
   * submissions with every result field costs about 125,000; the page query in docs/graders.md
   * about 36,000, the leaderboard about 9,000, both CSVs 65,000.
   */
  maxCost: 200_000,
} as const;

export interface CostLimits {
  maxCost: number;
  maxRootFields: number;
}

// Costs are in units of about 1 µs of server time on the 2-core machine the project is built on,
// from `npm run bench:graphql-limits` (bench/results/graphql-limits.json lists µs per unit for
// each query measured): a scalar read from a loaded row costs 1, a database round trip about
// 1,000, re-scoring a result on the public half of the test set about 250. They are static, so
// each is the worst case over viewers (a student's results are re-scored, a grader's are not).

/** What a field costs on top of 1. Root fields check access and query the database. */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  "Query.me": 300,
  "Query.classes": 1_000,
  "Query.class": 1_500,
  "Query.submission": 3_000,
  "Query.submissions": 3_000,
  "Query.quota": 2_000,
  "Query.leaderboard": 3_000,
  "Query.leaderboardCsv": 15_000,
  /** Every submission of the class: a large class has thousands. */
  "Query.resultsCsv": 50_000,
  "Query.roster": 3_000,
  "Query.removedMembers": 3_000,
  /** The access check and the Worker table. */
  "Query.workers": 2_000,
  "Query.searchSubmissions": 3_000,
  "Query.predictionExamples": 2_000,
  "Query.apiTokens": 1_000,
  /** One statement, at most 50 rows. */
  "Query.notices": 1_500,
  /** The access check and the rows (one statement each, whatever the count), the public-half
   * re-scores (up to 4, about 250 each) and the diffs (up to 3 pairs of a few hundred layers). */
  "Query.compareSubmissions": 5_000,
  "Mutation.createClass": 3_000,
  "Mutation.joinClass": 3_000,
  /** The trainer's parser and limits, the quota under a lock, the row and its job. */
  "Mutation.submit": 5_000,
  "Mutation.cancelSubmission": 3_000,
  /** The access check, then the count and deadline under a lock, the update and the submission read back. */
  "Mutation.selectFinal": 5_000,
  /** Like submit: the reset and a new job in one transaction. */
  "Mutation.retrainSubmission": 5_000,
  "Mutation.rescoreSubmission": 5_000,
  /** The access check, the model's presence, the request and its job. */
  "Mutation.reevaluateSubmission": 3_000,
  "Mutation.updateClassSettings": 3_000,
  "Mutation.revealPrivateLeaderboard": 3_000,
  "Mutation.setMemberRole": 3_000,
  "Mutation.removeMember": 3_000,
  "Mutation.readmitMember": 3_000,
  "Mutation.rotateJoinCode": 3_000,
  "Mutation.createApiToken": 3_000,
  "Mutation.revokeApiToken": 3_000,
  "Mutation.markNoticesRead": 1_500,
  "Submission.result": 10,
  /** 100 counts. */
  "Result.confusionMatrix": 100,
  /** JSON of up to 256 KiB (architectures) or one record per epoch (history). */
  "Submission.architecture": 50,
  "LeaderboardRow.architecture": 50,
  "Submission.training": 10,
  /** One statement per request for every active submission in the answer (the whole queue,
   * planned in memory), so each costs little beyond the first. */
  "Submission.queuePosition": 50,
  "Submission.etaSeconds": 50,
  "Result.history": 50,
  /** Up to 200 test-image indices. */
  "PredictionExamples.indices": 200,
  /** Class analytics: the access check, then one statement per view selected. */
  "Query.classAnalytics": 1_500,
  /** Every succeeded run of the class: 4,000 rows for 200 students × 20, about 40 ms of service time. */
  "ClassAnalytics.points": 30_000,
  /** A sort of the points, which one request reads once however many fronts and `points` share them. */
  "ClassAnalytics.paretoFront": 10_000,
  "ClassAnalytics.byDay": 10_000,
  /** On the public half: each author's latest predictions recounted (200 × 5,000 images), about 20–30 ms. */
  "ClassAnalytics.confusedPairs": 25_000,
};

/** What each object of a type costs, whichever of its fields are selected. */
export const TYPE_COSTS: Readonly<Record<string, number>> = {
  /** Its row and result are loaded, and a student's result re-scored on the public half. */
  Submission: 300,
  Class: 200,
  LeaderboardRow: 20,
  /** Its row and result are loaded (the root field's one statement), and a student's re-scored. */
  ComparedSubmission: 300,
  RosterMember: 10,
};

/** How many items a list without a page-size argument holds at most (or, for boards, typically). */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  "Query.submissions": 100,
  "Query.leaderboard": 200,
  "Query.roster": 200,
  "Query.removedMembers": 200,
  "Query.workers": 20,
  "Query.classes": 20,
  "Query.apiTokens": 20,
  "Result.perClass": 10,
  "Result.epochHistory": 100,
  "TrainingProgress.history": 100,
  "Comparison.submissions": 4,
  "Comparison.pairs": 3,
  "ComparisonPair.layers": 50,
  "Comparison.training": 12,
  "ClassAnalytics.points": 4_000,
  "ClassAnalytics.paretoFront": 50,
  "ClassAnalytics.byDay": 90,
};

/** A list whose size neither a page argument nor LIST_SIZES gives. */
const DEFAULT_LIST_SIZE = 10;
/** The services' page-size cap, for a page size given as a variable (validation can't see its value). */
const MAX_PAGE_SIZE = 100;
const PAGE_ARGS = new Set(["first", "limit"]);

/** What one operation asks for, as the limits count it. */
export interface OperationSize {
  cost: number;
  rootFields: number;
}

/**
 * Cost and root fields of the operations in a document. Cost: every field costs 1 plus
 * FIELD_COSTS, plus TYPE_COSTS and what is selected under it for each object it returns; a list
 * returns as many as the page size asked for (`first` / `limit`, on the list or on the
 * connection around it), else LIST_SIZES says, else 10.
 * Root fields are counted through fragments, `__typename` and other meta fields excluded.
 */
export function operationSizer(
  schema: GraphQLSchema,
  document: DocumentNode,
): (operation: OperationDefinitionNode) => OperationSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  // A fragment's cost depends only on the page size handed down to it, so each is measured
  // once per page size: fragments spread inside fragments can't make this exponential.
  const fragmentCosts = new Map<string, number>();

  function pageArg(field: FieldNode): number | undefined {
    for (const arg of field.arguments ?? []) {
      if (PAGE_ARGS.has(arg.name.value)) {
        return arg.value.kind === Kind.INT ? Number(arg.value.value) : MAX_PAGE_SIZE;
      }
    }
    return undefined;
  }

  /**
   * The cost of a selection set under `type`; `expanding` stops fragment cycles (which
   * validation reports). `page` is a page size asked for on an enclosing non-list field (a
   * connection's `first`), which applies to the first list below it (its `nodes`).
   */
  function measure(
    set: SelectionSetNode | undefined,
    type: GraphQLNamedType | undefined,
    expanding: ReadonlySet<string>,
    page?: number,
  ): number {
    if (!set) return 0;
    const fields = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith("__")) continue;
        const field = fields[sel.name.value];
        const key = `${type?.name}.${sel.name.value}`;
        const isList = field !== undefined && isListType(getNullableType(field.type));
        const own = pageArg(sel);
        const multiplier = isList ? (own ?? page ?? LIST_SIZES[key] ?? DEFAULT_LIST_SIZE) : 1;
        const named = field && getNamedType(field.type);
        const below = measure(sel.selectionSet, named, expanding, isList ? undefined : (own ?? page));
        cost += 1 + (FIELD_COSTS[key] ?? 0) + multiplier * ((named ? (TYPE_COSTS[named.name] ?? 0) : 0) + below);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        cost += measure(sel.selectionSet, on ?? undefined, expanding, page);
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || expanding.has(name)) continue;
        const memo = `${name}|${page ?? ""}`;
        let fragmentCost = fragmentCosts.get(memo);
        if (fragmentCost === undefined) {
          const on = schema.getType(fragment.typeCondition.name.value) ?? undefined;
          fragmentCost = measure(fragment.selectionSet, on, new Set([...expanding, name]), page);
          fragmentCosts.set(memo, fragmentCost);
        }
        cost += fragmentCost;
      }
    }
    return cost;
  }

  const fragmentRoots = new Map<string, number>();
  function rootFields(set: SelectionSetNode, expanding: ReadonlySet<string>): number {
    let count = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) count += sel.name.value.startsWith("__") ? 0 : 1;
      else if (sel.kind === Kind.INLINE_FRAGMENT) count += rootFields(sel.selectionSet, expanding);
      else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || expanding.has(name)) continue;
        let roots = fragmentRoots.get(name);
        if (roots === undefined) {
          roots = rootFields(fragment.selectionSet, new Set([...expanding, name]));
          fragmentRoots.set(name, roots);
        }
        count += roots;
      }
    }
    return count;
  }

  return (operation) => ({
    cost: measure(operation.selectionSet, rootType(schema, operation.operation), new Set()),
    rootFields: rootFields(operation.selectionSet, new Set()),
  });
}

/** Root fields and cost (operationSizer), as a validation rule. */
export function queryCostRule(limits: CostLimits = QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext) => {
    const sizeOf = operationSizer(context.getSchema(), context.getDocument());
    return {
      OperationDefinition(node) {
        const { cost, rootFields } = sizeOf(node);
        if (rootFields > limits.maxRootFields) {
          context.reportError(
            new GraphQLError(
              `Too many root fields: ${rootFields}, at most ${limits.maxRootFields} allowed. Split the query into several requests.`,
              { nodes: [node] },
            ),
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

function rootType(schema: GraphQLSchema, operation: "query" | "mutation" | "subscription") {
  const type =
    operation === "query"
      ? schema.getQueryType()
      : operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return type ?? undefined;
}

/**
 * armor reports a refusal as "Syntax Error: …"; these are limits, not syntax, so the prefix goes.
 * Reported (not thrown) so every limit a query breaks is listed in one answer.
 */
function reportLimit(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(`${error.message.replace(/^Syntax Error: /, "")}`));
}

/** The parse options and validation rules that enforce QUERY_LIMITS, for the Apollo server. */
export function queryLimits(): Pick<ApolloServerOptions<GraphQLContext>, "parseOptions" | "validationRules"> {
  const armored = { onReject: [reportLimit], propagateOnRejection: false };
  const { validationRules } = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ...armored },
    maxAliases: { n: QUERY_LIMITS.maxAliases, ...armored },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...armored },
    // Replaced by queryCostRule (see the top of this file).
    costLimit: { enabled: false },
    // Replaced by graphql's own `maxTokens`: armor's Apollo plugin parses the document a second
    // time, and its refusal is answered with HTTP 500.
    maxTokens: { enabled: false },
    // The schema is public (introspection is on, docs/graders.md points at it): hiding
    // "Did you mean …?" would protect nothing and make mistakes harder to fix.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const parseOptions: ParseOptions = { maxTokens: QUERY_LIMITS.maxTokens };
  return { parseOptions, validationRules: [...validationRules, queryCostRule()] };
}
