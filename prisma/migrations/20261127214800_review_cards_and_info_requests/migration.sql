-- AlterTable
ALTER TABLE "Nomination" ADD COLUMN     "infoAnswers" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "infoRequestNote" TEXT;

-- CreateTable
CREATE TABLE "ReviewCard" (
    "id" UUID NOT NULL,
    "nominationId" UUID NOT NULL,
    "chatId" TEXT NOT NULL,
    "messageId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewCard_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCard_nominationId_chatId_key" ON "ReviewCard"("nominationId", "chatId");

-- AddForeignKey
ALTER TABLE "ReviewCard" ADD CONSTRAINT "ReviewCard_nominationId_fkey" FOREIGN KEY ("nominationId") REFERENCES "Nomination"("id") ON DELETE CASCADE ON UPDATE CASCADE;
