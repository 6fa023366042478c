-- Training queue bookkeeping (pg-boss job id, attempts, cancellation, owning worker).
ALTER TABLE "Submission" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "workerId" TEXT;

CREATE UNIQUE INDEX "Submission_jobId_key" ON "Submission"("jobId");

-- Quota checks count one student's submissions in one class per day.
CREATE INDEX "Submission_classId_authorId_createdAt_idx" ON "Submission"("classId", "authorId", "createdAt");

ALTER TABLE "Submission"
  ADD CONSTRAINT "Submission_attempts_check" CHECK ("attempts" >= 0),
  -- A running submission always names the worker holding it.
  ADD CONSTRAINT "Submission_running_worker_check" CHECK ("status" <> 'RUNNING' OR "workerId" IS NOT NULL);

-- Runs on a subset of the test set (tests, quick previews) predict fewer than 10,000 images.
ALTER TABLE "Result" DROP CONSTRAINT "Result_predictions_check",
  ADD CONSTRAINT "Result_predictions_check" CHECK ("predictions" IS NULL OR octet_length("predictions") BETWEEN 1 AND 10000);
