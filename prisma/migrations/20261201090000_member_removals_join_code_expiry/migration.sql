-- Removal lasts: a removed member is refused by joinClass until an owner re-admits them (which
-- deletes the row). Join codes can expire.
-- AlterTable
ALTER TABLE "Class" ADD COLUMN     "joinCodeExpiresAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MemberRemoval" (
    "userId" TEXT NOT NULL,
    "classId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "removedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedById" TEXT,

    CONSTRAINT "MemberRemoval_pkey" PRIMARY KEY ("userId","classId")
);

-- CreateIndex
CREATE INDEX "MemberRemoval_classId_removedAt_idx" ON "MemberRemoval"("classId", "removedAt");

-- AddForeignKey
ALTER TABLE "MemberRemoval" ADD CONSTRAINT "MemberRemoval_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberRemoval" ADD CONSTRAINT "MemberRemoval_removedById_fkey" FOREIGN KEY ("removedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberRemoval" ADD CONSTRAINT "MemberRemoval_classId_fkey" FOREIGN KEY ("classId") REFERENCES "Class"("id") ON DELETE CASCADE ON UPDATE CASCADE;


