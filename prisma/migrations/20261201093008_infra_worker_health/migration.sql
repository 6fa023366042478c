-- Trainer workers report their health (Worker: a heartbeat every few seconds), and failed runs
-- record whose fault they were (Submission.failureKind), so platform failures never use up quota.
-- CreateEnum
CREATE TYPE "FailureKind" AS ENUM ('MODEL', 'PLATFORM');

-- CreateEnum
CREATE TYPE "WorkerHealth" AS ENUM ('STARTING', 'HEALTHY', 'UNHEALTHY');

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "failureKind" "FailureKind";

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "backend" TEXT,
    "health" "WorkerHealth" NOT NULL DEFAULT 'STARTING',
    "reason" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submissionId" TEXT,
    "jobsDone" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Worker_heartbeatAt_idx" ON "Worker"("heartbeatAt");

-- Only a failed run has a failure kind.
ALTER TABLE "Submission"
  ADD CONSTRAINT "Submission_failure_kind_check" CHECK ("failureKind" IS NULL OR "status" = 'FAILED');

-- Runs that failed before kinds were recorded: the worker's two platform messages (retries used
-- up, workers dying on every attempt) are the platform's; every other reason is the trainer's
-- verdict on the model.
UPDATE "Submission" SET "failureKind" = CASE
    WHEN "failureReason" LIKE 'The trainer failed % times on this submission%'
      OR "failureReason" LIKE 'The trainer stopped responding on every attempt%' THEN 'PLATFORM'::"FailureKind"
    ELSE 'MODEL'::"FailureKind"
  END
WHERE "status" = 'FAILED';

ALTER TABLE "Worker"
  ADD CONSTRAINT "Worker_pid_check" CHECK ("pid" > 0),
  ADD CONSTRAINT "Worker_jobs_done_check" CHECK ("jobsDone" >= 0),
  -- An unhealthy worker says why.
  ADD CONSTRAINT "Worker_unhealthy_reason_check" CHECK ("health" <> 'UNHEALTHY' OR "reason" IS NOT NULL);
