import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/graphql/route";
import { db } from "@/lib/server/db";
import { viewerFromRequest } from "@/lib/server/request-viewer";
import { hashToken } from "@/lib/server/services/tokens";
import { errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, createClassAs, MLP } from "../helpers/grading";

type U = Awaited<ReturnType<typeof makeUser>>;

/** A request through the real route handler: Apollo's Next integration, context, CSRF checks and all. */
async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const request = new NextRequest("http://127.0.0.1:3000/api/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const response = await POST(request);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

describe("API tokens", () => {
  let owner: U;
  let slug: string;

  beforeAll(async () => {
    owner = await makeUser("Token Owner");
    ({ slug } = await createClassAs(owner.viewer, "Tokens"));
  });

  it("shows the secret once, stores only its hash, and lists tokens without secrets", async () => {
    const created = await gql(
      owner.viewer,
      `mutation($slug: String) { createApiToken(name: "script", scopes: [WRITE], classSlug: $slug) { id token prefix scopes } }`,
      { slug },
    );
    expect(created.errors).toBeUndefined();
    const t = created.data!.createApiToken;
    expect(t.token).toMatch(/^cw_[A-Za-z0-9_-]{43}$/);
    expect(t.scopes).toEqual(["READ", "WRITE"]);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: t.id }, select: { tokenHash: true, prefix: true } });
    expect(row.tokenHash).toBe(hashToken(t.token));
    expect(JSON.stringify(row)).not.toContain(t.token);
    const listed = await gql(owner.viewer, `{ apiTokens { id name prefix scopes classSlug lastUsedAt revokedAt } }`);
    expect(listed.data!.apiTokens).toContainEqual({
      id: t.id,
      name: "script",
      prefix: t.prefix,
      scopes: ["READ", "WRITE"],
      classSlug: slug,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(listed.data)).not.toContain(t.token);
    expect(errorCode(await gql(owner.viewer, `mutation { createApiToken(name: " ", scopes: []) { id } }`))).toBe(
      "BAD_USER_INPUT",
    );
  });

  it("authenticates Bearer requests through the real route, records last use, and stops at revocation", async () => {
    const created = (await gql(owner.viewer, `mutation { createApiToken(name: "curl") { id token } }`)).data!
      .createApiToken;
    const auth = { authorization: `Bearer ${created.token}` };

    const viewer = await viewerFromRequest(new Request("http://x/api/graphql", { headers: auth }));
    expect(viewer).toMatchObject({ kind: "user", via: "token", userId: owner.id, scopes: ["READ"], classId: null });

    const me = await post({ query: "{ me { id } classes { slug } }" }, auth);
    expect(me.status).toBe(200);
    expect(me.json.data).toEqual({ me: { id: owner.id }, classes: [{ slug }] });
    const used = await db.apiToken.findUniqueOrThrow({ where: { id: created.id }, select: { lastUsedAt: true } });
    expect(used.lastUsedAt).not.toBeNull();

    // Read-only: writes are refused even though the owner could do them.
    const write = await post(
      {
        query: `mutation($s: String!, $a: JSON!) { submit(classSlug: $s, name: "x", architecture: $a) { id } }`,
        variables: { s: slug, a: MLP },
      },
      auth,
    );
    expect(write.json.errors[0].extensions.code).toBe("FORBIDDEN");

    await gql(owner.viewer, `mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: created.id });
    const revoked = await post({ query: "{ me { id } }" }, auth);
    expect(revoked.status).toBe(401);
    expect(revoked.json.errors[0].extensions.code).toBe("UNAUTHENTICATED");

    for (const header of ["Bearer cw_not-a-real-token", "Basic abc", "Bearer"]) {
      const bad = await post({ query: "{ me { id } }" }, { authorization: header });
      expect(bad.status).toBe(401);
    }
  });

  it("keeps a class-limited token inside its class", async () => {
    const other = await makeUser("Token Other");
    const otherClass = await createClassAs(owner.viewer, "Tokens elsewhere");
    await addMember(otherClass.id, other.id);
    const created = (
      await gql(
        owner.viewer,
        `mutation($slug: String) { createApiToken(name: "one class", classSlug: $slug) { token } }`,
        { slug },
      )
    ).data!.createApiToken;
    const auth = { authorization: `Bearer ${created.token}` };
    const classes = await post({ query: "{ classes { slug } }" }, auth);
    expect(classes.json.data.classes).toEqual([{ slug }]);
    const elsewhere = await post(
      { query: `query($s: String!) { leaderboard(classSlug: $s) { rank } }`, variables: { s: otherClass.slug } },
      auth,
    );
    expect(elsewhere.json.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("keeps Apollo's CSRF prevention on for GET requests", async () => {
    const owner2 = (await gql(owner.viewer, `mutation { createApiToken(name: "get") { token } }`)).data!.createApiToken;
    const { GET } = await import("@/app/api/graphql/route");
    const url = "http://127.0.0.1:3000/api/graphql?query=%7B%20me%20%7B%20id%20%7D%20%7D";
    const simple = await GET(new NextRequest(url, { headers: { authorization: `Bearer ${owner2.token}` } }));
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF/i);
    const preflighted = await GET(
      new NextRequest(url, { headers: { authorization: `Bearer ${owner2.token}`, "apollo-require-preflight": "1" } }),
    );
    expect(preflighted.status).toBe(200);
  });
});

describe("CSV downloads over HTTP", () => {
  it("serves leaderboard.csv and results.csv to a Bearer token, with the access rules of GraphQL", async () => {
    const { GET: leaderboard } = await import("@/app/api/classes/[slug]/leaderboard.csv/route");
    const { GET: results } = await import("@/app/api/classes/[slug]/results.csv/route");
    const owner = await makeUser("Csv Owner");
    const student = await makeUser("Csv Student");
    const klass = await createClassAs(owner.viewer, "Csv class");
    await addMember(klass.id, student.id);
    const tokenOf = async (u: U) =>
      (await gql(u.viewer, `mutation { createApiToken(name: "csv") { token } }`)).data!.createApiToken.token as string;
    const [ownerToken, studentToken] = await Promise.all([tokenOf(owner), tokenOf(student)]);
    const call = (route: typeof leaderboard, token: string, query = "") =>
      route(
        new NextRequest(`http://127.0.0.1:3000/api/classes/${klass.slug}/x.csv${query}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        {
          params: Promise.resolve({ slug: klass.slug }),
        },
      );
    const board = await call(leaderboard, studentToken, "?mode=ALL");
    expect(board.status).toBe(200);
    expect(board.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await board.text()).split("\r\n")[0]).toMatch(/^rank,student_id,student,/);
    expect((await call(results, studentToken)).status).toBe(403);
    expect((await call(results, ownerToken)).status).toBe(200);
    expect((await call(leaderboard, ownerToken, "?mode=SOME")).status).toBe(400);
  });
});
