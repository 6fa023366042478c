import { expect, test } from "@playwright/test";

// The GraphQL endpoint's refusals under `next start` (its own HTTP server in front of the route
// handler), as a script sees them: each a 4xx with a GraphQL-style JSON body. The cases in full
// are tests/graphql/request-shape.test.ts and query-limits.test.ts.

test("malformed bodies, content types and abusive queries are 4xx with a GraphQL-style body", async ({ request }) => {
  // A Buffer goes as it is (a string would be JSON-encoded once more).
  const post = (data: string, contentType = "application/json") =>
    request.post("/api/graphql", { data: Buffer.from(data), headers: { "content-type": contentType } });

  const truncated = await post('{"query": ');
  expect(truncated.status()).toBe(400);
  expect((await truncated.json()).errors[0]).toMatchObject({
    message: expect.stringMatching(/^The request body is not valid JSON/),
    extensions: { code: "BAD_REQUEST" },
  });

  expect((await post('{"query": "{ __typename }"}', "text/plain")).status()).toBe(415);
  const charset = await post('{"query": "{ __typename }"}', "application/json; charset=utf-8");
  expect(await charset.json()).toEqual({ data: { __typename: "Query" } });

  const twoOperations = await post(JSON.stringify({ query: "query A { __typename } query B { __typename }" }));
  expect(twoOperations.status()).toBe(400);
  expect((await twoOperations.json()).errors[0].message).toContain("pass `operationName`");

  const aliases = Array.from({ length: 2000 }, (_, i) => `a${i}: submission(id: "x") { result { confusionMatrix } }`);
  const abusive = await post(JSON.stringify({ query: `{ ${aliases.join(" ")} }` }));
  expect(abusive.status()).toBe(400);
  expect((await abusive.json()).errors[0]).toMatchObject({
    message: expect.stringContaining("at most 1000 tokens"),
    extensions: { code: "GRAPHQL_PARSE_FAILED" },
  });
});
