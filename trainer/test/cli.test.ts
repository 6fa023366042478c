import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const cli = (...args: string[]) =>
  spawnSync(join(root, "node_modules", ".bin", "tsx"), [join(root, "trainer", "cli.ts"), ...args], {
    encoding: "utf8",
    cwd: root,
  });

describe("trainer CLI", () => {
  it("prints a Keras-style summary of a Keras file", () => {
    const r = cli("summary", join(root, "trainer/test/keras/tfkeras2-cnn.json"), "--no-estimate");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Total params: 106,202/);
  });
  it("exits 2 with named errors on a bad architecture", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    const f = join(dir, "bad.json");
    writeFileSync(
      f,
      JSON.stringify({ layers: [{ type: "Flatten" }, { type: "Dense", units: 12, activation: "softmax" }] }),
    );
    const r = cli("summary", f, "--no-estimate");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error \[INVALID_ARCHITECTURE\].*\n.*layer 1, 'dense', field 'units': .*10 class scores/);
  });
  it("exits 2 on usage errors and unknown presets", () => {
    expect(cli("train").status).toBe(2);
    const r = cli("presets", "nope");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown preset 'nope'/);
  });
  it("trains a preset on the fixture and writes JSON", () => {
    const out = join(mkdtempSync(join(tmpdir(), "cli-")), "out.json");
    const r = cli("train", "preset:report-mlp", "--subset", "fixture", "--epochs", "1", "--json", out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/test accuracy \d+\.\d+ %/);
    expect(r.stdout).toMatch(/confusion matrix/);
  });
});
