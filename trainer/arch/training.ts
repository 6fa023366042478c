import { z } from "zod";

export const OPTIMIZERS = ["sgd", "momentum", "adam", "rmsprop", "adagrad"] as const;

const finitePositive = z.number().finite().positive();

const earlyStoppingSchema = z.object({
  monitor: z.enum(["val_loss", "val_accuracy"]).default("val_loss"),
  /** Epochs without improvement before stopping (Keras semantics). */
  patience: z.number().int().min(0).max(100).default(3),
  restoreBestWeights: z.boolean().default(true),
  /** Smallest change that counts as an improvement. */
  minDelta: z.number().finite().min(0).default(0),
});

export const trainingConfigSchema = z
  .object({
    optimizer: z.enum(OPTIMIZERS).default("adam"),
    learningRate: finitePositive.max(10).default(0.001),
    /** Only for 'momentum' (and rmsprop's momentum term). */
    momentum: z.number().finite().min(0).max(0.999).default(0.9),
    batchSize: z.number().int().min(1).max(4096).default(32),
    maxEpochs: z.number().int().min(1).max(500).default(20),
    /** null disables early stopping. */
    earlyStopping: earlyStoppingSchema
      .nullable()
      .default({ monitor: "val_loss", patience: 3, restoreBestWeights: true, minDelta: 0 }),
    /** Fraction of the 60,000 training images held out for validation (never the test set). */
    validationSplit: z.number().finite().min(0).max(0.5).default(0.1),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    shuffle: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.earlyStopping && c.validationSplit === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["earlyStopping"],
        message: "early stopping monitors validation metrics: set validationSplit > 0 or earlyStopping: null",
      });
    }
  });

export type TrainingConfig = z.output<typeof trainingConfigSchema>;
export type TrainingConfigInput = z.input<typeof trainingConfigSchema>;

/** Validates a training config; errors name the field path. */
export function parseTrainingConfig(
  input: unknown,
): { ok: true; config: TrainingConfig } | { ok: false; errors: { field: string; message: string }[] } {
  const r = trainingConfigSchema.safeParse(input ?? {});
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({ field: i.path.join(".") || "(root)", message: i.message })),
  };
}
