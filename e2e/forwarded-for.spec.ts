import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { E2E_LIMITS, signUp } from "./helpers";

// Per-address limits against the real server (scripts/platform/web-server.ts in front of Next),
// from real sockets: a raw HTTP client binds its own loopback address (127.0.0.x), so the server
// sees a different peer per test, and sends whatever X-Forwarded-For it likes. The e2e server
// trusts only 127.0.0.1 as a proxy (global-setup.ts). Sign-in goes through Auth.js's own
// endpoint, as a script would, and the address limit used is the daily failures per address.

const PORT = Number(process.env.E2E_PORT ?? 3100);
const unique = Date.now().toString(36);

interface Answer {
  status: number;
  location: string | null;
  cookies: string[];
  body: string;
}

function send(
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: PORT, localAddress: from, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location ?? null,
          cookies: (res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!),
          body: text,
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** One sign-in through Auth.js's credentials endpoint; returns the error code it redirects with, or "ok". */
async function signInRaw(from: string, email: string, password: string, forwardedFor?: string): Promise<string> {
  const xff: Record<string, string> = forwardedFor ? { "x-forwarded-for": forwardedFor } : {};
  const csrf = await send(from, "GET", "/api/auth/csrf", xff);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const answer = await send(
    from,
    "POST",
    "/api/auth/callback/credentials",
    { ...xff, "content-type": "application/x-www-form-urlencoded", cookie: csrf.cookies.join("; ") },
    new URLSearchParams({ email, password, csrfToken, callbackUrl: "/classes" }).toString(),
  );
  expect(answer.status).toBe(302);
  const code = new URL(answer.location!, "http://x").searchParams.get("code");
  return code ?? (answer.cookies.some((c) => c.includes("session-token=")) ? "ok" : `no session: ${answer.location}`);
}

let n = 0;
const forged = () => `203.0.113.${++n}`;
const victim = () => `nobody.${unique}.${++n}@example.test`;

test("a client's own X-Forwarded-For is ignored: a new forged address per attempt doesn't reset its count", async () => {
  const from = "127.0.0.21";
  for (let i = 0; i < E2E_LIMITS.failuresPerAddress; i++) {
    expect(await signInRaw(from, victim(), "guess", forged())).toBe("credentials");
  }
  // The address is its socket's, however the header changes: refused now.
  expect(await signInRaw(from, victim(), "guess", forged())).toBe("rate_limited");
  expect(await signInRaw(from, victim(), "guess")).toBe("rate_limited");
  // Another socket address is another client.
  expect(await signInRaw("127.0.0.22", victim(), "guess", forged())).toBe("credentials");
});

test("the trusted proxy's report is believed, and entries a client put before it are not", async ({ browser }) => {
  // 127.0.0.1 is the trusted proxy; what it appended last is the client.
  const client = "198.51.100.31";
  for (let i = 0; i < E2E_LIMITS.failuresPerAddress; i++) {
    // The client forged an entry of its own each time; the proxy appended the real one after it.
    expect(await signInRaw("127.0.0.1", victim(), "guess", `${forged()}, ${client}`)).toBe("credentials");
  }
  expect(await signInRaw("127.0.0.1", victim(), "guess", `${forged()}, ${client}`)).toBe("rate_limited");
  // Others behind the same proxy are other clients, and a right password signs in.
  await signUp(browser, "Pia Proxied", unique);
  expect(await signInRaw("127.0.0.1", `pia.${unique}@example.test`, "correct horse battery", "198.51.100.32")).toBe(
    "ok",
  );
});
