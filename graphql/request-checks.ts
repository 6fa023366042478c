import "server-only";
import type { ApolloServerPlugin } from "@apollo/server";
import {
  type ArgumentNode,
  BREAK,
  type DocumentNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type ValueNode,
  visit,
} from "graphql";
import { type AppError, badInput } from "@/lib/server/errors";
import { findUnsafe, NUL_MESSAGE } from "@/lib/server/input";
import type { GraphQLContext } from "./builder";
import { requestError } from "./errors";

// Checks made once per request after validation and before any resolver runs, for what neither
// graphql nor Apollo reports as the client's mistake:
// - which operation to run, when the document has several and `operationName` doesn't say;
// - NUL characters (\u0000) in any argument, inline or in variables, at any depth: PostgreSQL
//   refuses them in text and jsonb, which would otherwise surface as an internal error.

/** Where an argument is, for messages: `argument "slug" of "class"`. */
interface ArgumentSite {
  field: string;
  argument: string;
}

function siteName(site: ArgumentSite): string {
  return `argument "${site.argument}" of "${site.field}"`;
}

function dotted(path: (string | number)[]): string {
  return path.map(String).join(".");
}

function operationNotChosen(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const names = operations.slice(0, 10).map((o) => (o.name ? `"${o.name.value}"` : "an anonymous one"));
  const listed = `${names.join(", ")}${operations.length > names.length ? ", …" : ""}`;
  const message =
    operationName == null
      ? `This document has ${operations.length} operations (${listed}): pass \`operationName\` to choose the one to run.`
      : `This document has no operation named "${operationName}"; it has ${listed}.`;
  return new GraphQLError(message, { extensions: { code: "OPERATION_RESOLUTION_FAILURE", http: { status: 400 } } });
}

/** The first NUL in an inline value, by its path inside the argument, or null. */
function nulInLiteral(node: ValueNode, path: (string | number)[] = []): (string | number)[] | null {
  switch (node.kind) {
    case Kind.STRING:
      return node.value.includes("\0") ? path : null;
    case Kind.LIST:
      for (const [i, item] of node.values.entries()) {
        const found = nulInLiteral(item, [...path, i]);
        if (found) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const found = nulInLiteral(field.value, [...path, field.name.value]);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

/** Variables named anywhere inside an argument's value (`{ layers: $l }` included). */
function variablesIn(node: ValueNode, out: string[] = []): string[] {
  if (node.kind === Kind.VARIABLE) out.push(node.name.value);
  else if (node.kind === Kind.LIST) for (const item of node.values) variablesIn(item, out);
  else if (node.kind === Kind.OBJECT) for (const field of node.fields) variablesIn(field.value, out);
  return out;
}

/** The first NUL in the operation's arguments, inline or in its variables, as the client's error. */
function nulInArguments(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): AppError | null {
  // The first argument each variable feeds, to name it in the message.
  const feeds = new Map<string, ArgumentSite>();
  const fields: string[] = [];
  let found: AppError | null = null;
  const checkArgument = (arg: ArgumentNode) => {
    const site = { field: fields.at(-1) ?? "?", argument: arg.name.value };
    const at = nulInLiteral(arg.value);
    if (at) {
      const where = at.length ? `, at ${dotted(at)}` : "";
      found = badInput(`The ${siteName(site)}${where}: ${NUL_MESSAGE}`, [
        { path: dotted([site.argument, ...at]), message: NUL_MESSAGE },
      ]);
      return BREAK;
    }
    for (const name of variablesIn(arg.value)) if (!feeds.has(name)) feeds.set(name, site);
    return undefined;
  };
  // The operation and every fragment (validation has checked that each one is used).
  for (const definition of [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)]) {
    visit(definition, {
      Field: { enter: (node) => void fields.push(node.name.value), leave: () => void fields.pop() },
      Directive: { enter: (node) => void fields.push(`@${node.name.value}`), leave: () => void fields.pop() },
      Argument: checkArgument,
    });
    if (found) return found;
  }
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const value = definition.defaultValue;
    const spot = Object.hasOwn(variables, name)
      ? findUnsafe(variables[name], { nul: true, keys: false })?.path
      : value && nulInLiteral(value);
    if (!spot) continue;
    const site = feeds.get(name);
    const where = spot.length ? `, at ${dotted(spot)}` : "";
    return badInput(`Variable "$${name}"${site ? ` (${siteName(site)})` : ""}${where}: ${NUL_MESSAGE}`, [
      { path: dotted([site?.argument ?? `$${name}`, ...spot]), message: NUL_MESSAGE },
    ]);
  }
  return null;
}

export function requestChecks(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(ctx) {
          // Apollo calls this hook even when no operation was resolved; execution would then
          // fail with a message that doesn't name the request field to set.
          if (!ctx.operation) throw operationNotChosen(ctx.document, ctx.request.operationName);
          const nul = nulInArguments(ctx.document, ctx.operation, ctx.request.variables);
          if (nul) throw requestError(nul);
        },
      };
    },
  };
}
