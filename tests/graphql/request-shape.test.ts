import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/graphql/route";
import { makeUser } from "../helpers/fixtures";
import { createClassAs, tokenViewer } from "../helpers/grading";

// Every way a request to /api/graphql can be malformed is the client's mistake: a 4xx with a
// GraphQL-style body ({ errors: [{ message, extensions: { code } }] }) that says what to fix,
// never a 500 or an empty body. Through the route handler, as a script reaches it.

const URL = "http://127.0.0.1:3000/api/graphql";
let authorization: string;
let slug: string;

beforeAll(async () => {
  const owner = await makeUser("Shape Owner");
  ({ slug } = await createClassAs(owner.viewer, "Request shapes"));
  authorization = `Bearer ${(await tokenViewer(owner.viewer, { name: "shapes" })).secret}`;
});

async function answer(response: Response) {
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function post(body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) {
  return answer(await POST(new NextRequest(URL, { method: "POST", headers: { authorization, ...headers }, body })));
}

async function get(params: Record<string, string>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams(params).toString();
  return answer(
    await GET(
      new NextRequest(`${URL}?${search}`, {
        headers: { authorization, "apollo-require-preflight": "1", ...headers },
      }),
    ),
  );
}

const json = (value: unknown) => JSON.stringify(value);

function expectError(res: Awaited<ReturnType<typeof answer>>, status: number, code: string, message: RegExp) {
  expect({ status: res.status, code: res.json?.errors?.[0]?.extensions?.code }).toEqual({ status, code });
  expect(res.json.errors).toHaveLength(1);
  expect(res.json.errors[0].message).toMatch(message);
  expect(res.headers.get("content-type")).toMatch(/^application\/(graphql-response\+)?json/);
}

describe("the request body", () => {
  it("malformed JSON: 400, saying so", async () => {
    expectError(await post('{"query": '), 400, "BAD_REQUEST", /^The request body is not valid JSON: /);
    expectError(await post('{"query": "{ me { id } }",}'), 400, "BAD_REQUEST", /not valid JSON/);
    expectError(await post(""), 400, "BAD_REQUEST", /not valid JSON/);
  });

  it("invalid UTF-8, even inside a string (it would be replaced, silently): 400", async () => {
    const inString = Buffer.concat([
      Buffer.from('{"query": "query($s: String!) { class(slug: $s) { id } }", "variables": {"s": "'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    expectError(await post(inString), 400, "BAD_REQUEST", /^The request body is not valid UTF-8\.$/);
    expectError(await post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, "BAD_REQUEST", /not valid UTF-8/);
  });

  it("JSON that is not an object: 400", async () => {
    for (const body of ["null", "5", '"{ me { id } }"', "true"]) {
      expectError(await post(body), 400, "BAD_REQUEST", /^The request body must be a JSON object/);
    }
  });

  it("a batch (a JSON array of operations): 400, one operation per request", async () => {
    const batch = json([{ query: "{ me { id } }" }, { query: "{ classes { slug } }" }]);
    expectError(await post(batch), 400, "BAD_REQUEST", /^Batched operations .* send one operation per request\.$/);
  });

  it("not JSON by its content type: 415; a charset parameter is fine", async () => {
    const body = json({ query: "{ __typename }" });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/graphql",
      "multipart/form-data",
    ]) {
      expectError(await post(body, { "content-type": type }), 415, "BAD_REQUEST", /content-type: application\/json/);
    }
    expectError(await post(body, {}), 415, "BAD_REQUEST", /content-type: application\/json/);
    const charset = await post(body, { "content-type": "application/json; charset=utf-8" });
    expect(charset).toMatchObject({ status: 200, json: { data: { __typename: "Query" } } });
  });

  it("fields of the wrong type: 400 from Apollo's own checks", async () => {
    const cases: [unknown, RegExp][] = [
      [{ query: "{ me { id } }", variables: [1] }, /`variables` in a POST body must be an object/],
      [{ query: "{ me { id } }", variables: "{}" }, /`variables` .* not a recursively JSON-encoded string/],
      [{ query: 5 }, /GraphQL queries must be strings/],
      [{ query: "{ me { id } }", operationName: 5 }, /`operationName` in a POST body must be a string/],
      [{ variables: {} }, /must contain a non-empty `query`/],
      [{}, /JSON object has no keys/],
    ];
    for (const [body, message] of cases) expectError(await post(json(body)), 400, "BAD_REQUEST", message);
  });
});

describe("which operation to run", () => {
  const two = "query Board { classes { slug } } query Mine { me { id } }";

  it("several operations and no operationName: 400, naming the field to set", async () => {
    const res = await post(json({ query: two }));
    expectError(res, 400, "OPERATION_RESOLUTION_FAILURE", /pass `operationName`/);
    expect(res.json.errors[0].message).toBe(
      'This document has 2 operations ("Board", "Mine"): pass `operationName` to choose the one to run.',
    );
    // The leaderboard's answer cache used to crash on exactly this (no operation resolved).
    const board = `query Board($s: String!) { leaderboard(classSlug: $s) { rank } } query Other { me { id } }`;
    expectError(
      await post(json({ query: board, variables: { s: slug } })),
      400,
      "OPERATION_RESOLUTION_FAILURE",
      /`operationName`/,
    );
    expectError(await get({ query: two }), 400, "OPERATION_RESOLUTION_FAILURE", /`operationName`/);
  });

  it("an operationName the document doesn't have: 400, listing the ones it has", async () => {
    const res = await post(json({ query: two, operationName: "Nope" }));
    expectError(
      res,
      400,
      "OPERATION_RESOLUTION_FAILURE",
      /^This document has no operation named "Nope"; it has "Board", "Mine"\.$/,
    );
  });

  it("operationName chooses", async () => {
    const res = await post(json({ query: two, operationName: "Mine" }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.data)).toEqual(["me"]);
  });
});

describe("GET", () => {
  it("a query runs; a mutation is 405 with Allow: POST", async () => {
    expect(await get({ query: "{ __typename }" })).toMatchObject({
      status: 200,
      json: { data: { __typename: "Query" } },
    });
    const res = await get({ query: 'mutation { createClass(name: "via GET") { id } }' });
    expectError(res, 405, "BAD_REQUEST", /GET requests only support query operations/);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("a browser visiting the endpoint gets no landing page (no third-party scripts on our origin)", async () => {
    const res = await GET(new NextRequest(URL, { headers: { accept: "text/html", authorization } }));
    expect(res.headers.get("content-type") ?? "").not.toContain("text/html");
    expect(await res.text()).not.toMatch(/<script/i);
  });

  it("variables that are not JSON, or not an object: 400", async () => {
    expectError(await get({ query: "{ __typename }", variables: "{" }), 400, "BAD_REQUEST", /contains invalid JSON/);
    expectError(await get({ query: "{ __typename }", variables: "[1]" }), 400, "BAD_REQUEST", /JSON-encoded object/);
  });

  it("a content type other than JSON: 415; without the CSRF header: 400", async () => {
    expectError(
      await get({ query: "{ __typename }" }, { "content-type": "text/plain" }),
      415,
      "BAD_REQUEST",
      /content-type/,
    );
    const bare = await answer(
      await GET(
        new NextRequest(`${URL}?query=${encodeURIComponent("{ __typename }")}`, { headers: { authorization } }),
      ),
    );
    expectError(bare, 400, "BAD_REQUEST", /Cross-Site Request Forgery/);
  });
});
