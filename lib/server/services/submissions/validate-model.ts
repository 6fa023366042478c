import "server-only";
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import { type ArchError, parseArchitecture, parseTrainingConfig, type TrainingConfig } from "@/trainer/arch";
import { readLimits } from "../../env";
import { badInput, type FieldIssue } from "../../errors";
import { FORBIDDEN_KEY_MESSAGE, findUnsafe, NUL_MESSAGE } from "../../input";

// The checks a submission passes before anything is stored: the request's shape (size, depth,
// JSON text or object), then the trainer's own parser, so a model that cannot train is rejected
// now, with the layer and field named, instead of failing in the queue later.

const MAX_ARCHITECTURE_BYTES = 256 * 1024;
const MAX_JSON_DEPTH = 32;

function jsonDepth(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (Array.isArray(value)) return Math.max(depth, ...value.map((v) => jsonDepth(v, depth + 1)));
  if (value && typeof value === "object") {
    return Math.max(depth, ...Object.values(value).map((v) => jsonDepth(v, depth + 1)));
  }
  return depth;
}

const jsonObject = (what: string) =>
  z
    .unknown()
    .transform((value, ctx) => {
      // Accept JSON text as well as parsed JSON: people paste `model.to_json()` output.
      if (typeof value === "string") {
        try {
          return JSON.parse(value) as unknown;
        } catch (error) {
          ctx.addIssue({ code: "custom", message: `${what} is not valid JSON: ${(error as Error).message}` });
          return z.NEVER;
        }
      }
      return value;
    })
    .refine((v) => v !== null && typeof v === "object" && !Array.isArray(v), `${what} must be a JSON object.`)
    // Pasted text is parsed here, so its keys and its escaped NULs ("\u0000") are first seen here.
    .superRefine((v, ctx) => {
      const spot = findUnsafe(v, { nul: true, keys: true });
      if (spot) {
        ctx.addIssue({
          code: "custom",
          path: spot.path,
          message: spot.problem === "nul" ? NUL_MESSAGE : FORBIDDEN_KEY_MESSAGE,
        });
      }
    })
    .refine((v) => JSON.stringify(v).length <= MAX_ARCHITECTURE_BYTES, `${what} is larger than 256 KiB.`)
    .refine((v) => jsonDepth(v) <= MAX_JSON_DEPTH, `${what} is nested deeper than ${MAX_JSON_DEPTH} levels.`)
    .transform((v) => v as Prisma.InputJsonObject);

export const submitSchema = z.object({
  classSlug: z.string().min(1),
  name: z.string().trim().min(1, "Give the submission a name.").max(100, "Keep the name under 100 characters."),
  architecture: jsonObject("The architecture"),
  training: jsonObject("The training configuration").default({}),
});

function archIssue(error: ArchError): FieldIssue {
  const where = [
    error.layerIndex !== null ? `layer ${error.layerIndex}${error.layerName ? ` (${error.layerName})` : ""}` : null,
    error.field ? `field "${error.field}"` : null,
  ].filter(Boolean);
  const path = ["architecture", error.layerIndex !== null ? `layers.${error.layerIndex}` : null, error.field]
    .filter((part) => part !== null)
    .join(".");
  return { path, message: where.length ? `${where.join(", ")}: ${error.message}` : error.message };
}

/** The trainer's validation of an architecture and training configuration, under the platform's limits. */
export function validateModelInput(
  architecture: unknown,
  training: unknown,
): { training: TrainingConfig; paramCount: number } {
  const limits = readLimits();
  const arch = parseArchitecture(architecture, { maxParams: limits.maxParams, maxFlops: limits.maxFlops });
  if (!arch.ok) {
    const issues = arch.errors.map(archIssue);
    throw badInput(`The architecture is not valid: ${issues[0]!.message}`, issues);
  }
  const config = parseTrainingConfig(training);
  if (!config.ok) {
    const issues = config.errors.map((e) => ({ path: `training.${e.field}`, message: `${e.field}: ${e.message}` }));
    throw badInput(`The training configuration is not valid: ${issues[0]!.message}`, issues);
  }
  if (config.config.maxEpochs > limits.maxEpochs) {
    const message = `maxEpochs: at most ${limits.maxEpochs} epochs are allowed on this platform.`;
    throw badInput(message, [{ path: "training.maxEpochs", message }]);
  }
  const paramCount = arch.model.layers.reduce((sum, layer) => sum + layer.params, 0);
  return { training: config.config, paramCount };
}
