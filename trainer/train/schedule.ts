// Learning-rate schedules and Keras's ReduceLROnPlateau, as pure functions and a small state
// machine with no tfjs in them: the training loop asks them for the rate of each step, and a
// checkpoint stores the plateau's state (a schedule is a function of the step, so it needs none).
import type { LrSchedule, ReduceLrOnPlateau } from "../arch/training";

export interface ScheduleSteps {
  /** Batches per epoch. */
  stepsPerEpoch: number;
  /** Steps the run is planned for (maxEpochs × stepsPerEpoch); early stopping may end it sooner. */
  totalSteps: number;
}

/**
 * The learning rate of step `step` (0-based, counted over the whole run) for a peak rate `base`.
 * Formulas: Keras ExponentialDecay(staircase) by epochs; Keras CosineDecay with a linear warmup
 * from 0; PyTorch OneCycleLR with cosine annealing (its default).
 */
export function scheduledRate(schedule: LrSchedule | null, base: number, step: number, s: ScheduleSteps): number {
  if (!schedule) return base;
  switch (schedule.type) {
    case "step":
      return base * schedule.factor ** Math.floor(step / (schedule.every * s.stepsPerEpoch));
    case "cosine": {
      const warmup = Math.round(schedule.warmupEpochs * s.stepsPerEpoch);
      if (step < warmup) return (base * (step + 1)) / warmup;
      const decaySteps = Math.max(1, s.totalSteps - warmup);
      const t = Math.min(1, (step - warmup) / decaySteps);
      const cosine = 0.5 * (1 + Math.cos(Math.PI * t));
      return base * ((1 - schedule.alpha) * cosine + schedule.alpha);
    }
    case "oneCycle": {
      const initial = base / schedule.divFactor;
      const final = initial / schedule.finalDivFactor;
      // PyTorch's phase ends: the peak at pct_start·total − 1, the floor at total − 1.
      const peakStep = schedule.pctStart * s.totalSteps - 1;
      const lastStep = s.totalSteps - 1;
      const anneal = (from: number, to: number, t: number) => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * t));
      if (step <= peakStep) return anneal(initial, base, peakStep <= 0 ? 1 : step / peakStep);
      return anneal(base, final, Math.min(1, (step - peakStep) / Math.max(1e-9, lastStep - peakStep)));
    }
  }
}

/** ReduceLROnPlateau's state between epochs (what a checkpoint keeps). */
export interface PlateauState {
  /** The rate it has set (the config's rate until its first reduction). */
  learningRate: number;
  /** Best monitored value so far; null before the first epoch. */
  best: number | null;
  wait: number;
  cooldownLeft: number;
}

export function initialPlateau(learningRate: number): PlateauState {
  return { learningRate, best: null, wait: 0, cooldownLeft: 0 };
}

/**
 * One epoch's end, as Keras's callback (keras/src/callbacks/reduce_lr_on_plateau.py): in cooldown
 * the wait stays 0; an improvement by more than minDelta resets it; otherwise after `patience`
 * epochs without one the rate is multiplied by `factor` (not below minLr) and cooldown starts.
 * Returns the new state and, when the rate changed, a sentence for the run's notes.
 */
export function plateauStep(
  p: ReduceLrOnPlateau,
  state: PlateauState,
  value: number,
  epoch: number,
): { state: PlateauState; note: string | null } {
  const s = { ...state };
  if (s.cooldownLeft > 0) {
    s.cooldownLeft -= 1;
    s.wait = 0;
  }
  const improved =
    s.best === null || (p.monitor === "val_loss" ? value < s.best - p.minDelta : value > s.best + p.minDelta);
  let note: string | null = null;
  if (improved) {
    s.best = value;
    s.wait = 0;
  } else if (s.cooldownLeft <= 0) {
    s.wait += 1;
    if (s.wait >= p.patience && s.learningRate > p.minLr) {
      const reduced = Math.max(s.learningRate * p.factor, p.minLr);
      note = `ReduceLROnPlateau: ${p.monitor} did not improve for ${s.wait} epoch${s.wait === 1 ? "" : "s"}; learning rate ${s.learningRate.toPrecision(3)} → ${reduced.toPrecision(3)} after epoch ${epoch}.`;
      s.learningRate = reduced;
      s.cooldownLeft = p.cooldown;
      s.wait = 0;
    }
  }
  return { state: s, note };
}
