import "server-only";
import { z } from "zod";
import { readBodyUpTo } from "./body-limit";
import { serverEnv } from "./env";

// Intake of Content-Security-Policy violation reports (POST /api/csp-report): the page policy's
// report-uri, which every browser sends as `application/csp-report` ({"csp-report": {…}}).
// Anyone can post here (browsers send reports without credentials, and a report is only the
// browser's word about a page), so nothing is stored: a report is a log line and a counter.
// What keeps that bounded: a small body (read no further than MAX_REPORT_BODY_BYTES), a fixed set
// of counters, truncated fields, and at most CATWALK_CSP_REPORT_LOG_PER_MINUTE log lines a minute
// per process (the rest are counted and summed up in one line).

/** One report is about 1 KiB, half of it the policy; a script sample is at most 40 characters. */
export const MAX_REPORT_BODY_BYTES = 16 * 1024;
const FIELD_CHARS = 200;

/** report-uri's type; some older browsers sent plain JSON. */
const CONTENT_TYPES = new Set(["application/csp-report", "application/json"]);

/** The directives a violation can name; anything else is counted as "other", so counters can't grow. */
const DIRECTIVES = new Set([
  "base-uri",
  "child-src",
  "connect-src",
  "default-src",
  "font-src",
  "form-action",
  "frame-ancestors",
  "frame-src",
  "img-src",
  "manifest-src",
  "media-src",
  "object-src",
  "script-src",
  "script-src-attr",
  "script-src-elem",
  "style-src",
  "style-src-attr",
  "style-src-elem",
  "trusted-types",
  "require-trusted-types-for",
  "worker-src",
]);

/** A field browsers may leave out or send as a number (line-number): a string, or absent. */
const text = z
  .unknown()
  .transform((v) => (typeof v === "string" || typeof v === "number" ? String(v) : undefined))
  .optional();

/** report-uri's body: kebab-case fields under "csp-report"; other fields are ignored. */
const reportBody = z.object({
  "csp-report": z.object({
    "document-uri": text,
    "effective-directive": text,
    "violated-directive": text,
    "blocked-uri": text,
    "source-file": text,
    "line-number": text,
    "column-number": text,
    "script-sample": text,
    disposition: text,
  }),
});

export interface Violation {
  directive: string;
  blocked: string;
  document: string;
  source: string;
  sample: string;
  disposition: string;
}

export type IntakeResult = { ok: true } | { ok: false; status: 400 | 413 | 415; message: string };

/** No control characters (one report, one log line), bounded length. */
function clean(value: string | undefined): string {
  if (!value) return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  return flat.length > FIELD_CHARS ? `${flat.slice(0, FIELD_CHARS)}…` : flat;
}

/**
 * A URL without its query and fragment (they may carry what the page was asked for); the
 * keywords browsers put in blocked-uri ("inline", "eval", "data", …) stay as they are.
 */
function withoutQuery(value: string | undefined): string {
  if (!value) return "";
  try {
    const url = new URL(value);
    return clean(`${url.origin === "null" ? `${url.protocol}` : url.origin}${url.pathname}`);
  } catch {
    return clean(value);
  }
}

/** The violation in a parsed report body, or null when it is not a CSP report. */
export function parseReport(body: unknown): Violation | null {
  const parsed = reportBody.safeParse(body);
  if (!parsed.success) return null;
  const r = parsed.data["csp-report"];
  // Old browsers send only violated-directive, with its sources ("script-src 'self'").
  const name = (r["effective-directive"] ?? r["violated-directive"] ?? "").trim().split(/\s+/)[0]!.toLowerCase();
  const source = withoutQuery(r["source-file"]);
  const line = r["line-number"];
  return {
    directive: DIRECTIVES.has(name) ? name : "other",
    blocked: withoutQuery(r["blocked-uri"]) || "(none)",
    document: withoutQuery(r["document-uri"]),
    source: source && line ? `${source}:${clean(line)}:${clean(r["column-number"] ?? "0")}` : source,
    sample: clean(r["script-sample"]),
    disposition: clean(r.disposition) || "enforce",
  };
}

/** This process's counters since start: a fixed set of keys, whatever is posted. */
const counts = { total: 0, byDirective: new Map<string, number>() };
/** The current minute's log budget. */
const logWindow = { startedAt: 0, logged: 0, suppressed: 0 };

export function cspReportCounts(): { total: number; byDirective: Record<string, number> } {
  return { total: counts.total, byDirective: Object.fromEntries(counts.byDirective) };
}

function logViolation(v: Violation, now: number, perMinute: number): void {
  if (now - logWindow.startedAt >= 60_000) {
    if (logWindow.suppressed > 0) {
      console.warn(
        `[csp] ${logWindow.suppressed} more violation reports in the last minute were not logged; since start: ${JSON.stringify(cspReportCounts())}`,
      );
    }
    Object.assign(logWindow, { startedAt: now, logged: 0, suppressed: 0 });
  }
  if (logWindow.logged >= perMinute) {
    logWindow.suppressed++;
    return;
  }
  logWindow.logged++;
  console.warn(`[csp] violation ${JSON.stringify(v)}`);
}

/** Counts one violation and logs it, within this minute's budget. */
export function recordViolation(v: Violation, now = Date.now()): void {
  counts.total++;
  counts.byDirective.set(v.directive, (counts.byDirective.get(v.directive) ?? 0) + 1);
  logViolation(v, now, serverEnv().CATWALK_CSP_REPORT_LOG_PER_MINUTE);
}

/** One POST to the report endpoint: checked, parsed, counted and logged. */
export async function receiveCspReport(request: Request): Promise<IntakeResult> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!CONTENT_TYPES.has(type)) {
    return { ok: false, status: 415, message: `Expected one of: ${[...CONTENT_TYPES].join(", ")}.` };
  }
  const bytes = await readBodyUpTo(request, MAX_REPORT_BODY_BYTES);
  if (bytes === null) {
    return { ok: false, status: 413, message: `Report body too large: at most ${MAX_REPORT_BODY_BYTES} bytes.` };
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return { ok: false, status: 400, message: "The report is not JSON." };
  }
  const violation = parseReport(body);
  if (!violation) return { ok: false, status: 400, message: "The body is not a CSP violation report." };
  recordViolation(violation);
  return { ok: true };
}
