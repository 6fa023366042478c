import pg from "pg";

/**
 * LISTENs for cancellation requests (NOTIFY catwalk_cancel, '<submissionId>') on a dedicated
 * connection, reconnecting with backoff when the database restarts. Missed notifications while
 * disconnected are covered by the handler's periodic status check.
 */
export class CancelListener {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, () => void>();
  private stopped = false;
  private retryMs = 500;

  constructor(private readonly connectionString: string) {}

  async start(): Promise<void> {
    await this.connect().catch(() => this.scheduleReconnect());
  }

  /** Calls `onCancel` when a cancellation for this submission arrives; returns an unsubscribe. */
  watch(submissionId: string, onCancel: () => void): () => void {
    this.handlers.set(submissionId, onCancel);
    return () => this.handlers.delete(submissionId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: "catwalk-worker-listen",
    });
    client.on("error", () => undefined); // 'end' below does the reconnecting
    client.on("notification", (message) => {
      if (message.payload) this.handlers.get(message.payload)?.();
    });
    client.on("end", () => {
      if (this.client === client) this.client = null;
      this.scheduleReconnect();
    });
    await client.connect();
    await client.query("LISTEN catwalk_cancel");
    this.client = client;
    this.retryMs = 500;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.client) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => {
      if (this.stopped || this.client) return;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay).unref();
  }
}
