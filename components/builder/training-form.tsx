"use client";
import { OPTIMIZERS, type TrainingConfig } from "@/trainer/arch";
import { inputClass, NumberField, num } from "./number-field";
import { fromRecipeConfig, RecipesFields, type RecipeValues, toRecipeInput } from "./recipes-form";

/** The training settings as typed; turned into the trainer's config by `toTrainingInput`. */
export interface TrainingValues extends RecipeValues {
  optimizer: string;
  learningRate: string;
  momentum: string;
  batchSize: string;
  maxEpochs: string;
  validationSplit: string;
  earlyStopping: boolean;
  monitor: string;
  patience: string;
  restoreBestWeights: boolean;
  seed: string;
}

export function toTrainingInput(v: TrainingValues): Record<string, unknown> {
  const out: Record<string, unknown> = {
    optimizer: v.optimizer,
    learningRate: num(v.learningRate),
    batchSize: num(v.batchSize),
    maxEpochs: num(v.maxEpochs),
    validationSplit: num(v.validationSplit),
    seed: num(v.seed),
    earlyStopping: v.earlyStopping
      ? { monitor: v.monitor, patience: num(v.patience), restoreBestWeights: v.restoreBestWeights }
      : null,
  };
  if (v.optimizer === "momentum" || v.optimizer === "rmsprop") out.momentum = num(v.momentum);
  Object.assign(out, toRecipeInput(v, v.optimizer));
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

export function fromTrainingConfig(c: TrainingConfig): TrainingValues {
  return {
    ...fromRecipeConfig(c),
    optimizer: c.optimizer,
    learningRate: String(c.learningRate),
    momentum: String(c.momentum),
    batchSize: String(c.batchSize),
    maxEpochs: String(c.maxEpochs),
    validationSplit: String(c.validationSplit),
    seed: String(c.seed),
    earlyStopping: c.earlyStopping !== null,
    monitor: c.earlyStopping?.monitor ?? "val_loss",
    patience: String(c.earlyStopping?.patience ?? 3),
    restoreBestWeights: c.earlyStopping?.restoreBestWeights ?? true,
  };
}

export function TrainingForm({
  values,
  onChange,
  errors,
  maxEpochsLimit,
}: {
  values: TrainingValues;
  onChange: (v: TrainingValues) => void;
  errors: Record<string, string>;
  maxEpochsLimit: number;
}) {
  const set =
    <K extends keyof TrainingValues>(key: K) =>
    (v: TrainingValues[K]) =>
      onChange({ ...values, [key]: v });
  return (
    <fieldset className="grid grid-cols-2 gap-3 sm:grid-cols-3">
      <legend className="sr-only">Training settings</legend>
      <div>
        <label htmlFor="train-optimizer" className="block text-xs font-medium text-slate-700">
          Optimizer
        </label>
        <select
          id="train-optimizer"
          value={values.optimizer}
          onChange={(e) => set("optimizer")(e.target.value)}
          className={inputClass(errors.optimizer)}
        >
          {OPTIMIZERS.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <NumberField
        id="train-learningRate"
        label="Learning rate"
        value={values.learningRate}
        onChange={set("learningRate")}
        error={errors.learningRate}
      />
      {(values.optimizer === "momentum" || values.optimizer === "rmsprop") && (
        <NumberField
          id="train-momentum"
          label="Momentum"
          value={values.momentum}
          onChange={set("momentum")}
          error={errors.momentum}
        />
      )}
      <NumberField
        id="train-batchSize"
        label="Batch size"
        value={values.batchSize}
        onChange={set("batchSize")}
        error={errors.batchSize}
      />
      <NumberField
        id="train-maxEpochs"
        label="Max epochs"
        value={values.maxEpochs}
        onChange={set("maxEpochs")}
        error={errors.maxEpochs}
        hint={`at most ${maxEpochsLimit} here`}
      />
      <NumberField
        id="train-validationSplit"
        label="Validation split"
        value={values.validationSplit}
        onChange={set("validationSplit")}
        error={errors.validationSplit}
        hint="fraction of the training images"
      />
      <NumberField id="train-seed" label="Seed" value={values.seed} onChange={set("seed")} error={errors.seed} />
      <div className="col-span-2 flex flex-wrap items-end gap-3 sm:col-span-3">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={values.earlyStopping}
            onChange={(e) => set("earlyStopping")(e.target.checked)}
            className="h-4 w-4 rounded border-slate-300"
          />
          Early stopping
        </label>
        {values.earlyStopping && (
          <>
            <div>
              <label htmlFor="train-monitor" className="block text-xs font-medium text-slate-700">
                Monitor
              </label>
              <select
                id="train-monitor"
                value={values.monitor}
                onChange={(e) => set("monitor")(e.target.value)}
                className={inputClass()}
              >
                <option value="val_loss">val_loss</option>
                <option value="val_accuracy">val_accuracy</option>
              </select>
            </div>
            <div className="w-24">
              <NumberField
                id="train-patience"
                label="Patience"
                value={values.patience}
                onChange={set("patience")}
                error={errors["earlyStopping.patience"]}
              />
            </div>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={values.restoreBestWeights}
                onChange={(e) => set("restoreBestWeights")(e.target.checked)}
                className="h-4 w-4 rounded border-slate-300"
              />
              Restore best weights
            </label>
          </>
        )}
      </div>
      {errors.earlyStopping && <p className="col-span-full text-xs text-rose-600">{errors.earlyStopping}</p>}
      <RecipesFields
        values={values}
        optimizer={values.optimizer}
        onChange={(r) => onChange({ ...values, ...r })}
        errors={errors}
      />
      {errors["(root)"] && <p className="col-span-full text-xs text-rose-600">{errors["(root)"]}</p>}
    </fieldset>
  );
}
