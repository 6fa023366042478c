import { fileURLToPath } from "node:url";
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.AUTH_SECRET ??= "test-only-secret-not-used-outside-vitest-0123456789";
// The committed 2,000/1,000-image subset: real IDX files, small enough for tests.
process.env.FASHION_MNIST_DIR = fileURLToPath(new URL("../../trainer/fixtures/fashion-mnist", import.meta.url));
// Fast failure detection so crash tests take seconds, not minutes (pg-boss's minimum heartbeat is 10 s).
process.env.CATWALK_HEARTBEAT_SECONDS = "10";
process.env.CATWALK_QUEUE_MONITOR_SECONDS = "1";
process.env.CATWALK_JOB_RETRIES = "3";
// The leaderboard caches stay on in tests (they are exact: keyed by the board version), so every
// suite that writes results and reads the board checks them too.
