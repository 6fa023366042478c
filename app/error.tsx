"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { PAGE_RETRY_SECONDS, UNAVAILABLE_DIGEST } from "@/lib/page-errors";

// The error page of every route below the root layout. In production a server error reaches it as
// a digest only; lib/server/page.ts gives a database outage a digest of its own, so the page can
// say what happened and retry by itself (a restart takes seconds). Any other error is a bug on our
// side: the page offers a retry but does not loop.

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const outage = error instanceof Error && (error as Error & { digest?: string }).digest === UNAVAILABLE_DIGEST;
  const [seconds, setSeconds] = useState(PAGE_RETRY_SECONDS);

  useEffect(() => {
    if (!outage) return;
    if (seconds <= 0) {
      retry();
      setSeconds(PAGE_RETRY_SECONDS);
      return;
    }
    const t = setTimeout(() => setSeconds((s) => s - 1), 1000);
    return () => clearTimeout(t);
  }, [outage, seconds, retry]);

  return (
    <div className="mx-auto max-w-md py-16 text-center" role="alert" data-testid="error-page">
      <p className="text-sm font-semibold text-brand-600">{outage ? "Temporarily unavailable" : "Error"}</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight">
        {outage ? "Catwalk's database is not answering" : "Something went wrong on our side"}
      </h1>
      <p className="mt-2 text-slate-600">
        {outage
          ? `It is probably restarting; nothing you did caused this and nothing is lost. Trying again in ${seconds} s…`
          : "Trying again may help; if it keeps happening, tell your instructor."}
      </p>
      <div className="mt-6 flex justify-center gap-4">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded-md bg-brand-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          Try again now
        </button>
        <Link href="/" className="px-3.5 py-2 text-sm font-semibold text-brand-600 hover:text-brand-700">
          Go home
        </Link>
      </div>
    </div>
  );
}
