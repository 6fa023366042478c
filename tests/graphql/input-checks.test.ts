import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/graphql/route";
import { formStateFromError } from "@/lib/server/action-state";
import { db } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { createClass } from "@/lib/server/services/classes";
import { createSubmission } from "@/lib/server/services/submissions/create-submission";
import { registerUser } from "@/lib/server/services/users";
import { gql, makeUser } from "../helpers/fixtures";
import { createClassAs, discardQueuedWork, MLP, tokenViewer } from "../helpers/grading";

// Input PostgreSQL or our own code would mishandle is the client's mistake, refused once at the
// boundary: NUL characters (PostgreSQL refuses them in text and jsonb, which surfaced as an
// internal error) in any GraphQL argument and any parseInput'd service input, and
// __proto__/constructor/prototype keys in JSON (the JSON scalar, and JSON text services parse).

afterAll(discardQueuedWork);

let owner: Awaited<ReturnType<typeof makeUser>>;
let slug: string;
let authorization: string;

beforeAll(async () => {
  owner = await makeUser("Input Owner");
  ({ slug } = await createClassAs(owner.viewer, "Input checks"));
  authorization = `Bearer ${(await tokenViewer(owner.viewer, { name: "input", scopes: ["READ", "WRITE"] })).secret}`;
});

/** Raw JSON text, so a test can send keys (`__proto__`) that an object literal would not keep. */
async function postText(body: string) {
  const response = await POST(
    new NextRequest("http://127.0.0.1:3000/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body,
    }),
  );
  return { status: response.status, json: (await response.json()) as any };
}

const post = (query: string, variables: Record<string, unknown> = {}) => postText(JSON.stringify({ query, variables }));

function expectBadInput(res: { status: number; json: any }, message: string, path: string) {
  expect(res.status).toBe(400);
  expect(res.json.data ?? null).toBeNull();
  expect(res.json.errors).toHaveLength(1);
  expect(res.json.errors[0]).toMatchObject({
    message,
    extensions: { code: "BAD_USER_INPUT", issues: [{ path, message: expect.any(String) }] },
  });
}

const NUL = "Must not contain a NUL character (\\u0000).";
const SUBMIT = `mutation($s: String!, $a: JSON!) { submit(classSlug: $s, name: "n", architecture: $a) { id } }`;

describe("NUL characters in GraphQL arguments: 400 BAD_USER_INPUT naming the argument", () => {
  it("inline", async () => {
    expectBadInput(await post(`{ class(slug: "a\\u0000b") { id } }`), `The argument "slug" of "class": ${NUL}`, "slug");
  });

  it("in a variable", async () => {
    expectBadInput(
      await post(`query($s: String!) { class(slug: $s) { id } }`, { s: "a\u0000b" }),
      `Variable "$s" (argument "slug" of "class"): ${NUL}`,
      "slug",
    );
  });

  it("deep inside a JSON variable, in a value or a key", async () => {
    const nested = {
      ...MLP,
      config: { ...MLP.config, layers: [{ class_name: "Dense", config: { name: "x\u0000" } }] },
    };
    expectBadInput(
      await post(SUBMIT, { s: slug, a: nested }),
      `Variable "$a" (argument "architecture" of "submit"), at config.layers.0.config.name: ${NUL}`,
      "architecture.config.layers.0.config.name",
    );
    expectBadInput(
      await post(SUBMIT, { s: slug, a: { ...MLP, "bad\u0000key": 1 } }),
      `Variable "$a" (argument "architecture" of "submit"), at bad\u0000key: ${NUL}`,
      "architecture.bad\u0000key",
    );
  });

  it("deep inside an inline JSON value, and in a list variable", async () => {
    expectBadInput(
      await post(
        `mutation { submit(classSlug: "${slug}", name: "n", architecture: { config: { layers: [{ name: "\\u0000" }] } }) { id } }`,
      ),
      `The argument "architecture" of "submit", at config.layers.0.name: ${NUL}`,
      "architecture.config.layers.0.name",
    );
    expectBadInput(
      await post(
        `query($st: [SubmissionStatus!]) { searchSubmissions(classSlug: "${slug}", status: $st) { totalCount } }`,
        {
          st: ["QUEUED", "FAILED\u0000"],
        },
      ),
      `Variable "$st" (argument "status" of "searchSubmissions"), at 1: ${NUL}`,
      "status.1",
    );
  });

  it("in a variable's default value", async () => {
    expectBadInput(
      await post(`query($s: String = "a\\u0000") { class(slug: $s) { id } }`),
      `Variable "$s" (argument "slug" of "class"): ${NUL}`,
      "slug",
    );
  });

  it("once, before any resolver: ahead of the resolver's own access check, and nothing is written", async () => {
    const readOnly = (await tokenViewer(owner.viewer, { name: "read only" })).secret;
    const before = await db.class.count();
    const response = await POST(
      new NextRequest("http://127.0.0.1:3000/api/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${readOnly}` },
        body: JSON.stringify({
          query: `mutation($n: String!) { createClass(name: $n) { id } }`,
          variables: { n: "X\u0000" },
        }),
      }),
    );
    // A resolver would have answered FORBIDDEN (the token is read-only).
    expectBadInput(
      { status: response.status, json: await response.json() },
      `Variable "$n" (argument "name" of "createClass"): ${NUL}`,
      "name",
    );
    expect(await db.class.count()).toBe(before);
  });
});

describe("__proto__, constructor and prototype keys in JSON: 400 BAD_USER_INPUT naming where", () => {
  it("in a JSON variable, at any depth", async () => {
    const res = await postText(
      `{"query": ${JSON.stringify(SUBMIT)}, "variables": {"s": "${slug}", "a": {"class_name": "Sequential", "__proto__": {"polluted": true}}}}`,
    );
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      message: expect.stringMatching(
        /^Variable "\$a" got invalid value .*; Expected type "JSON"\. JSON key "__proto__": Keys named "__proto__", "constructor" or "prototype" are not allowed\.$/,
      ),
      extensions: { code: "BAD_USER_INPUT", issues: [{ path: "__proto__" }] },
    });
    const deep = await post(SUBMIT, { s: slug, a: { ...MLP, config: { layers: [{ constructor: {} }] } } });
    expect(deep.status).toBe(400);
    expect(deep.json.errors[0]).toMatchObject({
      message: expect.stringContaining('JSON key "constructor" at config.layers.0:'),
      extensions: { code: "BAD_USER_INPUT", issues: [{ path: "config.layers.0.constructor" }] },
    });
  });

  it("in an inline JSON value", async () => {
    const res = await post(
      `mutation { submit(classSlug: "${slug}", name: "n", architecture: { config: { prototype: 1 } }) { id } }`,
    );
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      message: expect.stringContaining('JSON key "prototype" at config:'),
      extensions: { code: "BAD_USER_INPUT", issues: [{ path: "config.prototype" }] },
    });
  });

  it("in pasted JSON text (the submit form's architecture), through the service", async () => {
    const pasted = JSON.stringify(MLP).replace('"config":', '"__proto__": {"x": 1}, "config":');
    const refused = await createSubmission(owner.viewer, {
      classSlug: slug,
      name: "pasted",
      architecture: pasted,
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: "BAD_USER_INPUT",
      message: 'architecture.__proto__: Keys named "__proto__", "constructor" or "prototype" are not allowed.',
    });
    expect(formStateFromError(refused).fieldErrors).toEqual({
      architecture: 'Keys named "__proto__", "constructor" or "prototype" are not allowed.',
    });
  });

  it("the same JSON text sent through GraphQL as a string", async () => {
    const pasted = JSON.stringify(MLP).replace('"config":', '"constructor": 1, "config":');
    const res = await gql(owner.viewer, SUBMIT, { s: slug, a: pasted });
    expect(res.errors?.[0]).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", issues: [{ path: "architecture.constructor" }] },
    });
  });
});

describe("NUL characters in service input (server actions, forms): a field error, not a 500", () => {
  it("an escaped NUL in pasted JSON text", async () => {
    const pasted = JSON.stringify(MLP).replace('"name":"mlp"', '"name":"ml\\u0000p"');
    const refused = await createSubmission(owner.viewer, {
      classSlug: slug,
      name: "pasted",
      architecture: pasted,
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "BAD_USER_INPUT", message: `architecture.config.name: ${NUL}` });
    expect(formStateFromError(refused).fieldErrors).toEqual({ architecture: NUL });
  });

  it("a form field", async () => {
    const refused = await createClass(owner.viewer, { name: "Deep\u0000learning" }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: "BAD_USER_INPUT",
      message: `name: ${NUL}`,
      issues: [{ path: "name", message: NUL }],
    });
    expect(formStateFromError(refused, { name: "Deep\u0000learning" })).toMatchObject({ fieldErrors: { name: NUL } });
    const signUp = await registerUser({ email: "nul@example.test", name: "N\u0000", password: "password-123" }).catch(
      (error: unknown) => error,
    );
    expect(signUp).toMatchObject({ code: "BAD_USER_INPUT", issues: [{ path: "name", message: NUL }] });
  });
});

describe("NUL in a URL's slug or id", () => {
  // Route handlers and pages take slugs and ids straight from the path: no such class or
  // submission exists, so the answer is the client's error (a 404, or a 400 where the service
  // validates the slug as input first), never PostgreSQL's refusal surfacing as a 500.
  it("is a 4xx from the JSON, CSV and gallery routes, and NOT_FOUND from the services", async () => {
    const { GET: leaderboard } = await import("@/app/api/classes/[slug]/leaderboard/route");
    const { GET: resultsCsv } = await import("@/app/api/classes/[slug]/results.csv/route");
    const { GET: cells } = await import("@/app/api/submissions/[id]/cells/route");
    const request = (path: string) => new NextRequest(`http://127.0.0.1:3000${path}`, { headers: { authorization } });
    const bad = `${slug}\u0000x`;
    for (const response of [
      await leaderboard(request("/api/classes/x/leaderboard"), { params: Promise.resolve({ slug: bad }) }),
      await resultsCsv(request("/api/classes/x/results.csv"), { params: Promise.resolve({ slug: bad }) }),
      await cells(request("/api/submissions/x/cells?true=1&predicted=1"), {
        params: Promise.resolve({ id: "a\u0000b" }),
      }),
    ]) {
      const { code } = ((await response.json()) as { error: { code: string } }).error;
      expect([response.status, code]).toSatisfy(
        ([status, c]: [number, string]) =>
          (status === 404 && c === "NOT_FOUND") || (status === 400 && c === "BAD_USER_INPUT"),
      );
    }
    const { getClass } = await import("@/lib/server/services/classes");
    const { getSubmission } = await import("@/lib/server/services/submissions/get-submission");
    await expect(getClass(owner.viewer, bad)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getSubmission(owner.viewer, "a\u0000b")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
