import { startServerAndCreateNextHandler } from "@as-integrations/next";
import type { NextRequest } from "next/server";
import type { GraphQLContext } from "@/graphql/builder";
import { createContext } from "@/graphql/context";
import { createApolloServer } from "@/graphql/server";
import { limitBody } from "@/lib/server/body-limit";

const handler = startServerAndCreateNextHandler<NextRequest, GraphQLContext>(createApolloServer(), {
  context: (request) => createContext(request),
});

// Wrapper functions rather than `export { handler as GET }`: Next 16's route type-check
// rejects the integration's overloaded handler type.
export async function GET(request: NextRequest): Promise<Response> {
  return handler(request);
}

export async function POST(request: NextRequest): Promise<Response> {
  const limited = await limitBody(request);
  return limited instanceof Response ? limited : handler(limited);
}
