import type { ComponentProps } from "react";
import { Card } from "../ui";
import { ClassSettingsForm } from "./settings-form";

// The manage page's smaller sections: what a grader sets, tells students, or downloads.

/** The settings form in its card; the form's own props pass straight through. */
export function SettingsCard(props: ComponentProps<typeof ClassSettingsForm>) {
  return (
    <Card headingId="settings-heading" heading="Settings" headingClassName="mb-4" className="lg:col-span-2">
      <ClassSettingsForm {...props} />
    </Card>
  );
}

export function JoinCodeCard({ joinCode }: { joinCode: string | null }) {
  return (
    <Card headingId="join-heading" heading="Join code">
      <p className="mt-1 text-sm text-slate-600">Students enter it on “My classes” to join.</p>
      <p className="mt-3">
        <code
          data-testid="manage-join-code"
          className="rounded bg-slate-100 px-2 py-1 font-mono text-lg font-semibold tracking-wider text-slate-900"
        >
          {joinCode}
        </code>
      </p>
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
