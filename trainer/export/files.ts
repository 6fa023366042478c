// A saved model as a directory of its three files (the CLI's `train --save DIR`), or its zip.
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkSavedModel, MODEL_FILES, ModelFileError, type SavedModel } from "./format";
import { unpackModel } from "./pack";

export function writeModelDir(dir: string, saved: SavedModel): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    [MODEL_FILES.modelJson, JSON.stringify(saved.modelJson)],
    [MODEL_FILES.weights, saved.weights],
    [MODEL_FILES.metadata, `${JSON.stringify(saved.metadata, null, 2)}\n`],
  ];
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
  return files.map(([name]) => join(dir, name));
}

/** Reads a directory written by writeModelDir, or a model zip (packModel's), checking it whole. */
export function readModel(path: string): SavedModel {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(
      code === "ENOENT"
        ? `no saved model at ${path} (expected a directory written by train --save DIR, or a model zip)`
        : `cannot read model ${path}: ${code ?? (e as Error).message}`,
    );
  }
  if (!isDir) return unpackModel(new Uint8Array(readFileSync(path)));
  const read = (name: string) => {
    try {
      return readFileSync(join(path, name));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ModelFileError(
        code === "ENOENT"
          ? `${path} has no ${name} (a saved model directory holds ${Object.values(MODEL_FILES).join(", ")})`
          : `cannot read ${join(path, name)}: ${code ?? (e as Error).message}`,
      );
    }
  };
  return checkSavedModel({
    modelJson: read(MODEL_FILES.modelJson).toString("utf8"),
    weights: new Uint8Array(read(MODEL_FILES.weights)),
    metadata: read(MODEL_FILES.metadata).toString("utf8"),
  });
}
