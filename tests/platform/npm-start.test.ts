// The fresh-machine contract end to end: `npm start` with DATABASE_URL unset brings up an embedded
// PostgreSQL, migrates it, serves the app and GraphQL, and a SIGTERM stops everything, leaving no
// postgres process behind. Skipped until the app exists in the tree. If no current production
// build exists, start-up runs `next build` first (tens of seconds).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/platform/paths";
import { processesUsing } from "../helpers/embedded";
import { type RunningPlatform, startPlatform } from "../helpers/platform-process";

const hasApp = existsSync(join(projectRoot, "app"));
const TIMEOUT = 300_000;
// Away from 3000 (a developer's own npm start) and from Playwright's server.
const PORT = 3197;

describe.skipIf(!hasApp || process.platform !== "linux")("npm start without DATABASE_URL", { timeout: TIMEOUT }, () => {
  let platform: RunningPlatform | undefined;

  beforeAll(async () => {
    platform = await startPlatform({ port: PORT, timeoutMs: TIMEOUT });
  }, TIMEOUT);

  afterAll(async () => {
    await platform?.stop();
  });

  it("serves the home page", async () => {
    const response = await fetch(`${platform!.baseUrl}/`, { redirect: "manual" });
    expect(response.status).toBeLessThan(400);
  });

  it("answers GraphQL", async () => {
    const response = await fetch(`${platform!.baseUrl}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(await response.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("stops on SIGTERM with exit code 0 and no postgres left", async () => {
    const directory = platform!.clusterDirectory;
    expect((await processesUsing(directory)).length).toBeGreaterThan(0);
    const { code, output } = await platform!.stop();
    platform = undefined;
    expect(code).toBe(0);
    expect(output.join("\n")).toContain("Embedded PostgreSQL stopped.");
    expect(await processesUsing(directory)).toEqual([]);
  });
});
