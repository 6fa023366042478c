import { defineConfig, mergeConfig } from "vitest/config";
import base from "../vitest.config";

// Benchmarks that need what the tests have (a fresh database per run, the module aliases) run
// under vitest with this config; they are not part of `npm test`.
const config = mergeConfig(base, defineConfig({}));
config.test = { ...config.test, include: ["bench/graphql-limits.ts"], testTimeout: 1_800_000 };
export default config;
