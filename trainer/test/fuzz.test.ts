import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { architecture, graphArchitecture, injectedFault, trainingConfig } from "./fuzz/arbitraries";
import { namesInjectedFault, parseSummariseBuild, parsesTrainingConfig, selectCpuBackend } from "./fuzz/properties";

// Property-based tests of everything a student can submit (fast-check). A fixed seed keeps
// `npm test` reproducible; `npm run fuzz` runs the same properties on many more cases with a
// fresh seed and records the counts in bench/results/fuzz.json.
const SEED = 20261201;

beforeAll(selectCpuBackend);

describe("fuzzed submissions", () => {
  it("parse → summary → model build never crashes, and what parses builds with the summary's parameter count", async () => {
    const seen = { built: 0, accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(architecture, async (input) => {
        seen[await parseSummariseBuild(input)]++;
      }),
      { numRuns: 500, seed: SEED },
    );
    // Both paths must really be exercised, or the property says little.
    expect(seen.built).toBeGreaterThan(50);
    expect(seen.rejected).toBeGreaterThan(50);
  });

  it("graphs: parse → summary → model build never crashes; what parses builds in tfjs with the summary's count", async () => {
    const seen = { built: 0, accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(graphArchitecture, async (input) => {
        seen[await parseSummariseBuild(input)]++;
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(seen.built).toBeGreaterThan(30);
    expect(seen.rejected).toBeGreaterThan(30);
  });

  it("a wrong value in a known field is reported at that layer and field", () => {
    fc.assert(fc.property(injectedFault, namesInjectedFault), { numRuns: 300, seed: SEED });
  });

  it("training configurations are accepted or rejected field by field, never a crash", () => {
    const seen = { built: 0, accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(trainingConfig, (input) => {
        seen[parsesTrainingConfig(input)]++;
      }),
      { numRuns: 500, seed: SEED },
    );
    expect(seen.accepted).toBeGreaterThan(20);
    expect(seen.rejected).toBeGreaterThan(20);
  });
});
