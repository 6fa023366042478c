import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "@playwright/test";

// Content-Security-Policy violations, seen from both ends: in the browser (the
// `securitypolicyviolation` event and the console message Chromium prints for each), and on the
// server, where the policy's report-uri (/api/csp-report) logs one `[csp] violation {…}` line per
// report into the server log that global-setup.ts keeps (E2E_SERVER_LOG).

/** A host that can't resolve, so the canary image is refused by img-src before any request. */
export const CANARY_HOST = "csp-canary.invalid";

/** Console messages about a policy the browser refused or could not parse (Permissions-Policy too). */
const POLICY_MESSAGE = /Content[ -]Security[ -]Policy|Permissions-Policy/i;

/**
 * Collects every violation in `context`'s pages into `sink` (installed before the context's first
 * page: the listener is in place before any of a page's own scripts run).
 */
export async function watchCsp(context: BrowserContext, sink: string[]): Promise<void> {
  await context.exposeBinding("__cspViolation", ({ page }, detail: string) => {
    sink.push(`${new URL(page.url()).pathname}: ${detail}`);
  });
  await context.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) => {
        const report = (window as unknown as { __cspViolation: (detail: string) => void }).__cspViolation;
        report(
          `${e.effectiveDirective} refused ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`,
        );
      },
      true,
    );
  });
  context.on("console", (message) => {
    if (POLICY_MESSAGE.test(message.text())) {
      sink.push(`${message.page()?.url() ?? "?"}: console ${message.type()}: ${message.text()}`);
    }
  });
}

/** Makes `page` break its policy once, recognisably: an image from CANARY_HOST tagged `id`. */
export async function tripCanary(page: Page, id: string): Promise<void> {
  await page.evaluate(
    ([host, tag]) => {
      const img = document.createElement("img");
      img.src = `https://${host}/${tag}.png`;
      document.body.append(img);
    },
    [CANARY_HOST, id] as const,
  );
}

export interface ReportedViolation {
  directive: string;
  blocked: string;
  document: string;
  source: string;
  sample: string;
}

/** The server log as global-setup.ts writes it. */
function serverLog(): string {
  const path = process.env.E2E_SERVER_LOG;
  if (!path) throw new Error("E2E_SERVER_LOG is not set: run the e2e tests through playwright.config.ts");
  return readFileSync(path, "utf8");
}

/** Where the server log ends now: reports after this point are the ones `reportsSince` returns. */
export function serverLogOffset(): number {
  return Buffer.byteLength(serverLog());
}

/** The violations the report endpoint logged after `offset` (a byte offset from serverLogOffset). */
export function reportsSince(offset = 0): ReportedViolation[] {
  const text = Buffer.from(serverLog()).subarray(offset).toString("utf8");
  return parseReportLines(text);
}

export function parseReportLines(text: string): ReportedViolation[] {
  return text
    .split("\n")
    .map((line) => /\[csp\] violation (\{.*\})\s*$/.exec(line)?.[1])
    .filter((json): json is string => json !== undefined)
    .map((json) => JSON.parse(json) as ReportedViolation);
}

export const isCanary = (v: { blocked: string }) => v.blocked.includes(CANARY_HOST);
