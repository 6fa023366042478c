import "server-only";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";
import { peerAddressIsAppended } from "@/lib/peer-address";
import { serverEnv } from "./env";

// Which network a request came from, for per-address rate limits. The client controls every
// X-Forwarded-For entry it sends; only entries added by a proxy we run are worth anything. Our web
// server (scripts/platform/web-server.ts) appends the socket's address, so the last entry is the
// real peer; from there proxy-addr walks left while the hop is a trusted proxy
// (CATWALK_TRUSTED_PROXIES, default none) and stops at the first address that isn't, which is
// the client as the outermost trusted proxy saw it. Entries left of that are ignored.

let warnedUnmarked = false;

/** The request's client address as a rate-limit key: IPv4, or an IPv6 /64 (one customer's network). */
export function clientIp(headers: Headers): string | null {
  const entries = parseForwardedFor(headers.get("x-forwarded-for"));
  // Without our server in front (`next dev`, or `next start` run by hand) the last entry is the
  // socket only when the client sent no header of its own; say so once instead of failing.
  if (!peerAddressIsAppended() && !warnedUnmarked) {
    warnedUnmarked = true;
    console.warn(
      "[client-address] not behind scripts/platform/web-server.ts: X-Forwarded-For is not checked against the socket, so per-address limits can be evaded. Run the app with `npm start`.",
    );
  }
  const peer = entries.pop();
  if (!peer) return null;
  return rateLimitAddress(resolveClient(peer, entries, serverEnv().CATWALK_TRUSTED_PROXIES));
}

/**
 * proxy-addr's walk (as in Express's `trust proxy`): from the socket's peer leftwards through the
 * forwarded entries, stopping at the first hop that is not trusted.
 */
export function resolveClient(peer: string, forwarded: string[], trusted: readonly string[]): string {
  if (trusted.length === 0) return peer;
  const request = { headers: { "x-forwarded-for": forwarded.join(", ") }, socket: { remoteAddress: peer } };
  return proxyaddr(request as unknown as Parameters<typeof proxyaddr>[0], proxyaddr.compile([...trusted]));
}

function parseForwardedFor(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/**
 * The address normalised for counting: IPv4-mapped IPv6 becomes IPv4, and IPv6 is cut to its /64,
 * since one subscriber usually holds a whole /64 and could otherwise rotate through it at will.
 * Something that is no address at all (a proxy's "unknown") counts as itself.
 */
export function rateLimitAddress(address: string): string {
  if (!ipaddr.isValid(address)) return address.slice(0, 100);
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(":")}::/64`;
}
