import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      // graphql ships both .mjs and .js; Pothos loads one and our code the other unless
      // every import resolves to the same file ("Cannot use GraphQLScalarType from another realm").
      graphql: fileURLToPath(new URL("./node_modules/graphql/index.js", import.meta.url)),
      // Tests are server code: the marker resolves to its empty module, as under Next's server
      // bundles and the `react-server` condition the worker runs with (lib/node-args.ts).
      "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    include: ["tests/**/*.test.ts", "trainer/**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    // One fresh database per run, created and dropped around the whole suite.
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/env.ts"],
    // Forks, not threads: tfjs's wasm backend and native addons are happier in processes.
    pool: "forks",
    // next-auth imports "next/server" without an extension, which only a bundler resolves:
    // let vite process it instead of Node.
    server: { deps: { inline: ["next-auth", "@auth/core"] } },
    // tfjs tests are CPU-bound and queue tests run worker processes: on 2 cores, running
    // files in parallel only adds contention and timing noise.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
