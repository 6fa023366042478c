import Link from "next/link";
import type { RosterMember } from "@/lib/server/services/grading/roster";
import { Card, DataTable, dataCell, type FormAction, formatDate, pluralize, sentenceCase } from "../ui";
import { ConfirmAction } from "./confirm-action";
import { RoleForm } from "./role-form";

/**
 * The class's members with their role and submission count. Changing roles and removing members
 * take `canManageMembers` (owners today); everyone else on the page sees the roles as text.
 */
export function RosterTable({
  classSlug,
  roster,
  viewerId,
  canManageMembers,
  submissionsHref,
  setRoleAction,
  removeMemberAction,
}: {
  classSlug: string;
  roster: RosterMember[];
  viewerId: string;
  canManageMembers: boolean;
  /** Where a member's submission count links to: the submissions below, filtered to them. */
  submissionsHref: (userId: string) => string;
  setRoleAction: FormAction;
  removeMemberAction: FormAction;
}) {
  return (
    <Card headingId="roster-heading" heading="Roster" headingClassName="mb-3">
      {!canManageMembers && <p className="mb-3 text-sm text-slate-500">Only owners change roles or remove members.</p>}
      <DataTable
        columns={[
          { label: "Member" },
          { label: "Role" },
          { label: "Submissions", numeric: true },
          { label: "Joined" },
          canManageMembers && { label: "Actions", hidden: true, edge: true },
        ]}
      >
        {roster.map((m) => (
          <tr key={m.userId} data-testid="roster-row">
            <td className={`min-w-48 py-2.5 ${dataCell.edge}`}>
              <div className="font-medium text-slate-900">
                {m.name}
                {m.userId === viewerId && <span className="text-slate-500"> (you)</span>}
              </div>
              <div className="break-all text-xs text-slate-500">{m.email}</div>
            </td>
            <td className="min-w-44 px-3 py-2.5">
              {canManageMembers ? (
                <RoleForm action={setRoleAction} classSlug={classSlug} userId={m.userId} name={m.name} role={m.role} />
              ) : (
                sentenceCase(m.role)
              )}
            </td>
            <td className="px-3 py-2.5 text-right tabular-nums">
              {m.submissionCount > 0 ? (
                <Link
                  href={submissionsHref(m.userId)}
                  className="text-brand-600 hover:text-brand-700"
                  aria-label={`${pluralize(m.submissionCount, "submission")} by ${m.name}`}
                >
                  {m.submissionCount}
                </Link>
              ) : (
                0
              )}
            </td>
            <td className="whitespace-nowrap px-3 py-2.5 text-slate-500">{formatDate(m.joinedAt)}</td>
            {canManageMembers && (
              <td className={`py-2.5 text-right ${dataCell.edge}`}>
                <ConfirmAction
                  action={removeMemberAction}
                  fields={{ classSlug, userId: m.userId }}
                  label="Remove"
                  accessibleLabel={`Remove ${m.name}`}
                  title={`Remove ${m.name} from the class?`}
                  message="They lose access to the class, and the join code no longer admits them until an owner re-admits them (under Removed, below). Their submissions and results stay."
                  confirmLabel="Remove"
                  pendingText="Removing…"
                  variant="danger"
                  size="sm"
                />
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
