import "server-only";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLContext } from "./builder";
import { formatError, unavailableStatus } from "./errors";
import { queryLimits } from "./limits";
import { requestChecks } from "./request-checks";
import { leaderboardResponseCache, stringifyResult } from "./response-cache";
import { schema } from "./schema";

/**
 * Every answer depends on who asks, so none may be stored by a browser or proxy. Apollo's
 * cache-control plugin would say the same (no-store, as no field sets a hint), but it runs a
 * hook on every resolved field to compute that: on a 200-row leaderboard (2,400 fields) it was
 * about half of GraphQL execution time. We set the header ourselves instead.
 */
const noStore: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set("cache-control", "private, no-store");
      },
    };
  },
};

export function createApolloServer(): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    // CSRF prevention stays on (the default): browsers can't send a JSON POST or a
    // preflight-requiring GET cross-site without CORS, so cookie-authenticated queries are safe.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    ...queryLimits(),
    introspection: true,
    // requestChecks refuses in didResolveOperation, which Apollo runs for every plugin before
    // any plugin's responseForOperation (the cache's), so a refused request is never answered.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads its explorer from Apollo's CDN: third-party scripts on our
      // origin, which the CSP blocks anyway. Scripts use POST; the schema is graphql/schema.graphql.
      ApolloServerPluginLandingPageDisabled(),
      noStore,
      unavailableStatus(),
      requestChecks(),
      leaderboardResponseCache(),
    ],
    stringifyResult,
  });
}
