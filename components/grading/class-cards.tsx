import type { ComponentProps } from "react";
import { Card } from "../ui";
import { ClassSettingsForm } from "./settings-form";

// The manage page's smaller sections: what a grader sets or downloads (the join code has its own file).

/** The settings form in its card; the form's own props pass straight through. */
export function SettingsCard(props: ComponentProps<typeof ClassSettingsForm>) {
  return (
    <Card headingId="settings-heading" heading="Settings" headingClassName="mb-4" className="lg:col-span-2">
      <ClassSettingsForm {...props} />
    </Card>
  );
}

const EXPORTS = [
  { file: "leaderboard.csv", label: "Leaderboard CSV", note: "best submission per student" },
  { file: "leaderboard.csv?mode=ALL", label: "Leaderboard CSV, every submission" },
  { file: "results.csv", label: "All results CSV", note: "every submission, any status" },
] as const;

export function ExportsCard({ classSlug }: { classSlug: string }) {
  const base = `/api/classes/${encodeURIComponent(classSlug)}`;
  return (
    <Card headingId="exports-heading" heading="Exports">
      <ul className="mt-3 space-y-2 text-sm">
        {EXPORTS.map((e) => (
          <li key={e.file}>
            <a href={`${base}/${e.file}`} download className="font-medium text-brand-600 hover:text-brand-700">
              {e.label}
            </a>
            {"note" in e && <span className="text-slate-500"> — {e.note}</span>}
          </li>
        ))}
      </ul>
    </Card>
  );
}
