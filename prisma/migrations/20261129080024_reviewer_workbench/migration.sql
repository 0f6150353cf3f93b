-- AlterTable
ALTER TABLE "Nomination" ADD COLUMN     "publicSummary" TEXT,
ADD COLUMN     "submitterUpdatedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "AdminSession" ADD COLUMN     "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "ReviewerNotice" (
    "id" BIGSERIAL NOT NULL,
    "reviewerId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "code" TEXT,
    "actor" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "ReviewerNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReviewerNotice_reviewerId_readAt_idx" ON "ReviewerNotice"("reviewerId", "readAt");

-- CreateIndex
CREATE INDEX "Nomination_createdAt_id_idx" ON "Nomination"("createdAt", "id");

-- AddForeignKey
ALTER TABLE "ReviewerNotice" ADD CONSTRAINT "ReviewerNotice_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
