import type { Metadata } from "next";
import { Card, formatDate, PageHeader, TableHead } from "@/components/ui";
import { loadForPage, requirePageViewer } from "@/lib/server/page";
import { listMyClasses } from "@/lib/server/services/classes";
import { listApiTokens } from "@/lib/server/services/tokens";
import { createTokenAction, revokeTokenAction } from "./actions";
import { CreateTokenForm } from "./token-forms";

export const metadata: Metadata = { title: "API tokens" };

const COLUMNS = [
  ...["Name", "Token", "Access", "Classes", "Last used"].map((label) => ({ label, className: "pr-3" })),
  { label: "Actions", hidden: true },
];

export default async function TokensPage() {
  const viewer = await requirePageViewer("/settings/tokens");
  const [tokens, classes] = await Promise.all([
    loadForPage(() => listApiTokens(viewer)),
    loadForPage(() => listMyClasses(viewer)),
  ]);
  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle={
          <>
            For scripts: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to{" "}
            <code className="font-mono">/api/graphql</code>. Tokens act as you, limited to what you choose here.
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <h2 className="mb-3 font-semibold">Your tokens</h2>
          {tokens.length === 0 ? (
            <p className="text-sm text-slate-600">No tokens yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="API tokens">
                <TableHead columns={COLUMNS} className="text-xs uppercase text-slate-500" cellClassName="py-2" />
                <tbody className="divide-y divide-slate-100">
                  {tokens.map((t) => (
                    <tr key={t.id} className={t.revokedAt ? "text-slate-400" : undefined}>
                      <td className="py-2 pr-3 font-medium">{t.name}</td>
                      <td className="py-2 pr-3 font-mono text-xs">{t.prefix}…</td>
                      <td className="py-2 pr-3">{t.scopes.includes("WRITE") ? "Read and write" : "Read only"}</td>
                      <td className="py-2 pr-3">{t.classSlug ?? "All"}</td>
                      <td className="py-2 pr-3">{t.lastUsedAt ? formatDate(t.lastUsedAt) : "Never"}</td>
                      <td className="py-2 text-right">
                        {t.revokedAt ? (
                          <span>Revoked</span>
                        ) : (
                          <form action={revokeTokenAction}>
                            <input type="hidden" name="tokenId" value={t.id} />
                            <button
                              type="submit"
                              className="rounded-md px-2 py-1 text-xs font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-50"
                            >
                              Revoke <span className="sr-only">{t.name}</span>
                            </button>
                          </form>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">New token</h2>
          <CreateTokenForm action={createTokenAction} classes={classes.map((c) => ({ slug: c.slug, name: c.name }))} />
        </Card>
      </div>
    </>
  );
}
