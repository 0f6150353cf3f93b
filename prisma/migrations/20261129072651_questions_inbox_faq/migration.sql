-- CreateEnum
CREATE TYPE "QuestionStatus" AS ENUM ('new', 'claimed', 'answered', 'duplicate', 'dismissed');

-- CreateEnum
CREATE TYPE "FaqStatus" AS ENUM ('proposed', 'published', 'retired');

-- AlterTable
ALTER TABLE "ForwardedQuestion" ADD COLUMN     "answer" TEXT,
ADD COLUMN     "answerUnit" TEXT,
ADD COLUMN     "answeredAt" TIMESTAMP(3),
ADD COLUMN     "answeredById" UUID,
ADD COLUMN     "channel" "Channel",
ADD COLUMN     "chatId" TEXT,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "claimedById" UUID,
ADD COLUMN     "deliveredAt" TIMESTAMP(3),
ADD COLUMN     "dismissReason" TEXT,
ADD COLUMN     "duplicateOfId" UUID,
ADD COLUMN     "erasedAt" TIMESTAMP(3),
ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'vi',
ADD COLUMN     "status" "QuestionStatus" NOT NULL DEFAULT 'new',
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "FaqEntry" (
    "id" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "answeredOn" DATE NOT NULL,
    "status" "FaqStatus" NOT NULL DEFAULT 'proposed',
    "sourceQuestionId" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FaqEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FaqRevision" (
    "id" BIGSERIAL NOT NULL,
    "entryId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "answer" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "status" "FaqStatus" NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FaqRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FaqEntry_status_idx" ON "FaqEntry"("status");

-- CreateIndex
CREATE INDEX "FaqRevision_entryId_version_idx" ON "FaqRevision"("entryId", "version");

-- CreateIndex
CREATE INDEX "ForwardedQuestion_status_createdAt_idx" ON "ForwardedQuestion"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ForwardedQuestion_personId_createdAt_idx" ON "ForwardedQuestion"("personId", "createdAt");

-- AddForeignKey
ALTER TABLE "ForwardedQuestion" ADD CONSTRAINT "ForwardedQuestion_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "ForwardedQuestion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FaqEntry" ADD CONSTRAINT "FaqEntry_sourceQuestionId_fkey" FOREIGN KEY ("sourceQuestionId") REFERENCES "ForwardedQuestion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FaqRevision" ADD CONSTRAINT "FaqRevision_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "FaqEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Questions forwarded before the inbox existed: answer back where the person is now.
UPDATE "ForwardedQuestion" q SET "status" = 'answered' WHERE q."answered";
UPDATE "ForwardedQuestion" q SET "channel" = p."channel", "chatId" = p."chatId", "language" = p."language" FROM "Person" p WHERE p."id" = q."personId" AND q."channel" IS NULL;
