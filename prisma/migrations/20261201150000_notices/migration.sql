-- In-app notices: a submission's author hears when their run finishes or fails, on whatever page
-- they are (components/notices). The trigger writes the notice in the transaction that settles the
-- run, so every writer (the worker, a retry, a platform failure marked by a sweeper) notifies, and
-- none twice: only a change of status into SUCCEEDED or FAILED writes one. A retrain that ends
-- again notifies again, which is what its author wants to know.
CREATE TYPE "NoticeKind" AS ENUM ('SUCCEEDED', 'FAILED');

CREATE TABLE "Notice" (
  "id" TEXT NOT NULL,
  "userId" TEXT NOT NULL,
  "submissionId" TEXT NOT NULL,
  "kind" "NoticeKind" NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "readAt" TIMESTAMP(3),
  CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Notice_userId_createdAt_idx" ON "Notice"("userId", "createdAt");
-- The header's unread count on every page: only the unread rows.
CREATE INDEX "Notice_unread" ON "Notice"("userId") WHERE "readAt" IS NULL;

ALTER TABLE "Notice" ADD CONSTRAINT "Notice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Notice" ADD CONSTRAINT "Notice_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE FUNCTION catwalk_submission_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Ids are cuids elsewhere; any unique text will do, and gen_random_uuid() is built in.
  INSERT INTO "Notice" (id, "userId", "submissionId", kind)
    VALUES (gen_random_uuid()::text, NEW."authorId", NEW.id, NEW.status::text::"NoticeKind");
  RETURN NULL;
END $$;

CREATE TRIGGER "Submission_notice" AFTER UPDATE OF status ON "Submission"
  FOR EACH ROW WHEN (NEW.status IN ('SUCCEEDED', 'FAILED') AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION catwalk_submission_notice();
