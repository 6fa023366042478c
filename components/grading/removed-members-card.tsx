import type { RemovedMember } from "@/lib/server/services/grading/removed-members";
import { Card, DataTable, dataCell, type FormAction, formatDate, sentenceCase } from "../ui";
import { ConfirmAction } from "./confirm-action";

/**
 * The people removed from the class: the join code no longer admits them. Owners re-admit them
 * (as students, whatever their former role); graders see the list.
 */
export function RemovedMembersCard({
  classSlug,
  removed,
  canManageMembers,
  readmitAction,
}: {
  classSlug: string;
  removed: RemovedMember[];
  canManageMembers: boolean;
  readmitAction: FormAction;
}) {
  return (
    <Card headingId="removed-heading" heading="Removed" headingClassName="mb-1">
      <p className="mb-3 text-sm text-slate-600">
        {removed.length === 0
          ? "Nobody has been removed."
          : `The join code no longer admits them. Their submissions stay. ${
              canManageMembers ? "Re-admitting brings someone back as a student." : "Only owners re-admit members."
            }`}
      </p>
      {removed.length > 0 && (
        <DataTable
          columns={[
            { label: "Member" },
            { label: "Former role" },
            { label: "Submissions", numeric: true },
            { label: "Removed" },
            canManageMembers && { label: "Actions", hidden: true, edge: true },
          ]}
        >
          {removed.map((m) => (
            <tr key={m.userId} data-testid="removed-row">
              <td className={`min-w-48 py-2.5 ${dataCell.edge}`}>
                <div className="font-medium text-slate-900">{m.name}</div>
                <div className="break-all text-xs text-slate-500">{m.email}</div>
              </td>
              <td className="px-3 py-2.5">{sentenceCase(m.formerRole)}</td>
              <td className="px-3 py-2.5 text-right tabular-nums">{m.submissionCount}</td>
              <td className="px-3 py-2.5 text-slate-500">
                <span className="whitespace-nowrap">{formatDate(m.removedAt)}</span>
                {m.removedBy && <div className="text-xs">by {m.removedBy.name}</div>}
              </td>
              {canManageMembers && (
                <td className={`py-2.5 text-right ${dataCell.edge}`}>
                  <ConfirmAction
                    action={readmitAction}
                    fields={{ classSlug, userId: m.userId }}
                    label="Re-admit"
                    accessibleLabel={`Re-admit ${m.name}`}
                    title={`Re-admit ${m.name}?`}
                    message={`They are back in the class as a student${
                      m.formerRole === "STUDENT"
                        ? ""
                        : ` (they were ${m.formerRole === "OWNER" ? "an owner" : "a grader"}: change the role in the roster if they should be again)`
                    }, with their earlier submissions.`}
                    confirmLabel="Re-admit"
                    pendingText="Re-admitting…"
                    size="sm"
                  />
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
