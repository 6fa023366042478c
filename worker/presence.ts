import type { WorkerHealth } from "@/generated/prisma/enums";
import { db } from "@/lib/server/db";

// This worker's row in the Worker table, where the web app reads the trainers' health
// (lib/server/services/trainers.ts). Every write is the whole row as an upsert stamped with the
// database's now(): a heartbeat that finds its row gone (pruned, or a database restored from a
// backup) puts it back, and workers on machines with skewed clocks still compare fairly.

export interface PresenceState {
  health: WorkerHealth;
  reason: string | null;
  backend: string | null;
  submissionId: string | null;
  jobsDone: number;
}

/** Rows silent for this long are removed by any worker that starts: their processes are long gone. */
const FORGET_LOST_AFTER = "1 hour";

export class Presence {
  private state: PresenceState = { health: "STARTING", reason: null, backend: null, submissionId: null, jobsDone: 0 };
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failing = false;
  private stopped = false;

  constructor(
    readonly id: string,
    private readonly host: string,
    private readonly pid: number,
    private readonly intervalMs: number,
    private readonly log: (message: string) => void,
  ) {}

  /** Writes the first row (STARTING) and heartbeats from then on. */
  async start(): Promise<void> {
    await this.forgetDeadWorkers().catch(() => undefined);
    await this.write();
    this.timer = setInterval(() => void this.write(), this.intervalMs);
    // A heartbeat must not keep a stopping process alive.
    this.timer.unref();
  }

  /** Changes what the row says, written at once (not at the next heartbeat). */
  update(change: Partial<PresenceState>): Promise<void> {
    this.state = { ...this.state, ...change };
    return this.write();
  }

  get current(): Readonly<PresenceState> {
    return this.state;
  }

  /** A clean stop: the row goes, so the worker is neither healthy nor lost. */
  async remove(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.writing;
    await db.$executeRaw`DELETE FROM "Worker" WHERE id = ${this.id}`.catch(() => undefined);
  }

  private write(): Promise<void> {
    if (this.stopped) return this.writing;
    // One write at a time, each with the state as it is when it runs.
    this.writing = this.writing.then(async () => {
      if (this.stopped) return;
      const s = this.state;
      try {
        await db.$executeRaw`
          INSERT INTO "Worker" (id, host, pid, backend, health, reason, "submissionId", "jobsDone", "startedAt", "heartbeatAt")
          VALUES (${this.id}, ${this.host}, ${this.pid}, ${s.backend}, ${s.health}::"WorkerHealth", ${s.reason},
                  ${s.submissionId}, ${s.jobsDone}, now(), now())
          ON CONFLICT (id) DO UPDATE SET
            backend = EXCLUDED.backend, health = EXCLUDED.health, reason = EXCLUDED.reason,
            "submissionId" = EXCLUDED."submissionId", "jobsDone" = EXCLUDED."jobsDone", "heartbeatAt" = now()`;
        if (this.failing) this.log("heartbeat: the database answers again");
        this.failing = false;
      } catch (error) {
        // The database is away (a restart): the web app will see this worker as lost meanwhile,
        // which is the truth from where it stands. Said once per outage, not every few seconds.
        if (!this.failing) this.log(`heartbeat failed: ${(error as Error).message.split("\n").at(-1)}`);
        this.failing = true;
      }
    });
    return this.writing;
  }

  /**
   * Removes rows of this host's workers whose processes have exited (a crash or a SIGKILL leaves
   * its row behind, and the process ids are this machine's to check), and rows of any host that
   * have been silent for an hour.
   */
  private async forgetDeadWorkers(): Promise<void> {
    const rows = await db.worker.findMany({ where: { host: this.host }, select: { id: true, pid: true } });
    const dead = rows.filter((row) => row.id !== this.id && !isAlive(row.pid)).map((row) => row.id);
    if (dead.length) await db.worker.deleteMany({ where: { id: { in: dead } } });
    await db.$executeRaw`DELETE FROM "Worker" WHERE "heartbeatAt" < now() - ${FORGET_LOST_AFTER}::interval`;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
