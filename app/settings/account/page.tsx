import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { countMySessions } from "@/lib/server/services/sessions";
import { ChangePasswordForm } from "./account-forms";
import { changePasswordAction, signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const viewer = await requirePageViewer("/settings/account");
  const sessions = await loadForPage(() => countMySessions(viewer));
  return (
    <>
      <PageHeader title="Account" subtitle="Your password and where you are signed in." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card heading="Password" headingId="password-heading">
          <p className="mb-4 mt-1 text-sm text-slate-600">
            Changing it signs you out everywhere else; this browser stays signed in.
          </p>
          <ChangePasswordForm action={changePasswordAction} />
        </Card>
        <Card heading="Sessions" headingId="sessions-heading">
          <p className="mb-4 mt-1 text-sm text-slate-600" data-testid="session-count">
            You are signed in on {sessions} {sessions === 1 ? "browser" : "browsers"}, this one included.
          </p>
          <form action={signOutEverywhereAction}>
            <button
              type="submit"
              className="rounded-md px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-50"
            >
              Sign out everywhere
            </button>
          </form>
          <p className="mt-4 text-sm text-slate-600">
            <Link href="/settings/tokens" className="font-medium text-brand-600 hover:text-brand-700">
              API tokens
            </Link>{" "}
            are separate credentials: they keep working after a password change or signing out everywhere. Revoke any
            you don't recognise there.
          </p>
        </Card>
      </div>
    </>
  );
}
