import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// The repository's import graph, read with TypeScript's own parser: which file imports which, and
// whether the import survives compilation (a value import) or is erased (`import type`). The
// structure tests (tests/structure) pin the boundaries ARCHITECTURE.md describes on it.

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ImportEdge {
  from: string;
  /** As written in the source. */
  specifier: string;
  /** Repository-relative path it resolves to, or null for a package. */
  to: string | null;
  /** Erased at compile time: `import type`, or every named binding is `type`. */
  typeOnly: boolean;
  line: number;
}

export interface SourceFile {
  path: string;
  text: string;
  lines: number;
  /** Starts with the "use client" directive. */
  client: boolean;
  /** Marked `import "server-only"`. */
  serverOnly: boolean;
  imports: ImportEdge[];
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".mjs", ".js"];

/** Tracked and untracked-but-not-ignored source files, as git sees the working tree. */
export function sourcePaths(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter((p) => /\.(ts|tsx|mts|mjs)$/.test(p) && !p.startsWith("generated/") && existsSync(join(ROOT, p)));
}

function resolve(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith("./") || specifier.startsWith("../")) base = join(dirname(from), specifier);
  else return null;
  base = relative(".", base);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, `index${e}`))];
  // `./x.js` written for `./x.ts` (Node ESM style).
  if (/\.js$/.test(base)) candidates.push(base.replace(/\.js$/, ".ts"));
  return candidates.find((c) => statSync(join(ROOT, c), { throwIfNoEntry: false })?.isFile()) ?? base;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // a side-effect import
    if (clause.isTypeOnly) return true;
    if (clause.name) return false;
    const bindings = clause.namedBindings;
    if (!bindings || ts.isNamespaceImport(bindings)) return false;
    return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
  );
}

export function readSource(path: string): SourceFile {
  const text = readFileSync(join(ROOT, path), "utf8");
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const imports: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean, node: ts.Node) =>
    imports.push({
      from: path,
      specifier,
      to: resolve(path, specifier),
      typeOnly,
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    });
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) add(node.moduleSpecifier.text, isTypeOnly(node), node);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false, node);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const first = source.statements[0];
  const client =
    !!first &&
    ts.isExpressionStatement(first) &&
    ts.isStringLiteral(first.expression) &&
    first.expression.text === "use client";
  return {
    path,
    text,
    lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0),
    client,
    serverOnly: imports.some((i) => i.specifier === "server-only"),
    imports,
  };
}

export function readAll(): SourceFile[] {
  return sourcePaths().map(readSource);
}
