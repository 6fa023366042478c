"use client";
import { useActionState } from "react";
import { SubmitButton } from "../submit-button";
import { Card, type FormAction, FormError } from "../ui";
import type { BuilderInitial } from "./builder-state";
import { JsonPanel } from "./json-panel";
import { LayerList } from "./layer-list";
import { ModelTabs } from "./model-tabs";
import { PresetPicker } from "./preset-picker";
import { SummaryPanel } from "./summary-panel";
import { TrainingForm } from "./training-form";
import { type Throughput, useBuilder } from "./use-builder";

/**
 * The submit page's form. Its state lives in `useBuilder`; the panels below each show a part of
 * it. What is posted is three hidden fields (the model, the training settings as the trainer's
 * input, the class) and the name; the server validates both again.
 */
export function SubmissionBuilder({
  action,
  classSlug,
  initial,
  maxEpochsLimit,
  throughput,
  canSubmit,
}: {
  action: FormAction;
  classSlug: string;
  initial: BuilderInitial;
  maxEpochsLimit: number;
  throughput: Throughput;
  canSubmit: boolean;
}) {
  const [formState, formAction] = useActionState(action, {});
  const builder = useBuilder(initial, { maxEpochsLimit, throughput });
  const { state, actions, parsed } = builder;
  const fieldErrors = formState.fieldErrors;

  return (
    <form action={formAction} noValidate className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,28rem)]">
      <input type="hidden" name="classSlug" value={classSlug} />
      <input type="hidden" name="architecture" value={builder.architectureText} />
      <input type="hidden" name="training" value={builder.trainingText} />
      <p aria-live="polite" className="sr-only">
        {state.announcement}
      </p>

      <div className="space-y-6">
        <FormError message={formState.error} />
        <Card>
          <label htmlFor="field-name" className="block text-sm font-medium text-slate-700">
            Submission name
          </label>
          <input
            id="field-name"
            name="name"
            value={state.name}
            onChange={(e) => actions.setName(e.target.value)}
            placeholder="e.g. Two conv layers, dropout 0.3"
            aria-invalid={fieldErrors?.name ? true : undefined}
            aria-describedby={fieldErrors?.name ? "field-name-error" : undefined}
            className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 sm:text-sm"
          />
          {fieldErrors?.name && (
            <p id="field-name-error" className="mt-1 text-sm text-rose-600">
              {fieldErrors.name}
            </p>
          )}
        </Card>

        <PresetPicker onPick={actions.loadPreset} />

        <ModelTabs mode={state.mode} onSwitch={(to) => (to === "json" ? actions.showJson() : actions.openInBuilder())}>
          {state.mode === "json" ? (
            <JsonPanel
              json={state.json}
              valid={parsed.ok}
              note={state.jsonNote}
              onChange={actions.editJson}
              onOpenInBuilder={actions.openInBuilder}
            />
          ) : (
            <LayerList state={state} actions={actions} errors={builder.errors} summary={builder.summary} />
          )}
        </ModelTabs>

        <Card headingId="training-heading" heading="Training settings" headingClassName="mb-3">
          <TrainingForm
            values={state.training}
            onChange={actions.setTraining}
            errors={builder.trainingErrors}
            maxEpochsLimit={maxEpochsLimit}
          />
          {fieldErrors?.training && <p className="mt-2 text-sm text-rose-600">{fieldErrors.training}</p>}
        </Card>
      </div>

      <div className="space-y-4 lg:sticky lg:top-4 lg:self-start">
        <SummaryPanel
          mode={state.mode}
          parsed={parsed}
          summary={builder.summary}
          modelErrors={builder.modelErrors}
          secondsPerEpoch={builder.secondsPerEpoch}
          estimateBasis={throughput.basis}
          serverError={fieldErrors?.architecture}
        />
        <div className="flex flex-col gap-2">
          <SubmitButton pendingText="Submitting…" disabled={!builder.valid || !canSubmit}>
            Submit for training
          </SubmitButton>
          {!builder.valid && <p className="text-xs text-slate-500">Fix the errors above to submit.</p>}
        </div>
      </div>
    </form>
  );
}
