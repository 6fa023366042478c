import { ApolloServer } from "@apollo/server";
import type { GraphQLContext } from "./builder";
import { formatError } from "./errors";
import { queryLimitsRule } from "./limits";
import { schema } from "./schema";

export function createApolloServer(): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    // CSRF prevention stays on (the default): browsers can't send a JSON POST or a
    // preflight-requiring GET cross-site without CORS, so cookie-authenticated queries are safe.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    validationRules: [queryLimitsRule()],
    introspection: true,
  });
}
