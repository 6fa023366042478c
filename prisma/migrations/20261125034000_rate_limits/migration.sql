-- Fixed-window request counters (sign-in, sign-up, submit), shared by every web process.
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key","windowStart")
);

CREATE INDEX "RateLimit_windowStart_idx" ON "RateLimit"("windowStart");

ALTER TABLE "RateLimit"
  ADD CONSTRAINT "RateLimit_count_check" CHECK ("count" >= 0),
  ADD CONSTRAINT "RateLimit_key_check" CHECK (char_length("key") BETWEEN 1 AND 400);
