import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/graphql/route";
import { MAX_BODY_BYTES } from "@/lib/server/body-limit";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { createClassAs, discardQueuedWork, tokenViewer } from "../helpers/grading";

async function postRaw(body: string, headers: Record<string, string> = {}) {
  const response = await POST(
    new NextRequest("http://127.0.0.1:3000/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    }),
  );
  return { status: response.status, json: (await response.json()) as any };
}

afterAll(discardQueuedWork);

describe("query limits and request size", () => {
  let slug: string;
  let owner: Awaited<ReturnType<typeof makeUser>>;
  // Requests without a Bearer token read the session cookie through Next's request scope, which
  // only exists inside Next; the route-level tests here authenticate with a token instead.
  let bearer: Record<string, string>;
  beforeAll(async () => {
    owner = await makeUser("Limits Owner");
    ({ slug } = await createClassAs(owner.viewer, "Limits"));
    bearer = { authorization: `Bearer ${(await tokenViewer(owner.viewer, { name: "limits" })).secret}` };
  });

  it("accepts the queries the docs show", async () => {
    const res = await gql(
      owner.viewer,
      `query($s: String!) {
      leaderboard(classSlug: $s) { rank submissionName student { id name } publicAccuracy privateAccuracy paramCount }
      searchSubmissions(classSlug: $s, first: 100) { nodes { id status author { name } result { testAccuracy confusionMatrix perClass { f1 } epochHistory { epoch } } } }
    }`,
      { s: slug },
    );
    expect(res.errors).toBeUndefined();
  });

  it("refuses a query that multiplies work through aliases, before running it", async () => {
    // More in query-limits.test.ts.
    const aliases = Array.from(
      { length: 16 },
      (_, i) =>
        `a${i}: searchSubmissions(classSlug: $s, first: 100) { nodes { id result { perClass { f1 precision recall } } } }`,
    ).join("\n");
    const res = await gql(owner.viewer, `query($s: String!) { ${aliases} }`, { s: slug });
    expect(errorCode(res)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.errors!.map((e) => e.message)).toEqual([
      "Aliases limit of 15 exceeded, found 16.",
      expect.stringMatching(/^Too many root fields: 16, at most 10 allowed/),
      expect.stringMatching(/^Query is too expensive: cost \d+, at most 200000 allowed/),
    ]);
  });

  it("refuses an oversized request body with 413, declared or streamed", async () => {
    const big = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(MAX_BODY_BYTES) } });
    const declared = await postRaw(big, { "content-length": String(Buffer.byteLength(big)) });
    expect(declared.status).toBe(413);
    const streamed = await POST(
      new NextRequest("http://127.0.0.1:3000/api/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
            controller.close();
          },
        }),
        // Node's fetch needs `duplex` for a streamed body.
        duplex: "half",
      } as ConstructorParameters<typeof NextRequest>[1]),
    );
    expect(streamed.status).toBe(413);
    const fine = await postRaw(JSON.stringify({ query: "{ __typename }" }), bearer);
    expect(fine).toEqual({ status: 200, json: { data: { __typename: "Query" } } });
  });

  it("masks internal errors in responses", async () => {
    const res = await postRaw(JSON.stringify({ query: "{ class(slug: 5) { id } }" }), bearer);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).not.toMatch(/at \w+ \(|node_modules/);
  });
});
