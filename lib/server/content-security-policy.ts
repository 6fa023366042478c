import "server-only";

// The Content-Security-Policy of every HTML page, built per request around a fresh nonce by
// proxy.ts. Next reads the nonce back from the request's copy of this header and puts it on its
// own scripts and inline styles (next/dist/server/app-render/get-script-nonce-from-header.js
// takes the first 'nonce-…' of the first directive starting with "script-src", so script-src
// stays first and no script-src-elem precedes it). Everything else (route handlers, static
// files, error responses the proxy never sees) gets the fixed policy in next.config.js.

/**
 * Where browsers send violation reports. report-uri only: given report-to as well, Chromium ignores
 * report-uri and queues reports for the Reporting API, which batches them (none had arrived 150 s
 * after a violation in our headless Chromium 156, while report-uri's arrived in 1-2 s); Firefox
 * and Safari send report-uri's.
 */
export const CSP_REPORT_PATH = "/api/csp-report";

/** 128 random bits, base64: unguessable and fresh for every response (CSP3 asks for ≥ 128 bits). */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export interface PolicyOptions {
  nonce: string;
  /** `next dev` only, as Next's guide has it: React rebuilds server error stacks with eval, and dev tools inject styles. */
  development?: boolean;
}

/**
 * The page policy, one directive per entry.
 *
 * - Scripts: only those carrying the nonce, and what they load ('strict-dynamic': Next's chunk
 *   loader inserts script elements). No 'unsafe-inline', no host allow-list to bypass.
 *   'wasm-unsafe-eval' lets a page compile WebAssembly (the model pages run the stored model on
 *   tfjs's wasm backend, whose binaries come from /api/tfjs-wasm): it allows WebAssembly.compile
 *   and instantiate only, not eval or new Function, and a module can only be compiled from bytes
 *   a script that already runs here (nonce-approved) fetched.
 * - Style elements: ours are files ('self', Tailwind's one stylesheet); Next's inline ones carry
 *   the nonce. Style *attributes* are allowed ('unsafe-inline' in style-src-attr only): React
 *   server-renders `style` props as attributes (the progress bar's width; visx's <Text> wraps every
 *   axis label in <svg style="overflow:visible">): 50 refusals on one submission page without
 *   this. A nonce cannot cover an attribute, and an attribute has no selectors, so it cannot read
 *   the page (the CSS exfiltration attacks need <style> or a stylesheet, both still nonce/'self');
 *   whatever it could fetch through url() is held to img-src and font-src. Browsers without style-src-attr
 *   (Safari < 15.4) fall back to style-src, which has no 'unsafe-inline': they drop those
 *   attributes rather than run anything.
 * - Images: our own routes (test images are PNGs from /api/submissions/…) and data: URLs.
 * - connect-src 'self': JSON routes, the SSE stream, server actions and RSC fetches.
 * - form-action 'self': server actions and the manage page's GET filter form post to this origin;
 *   Auth.js's redirects stay on it (credentials only, no OAuth provider).
 * - Nothing may frame a page, nothing is a plugin, and no <base> may re-root relative URLs.
 */
export function pagePolicy({ nonce, development = false }: PolicyOptions): string[][] {
  const n = `'nonce-${nonce}'`;
  return [
    ["script-src", n, "'strict-dynamic'", "'wasm-unsafe-eval'", ...(development ? ["'unsafe-eval'"] : [])],
    ["default-src", "'none'"],
    ["style-src", "'self'", n],
    // In next dev, without the nonce: a nonce in the list would switch 'unsafe-inline' off.
    ["style-src-elem", "'self'", ...(development ? ["'unsafe-inline'"] : [n])],
    ["style-src-attr", "'unsafe-inline'"],
    ["img-src", "'self'", "data:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'"],
    ["manifest-src", "'self'"],
    ["form-action", "'self'"],
    ["base-uri", "'none'"],
    ["object-src", "'none'"],
    ["frame-ancestors", "'none'"],
    ["report-uri", CSP_REPORT_PATH],
  ];
}

function serializePolicy(directives: string[][]): string {
  return directives.map((d) => d.join(" ")).join("; ");
}

export function contentSecurityPolicy(options: PolicyOptions): string {
  return serializePolicy(pagePolicy(options));
}
