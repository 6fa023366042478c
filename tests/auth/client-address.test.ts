import { afterEach, describe, expect, it } from "vitest";
import { appendPeerAddress } from "@/lib/peer-address";
import { clientIp, rateLimitAddress, resolveClient } from "@/lib/server/client-address";
import { EnvError, readServerEnv } from "@/lib/server/env";

// Which address a request counts against. The end-to-end check against the real server (a forged
// header from a real socket) is e2e/forwarded-for.spec.ts; these pin the walk itself.

const MARK = Symbol.for("catwalk.web-server.appends-peer-address");
const saved = { ...process.env };

/** The headers Next hands the app once our web server has appended the socket's address. */
function behindWebServer(peer: string, sent?: string): Headers {
  const request = { headers: sent ? { "x-forwarded-for": sent } : {}, socket: { remoteAddress: peer } };
  appendPeerAddress(request as Parameters<typeof appendPeerAddress>[0]);
  return new Headers(request.headers as Record<string, string>);
}

afterEach(() => {
  process.env = { ...saved };
  delete (globalThis as Record<symbol, unknown>)[MARK];
});

describe("the client address behind scripts/platform/web-server.ts", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For the client sent", () => {
    (globalThis as Record<symbol, unknown>)[MARK] = true;
    expect(clientIp(behindWebServer("192.0.2.10"))).toBe("192.0.2.10");
    expect(clientIp(behindWebServer("192.0.2.10", "203.0.113.1"))).toBe("192.0.2.10");
    expect(clientIp(behindWebServer("192.0.2.10", "203.0.113.1, 198.51.100.2"))).toBe("192.0.2.10");
  });

  it("believes a trusted proxy's report, and only as far as the first untrusted hop", () => {
    (globalThis as Record<symbol, unknown>)[MARK] = true;
    process.env.CATWALK_TRUSTED_PROXIES = "10.0.0.0/8, 192.168.1.1";
    // Client → proxy 10.0.0.5 → us: the proxy appended the client's address.
    expect(clientIp(behindWebServer("10.0.0.5", "203.0.113.7"))).toBe("203.0.113.7");
    // The client sent its own header; the proxy appended after it. The forged entry is left of
    // the first untrusted address and is ignored.
    expect(clientIp(behindWebServer("10.0.0.5", "6.6.6.6, 203.0.113.7"))).toBe("203.0.113.7");
    // Two trusted proxies in a row.
    expect(clientIp(behindWebServer("10.0.0.5", "203.0.113.7, 192.168.1.1"))).toBe("203.0.113.7");
    // An untrusted peer's header counts for nothing, trusted-looking entries included.
    expect(clientIp(behindWebServer("198.51.100.9", "203.0.113.7, 10.0.0.5"))).toBe("198.51.100.9");
  });

  it("counts IPv4-mapped IPv6 as IPv4 and an IPv6 client by its /64", () => {
    expect(rateLimitAddress("::ffff:192.0.2.10")).toBe("192.0.2.10");
    expect(rateLimitAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddress("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(resolveClient("::ffff:10.0.0.5", ["203.0.113.7"], ["10.0.0.0/8"])).toBe("203.0.113.7");
  });

  it("without our server in front (next dev), the last entry is taken as the peer", () => {
    // Next sets the header to the socket's address only when the client sent none; this mode is
    // for development, and warns once (client-address.ts).
    expect(clientIp(new Headers({ "x-forwarded-for": "127.0.0.1" }))).toBe("127.0.0.1");
    expect(clientIp(new Headers())).toBeNull();
  });

  it("refuses a trusted-proxy setting it cannot read, naming the entry", () => {
    expect(readServerEnv({ CATWALK_TRUSTED_PROXIES: "loopback, 10.0.0.0/8" }).CATWALK_TRUSTED_PROXIES).toEqual([
      "loopback",
      "10.0.0.0/8",
    ]);
    expect(readServerEnv({}).CATWALK_TRUSTED_PROXIES).toEqual([]);
    expect(() => readServerEnv({ CATWALK_TRUSTED_PROXIES: "10.0.0.0/8, proxy.internal" })).toThrow(EnvError);
    expect(() => readServerEnv({ CATWALK_TRUSTED_PROXIES: "proxy.internal" })).toThrow(/proxy\.internal/);
  });
});
