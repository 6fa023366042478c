import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import type { GraphQLContext } from "@/graphql/builder";
import { createApolloServer } from "@/graphql/server";
import { registerUser } from "@/lib/server/services/users";
import { anonymous, type Viewer } from "@/lib/server/viewer";

export async function makeUser(name = "Test User"): Promise<{ id: string; email: string; password: string; viewer: Viewer }> {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}.${randomUUID().slice(0, 8)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const user = await registerUser({ email, name, password });
  return { id: user.id, email, password, viewer: { kind: "user", via: "session", userId: user.id } };
}

let server: ApolloServer<GraphQLContext> | undefined;

export interface GqlResult<T = Record<string, any>> {
  data: T | null | undefined;
  errors: Array<{ message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }> | undefined;
}

/** Runs an operation through the real Apollo server, schema, services and database. */
export async function gql<T = Record<string, any>>(
  viewer: Viewer | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  server ??= createApolloServer();
  const response = await server.executeOperation<T>(
    { query, variables },
    { contextValue: { viewer: viewer ?? anonymous } },
  );
  if (response.body.kind !== "single") throw new Error("Expected a single result");
  const { data, errors } = response.body.singleResult;
  return { data, errors: errors as GqlResult["errors"] };
}

export function errorCode(result: GqlResult): unknown {
  return result.errors?.[0]?.extensions?.code;
}
