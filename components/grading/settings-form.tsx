"use client";
import { useActionState } from "react";
import { SubmitButton } from "../submit-button";
import { Field, type FormAction, FormError } from "../ui";

/** "YYYY-MM-DDTHH:mm" in UTC, what `<input type="datetime-local">` shows. */
function toLocalInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16) : "";
}

export function ClassSettingsForm({
  action,
  classSlug,
  dailyQuota,
  finalSelectionsMax,
  deadline,
  joinCodeExpiresAt,
  showArchitectures,
  shareModels,
}: {
  action: FormAction;
  classSlug: string;
  dailyQuota: number;
  finalSelectionsMax: number;
  deadline: Date | null;
  joinCodeExpiresAt: Date | null;
  showArchitectures: boolean;
  shareModels: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  const v = state.values;
  const saved = !state.error && v?.saved;
  return (
    <form action={formAction} className="space-y-4" aria-label="Class settings" noValidate>
      <input type="hidden" name="classSlug" value={classSlug} />
      <FormError
        message={
          state.fieldErrors?.dailyQuota ||
          state.fieldErrors?.finalSelectionsMax ||
          state.fieldErrors?.deadline ||
          state.fieldErrors?.joinCodeExpiresAt
            ? undefined
            : state.error
        }
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Daily quota"
          name="dailyQuota"
          type="number"
          inputMode="numeric"
          min={0}
          max={1000}
          step={1}
          required
          hint="Submissions per student per day (UTC)."
          defaultValue={v?.dailyQuota ?? String(dailyQuota)}
          error={state.fieldErrors?.dailyQuota}
        />
        <Field
          label="Final selections"
          name="finalSelectionsMax"
          type="number"
          inputMode="numeric"
          min={1}
          max={20}
          step={1}
          required
          hint="Succeeded submissions each student may mark final, until the deadline; the private board ranks their best final one."
          defaultValue={v?.finalSelectionsMax ?? String(finalSelectionsMax)}
          error={state.fieldErrors?.finalSelectionsMax}
        />
        <Field
          label="Deadline (UTC)"
          name="deadline"
          type="datetime-local"
          hint="Leave empty for no deadline."
          defaultValue={v?.deadline ?? toLocalInput(deadline)}
          error={state.fieldErrors?.deadline}
        />
        <Field
          label="Join code expires (UTC)"
          name="joinCodeExpiresAt"
          type="datetime-local"
          hint="After this the code admits nobody new; members stay. Leave empty for no expiry."
          defaultValue={v?.joinCodeExpiresAt ?? toLocalInput(joinCodeExpiresAt)}
          error={state.fieldErrors?.joinCodeExpiresAt}
        />
      </div>
      <SettingCheckbox
        name="showArchitectures"
        label="Show architectures on the leaderboard"
        hint="When on, students can see each other’s models, not only their scores."
        defaultChecked={v ? v.showArchitectures === "on" : showArchitectures}
      />
      <SettingCheckbox
        name="shareModels"
        label="Share trained models"
        hint="When on, students can download and try each other’s trained models, not only their own."
        defaultChecked={v ? v.shareModels === "on" : shareModels}
      />
      <div className="flex items-center gap-3">
        <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
        <p role="status" className="text-sm text-emerald-700">
          {saved ? "Settings saved." : ""}
        </p>
      </div>
    </form>
  );
}

/** One on/off class setting: a checkbox with its label and a hint it is described by. */
function SettingCheckbox({
  name,
  label,
  hint,
  defaultChecked,
}: {
  name: string;
  label: string;
  hint: string;
  defaultChecked: boolean;
}) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={`field-${name}`}
        name={name}
        type="checkbox"
        defaultChecked={defaultChecked}
        aria-describedby={`field-${name}-hint`}
        className="mt-0.5 h-4 w-4 rounded border-slate-300 text-brand-600"
      />
      <div>
        <label htmlFor={`field-${name}`} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        <p id={`field-${name}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      </div>
    </div>
  );
}
