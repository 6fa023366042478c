// npm run bench:graphql-limits — what the GraphQL query limits buy, through the real route handler
// (app/api/graphql/route.ts's POST with a NextRequest, Bearer tokens, the real database):
// 1. how long abusive queries take to be refused (the 2,000 aliases, the largest body the
//    512 KiB limit lets through, and documents built to be slow to validate);
// 2. what legitimate queries take to run, beside the cost graphql/limits.ts gives them, so the
//    FIELD_COSTS table can be checked against time (µs per cost unit should be roughly even).
// Runs under vitest (bench/vitest.config.ts) for its per-run database and module aliases, and
// writes bench/results/graphql-limits.json. The leaderboard caches are off: a cost bounds a miss.
// BENCH_ONLY=regex runs only the scenarios whose name matches, without checking their status (to
// measure an older build side by side); BENCH_RUNS (15) and BENCH_OUT (the file name) as named.

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "graphql";
import { NextRequest } from "next/server";
import { expect, it } from "vitest";
import { createScoredSubmission, makeUser } from "../tests/helpers/fixtures";
import { addMember, createClassAs, tokenViewer } from "../tests/helpers/grading";
import { machineInfo } from "./machine";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
// The full 10,000-image test set when Debian's package is installed, as on a real server: a
// student's result is re-scored on its public half per request.
const DEBIAN_DATA = "/usr/share/datasets/fashion-mnist";
if (existsSync(DEBIAN_DATA)) process.env.FASHION_MNIST_DIR = DEBIAN_DATA;
process.env.CATWALK_LEADERBOARD_CACHE = "0";

interface Row {
  scenario: string;
  bodyBytes: number;
  status: number;
  code: string | null;
  message: string | null;
  cost: number | null;
  medianMs: number;
  p90Ms: number;
  /** Above the `me` query's median, i.e. without the request's own fixed cost (token lookup, Apollo). */
  usPerCostUnitAboveBaseline: number | null;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

it("measures refusals and costs", { timeout: 1_800_000 }, async () => {
  const { POST } = await import("@/app/api/graphql/route");
  const { schema } = await import("@/graphql/schema");
  // Absent before the limits work: then the cost column stays empty (a before/after run).
  const limits = (await import("@/graphql/limits")) as {
    operationSizer?: typeof import("@/graphql/limits").operationSizer;
  };
  const { testLabels } = await import("@/lib/server/test-set");

  const seedStart = performance.now();
  const owner = await makeUser("Bench Owner");
  const student = await makeUser("Bench Student");
  const klass = await createClassAs(owner.viewer, "Bench limits");
  await addMember(klass.id, student.id);
  const labels = (await testLabels())!;
  const predictions = (accuracy: number) =>
    Uint8Array.from(labels, (label, i) => ((i * 2654435761) % 1000 < accuracy * 1000 ? label : (label + 1) % 10));
  const ids: string[] = [];
  for (let i = 0; i < 100; i++) {
    const scored = await createScoredSubmission({
      authorId: student.id,
      classId: klass.id,
      name: `run ${i}`,
      labels,
      predictions: predictions(0.8 + i / 1000),
      history: Array.from({ length: 20 }, (_, e) => ({
        epoch: e + 1,
        loss: 0.5,
        accuracy: 0.8,
        samplesPerSec: 1000,
        durationMs: 900,
      })),
    });
    ids.push(scored.id);
  }
  for (let s = 0; s < 100; s++) {
    const classmate = await makeUser(`Bench Classmate ${s}`);
    await addMember(klass.id, classmate.id);
    await createScoredSubmission({
      authorId: classmate.id,
      classId: klass.id,
      name: "best",
      labels,
      predictions: predictions(0.7 + s / 500),
    });
  }
  const bearer = {
    student: `Bearer ${(await tokenViewer(student.viewer, { name: "bench" })).secret}`,
    grader: `Bearer ${(await tokenViewer(owner.viewer, { name: "bench" })).secret}`,
  };
  const seedMs = Math.round(performance.now() - seedStart);

  const rows: Row[] = [];
  let baselineMs: number | undefined;
  async function measure(
    scenario: string,
    who: keyof typeof bearer,
    query: string,
    variables: Record<string, unknown>,
    expected: number,
  ) {
    if (ONLY && !ONLY.test(scenario)) return;
    const body = JSON.stringify({ query, variables });
    const post = async () => {
      const response = await POST(
        new NextRequest("http://127.0.0.1:3000/api/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: bearer[who] },
          body,
        }),
      );
      return { status: response.status, json: JSON.parse(await response.text()) };
    };
    const first = await post(); // warm-up: module loading, the test set, the pool
    if (!ONLY) expect(first.status, `${scenario}: ${JSON.stringify(first.json).slice(0, 300)}`).toBe(expected);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await post();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    let cost: number | null = null;
    if (limits.operationSizer && expected === 200) {
      const document = parse(query);
      const op = document.definitions.find((d) => d.kind === "OperationDefinition");
      if (op?.kind === "OperationDefinition") cost = limits.operationSizer(schema, document)(op).cost;
    }
    const medianMs = quantile(times, 0.5);
    // The first query that runs is `me`: what every request costs, whatever it asks for.
    if (expected === 200) baselineMs ??= medianMs;
    rows.push({
      scenario,
      bodyBytes: Buffer.byteLength(body),
      status: first.status,
      code: first.json.errors?.[0]?.extensions?.code ?? null,
      message: first.json.errors?.[0]?.message?.slice(0, 160) ?? null,
      cost,
      medianMs: round(medianMs),
      p90Ms: round(quantile(times, 0.9)),
      usPerCostUnitAboveBaseline:
        cost && baselineMs !== undefined ? round(((medianMs - baselineMs) * 1000) / cost, 2) : null,
    });
    console.log(rows.at(-1));
  }

  // 1. Refusals.
  const alias = (i: number) => `a${i}: submission(id: "${ids[i % ids.length]}") { result { confusionMatrix } }`;
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => alias(i)).join(" ")} }`;
  await measure(
    "the issue's query: 2,000 aliased submission { result { confusionMatrix } }",
    "student",
    aliases(2000),
    {},
    400,
  );
  let most = 2000;
  while (Buffer.byteLength(JSON.stringify({ query: aliases(most + 100), variables: {} })) < 512 * 1024) most += 100;
  await measure(`the largest body the 512 KiB limit allows: ${most} aliases`, "student", aliases(most), {}, 400);
  await measure("just under the token limit: 70 aliases (validated in full)", "student", aliases(70), {}, 400);
  const sameField = `{ ${"me { id } ".repeat(50_000)} }`;
  await measure("512 KiB of one repeated field", "student", sameField, {}, 400);
  const fanOut = Array.from({ length: 95 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(
    " ",
  );
  await measure(
    "fragments spreading fragments, 2^95 paths",
    "student",
    `{ ...F0 } ${fanOut} fragment F95 on Query { me { id } }`,
    {},
    400,
  );

  // 2. What legitimate queries cost, and take.
  const s = klass.slug;
  const result =
    "result { testAccuracy confusionMatrix perClass { precision recall f1 support } epochHistory { epoch loss accuracy } }";
  const accepted: [string, keyof typeof bearer, string, Record<string, unknown>][] = [
    ["me (the token lookup and nothing else)", "student", "{ me { id } }", {}],
    ["classes", "student", "{ classes { slug name myRole } }", {}],
    ["class", "student", "query($s: String!) { class(slug: $s) { name memberCount } }", { s }],
    ["quota", "student", "query($s: String!) { quota(classSlug: $s) { remaining } }", { s }],
    ["submission { id } (student)", "student", "query($id: ID!) { submission(id: $id) { id } }", { id: ids[0] }],
    [
      "submission with its result (student: public half re-scored)",
      "student",
      `query($id: ID!) { submission(id: $id) { id ${result} } }`,
      { id: ids[0] },
    ],
    [
      "submission with its result (grader)",
      "grader",
      `query($id: ID!) { submission(id: $id) { id ${result} } }`,
      { id: ids[0] },
    ],
    [
      "submissions { id } (student, 100 rows)",
      "student",
      "query($s: String!) { submissions(classSlug: $s) { id } }",
      { s },
    ],
    [
      "searchSubmissions(first: 100) { nodes { id } } (grader)",
      "grader",
      "query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { nodes { id } } }",
      { s },
    ],
    [
      "searchSubmissions(first: 100) { nodes { id result { testAccuracy } } } (student)",
      "student",
      "query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { nodes { id result { testAccuracy } } } }",
      { s },
    ],
    [
      "searchSubmissions(first: 100) { nodes { id result { testAccuracy } } } (grader)",
      "grader",
      "query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { nodes { id result { testAccuracy } } } }",
      { s },
    ],
    [
      "searchSubmissions(first: 100) { nodes { id architecture } } (grader)",
      "grader",
      "query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { nodes { id architecture } } }",
      { s },
    ],
    [
      "searchSubmissions(first: 100) with results (student)",
      "student",
      `query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { nodes { id ${result} } } }`,
      { s },
    ],
    [
      "searchSubmissions(first: 100) with results (grader)",
      "grader",
      `query($s: String!) { searchSubmissions(classSlug: $s, first: 100) { nodes { id ${result} } } }`,
      { s },
    ],
    [
      "leaderboard, 101 rows (grader, cache off)",
      "grader",
      "query($s: String!) { leaderboard(classSlug: $s) { rank submissionName student { id name } publicAccuracy privateAccuracy paramCount } }",
      { s },
    ],
    [
      "leaderboard with architectures (grader, cache off)",
      "grader",
      "query($s: String!) { leaderboard(classSlug: $s) { rank architecture } }",
      { s },
    ],
    ["leaderboardCsv (grader)", "grader", "query($s: String!) { leaderboardCsv(classSlug: $s) }", { s }],
    ["resultsCsv (grader, 200 rows)", "grader", "query($s: String!) { resultsCsv(classSlug: $s) }", { s }],
    [
      "roster (grader, 102 members)",
      "grader",
      "query($s: String!) { roster(classSlug: $s) { userId name role submissionCount } }",
      { s },
    ],
    [
      "predictionExamples (student)",
      "student",
      "query($id: ID!) { predictionExamples(submissionId: $id, trueClass: 0, predictedClass: 1, limit: 200) { indices total } }",
      { id: ids[0] },
    ],
    [
      "docs/graders.md: a page of every submission (grader)",
      "grader",
      "query($s: String!, $after: String) { searchSubmissions(classSlug: $s, first: 100, after: $after) { hasNextPage endCursor nodes { id name status author { id name } result { testAccuracy privateAccuracy perClass { f1 } } } } }",
      { s },
    ],
    [
      "10 aliased submission with results (student)",
      "student",
      `{ ${Array.from({ length: 10 }, (_, i) => `a${i}: submission(id: "${ids[i]}") { id ${result} }`).join(" ")} }`,
      {},
    ],
  ];
  for (const [scenario, who, query, variables] of accepted) await measure(scenario, who, query, variables, 200);

  const report = {
    benchmark: "graphql-limits",
    date: new Date().toISOString(),
    machine: machineInfo(),
    setup: {
      runs: RUNS,
      seedMs,
      testSet: process.env.FASHION_MNIST_DIR,
      data: "1 student with 100 scored submissions (predictions on the whole test set), 100 classmates with 1 each",
      how: "POST of app/api/graphql/route.ts with a NextRequest and a Bearer token, in-process; time to the response body; median and p90 of `runs` after one warm-up",
    },
    results: rows,
  };
  const file = process.env.BENCH_OUT ?? "graphql-limits.json";
  const dir = join(import.meta.dirname, "results");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, file), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote bench/results/${file}`);
});
