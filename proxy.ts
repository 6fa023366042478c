import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy, createNonce } from "@/lib/server/content-security-policy";
import { serverEnv } from "@/lib/server/env";

// Every page gets a Content-Security-Policy with a nonce of its own (Next's guide to CSP:
// node_modules/next/dist/docs/01-app/02-guides/content-security-policy.md). The policy goes on
// the request too: that copy is where Next's renderer finds the nonce for its scripts, and
// setting it here also overwrites any Content-Security-Policy a client sent, which would
// otherwise choose the nonce. The headers every response shares, and the fixed policy of
// responses that are not pages, are in next.config.js.

export function proxy(request: NextRequest): NextResponse {
  const policy = contentSecurityPolicy({
    nonce: createNonce(),
    development: serverEnv().NODE_ENV === "development",
  });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.delete("content-security-policy-report-only");
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: route handlers (api/) and build assets render no HTML that could run a script.
      source: "/((?!api/|_next/static/|_next/image|favicon.ico).*)",
      // A prefetch fetches an RSC payload, not a document: no policy to apply, no nonce to spend.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
