import { z } from "zod";

export const OPTIMIZERS = ["sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad"] as const;

const finitePositive = z.number().finite().positive();

const earlyStoppingSchema = z.object({
  monitor: z.enum(["val_loss", "val_accuracy"]).default("val_loss"),
  /** Epochs without improvement before stopping (Keras semantics). */
  patience: z.number().int().min(0).max(100).default(3),
  restoreBestWeights: z.boolean().default(true),
  /** Smallest change that counts as an improvement. */
  minDelta: z.number().finite().min(0).default(0),
});

const range = (min: number, max: number) =>
  z
    .tuple([z.number().finite().min(min).max(max), z.number().finite().min(min).max(max)])
    .refine(([a, b]) => a <= b, { message: "the first value must not exceed the second" });

/**
 * Data augmentation, on the fly and seeded: each training image of each epoch is transformed by a
 * function of (seed, epoch, its place in the epoch's order), so a run is reproducible and a
 * resumed or multi-threaded one sees the same images. Named as Keras's preprocessing layers.
 */
const augmentationSchema = z
  .object({
    /** Keras RandomTranslation, in whole pixels: shift each image by up to ±k in x and in y (zero fill). */
    randomTranslation: z.number().int().min(0).max(8).default(0),
    /** Keras RandomFlip("horizontal"): mirror half of the images left–right. */
    randomFlip: z.enum(["none", "horizontal"]).default("none"),
    /**
     * Keras RandomErasing (Zhong et al. 2017): with probability `factor`, blank one rectangle
     * covering `scale` of the image's area (aspect ratio 0.3–3.3), filled with `fillValue`.
     */
    randomErasing: z
      .object({
        factor: z.number().finite().min(0).max(1).default(0.5),
        scale: range(0.001, 1).default([0.02, 0.33]),
        fillValue: z.number().finite().min(0).max(1).default(0),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

/**
 * A learning-rate schedule over the run's steps (maxEpochs × batches per epoch), stepped every
 * batch as Keras's schedules are. `learningRate` is the peak (the initial rate for step and
 * cosine decay, the maximum of the one cycle).
 */
const scheduleSchema = z.discriminatedUnion("type", [
  /** Keras ExponentialDecay(staircase=True) by epochs: × `factor` every `every` epochs. */
  z
    .object({
      type: z.literal("step"),
      every: z.number().int().min(1).max(500).default(10),
      factor: z.number().finite().gt(0).max(1).default(0.1),
    })
    .strict(),
  /** Keras CosineDecay with linear warmup (from 0) over `warmupEpochs`, down to alpha × the rate. */
  z
    .object({
      type: z.literal("cosine"),
      warmupEpochs: z.number().finite().min(0).max(100).default(0),
      alpha: z.number().finite().min(0).max(1).default(0),
    })
    .strict(),
  /** PyTorch's OneCycleLR (cosine annealing): rate/divFactor up to the rate, then down to rate/(divFactor × finalDivFactor). */
  z
    .object({
      type: z.literal("oneCycle"),
      pctStart: z.number().finite().gt(0).lt(1).default(0.3),
      divFactor: z.number().finite().min(1).max(1e4).default(25),
      finalDivFactor: z.number().finite().min(1).max(1e6).default(1e4),
    })
    .strict(),
]);

/** Keras's ReduceLROnPlateau callback, checked after every epoch on the validation metrics. */
const reduceLrOnPlateauSchema = z
  .object({
    monitor: z.enum(["val_loss", "val_accuracy"]).default("val_loss"),
    factor: z.number().finite().gt(0).lt(1).default(0.1),
    patience: z.number().int().min(0).max(100).default(10),
    minDelta: z.number().finite().min(0).default(1e-4),
    cooldown: z.number().int().min(0).max(100).default(0),
    minLr: z.number().finite().min(0).default(0),
  })
  .strict();

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
    /** Only for 'adamw': Keras AdamW's decoupled weight decay (each step, w -= lr × weightDecay × w). */
    weightDecay: z.number().finite().min(0).max(1).default(0.004),
    /** Keras CategoricalCrossentropy(label_smoothing): targets (1 − ε)·one-hot + ε/10. */
    labelSmoothing: z.number().finite().min(0).max(0.5).default(0),
    augmentation: augmentationSchema.nullable().default(null),
    lrSchedule: scheduleSchema.nullable().default(null),
    reduceLrOnPlateau: reduceLrOnPlateauSchema.nullable().default(null),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.lrSchedule && c.reduceLrOnPlateau) {
      ctx.addIssue({
        code: "custom",
        path: ["reduceLrOnPlateau"],
        message:
          "ReduceLROnPlateau can't change a scheduled learning rate (Keras refuses the same): use lrSchedule or reduceLrOnPlateau, not both",
      });
    }
    if (c.reduceLrOnPlateau && c.validationSplit === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["reduceLrOnPlateau"],
        message: "ReduceLROnPlateau monitors validation metrics: set validationSplit > 0 or reduceLrOnPlateau: null",
      });
    }
    if (c.earlyStopping && c.validationSplit === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["earlyStopping"],
        message: "early stopping monitors validation metrics: set validationSplit > 0 or earlyStopping: null",
      });
    }
  });

export type TrainingConfig = z.output<typeof trainingConfigSchema>;
export type Augmentation = NonNullable<TrainingConfig["augmentation"]>;
export type LrSchedule = NonNullable<TrainingConfig["lrSchedule"]>;
export type ReduceLrOnPlateau = NonNullable<TrainingConfig["reduceLrOnPlateau"]>;
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
