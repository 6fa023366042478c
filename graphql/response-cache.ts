import "server-only";
import { type ApolloServerPlugin, type GraphQLRequestContextResponseForOperation, HeaderMap } from "@apollo/server";
import { type FormattedExecutionResult, getArgumentValues, getVariableValues, Kind } from "graphql";
import { LRUCache } from "lru-cache";
import { type ClassAccess, requireClassAccess, visibilityKey } from "@/lib/server/access";
import { AppError } from "@/lib/server/errors";
import { leaderboardCacheEnabled } from "@/lib/server/services/leaderboard";
import { storedBodyResponse } from "@/lib/server/stored-body";
import type { Viewer } from "@/lib/server/viewer";
import type { BoardRead, GraphQLContext } from "./builder";

// Whole GraphQL answers to leaderboard queries, shared between viewers who may see the same
// thing. Executing a 200-row board (2,400 fields) and its access check cost more than the rest
// of a request; a class page or a grader's script asks for the same board again and again.
//
// Correctness rests on three things:
// - An answer is looked up only after this request's own access check (requireClassAccess, read
//   fresh from the database: revoked tokens, role changes, reveals apply to the next request) and
//   under what that check allows: (class, board version, private scores?, architectures?, query
//   text, operation name, variables). A leaderboard row holds nothing else viewer-dependent.
// - An answer is stored under the access its resolver actually read it with (context.boardsRead),
//   not the one looked up with, so a role change or reveal between the two cannot file an
//   answer under the wrong visibility.
// - The board version is bumped by database triggers in the transaction of any change to the
//   board (prisma/migrations/…_board_version), whichever process commits it, so old answers are
//   never served once a change is visible.
// Only operations whose every root field is `leaderboard` are cached, and only answers without
// errors. CATWALK_LEADERBOARD_CACHE=0 turns it off.

interface Entry {
  result: FormattedExecutionResult;
  /** The HTTP body, UTF-8 encoded once when stored, for the fast path (answerFromCache). */
  body: Uint8Array;
  /** The body and the parsed answer: a bound on what the entry holds, not a measure. */
  bytes: number;
}

// Keys carry the board version, so an answer is only ever served for the exact board it was read
// from; answers for older versions are never asked for again and age out of the LRU.
const answers = new LRUCache<string, Entry>({
  max: 4096,
  maxSize: 32 * 1024 * 1024,
  sizeCalculation: (entry) => entry.bytes,
});

/**
 * The HTTP body of each cached answer, serialised once when stored (keyed by its `data`, which
 * Apollo passes through unchanged): re-serialising a 200-row board on every hit cost about as
 * much as the rest of the hit.
 */
const serialized = new WeakMap<object, string>();

/** Apollo's `stringifyResult`: the stored body for a cached answer, else what Apollo would write. */
export function stringifyResult(value: FormattedExecutionResult): string {
  if (value.data && !value.errors && !value.extensions) {
    const body = serialized.get(value.data);
    if (body !== undefined) return body;
  }
  return `${JSON.stringify(value)}\n`;
}

/** Counters for tests and diagnostics. */
export const responseCacheStats = { hits: 0, fastHits: 0, misses: 0, stores: 0 };

function entryKey(read: BoardRead, request: string): string {
  return `${read.classId}|${read.boardVersion}|${visibilityKey(read.can)}|${request}`;
}

function lookup(read: BoardRead, request: string): FormattedExecutionResult | undefined {
  return answers.get(entryKey(read, request))?.result;
}

function store(read: BoardRead, request: string, result: FormattedExecutionResult): void {
  if (!result.data || result.errors || result.extensions) return;
  const body = `${JSON.stringify({ data: result.data })}\n`;
  const encoded = new TextEncoder().encode(body);
  const bytes = body.length * 4 + encoded.byteLength;
  // One answer may not crowd out the rest.
  if (bytes > answers.maxSize / 4) return;
  serialized.set(result.data, body);
  answers.set(entryKey(read, request), { result, body: encoded, bytes });
  responseCacheStats.stores++;
}

/**
 * The class slug of a leaderboard-only query operation, and the request's identity (query,
 * operation, coerced variables); null for anything else, or for variables that don't coerce
 * (execution reports those).
 */
function leaderboardRequest(
  ctx: GraphQLRequestContextResponseForOperation<GraphQLContext>,
): { slug: string; request: string } | null {
  const { operation, schema } = ctx;
  // Apollo's types promise an operation here, but it calls this hook without one when the
  // document's operation could not be chosen (several, and no `operationName`).
  if (operation?.operation !== "query") return null;
  const field = schema.getQueryType()?.getFields().leaderboard;
  if (!field) return null;
  const selections = operation.selectionSet.selections;
  if (!selections.length || selections.some((s) => s.kind !== Kind.FIELD || s.name.value !== "leaderboard"))
    return null;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], ctx.request.variables ?? {});
  if (variables.errors) return null;
  let slug: string | undefined;
  for (const selection of selections) {
    if (selection.kind !== Kind.FIELD) return null;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, selection, variables.coerced);
    } catch {
      return null;
    }
    const classSlug = args.classSlug;
    if (typeof classSlug !== "string" || (slug !== undefined && slug !== classSlug)) return null;
    slug = classSlug;
  }
  if (slug === undefined) return null;
  return { slug, request: `${ctx.queryHash}|${ctx.operationName ?? ""}|${JSON.stringify(variables.coerced)}` };
}

/**
 * Request bodies, exactly as sent, that Apollo has already taken through parsing, validation and
 * the request checks (all of which depend on the text alone) to a leaderboard-only operation:
 * their class and identity. A poller sends the same bytes every time.
 */
const knownBodies = new LRUCache<string, { slug: string; request: string }>({ max: 1024 });

/** Apollo's headers on a cached answer, as the plugins above leave them. */
const HIT_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "private, no-store" };

/**
 * The fast path, run before Apollo: a body Apollo has seen as a leaderboard query, whose answer
 * is cached for what this viewer may see, is answered with the stored bytes. The access check
 * is the same one, for this request's viewer. Anything else — an unknown body, a viewer or access
 * refused, no answer cached — returns null and goes through Apollo as usual, which gives refusals
 * their usual errors. On a 200-row board this skips about a third of the request's CPU (Apollo's
 * pipeline and re-encoding the body; bench/README.md).
 */
export async function answerFromCache(bodyText: string, viewer: () => Promise<Viewer>): Promise<Response | null> {
  if (!leaderboardCacheEnabled()) return null;
  const target = knownBodies.get(bodyText);
  if (!target) return null;
  let access: ClassAccess;
  try {
    access = await requireClassAccess(await viewer(), { slug: target.slug });
  } catch {
    return null;
  }
  const hit = answers.get(entryKey(access, target.request));
  if (!hit) return null;
  responseCacheStats.hits++;
  responseCacheStats.fastHits++;
  return storedBodyResponse(hit.body, HIT_HEADERS);
}

export function leaderboardResponseCache(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let request: string | undefined;
      return {
        async responseForOperation(ctx) {
          if (!leaderboardCacheEnabled()) return null;
          const target = leaderboardRequest(ctx);
          if (!target) return null;
          let access: ClassAccess;
          try {
            access = await requireClassAccess(ctx.contextValue.viewer, { slug: target.slug });
          } catch (error) {
            // Refused: execution runs the same check and reports it the usual way.
            if (error instanceof AppError) return null;
            throw error;
          }
          request = target.request;
          const { bodyText } = ctx.contextValue;
          if (bodyText !== undefined) knownBodies.set(bodyText, target);
          const hit = lookup(access, request);
          if (!hit) {
            responseCacheStats.misses++;
            return null;
          }
          responseCacheStats.hits++;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: "single", singleResult: hit } };
        },
        async willSendResponse(ctx) {
          if (request === undefined || ctx.response.body.kind !== "single") return;
          const { singleResult } = ctx.response.body;
          const reads = ctx.contextValue.boardsRead ?? [];
          // A hit has no reads; a miss is stored only when one access covered every field.
          if (!reads.length || singleResult.errors?.length || !singleResult.data) return;
          const [first] = reads;
          const same = reads.every(
            (r) =>
              r.classId === first!.classId &&
              r.boardVersion === first!.boardVersion &&
              visibilityKey(r.can) === visibilityKey(first!.can),
          );
          if (same) store(first!, request, singleResult);
        },
      };
    },
  };
}
