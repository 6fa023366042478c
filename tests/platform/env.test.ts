import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnvError, ensureLocalEnv } from "../../scripts/platform/env";

describe("ensureLocalEnv", () => {
  let dir: string;
  let secretFile: string;
  const quiet = () => {};

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "catwalk-env-"));
    secretFile = join(dir, "nested", "auth-secret");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("generates a random AUTH_SECRET once, private to the user, and reuses it", async () => {
    const first = await ensureLocalEnv({ env: {}, secretFile, log: quiet });
    expect(first.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const second = await ensureLocalEnv({ env: {}, secretFile, log: quiet });
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);

    // Another checkout (another file) gets another secret: nothing is hard-coded.
    const other = await ensureLocalEnv({ env: {}, secretFile: join(dir, "other"), log: quiet });
    expect(other.AUTH_SECRET).not.toBe(first.AUTH_SECRET);
  });

  it("uses a given AUTH_SECRET and never writes the file", async () => {
    const env = await ensureLocalEnv({ env: { AUTH_SECRET: "s".repeat(40) }, secretFile, log: quiet });
    expect(env.AUTH_SECRET).toBe("s".repeat(40));
    await expect(stat(secretFile)).rejects.toThrow(/ENOENT/);
  });

  it("replaces an unusable stored secret", async () => {
    await writeFile(join(dir, "short"), "tooshort\n", { mode: 0o644 });
    const env = await ensureLocalEnv({ env: {}, secretFile: join(dir, "short"), log: quiet });
    expect(env.AUTH_SECRET).not.toBe("tooshort");
    expect((await readFile(join(dir, "short"), "utf8")).trim()).toBe(env.AUTH_SECRET);
    expect((await stat(join(dir, "short"))).mode & 0o777).toBe(0o600);
  });

  it("fills local defaults and keeps everything else", async () => {
    const env = await ensureLocalEnv({ env: { FOO: "bar" }, secretFile, log: quiet });
    expect(env).toMatchObject({ FOO: "bar", AUTH_TRUST_HOST: "true", PORT: "3000", HOSTNAME: "127.0.0.1" });
  });

  it("rejects bad values with a message naming them", async () => {
    await expect(
      ensureLocalEnv({ env: { AUTH_SECRET: "short", PORT: "http" }, secretFile, log: quiet }),
    ).rejects.toThrow(EnvError);
    await expect(ensureLocalEnv({ env: { PORT: "70000" }, secretFile, log: quiet })).rejects.toThrow(/PORT/);
  });
});
