-- The counters of rate-limiter-flexible (lib/server/rate-limit.ts), which replace the
-- hand-written fixed windows.

-- The old fixed-window counters: nothing reads them any more. They only ever held windows of at
-- most an hour, so nothing worth keeping is lost.
DROP TABLE "RateLimit";

-- The table RateLimiterPostgres would create itself (key, points, expire: the column order its
-- INSERT relies on), created here instead so the app runs without DDL rights. `key` is text
-- rather than the library's varchar(255); the app hashes its keys anyway.
CREATE TABLE "rate_limiter_points" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limiter_points_pkey" PRIMARY KEY ("key")
);

-- The library's sweep deletes by expiry every five minutes.
CREATE INDEX "rate_limiter_points_expire_idx" ON "rate_limiter_points"("expire");
