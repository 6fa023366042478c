import { getScriptNonceFromHeader } from "next/dist/server/app-render/get-script-nonce-from-header.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { contentSecurityPolicy, createNonce, pagePolicy } from "@/lib/server/content-security-policy";
import {
  cspReportCounts,
  MAX_REPORT_BODY_BYTES,
  parseReport,
  receiveCspReport,
  recordViolation,
} from "@/lib/server/csp-report";

// The page policy and the report intake on their own; e2e/csp.spec.ts drives both through
// next start and a browser.

const directive = (policy: string[][], name: string) => policy.find((d) => d[0] === name)?.slice(1);

describe("the page policy", () => {
  it("puts the nonce where Next's renderer looks for it", () => {
    const nonce = createNonce();
    // Next's own parser (what app-render uses to put the nonce on its scripts and styles).
    expect(getScriptNonceFromHeader(contentSecurityPolicy({ nonce }))).toBe(nonce);
    expect(getScriptNonceFromHeader(contentSecurityPolicy({ nonce, development: true }))).toBe(nonce);
  });

  it("runs only scripts with the nonce (and what they load), never inline or eval, outside next dev", () => {
    const policy = pagePolicy({ nonce: "n0nce" });
    expect(directive(policy, "script-src")).toEqual(["'nonce-n0nce'", "'strict-dynamic'", "'wasm-unsafe-eval'"]);
    expect(directive(policy, "default-src")).toEqual(["'none'"]);
    expect(directive(policy, "object-src")).toEqual(["'none'"]);
    expect(directive(policy, "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(policy, "style-src-elem")).toEqual(["'self'", "'nonce-n0nce'"]);
    expect(policy.flat().filter((v) => v === "'unsafe-eval'")).toEqual([]);
    // 'unsafe-inline' only for style attributes (see content-security-policy.ts for why).
    expect(policy.filter((d) => d.includes("'unsafe-inline'")).map((d) => d[0])).toEqual(["style-src-attr"]);
    expect(directive(pagePolicy({ nonce: "n", development: true }), "script-src")).toContain("'unsafe-eval'");
  });

  it("makes a fresh 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});

/** A report as Chromium 156 sends it for an inline script. */
const chromiumReport = {
  "csp-report": {
    "document-uri": "http://127.0.0.1:3000/classes/lab?after=abc#x",
    referrer: "",
    "violated-directive": "script-src-elem",
    "effective-directive": "script-src-elem",
    "original-policy": "script-src 'nonce-x' 'strict-dynamic'; default-src 'none'",
    disposition: "enforce",
    "blocked-uri": "inline",
    "line-number": 1,
    "column-number": 1244,
    "source-file": "http://127.0.0.1:3000/classes/lab?after=abc",
    "status-code": 200,
    "script-sample": "",
  },
};

const post = (body: string, type = "application/csp-report", headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/api/csp-report", {
    method: "POST",
    headers: { "content-type": type, ...headers },
    body,
  });

describe("CSP report intake", () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    warn.mockRestore();
    delete process.env.CATWALK_CSP_REPORT_LOG_PER_MINUTE;
  });

  it("reads a browser's report, without query strings, fragments or line breaks", () => {
    expect(parseReport(chromiumReport)).toEqual({
      directive: "script-src-elem",
      blocked: "inline",
      document: "http://127.0.0.1:3000/classes/lab",
      source: "http://127.0.0.1:3000/classes/lab:1:1244",
      sample: "",
      disposition: "enforce",
    });
    const hostile = parseReport({
      "csp-report": {
        "violated-directive": "made-up-directive 'self'",
        "blocked-uri": "https://evil.example/x?token=secret",
        "script-sample": `a\nb\r\u0000${"c".repeat(500)}`,
      },
    })!;
    expect(hostile.directive).toBe("other");
    expect(hostile.blocked).toBe("https://evil.example/x");
    // Each control character becomes a space; the field stops at 200 characters.
    expect(hostile.sample).toBe(`a b  ${"c".repeat(195)}…`);
    expect(parseReport({ something: "else" })).toBeNull();
    expect(parseReport([chromiumReport])).toBeNull();
  });

  it("answers 204 to a report, 415 to another type, 413 past the size limit, 400 to anything else", async () => {
    expect(await receiveCspReport(post(JSON.stringify(chromiumReport)))).toEqual({ ok: true });
    expect(await receiveCspReport(post(JSON.stringify(chromiumReport), "text/plain"))).toMatchObject({ status: 415 });
    const big = JSON.stringify({ "csp-report": { "script-sample": "x".repeat(MAX_REPORT_BODY_BYTES) } });
    expect(await receiveCspReport(post(big))).toMatchObject({ status: 413 });
    // A stream without a declared length is cut off at the limit, not read to its end.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const streamed = new Request("http://127.0.0.1/api/csp-report", {
      method: "POST",
      headers: { "content-type": "application/csp-report" },
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect(await receiveCspReport(streamed)).toMatchObject({ status: 413 });
    expect(pulled).toBeLessThan(MAX_REPORT_BODY_BYTES / 1024 + 4);
    expect(await receiveCspReport(post("{not json"))).toMatchObject({ status: 400 });
    expect(await receiveCspReport(post(JSON.stringify({ hello: 1 })))).toMatchObject({ status: 400 });
  });

  it("logs at most CATWALK_CSP_REPORT_LOG_PER_MINUTE reports a minute and counts the rest, on a fixed set of keys", () => {
    process.env.CATWALK_CSP_REPORT_LOG_PER_MINUTE = "3";
    const before = cspReportCounts();
    const v = parseReport(chromiumReport)!;
    const start = Date.now() + 3_600_000; // a minute of its own, after anything else in this file
    for (let i = 0; i < 50; i++) recordViolation({ ...v, directive: i % 2 ? v.directive : "other" }, start + i);
    expect(warn).toHaveBeenCalledTimes(3);
    // The next minute starts with a line that sums up what was left out.
    recordViolation(v, start + 60_000);
    expect(warn).toHaveBeenCalledTimes(5);
    expect(String(warn.mock.calls[3]![0])).toMatch(/^\[csp\] 47 more violation reports in the last minute/);
    expect(String(warn.mock.calls[4]![0])).toMatch(/^\[csp\] violation \{/);
    const after = cspReportCounts();
    expect(after.total - before.total).toBe(51);
    expect(Object.keys(after.byDirective).sort()).toEqual(
      [...new Set([...Object.keys(before.byDirective), "other", "script-src-elem"])].sort(),
    );
  });
});
