import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NoticeBell } from "@/components/notices/notice-bell";
import { layoutUser } from "@/lib/server/page";
import { signOutAction } from "./(auth)/actions";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Catwalk", template: "%s · Catwalk" },
  description: "Train neural networks on Fashion-MNIST and compete on your class leaderboard.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The session as the server sees it: a cookie whose session has ended shows "Sign in".
  const user = await layoutUser();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav
            aria-label="Main"
            className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3 sm:px-6"
          >
            <div className="flex items-center gap-6">
              <Link href="/" className="flex items-center gap-2 text-lg font-bold tracking-tight text-slate-900">
                <span
                  aria-hidden
                  className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-brand-500 to-fuchsia-500"
                />
                Catwalk
              </Link>
              {user && (
                <Link href="/classes" className="text-sm font-medium text-slate-600 hover:text-slate-900">
                  My classes
                </Link>
              )}
            </div>
            {user ? (
              <div className="flex items-center gap-1 text-sm sm:gap-3">
                <span className="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
                  {user.name}
                </span>
                <NoticeBell />
                <Link
                  href="/settings/account"
                  className="rounded-md px-2 py-1 font-medium text-slate-700 hover:bg-slate-100"
                >
                  Account
                </Link>
                <form action={signOutAction}>
                  <button type="submit" className="rounded-md px-2 py-1 font-medium text-slate-700 hover:bg-slate-100">
                    Sign out
                  </button>
                </form>
              </div>
            ) : (
              <div className="flex items-center gap-2 text-sm">
                <Link href="/signin" className="rounded-md px-2 py-1 font-medium text-slate-700 hover:bg-slate-100">
                  Sign in
                </Link>
                <Link
                  href="/signup"
                  className="rounded-md bg-brand-600 px-3 py-1.5 font-semibold text-white hover:bg-brand-700"
                >
                  Sign up
                </Link>
              </div>
            )}
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
          {children}
        </main>
      </body>
    </html>
  );
}
