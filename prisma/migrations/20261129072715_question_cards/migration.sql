-- CreateTable
CREATE TABLE "QuestionCard" (
    "id" UUID NOT NULL,
    "questionId" UUID NOT NULL,
    "chatId" TEXT NOT NULL,
    "messageId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QuestionCard_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "QuestionCard_questionId_chatId_key" ON "QuestionCard"("questionId", "chatId");

-- AddForeignKey
ALTER TABLE "QuestionCard" ADD CONSTRAINT "QuestionCard_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "ForwardedQuestion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

