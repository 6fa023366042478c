"use client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { markNoticesReadAction } from "@/app/notices/actions";
import type { Notice, NoticeList } from "@/lib/server/services/notices/list-notices";
import { cx, formatPercent } from "../ui";

// The header's notices: a run of one's own finished or failed. It polls while the tab is visible
// (the layout stays mounted across navigations, so what it has seen carries from page to page)
// and announces a notice that arrives while a page is open in a toast, spoken politely to screen
// readers. What was unread when the page loaded is counted on the button, not toasted again.

type Wire = Omit<NoticeList, "notices"> & {
  notices: (Omit<Notice, "createdAt" | "readAt"> & { createdAt: string; readAt: string | null })[];
};
type Item = Wire["notices"][number];

const POLL_MS = 10_000;
const TOAST_MS = 12_000;

function noticeText(n: Item): string {
  return n.kind === "SUCCEEDED"
    ? `“${n.submissionName}” finished: ${formatPercent(n.accuracy)}`
    : `“${n.submissionName}” failed${n.failureReason ? `: ${n.failureReason}` : ""}`;
}

const timeFormat = new Intl.DateTimeFormat("en-GB", { timeStyle: "short", dateStyle: "short" });

export function NoticeBell({ pollMs = POLL_MS }: { pollMs?: number }) {
  const [list, setList] = useState<Wire>({ unreadCount: 0, notices: [] });
  const [open, setOpen] = useState(false);
  const [toast, setToast] = useState<Item | null>(null);
  const seen = useRef<Set<string> | null>(null);
  const panel = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    if (document.visibilityState !== "visible") return;
    try {
      const r = await fetch("/api/notices", { cache: "no-store" });
      if (!r.ok) return;
      const next = (await r.json()) as Wire;
      const known = seen.current;
      if (known) {
        const fresh = next.notices.find((n) => n.readAt === null && !known.has(n.id));
        if (fresh) setToast(fresh);
      }
      seen.current = new Set(next.notices.map((n) => n.id));
      setList(next);
    } catch {
      // offline for a moment: the next tick tries again
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(load, pollMs);
    const onVisible = () => void load();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [load, pollMs]);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  // Escape and a click outside close the list, as a menu would.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    const onClick = (e: MouseEvent) => {
      if (panel.current && !panel.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  const markRead = async (ids: string[] | null) => {
    const now = new Date().toISOString();
    setList((l) => ({
      unreadCount: ids
        ? Math.max(0, l.unreadCount - l.notices.filter((n) => ids.includes(n.id) && !n.readAt).length)
        : 0,
      notices: l.notices.map((n) => (!n.readAt && (!ids || ids.includes(n.id)) ? { ...n, readAt: now } : n)),
    }));
    if (toast && (!ids || ids.includes(toast.id))) setToast(null);
    try {
      await markNoticesReadAction(ids);
    } catch {
      // the next poll shows them unread again
    }
  };

  const unread = list.unreadCount;
  return (
    <div className="relative" ref={panel}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="notice-list"
        onClick={() => setOpen((o) => !o)}
        className="relative rounded-md px-2 py-1 font-medium text-slate-700 hover:bg-slate-100"
        data-testid="notice-button"
      >
        {/* A bell on phones, where the header has no room for the word. */}
        <svg aria-hidden viewBox="0 0 20 20" className="inline h-4 w-4 align-[-2px] sm:hidden" fill="currentColor">
          <path d="M10 2a5 5 0 0 0-5 5v2.6l-1.4 2.8A1 1 0 0 0 4.5 14h11a1 1 0 0 0 .9-1.6L15 9.6V7a5 5 0 0 0-5-5Zm-2 13a2 2 0 0 0 4 0H8Z" />
        </svg>
        <span className="hidden sm:inline">Notices</span>
        {unread > 0 && (
          <span
            className="ml-1.5 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-semibold text-white"
            data-testid="notice-count"
          >
            {unread}
          </span>
        )}
        <span className="sr-only">
          <span className="sm:hidden">Notices</span>, {unread === 0 ? "none unread" : `${unread} unread`}
        </span>
      </button>
      {open && (
        <section
          id="notice-list"
          aria-label="Notices"
          className="absolute right-0 z-20 mt-2 w-80 rounded-lg bg-white p-2 text-sm shadow-lg ring-1 ring-slate-200"
        >
          <div className="flex items-center justify-between px-2 py-1">
            <span className="font-semibold text-slate-900">Your runs</span>
            {unread > 0 && (
              <button
                type="button"
                onClick={() => void markRead(null)}
                className="text-xs font-medium text-brand-600 hover:text-brand-700"
              >
                Mark all read
              </button>
            )}
          </div>
          {list.notices.length === 0 ? (
            <p className="px-2 py-3 text-slate-500">Nothing yet. You hear here when a run finishes or fails.</p>
          ) : (
            <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
              {list.notices.map((n) => (
                <li key={n.id} data-testid="notice" data-unread={n.readAt === null}>
                  <Link
                    href={`/submissions/${n.submissionId}`}
                    onClick={() => {
                      setOpen(false);
                      if (!n.readAt) void markRead([n.id]);
                    }}
                    className={cx(
                      "block rounded px-2 py-2 hover:bg-slate-50",
                      n.readAt ? "text-slate-500" : "text-slate-900",
                    )}
                  >
                    <span aria-hidden className={n.kind === "SUCCEEDED" ? "text-sky-700" : "text-orange-700"}>
                      {n.kind === "SUCCEEDED" ? "✓ " : "✕ "}
                    </span>
                    {noticeText(n)}
                    <span className="block text-xs text-slate-500">
                      {n.className} · {timeFormat.format(new Date(n.createdAt))}
                      {n.readAt === null && <span className="sr-only"> · unread</span>}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <div aria-live="polite" className="fixed bottom-4 right-4 z-30">
        {toast && (
          <div
            role="status"
            data-testid="notice-toast"
            className="flex max-w-sm items-start gap-3 rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
          >
            <Link
              href={`/submissions/${toast.submissionId}`}
              onClick={() => void markRead([toast.id])}
              className="hover:underline"
            >
              {noticeText(toast)}
            </Link>
            <button
              type="button"
              onClick={() => setToast(null)}
              className="text-slate-300 hover:text-white"
              aria-label="Dismiss"
            >
              ×
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
