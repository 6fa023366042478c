-- CreateEnum
CREATE TYPE "Role" AS ENUM ('STUDENT', 'GRADER', 'OWNER');

-- CreateEnum
CREATE TYPE "SubmissionStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TokenScope" AS ENUM ('READ', 'WRITE');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Class" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "joinCode" TEXT NOT NULL,
    "dailyQuota" INTEGER NOT NULL DEFAULT 5,
    "deadline" TIMESTAMP(3),
    "privateRevealed" BOOLEAN NOT NULL DEFAULT false,
    "showArchitectures" BOOLEAN NOT NULL DEFAULT false,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Class_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "userId" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'STUDENT',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("userId","classId")
);

-- CreateTable
CREATE TABLE "Submission" (
    "id" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "architecture" JSONB NOT NULL,
    "training" JSONB NOT NULL,
    "status" "SubmissionStatus" NOT NULL DEFAULT 'QUEUED',
    "failureReason" TEXT,
    "progress" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Submission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Result" (
    "id" TEXT NOT NULL,
    "submissionId" TEXT NOT NULL,
    "testAccuracy" DOUBLE PRECISION NOT NULL,
    "testLoss" DOUBLE PRECISION NOT NULL,
    "publicAccuracy" DOUBLE PRECISION,
    "privateAccuracy" DOUBLE PRECISION,
    "confusionMatrix" JSONB NOT NULL,
    "perClass" JSONB,
    "history" JSONB NOT NULL,
    "predictions" BYTEA,
    "paramCount" INTEGER NOT NULL,
    "epochs" INTEGER NOT NULL,
    "backend" TEXT NOT NULL,
    "trainDurationMs" INTEGER NOT NULL,
    "evalDurationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Result_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "classId" TEXT,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" "TokenScope"[],
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Class_slug_key" ON "Class"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Class_joinCode_key" ON "Class"("joinCode");

-- CreateIndex
CREATE INDEX "Membership_classId_role_idx" ON "Membership"("classId", "role");

-- CreateIndex
CREATE INDEX "Submission_classId_status_idx" ON "Submission"("classId", "status");

-- CreateIndex
CREATE INDEX "Submission_classId_createdAt_idx" ON "Submission"("classId", "createdAt");

-- CreateIndex
CREATE INDEX "Submission_authorId_createdAt_idx" ON "Submission"("authorId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Result_submissionId_key" ON "Result"("submissionId");

-- CreateIndex
CREATE INDEX "Result_testAccuracy_idx" ON "Result"("testAccuracy");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Result" ADD CONSTRAINT "Result_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Invariants Prisma's schema language cannot express. They live here so that every writer (the
-- app, the trainer, a psql session, a future script) is held to them, not only code that went
-- through our zod schemas. Prisma ignores CHECK constraints when it diffs, so they cause no drift.
-- Limits are deliberately looser than the app's input validation: they catch corrupt data, while
-- friendly messages stay the app's job.

-- Users: emails are stored lower-cased (uniqueness is case-insensitive only because of that).
ALTER TABLE "User"
  ADD CONSTRAINT "User_email_lowercase_check" CHECK ("email" = lower("email")),
  ADD CONSTRAINT "User_email_format_check" CHECK ("email" ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND char_length("email") <= 320),
  ADD CONSTRAINT "User_name_check" CHECK (char_length(btrim("name")) BETWEEN 1 AND 200),
  ADD CONSTRAINT "User_passwordHash_check" CHECK (char_length("passwordHash") > 0);

-- Classes: slugs appear in URLs, join codes are typed by people (upper-case letters and digits).
ALTER TABLE "Class"
  ADD CONSTRAINT "Class_name_check" CHECK (char_length(btrim("name")) BETWEEN 1 AND 200),
  ADD CONSTRAINT "Class_slug_format_check" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length("slug") <= 64),
  ADD CONSTRAINT "Class_joinCode_format_check" CHECK ("joinCode" ~ '^[A-Z0-9]{6,16}$'),
  ADD CONSTRAINT "Class_dailyQuota_check" CHECK ("dailyQuota" >= 0),
  ADD CONSTRAINT "Class_settings_object_check" CHECK (jsonb_typeof("settings") = 'object');

-- Submissions: the status machine's timestamps must tell a consistent story.
ALTER TABLE "Submission"
  ADD CONSTRAINT "Submission_name_check" CHECK (char_length(btrim("name")) BETWEEN 1 AND 200),
  ADD CONSTRAINT "Submission_architecture_check" CHECK (jsonb_typeof("architecture") IN ('object', 'array')),
  ADD CONSTRAINT "Submission_training_check" CHECK (jsonb_typeof("training") = 'object'),
  ADD CONSTRAINT "Submission_failureReason_check" CHECK ("status" <> 'FAILED' OR "failureReason" IS NOT NULL),
  ADD CONSTRAINT "Submission_started_check" CHECK ("status" IN ('QUEUED', 'CANCELLED') OR "startedAt" IS NOT NULL),
  ADD CONSTRAINT "Submission_finished_check" CHECK ("status" NOT IN ('SUCCEEDED', 'FAILED') OR "finishedAt" IS NOT NULL),
  ADD CONSTRAINT "Submission_timeline_check" CHECK ("finishedAt" IS NULL OR "startedAt" IS NULL OR "finishedAt" >= "startedAt");

-- Results: metrics within their mathematical ranges. In Postgres 'NaN' sorts above every number,
-- so "< 'Infinity'" also rejects NaN.
ALTER TABLE "Result"
  ADD CONSTRAINT "Result_testAccuracy_check" CHECK ("testAccuracy" >= 0 AND "testAccuracy" <= 1),
  ADD CONSTRAINT "Result_publicAccuracy_check" CHECK ("publicAccuracy" IS NULL OR ("publicAccuracy" >= 0 AND "publicAccuracy" <= 1)),
  ADD CONSTRAINT "Result_privateAccuracy_check" CHECK ("privateAccuracy" IS NULL OR ("privateAccuracy" >= 0 AND "privateAccuracy" <= 1)),
  ADD CONSTRAINT "Result_testLoss_check" CHECK ("testLoss" >= 0 AND "testLoss" < 'Infinity'),
  ADD CONSTRAINT "Result_paramCount_check" CHECK ("paramCount" >= 0),
  ADD CONSTRAINT "Result_epochs_check" CHECK ("epochs" >= 0),
  ADD CONSTRAINT "Result_trainDurationMs_check" CHECK ("trainDurationMs" >= 0),
  ADD CONSTRAINT "Result_evalDurationMs_check" CHECK ("evalDurationMs" >= 0),
  ADD CONSTRAINT "Result_backend_check" CHECK (char_length("backend") > 0),
  -- 10x10: one row per true class of Fashion-MNIST.
  ADD CONSTRAINT "Result_confusionMatrix_check" CHECK (jsonb_typeof("confusionMatrix") = 'array' AND jsonb_array_length("confusionMatrix") = 10),
  ADD CONSTRAINT "Result_history_check" CHECK (jsonb_typeof("history") = 'array'),
  -- One byte per image of the 10,000-image test set.
  ADD CONSTRAINT "Result_predictions_check" CHECK ("predictions" IS NULL OR octet_length("predictions") = 10000);

-- API tokens: only the sha256 (hex) of the secret is ever stored.
ALTER TABLE "ApiToken"
  ADD CONSTRAINT "ApiToken_tokenHash_check" CHECK ("tokenHash" ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT "ApiToken_prefix_check" CHECK (char_length("prefix") BETWEEN 1 AND 32),
  ADD CONSTRAINT "ApiToken_name_check" CHECK (char_length(btrim("name")) BETWEEN 1 AND 200),
  ADD CONSTRAINT "ApiToken_revokedAt_check" CHECK ("revokedAt" IS NULL OR "revokedAt" >= "createdAt");
