// `npm run fuzz [-- --runs N --seed S]`: the property tests of trainer/test/fuzz.test.ts on many
// more cases (20,000 of each by default) with a fresh seed, recorded in bench/results/fuzz.json so
// a finding can be replayed (`--seed`) and the counts quoted.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { architecture, graphArchitecture, injectedFault, trainingConfig } from "../test/fuzz/arbitraries";
import {
  namesInjectedFault,
  type Outcome,
  parseSummariseBuild,
  parsesTrainingConfig,
  selectCpuBackend,
} from "../test/fuzz/properties";

const { values } = parseArgs({ options: { runs: { type: "string" }, seed: { type: "string" } } });
const runs = Number(values.runs ?? 20_000);
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
const RESULTS = new URL("../../bench/results/fuzz.json", import.meta.url);

interface PropertyRun {
  property: string;
  runs: number;
  outcomes: Partial<Record<Outcome, number>>;
  seconds: number;
  failure: null | { counterexample: unknown; error: string; path: string | undefined };
}

async function run(
  property: string,
  make: (count: (o: Outcome | undefined) => void) => fc.IProperty<[unknown]> | fc.IAsyncProperty<[unknown]>,
): Promise<PropertyRun> {
  const outcomes: Partial<Record<Outcome, number>> = {};
  const count = (o: Outcome | undefined) => {
    if (o) outcomes[o] = (outcomes[o] ?? 0) + 1;
  };
  const started = performance.now();
  const details = await fc.check(make(count) as fc.IAsyncProperty<[unknown]>, { numRuns: runs, seed });
  const result: PropertyRun = {
    property,
    runs: details.numRuns,
    outcomes,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    failure: details.failed
      ? {
          counterexample: details.counterexample?.[0],
          error: String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance),
          path: details.counterexamplePath ?? undefined,
        }
      : null,
  };
  console.log(
    `${property}: ${result.runs} cases in ${result.seconds} s ${JSON.stringify(outcomes)}${result.failure ? ` FAILED: ${result.failure.error}` : ""}`,
  );
  return result;
}

await selectCpuBackend();
console.log(`fuzzing with seed ${seed}, ${runs} cases per property`);
const results = [
  await run("parse → summary → model build", (count) =>
    fc.asyncProperty(architecture, async (input) => count(await parseSummariseBuild(input))),
  ),
  await run("graphs: parse → summary → model build", (count) =>
    fc.asyncProperty(graphArchitecture, async (input) => count(await parseSummariseBuild(input))),
  ),
  await run("injected faults are named", () => fc.property(injectedFault, (c) => namesInjectedFault(c)) as never),
  await run("training configurations", (count) =>
    fc.property(trainingConfig, (input) => count(parsesTrainingConfig(input))),
  ),
];
const entry = { date: new Date().toISOString(), seed, runsPerProperty: runs, results };
mkdirSync(new URL(".", RESULTS), { recursive: true });
let history: unknown[] = [];
try {
  history = (JSON.parse(readFileSync(RESULTS, "utf8")) as { runs?: unknown[] }).runs ?? [];
} catch {
  // First run: no file yet.
}
writeFileSync(RESULTS, `${JSON.stringify({ runs: [...history, entry].slice(-20) }, null, 2)}\n`);
console.log(`wrote ${RESULTS.pathname}`);
process.exitCode = results.some((r) => r.failure) ? 1 : 0;
