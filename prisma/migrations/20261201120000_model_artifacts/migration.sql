-- Trained models are kept (and running ones checkpointed): Artifact holds their bytes, one row per
-- submission and kind, deleted with the submission (and so with its author or class). Results
-- remember when they were last scored, so a re-evaluation is visible; classes may share models.
-- CreateEnum
CREATE TYPE "ArtifactKind" AS ENUM ('MODEL', 'CHECKPOINT');

-- AlterTable
ALTER TABLE "Class" ADD COLUMN     "shareModels" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Result" ADD COLUMN     "evaluatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "reevaluationRequestedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" TEXT NOT NULL,
    "submissionId" TEXT NOT NULL,
    "kind" "ArtifactKind" NOT NULL,
    "bytes" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "formats" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_submissionId_kind_key" ON "Artifact"("submissionId", "kind");

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Results scored before this migration were scored when they were created.
UPDATE "Result" SET "evaluatedAt" = "createdAt";

-- The size is read without the bytes (listings, the GraphQL model field): it must be the truth.
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_sizeBytes_check" CHECK ("sizeBytes" = octet_length("bytes"));
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_sha256_check" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
