import "server-only";
import { LRUCache } from "lru-cache";
import pg from "pg";
import { databaseUrl, serverEnv } from "./env";

// In-process copies of the rows every authenticated request reads before it does anything: the
// API token or session behind it, and the class-access row (class, switches, board version,
// membership). On a leaderboard poll those two statements were most of the request's cost: a
// round trip each on loopback costs the web process more CPU than all of its GraphQL work, and
// PostgreSQL as much again on the same cores (bench/README.md, `npm run bench:api`).
//
// They are kept only while this process is told of every change. Triggers
// (prisma/migrations/…_access_notify) NOTIFY `catwalk_access` in the transaction of any change
// to those tables, whoever makes it; NOTIFY is delivered at commit, in commit order. Every
// notification empties the whole cache (changes are rare next to reads: a revoked token, a role,
// a reveal, a new result), so the only way a request can act on an old row is to arrive in the
// moment between a commit and its notification reaching this process (`npm run bench:api`
// measures that delay: p99 0.6 ms after the commit is acknowledged, on one machine). While the LISTEN connection is down — not yet connected, or
// lost — nothing is served from or stored in the cache: every read goes to the database, as
// before.
//
// A read that was in flight when a notification arrived may have read the old row: each read
// notes the generation (bumped by every notification and every connect/disconnect) before it
// starts and stores its row only if the generation is still the same when it ends. A
// notification that arrives before the read starts belongs to a commit the read will see.
//
// Started by the web server (instrumentation.ts); CATWALK_ACCESS_CACHE=0 leaves it off. Other
// processes (the worker, scripts, tests that don't start it) read the database every time.

const CHANNEL = "catwalk_access";

interface State {
  client: pg.Client | null;
  /** LISTEN is in place on `client`: only then may the cache be used. */
  listening: boolean;
  generation: number;
  stopped: boolean;
  retryMs: number;
  /** Resolves when the current connection attempt has finished (for start()'s callers). */
  connecting: Promise<void> | null;
  /** Every cache made by accessCache(). On globalThis with the rest: Next's dev server re-evaluates
   * modules on edits, and a listener from the first evaluation must empty the caches of all. */
  caches: Set<LRUCache<string, { value: unknown }>>;
}

const globalForCache = globalThis as unknown as { catwalkAccessCache?: State };
globalForCache.catwalkAccessCache ??= {
  client: null,
  listening: false,
  generation: 0,
  stopped: true,
  retryMs: 250,
  connecting: null,
  caches: new Set(),
};
const state: State = globalForCache.catwalkAccessCache;

/** Counters for tests and diagnostics. */
export const accessCacheStats = { hits: 0, misses: 0, stores: 0, notifications: 0, connects: 0 };

function invalidate(): void {
  state.generation++;
  for (const cache of state.caches) cache.clear();
}

/** A cache of one kind of row, emptied by every notification. */
export function accessCache<V extends object>(name: string, max = 10_000) {
  const entries = new LRUCache<string, { value: unknown }>({ max });
  state.caches.add(entries);
  return {
    name,
    /**
     * The cached row for `key`, or `load()`'s (stored when still valid). `load` returning null
     * (no such row) is never stored: a missing token or class is looked up again next time, so
     * guessing secrets cannot fill the cache.
     */
    async read(key: string, load: () => Promise<V | null>): Promise<V | null> {
      if (!state.listening) return load();
      const hit = entries.get(key);
      if (hit) {
        accessCacheStats.hits++;
        return hit.value as V;
      }
      accessCacheStats.misses++;
      const generation = state.generation;
      const value = await load();
      if (value !== null && state.listening && state.generation === generation) {
        entries.set(key, { value });
        accessCacheStats.stores++;
      }
      return value;
    },
  };
}

/**
 * Empties the cache now, after this process has committed a change whose effect its user expects
 * on their very next request (a revoked token, a signed-out session, a changed password). Other
 * processes hear of it by NOTIFY; this one need not wait for its own notification to come back.
 */
export function forgetAccess(): void {
  invalidate();
}

/**
 * For /api/health: listening (serving from memory), connecting (started, LISTEN not in place:
 * reading the database) or off (not started in this process, or CATWALK_ACCESS_CACHE=0).
 */
export function accessCacheStatus(): "listening" | "connecting" | "off" {
  if (state.listening) return "listening";
  return state.stopped ? "off" : "connecting";
}

/** Whether reads are being served from the cache now (LISTEN in place). */
export function accessCacheActive(): boolean {
  return state.listening;
}

async function connect(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(), application_name: "catwalk-web-access-cache" });
  client.on("error", () => undefined); // 'end' follows; it does the reconnecting
  client.on("notification", (message) => {
    if (message.channel !== CHANNEL || client !== state.client) return;
    accessCacheStats.notifications++;
    invalidate();
  });
  client.on("end", () => {
    if (state.client !== client) return;
    state.client = null;
    state.listening = false;
    invalidate();
    scheduleReconnect();
  });
  state.client = client;
  try {
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  } catch (error) {
    if (state.client === client) state.client = null;
    await client.end().catch(() => undefined);
    throw error;
  }
  if (state.client !== client || state.stopped) return;
  // Anything read before LISTEN was in place may be older than a change it missed.
  invalidate();
  state.listening = true;
  state.retryMs = 250;
  accessCacheStats.connects++;
}

function scheduleReconnect(): void {
  if (state.stopped || state.client) return;
  const delay = state.retryMs;
  state.retryMs = Math.min(state.retryMs * 2, 10_000);
  setTimeout(() => {
    if (state.stopped || state.client) return;
    state.connecting = connect().catch(() => scheduleReconnect());
  }, delay).unref();
}

/**
 * Starts listening (once per process); resolves when the first attempt has finished, whether
 * or not it connected: the cache turns itself on when LISTEN is in place, and a database that
 * is down at start-up is retried with backoff, never holding the server up.
 */
export async function startAccessCache(): Promise<void> {
  if (!serverEnv().CATWALK_ACCESS_CACHE || !state.stopped) return state.connecting ?? undefined;
  state.stopped = false;
  state.connecting = connect().catch(() => scheduleReconnect());
  return state.connecting;
}

/** Stops listening and empties the cache (tests; a server shutting down needs nothing). */
export async function stopAccessCache(): Promise<void> {
  state.stopped = true;
  state.listening = false;
  invalidate();
  const client = state.client;
  state.client = null;
  await client?.end().catch(() => undefined);
}
