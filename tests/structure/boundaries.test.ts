import { describe, expect, it } from "vitest";
import { type ImportEdge, readAll, type SourceFile } from "../helpers/module-graph";

// The boundaries ARCHITECTURE.md describes, checked on the real import graph. Each rule lists
// the offending lines, so a failure says exactly which import to change.

const files = readAll();
const byPath = new Map(files.map((f) => [f.path, f]));
const where = (e: ImportEdge) => `${e.from}:${e.line} imports ${e.specifier}`;

/** Modules that hold secrets or database access: never part of a browser bundle. */
const isServerPath = (path: string) => /^(lib\/server|lib\/auth|graphql)\//.test(path);

/**
 * What code outside trainer/ may import: the Node trainer, its browser-safe part, its data layer,
 * and its model files and conversions (what the web server needs of it).
 */
const TRAINER_PUBLIC = new Set([
  "trainer/index.ts",
  "trainer/arch/index.ts",
  "trainer/data/index.ts",
  "trainer/export/index.ts",
]);

function edges(filter: (f: SourceFile) => boolean): ImportEdge[] {
  return files.filter(filter).flatMap((f) => f.imports);
}

describe("module boundaries", () => {
  it("every server module is marked server-only, so a client bundle that reaches one fails to build", () => {
    const unmarked = files.filter((f) => isServerPath(f.path) && !f.serverOnly).map((f) => f.path);
    expect(unmarked).toEqual([]);
  });

  it("client components import nothing but types from server modules", () => {
    const bad = edges((f) => f.client).filter((e) => {
      if (e.typeOnly || !e.to) return false;
      return isServerPath(e.to) || byPath.get(e.to)?.serverOnly === true;
    });
    expect(bad.map(where)).toEqual([]);
  });

  it("client components reach the trainer only through its browser-safe part", () => {
    const bad = edges((f) => f.client).filter(
      (e) => !e.typeOnly && e.to?.startsWith("trainer/") && e.to !== "trainer/arch/index.ts",
    );
    expect(bad.map(where)).toEqual([]);
  });

  it("code outside the trainer imports it only through its public indexes", () => {
    const bad = edges((f) => !f.path.startsWith("trainer/")).filter(
      (e) => e.to?.startsWith("trainer/") && !TRAINER_PUBLIC.has(e.to),
    );
    expect(bad.map(where)).toEqual([]);
  });

  it("the trainer runs on its own: it imports nothing of the web app, the services or the worker", () => {
    const bad = edges((f) => f.path.startsWith("trainer/")).filter(
      (e) => e.specifier.startsWith("@/") || (e.to !== null && !e.to.startsWith("trainer/")),
    );
    expect(bad.map(where)).toEqual([]);
  });

  it("the model-file index reaches no training, backend or data-loading code (the web server bundles it)", () => {
    const seen = new Set<string>();
    const reached: string[] = [];
    const walk = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const e of byPath.get(path)?.imports ?? []) {
        if (e.typeOnly) continue;
        if (/^trainer\/(train|backend)\/|^trainer\/data\/fashionMnist|^trainer\/env/.test(e.to ?? ""))
          reached.push(where(e));
        if (e.to) walk(e.to);
      }
    };
    walk("trainer/export/index.ts");
    expect(reached).toEqual([]);
  });

  it("trainer backends (kernels) do not depend on training code", () => {
    const bad = edges((f) => f.path.startsWith("trainer/backend/")).filter((e) => e.to?.startsWith("trainer/train/"));
    expect(bad.map(where)).toEqual([]);
  });

  it("one Prisma client: only lib/server/db.ts constructs it", () => {
    // Test helpers may open their own client on a scratch database; the product has one.
    const constructing = files
      .filter((f) => !f.path.startsWith("tests/") && /new PrismaClient\(/.test(f.text))
      .map((f) => f.path);
    expect(constructing).toEqual(["lib/server/db.ts"]);
  });

  it("files over 300 lines in services, arch, components and app say why at the top", () => {
    const long = files.filter(
      (f) =>
        /^(lib\/server\/services|trainer\/arch|components|app)\//.test(f.path) &&
        f.lines > 300 &&
        !/^[\s\S]{0,600}Over 300 lines:/.test(f.text),
    );
    expect(long.map((f) => `${f.path} (${f.lines} lines)`)).toEqual([]);
  });
});
