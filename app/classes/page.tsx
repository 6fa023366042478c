import type { Metadata } from "next";
import Link from "next/link";
import { CreateClassForm, JoinClassForm } from "@/components/class-forms";
import { Card, PageHeader, pluralize } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { listMyClasses } from "@/lib/server/services/classes";
import { createClassAction, joinClassAction } from "./actions";

export const metadata: Metadata = { title: "My classes" };

const roleLabel = { STUDENT: "Student", GRADER: "Grader", OWNER: "Owner" } as const;

export default async function ClassesPage() {
  const viewer = await requirePageViewer("/classes");
  const classes = await loadForPage(() => listMyClasses(viewer));
  return (
    <>
      <PageHeader
        title="My classes"
        subtitle="Join your class with the code your instructor shared, or run one yourself."
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          {classes.length === 0 ? (
            <Card className="text-center text-slate-600">
              <p className="font-medium text-slate-900">You are not in any class yet.</p>
              <p className="mt-1 text-sm">Enter a join code on the right to get started.</p>
            </Card>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2" aria-label="Classes">
              {classes.map((c) => (
                <li key={c.id}>
                  <Link
                    href={`/classes/${c.slug}`}
                    className="block rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 transition hover:ring-brand-500"
                  >
                    <p className="font-semibold text-slate-900">{c.name}</p>
                    <p className="mt-1 text-sm text-slate-500">
                      {roleLabel[c.role]} · {pluralize(c.memberCount, "member")}
                    </p>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="space-y-6">
          <Card>
            <h2 className="mb-3 font-semibold">Join a class</h2>
            <JoinClassForm action={joinClassAction} />
          </Card>
          <Card>
            <h2 className="mb-3 font-semibold">Run a class</h2>
            <CreateClassForm action={createClassAction} />
          </Card>
        </div>
      </div>
    </>
  );
}
