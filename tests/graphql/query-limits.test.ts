import { readFileSync } from "node:fs";
import {
  getIntrospectionQuery,
  isObjectType,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/graphql/route";
import {
  FIELD_COSTS,
  LIST_SIZES,
  operationSizer,
  QUERY_LIMITS,
  queryCostRule,
  queryLimits,
  TYPE_COSTS,
} from "@/graphql/limits";
import { schema } from "@/graphql/schema";
import { MAX_BODY_BYTES } from "@/lib/server/body-limit";
import { recordQueries } from "@/lib/server/db";
import { testLabels } from "@/lib/server/test-set";
import { createScoredSubmission, errorCode, gql, makeUser } from "../helpers/fixtures";
import { addMember, createClassAs, discardQueuedWork, makePredictions, tokenViewer } from "../helpers/grading";

// The query limits of graphql/limits.ts, through the route handler a script reaches (a student's
// Bearer token, the real database): abusive documents are refused before any resolver runs, with
// a message naming the limit, and the queries the docs and the tests send still run.
process.env.CATWALK_QUERY_EVENTS = "1";

afterAll(discardQueuedWork);

let student: Awaited<ReturnType<typeof makeUser>>;
let owner: Awaited<ReturnType<typeof makeUser>>;
let slug: string;
let submissionId: string;
let bearer: string;

beforeAll(async () => {
  [owner, student] = await Promise.all([makeUser("Limits Owner"), makeUser("Limits Student")]);
  const klass = await createClassAs(owner.viewer, "Query limits");
  slug = klass.slug;
  await addMember(klass.id, student.id);
  const labels = (await testLabels())!;
  ({ id: submissionId } = await createScoredSubmission({
    authorId: student.id,
    classId: klass.id,
    name: "scored",
    labels,
    predictions: await makePredictions(2),
  }));
  bearer = `Bearer ${(await tokenViewer(student.viewer, { name: "limits" })).secret}`;
});

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await POST(
    new NextRequest("http://127.0.0.1:3000/api/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: bearer },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return { status: response.status, json: (await response.json()) as any };
}

const issueAlias = (i: number) => `a${i}: submission(id: "${submissionId}") { result { confusionMatrix } }`;
const aliased = (n: number, each: (i: number) => string) =>
  `{ ${Array.from({ length: n }, (_, i) => each(i)).join(" ")} }`;

/** The messages of validating `query` with every rule the server runs. */
function refusals(query: string): string[] {
  const { validationRules, parseOptions } = queryLimits();
  return validate(schema, parse(query, parseOptions), [...specifiedRules, ...validationRules!]).map((e) => e.message);
}

function costOf(query: string): number {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return operationSizer(schema, document)(operation).cost;
}

describe("abusive queries are refused before they run, naming the limit", () => {
  it("the issue's 2,000 aliased submission { result { confusionMatrix } } (161 KB): refused at parse", async () => {
    const query = aliased(2000, issueAlias);
    expect(query.length).toBeGreaterThan(150_000);
    const res = await post(query);
    expect(res.status).toBe(400);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors).toMatchObject([
      {
        message:
          "Query is too large: at most 1000 tokens (names, punctuation and values) are allowed. Split it into several requests.",
        extensions: { code: "GRAPHQL_PARSE_FAILED" },
      },
    ]);
    // Nothing of it ran: not one SQL statement (the route's token lookup aside, which the
    // in-process server has no need for).
    const { value, queries } = await recordQueries(() => gql(student.viewer, query));
    expect(errorCode(value)).toBe("GRAPHQL_PARSE_FAILED");
    expect(queries).toEqual([]);
  });

  it("the largest body the 512 KiB limit lets through: refused the same way", async () => {
    let n = 2000;
    while (JSON.stringify({ query: aliased(n + 100, issueAlias), variables: {} }).length < MAX_BODY_BYTES) n += 100;
    const res = await post(aliased(n, issueAlias));
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      message: expect.stringContaining("at most 1000 tokens"),
      extensions: { code: "GRAPHQL_PARSE_FAILED" },
    });
  });

  it("aliases: 15 allowed, the 16th refused", async () => {
    const fields = (n: number) => `{ me { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(" ")} } }`;
    expect((await post(fields(15))).status).toBe(200);
    const res = await post(fields(16));
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      { message: "Aliases limit of 15 exceeded, found 16.", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } },
    ]);
  });

  it("root fields: 10 allowed, the 11th refused, fragments included", async () => {
    const roots = (n: number) => aliased(n, (i) => `r${i}: me { id }`);
    expect((await post(roots(10))).status).toBe(200);
    const res = await post(`{ ...More } fragment More on Query { ${roots(11).slice(2, -2)} }`);
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({
      message: "Too many root fields: 11, at most 10 allowed. Split the query into several requests.",
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
  });

  it("depth: 8 allowed, 9 refused", async () => {
    // The schema's own types are 5 deep at most; introspection's type references nest further.
    const typeRef = (n: number) =>
      `{ __type(name: "Query") { fields { type ${"{ ofType ".repeat(n - 4)}{ name }${" }".repeat(n - 4)} } } }`;
    expect((await post(typeRef(8))).status).toBe(200);
    const res = await post(typeRef(9));
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      { message: "Query depth limit of 8 exceeded, found 9.", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } },
    ]);
  });

  it("directives: 20 allowed, the 21st refused", async () => {
    const fields = (n: number) => `{ me { ${Array.from({ length: n }, () => "id @include(if: true)").join(" ")} } }`;
    expect((await post(fields(20))).status).toBe(200);
    const res = await post(fields(21));
    expect(res.status).toBe(400);
    expect(res.json.errors[0].message).toBe("Directives limit of 20 exceeded, found 21.");
  });

  it("cost: two pages of 100 full results run; three are refused, before anything runs", async () => {
    const page = (alias: string) =>
      `${alias}: searchSubmissions(classSlug: $s, first: 100) { nodes { id result { testAccuracy confusionMatrix perClass { precision recall f1 } epochHistory { epoch loss } } } }`;
    const two = `query($s: String!) { ${page("a")} ${page("b")} }`;
    const three = `query($s: String!) { ${page("a")} ${page("b")} ${page("c")} }`;
    expect(costOf(two)).toBeLessThan(QUERY_LIMITS.maxCost);
    const ran = await post(two, { s: slug });
    expect(ran.status).toBe(200);
    expect(ran.json.data.b.nodes).toHaveLength(1);
    const res = await post(three, { s: slug });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      {
        message: `Query is too expensive: cost ${costOf(three)}, at most 200000 allowed. Ask for fewer fields or smaller pages.`,
        locations: [{ line: 1, column: 1 }],
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      },
    ]);
    const { queries } = await recordQueries(() => gql(student.viewer, three, { s: slug }));
    expect(queries).toEqual([]);
  });

  it("cost: what hits the database or carries results costs far more than a scalar", () => {
    const scalar = costOf(`{ me { id } }`);
    expect(costOf(`{ me { id name } }`)).toBe(scalar + 1);
    // A submission is an access check and a row (and, for a student, a re-scored result).
    expect(costOf(`{ submission(id: "x") { id } }`)).toBeGreaterThanOrEqual(3_000);
    expect(costOf(`{ submission(id: "x") { result { confusionMatrix } } }`)).toBeGreaterThan(
      costOf(`{ submission(id: "x") { result { testAccuracy } } }`) + 90,
    );
    expect(costOf(`{ resultsCsv(classSlug: "x") }`)).toBeGreaterThanOrEqual(50_000);
    expect(costOf(`{ predictionExamples(submissionId: "x", trueClass: 0, predictedClass: 1) { indices } }`)).toBe(
      1 + FIELD_COSTS["Query.predictionExamples"]! + 1 + FIELD_COSTS["PredictionExamples.indices"]!,
    );
    // Lists multiply by the page asked for; a page size in a variable counts as the cap, 100.
    const nodes = (first: string) =>
      `query($n: Int) { searchSubmissions(classSlug: "x", first: ${first}) { nodes { id } } }`;
    expect(costOf(nodes("10"))).toBe(1 + 3_000 + 1 + 10 * (TYPE_COSTS.Submission! + 1));
    expect(costOf(nodes("$n"))).toBe(costOf(nodes("100")));
    // A list without a page argument counts as LIST_SIZES says.
    expect(costOf(`query { leaderboard(classSlug: "x") { rank } }`)).toBe(1 + 3_000 + 200 * (20 + 1));
  });

  it("fragments spreading fragments (2^95 paths) are measured once each, and refused", () => {
    const chain = Array.from({ length: 95 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const document = parse(`{ ...F0 } ${chain.join(" ")} fragment F95 on Query { me { id } }`);
    const messages = validate(schema, document, [queryCostRule()]).map((e) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(/^Too many root fields: 3\.96\d*e\+28, at most 10 allowed/),
      expect.stringMatching(/^Query is too expensive: cost [\d.]+e\+\d+, at most 200000 allowed/),
    ]);
  });
});

describe("the queries people send still run", () => {
  it("every query in docs/graders.md passes the limits", () => {
    const docs = readFileSync("docs/graders.md", "utf8");
    const curl = [...docs.matchAll(/-d '(\{"query".*?\})'/g)].map((m) => JSON.parse(m[1]!).query as string);
    const python = [...docs.matchAll(/"""([\s\S]*?)"""/g)].map((m) => m[1]!);
    expect(curl.length).toBeGreaterThanOrEqual(5);
    expect(python.length).toBeGreaterThanOrEqual(2);
    for (const query of [...curl, ...python]) expect(refusals(query), query).toEqual([]);
  });

  it("graphql's standard introspection query (GraphiQL, codegen) runs", async () => {
    const res = await post(getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.json.data.__schema.queryType.name).toBe("Query");
  });

  it("a grader's page of 100 submissions with everything, beside the leaderboard, runs", async () => {
    const res = await gql(
      owner.viewer,
      `query($s: String!) {
        leaderboard(classSlug: $s) { rank submissionName student { id name } publicAccuracy privateAccuracy paramCount architecture }
        searchSubmissions(classSlug: $s, first: 100) { totalCount nodes { id name status author { id name } architecture
          result { scope testAccuracy testLoss confusionMatrix perClass { precision recall f1 support } epochHistory { epoch loss accuracy } } } }
        leaderboardCsv(classSlug: $s)
        resultsCsv(classSlug: $s)
      }`,
      { s: slug },
    );
    expect(res.errors?.map((e) => e.message)).toBeUndefined();
    expect(res.data!.searchSubmissions.totalCount).toBe(1);
  });
});

describe("the cost tables", () => {
  it("name fields and types the schema has, and price every root field", () => {
    const fieldExists = (key: string) => {
      const [typeName, field] = key.split(".");
      const type = schema.getType(typeName!);
      return isObjectType(type) && field! in type.getFields();
    };
    expect(Object.keys(FIELD_COSTS).filter((key) => !fieldExists(key))).toEqual([]);
    expect(Object.keys(LIST_SIZES).filter((key) => !fieldExists(key))).toEqual([]);
    expect(Object.keys(TYPE_COSTS).filter((name) => !isObjectType(schema.getType(name)))).toEqual([]);
    const roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()).map((field) => `${type.name}.${field}`),
    );
    // A new root field runs a service: decide what it costs.
    expect(roots.filter((key) => !(key in FIELD_COSTS))).toEqual([]);
  });
});
