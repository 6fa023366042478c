import "server-only";
import { fromPrisma, PgBoss, type SendOptions } from "pg-boss";
import type { z } from "zod";
import { databaseUrl, readLimits } from "../env";
import { ALL_JOBS, type JobDefinition } from "./jobs";

// One pg-boss instance per process. The web app uses it to send (and cancel); workers also
// supervise (detect dead workers' jobs, expire, retry). Its tables live in the `pgboss` schema
// of the same database as the app, which is what lets a submission and its job be created in
// one transaction.

export interface BossOptions {
  /** Workers supervise; the web app does not need to. */
  supervise?: boolean;
}

const globalForBoss = globalThis as unknown as { catwalkBoss?: Promise<PgBoss> };

export async function createBoss({ supervise = false }: BossOptions = {}): Promise<PgBoss> {
  const connectionString = databaseUrl();
  const limits = readLimits();
  const boss = new PgBoss({
    connectionString,
    application_name: supervise ? "catwalk-worker" : "catwalk-web",
    max: supervise ? 4 : 2,
    supervise,
    // Only workers wait for jobs; the web app just sends (NOTIFY fires on commit).
    useListenNotify: supervise,
    schedule: false,
    monitorIntervalSeconds: limits.monitorSeconds,
    superviseIntervalSeconds: limits.monitorSeconds,
    // The backlog count that triggers burst fetching comes from this cache.
    queueCacheIntervalSeconds: limits.monitorSeconds,
  });
  // pg-boss reports connection trouble here and keeps retrying; it must never crash the process.
  boss.on("error", (error) => console.error("[queue]", error.message));
  await boss.start();
  await ensureQueues(boss);
  return boss;
}

/**
 * A worker's instance (it supervises) made the process-wide one, so that what a job handler sends
 * (sendJob: a job handed back, worker/hand-back.ts) goes through the same pool.
 */
export function startWorkerBoss(): Promise<PgBoss> {
  if (globalForBoss.catwalkBoss) throw new Error("startWorkerBoss() must run before anything calls getBoss().");
  const boss = createBoss({ supervise: true });
  globalForBoss.catwalkBoss = boss;
  return boss;
}

/** The process-wide instance, started on first use. */
export function getBoss(): Promise<PgBoss> {
  globalForBoss.catwalkBoss ??= createBoss().catch((error) => {
    globalForBoss.catwalkBoss = undefined;
    throw error;
  });
  return globalForBoss.catwalkBoss;
}

async function ensureQueues(boss: PgBoss): Promise<void> {
  const platformLimits = readLimits();
  for (const job of ALL_JOBS) {
    const policy = job.queue(platformLimits);
    const existing = await boss.getQueue(job.name);
    if (!existing) {
      await boss.createQueue(job.name, policy);
      continue;
    }
    // Keep an existing queue's retry/expiry policy in step with the code (policy, dead letter
    // and heartbeat are fixed at creation by pg-boss).
    const { expireInSeconds, retentionSeconds, deleteAfterSeconds, retryLimit, retryDelay, retryBackoff, notify } =
      policy;
    const mutable = {
      expireInSeconds,
      retentionSeconds,
      deleteAfterSeconds,
      retryLimit,
      retryDelay,
      retryBackoff,
      notify,
    };
    // pg-boss validates every key present, so leave unset ones out rather than passing undefined.
    await boss.updateQueue(job.name, Object.fromEntries(Object.entries(mutable).filter(([, v]) => v !== undefined)));
  }
}

/**
 * Sends a job, inside the caller's Prisma transaction when one is given, so that the row it
 * refers to and the job commit or roll back together.
 */
export async function sendJob<P extends z.ZodType>(
  definition: JobDefinition<P>,
  payload: z.input<P>,
  options: SendOptions & { tx?: Parameters<typeof fromPrisma>[0] } = {},
): Promise<string> {
  const boss = await getBoss();
  const { tx, ...sendOptions } = options;
  const data = definition.payload.parse(payload) as object;
  const id = await boss.send(definition.name, data, { ...sendOptions, ...(tx ? { db: fromPrisma(tx) } : {}) });
  if (!id) throw new Error(`pg-boss refused a ${definition.name} job (a queue policy blocked it).`);
  return id;
}
