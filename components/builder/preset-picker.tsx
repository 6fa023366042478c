"use client";
import { presets } from "@/trainer/arch";
import { Card, formatCount, formatPercent } from "../ui";

/** The course report's models, one button each: loading one replaces the model and the training settings. */
export function PresetPicker({ onPick }: { onPick: (presetId: string) => void }) {
  return (
    <Card headingId="presets-heading" heading="Presets" headingClassName="mb-2">
      <ul className="grid gap-2 sm:grid-cols-2">
        {presets.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              onClick={() => onPick(p.id)}
              className="h-full w-full rounded-lg p-3 text-left ring-1 ring-slate-200 hover:bg-slate-50"
              aria-describedby={`preset-${p.id}-desc`}
            >
              <span className="block text-sm font-medium">{p.name}</span>
              <span id={`preset-${p.id}-desc`} className="mt-0.5 block text-xs text-slate-500">
                {formatCount(p.reference.params)} params · {p.reference.kind === "report" ? "report" : "measured here"}{" "}
                {formatPercent(p.reference.testAccuracy)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
