import { Card, cx, type FormAction, formatDate } from "../ui";
import { ConfirmAction } from "./confirm-action";

/**
 * The join code students type, whether it still admits anyone, and rotating it. Rotating asks
 * first: students who haven't joined yet need the new code, and the old one stops at once.
 */
export function JoinCodeCard({
  classSlug,
  joinCode,
  expiresAt,
  now,
  rotateAction,
}: {
  classSlug: string;
  joinCode: string | null;
  expiresAt: Date | null;
  /** The render's time, so the expired/not-yet state is decided once. */
  now: Date;
  rotateAction: FormAction;
}) {
  const expired = expiresAt !== null && expiresAt <= now;
  return (
    <Card headingId="join-heading" heading="Join code">
      <p className="mt-1 text-sm text-slate-600">Students enter it on “My classes” to join.</p>
      <p className="mt-3">
        <code
          data-testid="manage-join-code"
          className={cx(
            "rounded bg-slate-100 px-2 py-1 font-mono text-lg font-semibold tracking-wider",
            expired ? "text-slate-500 line-through" : "text-slate-900",
          )}
        >
          {joinCode}
        </code>
      </p>
      <p data-testid="join-code-expiry" className={cx("mt-2 text-sm", expired ? "text-rose-700" : "text-slate-600")}>
        {expiresAt === null
          ? "Never expires."
          : expired
            ? `Expired ${formatDate(expiresAt)}: it admits nobody new.`
            : `Expires ${formatDate(expiresAt)}.`}
      </p>
      <div className="mt-3">
        <ConfirmAction
          action={rotateAction}
          fields={{ classSlug }}
          label="Rotate code"
          accessibleLabel="Rotate join code"
          title="Replace the join code?"
          message={`The current code stops working at once; students who haven't joined yet need the new one. Members stay in the class. ${
            expired
              ? "The expiry has passed, so it is cleared: the new code works until you set another."
              : expiresAt
                ? "The new code keeps the same expiry."
                : ""
          }`.trim()}
          confirmLabel="Rotate code"
          pendingText="Rotating…"
          variant="danger"
          size="sm"
        />
      </div>
    </Card>
  );
}
