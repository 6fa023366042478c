"use client";
import type { TrainingConfig } from "@/trainer/arch";
import { NumberField as Field, inputClass, num } from "./number-field";

// The training recipes of the submit form (augmentation, the learning-rate schedule,
// ReduceLROnPlateau, AdamW's weight decay, label smoothing), folded away by default: the presets
// and most first runs need none. Named as Keras names them; the trainer's schema
// (trainer/arch/training.ts) says what each does.

export interface RecipeValues {
  weightDecay: string;
  labelSmoothing: string;
  translation: string;
  flip: boolean;
  erasing: string;
  schedule: "none" | "step" | "cosine" | "oneCycle";
  stepEvery: string;
  stepFactor: string;
  warmupEpochs: string;
  pctStart: string;
  plateau: boolean;
  plateauFactor: string;
  plateauPatience: string;
}

const prune = (o: Record<string, unknown>) => {
  for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  return o;
};

/** The recipes' part of the trainer's config input (fields left at their defaults are left out). */
export function toRecipeInput(v: RecipeValues, optimizer: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (optimizer === "adamw") out.weightDecay = num(v.weightDecay);
  if (v.labelSmoothing.trim() !== "" && v.labelSmoothing.trim() !== "0") out.labelSmoothing = num(v.labelSmoothing);
  const translation = num(v.translation);
  const erasing = num(v.erasing);
  if ((translation !== undefined && translation !== 0) || v.flip || (erasing !== undefined && erasing !== 0)) {
    out.augmentation = prune({
      randomTranslation: translation,
      randomFlip: v.flip ? "horizontal" : "none",
      randomErasing: erasing !== undefined && erasing !== 0 ? { factor: erasing } : null,
    });
  }
  if (v.schedule === "step")
    out.lrSchedule = prune({ type: "step", every: num(v.stepEvery), factor: num(v.stepFactor) });
  if (v.schedule === "cosine") out.lrSchedule = prune({ type: "cosine", warmupEpochs: num(v.warmupEpochs) });
  if (v.schedule === "oneCycle") out.lrSchedule = prune({ type: "oneCycle", pctStart: num(v.pctStart) });
  if (v.plateau) out.reduceLrOnPlateau = prune({ factor: num(v.plateauFactor), patience: num(v.plateauPatience) });
  return prune(out);
}

export function fromRecipeConfig(
  c: Pick<TrainingConfig, "weightDecay" | "labelSmoothing" | "augmentation" | "lrSchedule" | "reduceLrOnPlateau">,
): RecipeValues {
  const s = c.lrSchedule;
  return {
    weightDecay: String(c.weightDecay),
    labelSmoothing: String(c.labelSmoothing),
    translation: String(c.augmentation?.randomTranslation ?? 0),
    flip: c.augmentation?.randomFlip === "horizontal",
    erasing: String(c.augmentation?.randomErasing?.factor ?? 0),
    schedule: s?.type ?? "none",
    stepEvery: String(s?.type === "step" ? s.every : 10),
    stepFactor: String(s?.type === "step" ? s.factor : 0.1),
    warmupEpochs: String(s?.type === "cosine" ? s.warmupEpochs : 0),
    pctStart: String(s?.type === "oneCycle" ? s.pctStart : 0.3),
    plateau: c.reduceLrOnPlateau !== null,
    plateauFactor: String(c.reduceLrOnPlateau?.factor ?? 0.1),
    plateauPatience: String(c.reduceLrOnPlateau?.patience ?? 10),
  };
}

/** How many recipes are on: shown on the folded section so a preset's recipes are not hidden. */
function countOn(v: RecipeValues, optimizer: string): number {
  return Object.keys(toRecipeInput(v, optimizer)).filter((k) => k !== "weightDecay").length;
}

export function RecipesFields({
  values,
  optimizer,
  onChange,
  errors,
}: {
  values: RecipeValues;
  optimizer: string;
  onChange: (v: RecipeValues) => void;
  errors: Record<string, string>;
}) {
  const set =
    <K extends keyof RecipeValues>(key: K) =>
    (v: RecipeValues[K]) =>
      onChange({ ...values, [key]: v });
  const on = countOn(values, optimizer);
  const err = (prefix: string) => Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}.`))?.[1];
  return (
    <details className="col-span-2 rounded-md ring-1 ring-slate-200 sm:col-span-3" open={on > 0 || undefined}>
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-800">
        Recipes: augmentation, schedules, regularisation{on > 0 ? ` (${on} on)` : ""}
      </summary>
      <div className="grid grid-cols-2 gap-3 px-3 pb-3 sm:grid-cols-3">
        {optimizer === "adamw" && (
          <Field
            id="train-weightDecay"
            label="Weight decay (AdamW)"
            value={values.weightDecay}
            onChange={set("weightDecay")}
            error={errors.weightDecay}
            hint="decoupled, per step: w −= lr·λ·w"
          />
        )}
        <Field
          id="train-labelSmoothing"
          label="Label smoothing"
          value={values.labelSmoothing}
          onChange={set("labelSmoothing")}
          error={errors.labelSmoothing}
          hint="0 to 0.5; 0.1 is common"
        />
        <Field
          id="train-translation"
          label="Random shift (pixels)"
          value={values.translation}
          onChange={set("translation")}
          error={err("augmentation.randomTranslation")}
          hint="RandomTranslation, ±k in x and y"
        />
        <Field
          id="train-erasing"
          label="Random erasing (probability)"
          value={values.erasing}
          onChange={set("erasing")}
          error={err("augmentation.randomErasing")}
          hint="RandomErasing: blanks 2–33 % of the image"
        />
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input
            type="checkbox"
            checked={values.flip}
            onChange={(e) => set("flip")(e.target.checked)}
            className="h-4 w-4 rounded border-slate-300"
          />
          Random horizontal flip
        </label>
        <div>
          <label htmlFor="train-schedule" className="block text-xs font-medium text-slate-700">
            Learning-rate schedule
          </label>
          <select
            id="train-schedule"
            value={values.schedule}
            onChange={(e) => set("schedule")(e.target.value as RecipeValues["schedule"])}
            className={inputClass(err("lrSchedule"))}
          >
            <option value="none">constant</option>
            <option value="step">step decay</option>
            <option value="cosine">cosine decay</option>
            <option value="oneCycle">one cycle</option>
          </select>
          {err("lrSchedule") && <p className="mt-0.5 text-xs text-rose-600">{err("lrSchedule")}</p>}
        </div>
        {values.schedule === "step" && (
          <>
            <Field id="train-stepEvery" label="Every (epochs)" value={values.stepEvery} onChange={set("stepEvery")} />
            <Field id="train-stepFactor" label="Factor" value={values.stepFactor} onChange={set("stepFactor")} />
          </>
        )}
        {values.schedule === "cosine" && (
          <Field
            id="train-warmupEpochs"
            label="Warmup (epochs)"
            value={values.warmupEpochs}
            onChange={set("warmupEpochs")}
          />
        )}
        {values.schedule === "oneCycle" && (
          <Field
            id="train-pctStart"
            label="Rising part"
            value={values.pctStart}
            onChange={set("pctStart")}
            hint="fraction of the run; the learning rate is the peak"
          />
        )}
        <div className="col-span-2 flex flex-wrap items-end gap-3 sm:col-span-3">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={values.plateau}
              onChange={(e) => set("plateau")(e.target.checked)}
              className="h-4 w-4 rounded border-slate-300"
            />
            ReduceLROnPlateau
          </label>
          {values.plateau && (
            <>
              <div className="w-24">
                <Field
                  id="train-plateauFactor"
                  label="Factor"
                  value={values.plateauFactor}
                  onChange={set("plateauFactor")}
                />
              </div>
              <div className="w-24">
                <Field
                  id="train-plateauPatience"
                  label="Patience"
                  value={values.plateauPatience}
                  onChange={set("plateauPatience")}
                />
              </div>
            </>
          )}
        </div>
        {err("reduceLrOnPlateau") && <p className="col-span-full text-xs text-rose-600">{err("reduceLrOnPlateau")}</p>}
      </div>
    </details>
  );
}
