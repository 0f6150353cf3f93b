-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('telegram', 'zalo', 'webchat');

-- CreateEnum
CREATE TYPE "Level" AS ENUM ('province', 'district', 'commune');

-- CreateEnum
CREATE TYPE "NominationCategory" AS ENUM ('provincial_agency', 'district', 'commune', 'business', 'official_initiative', 'agency_head', 'entrepreneur_scientist', 'citizen');

-- CreateEnum
CREATE TYPE "SubmissionStatus" AS ENUM ('submitted', 'in_review', 'needs_info', 'approved', 'rejected', 'withdrawn');

-- CreateEnum
CREATE TYPE "RespondentType" AS ENUM ('official', 'citizen', 'business');

-- CreateEnum
CREATE TYPE "ReviewerRole" AS ENUM ('reviewer', 'admin');

-- CreateEnum
CREATE TYPE "DeletionStatus" AS ENUM ('requested', 'done');

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "externalId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "displayName" TEXT,
    "language" TEXT NOT NULL DEFAULT 'vi',
    "consentAt" TIMESTAMP(3),
    "consentVersion" TEXT,
    "unreachableAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Nomination" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "personId" UUID,
    "idempotencyKey" TEXT NOT NULL,
    "category" "NominationCategory" NOT NULL,
    "nomineeName" TEXT NOT NULL,
    "nomineeUnit" TEXT NOT NULL,
    "locality" TEXT NOT NULL,
    "localityId" TEXT,
    "achievements" TEXT NOT NULL,
    "nominatorName" TEXT NOT NULL,
    "nominatorPhone" TEXT NOT NULL,
    "relation" TEXT NOT NULL,
    "consentVersion" TEXT NOT NULL,
    "consentAt" TIMESTAMP(3) NOT NULL,
    "status" "SubmissionStatus" NOT NULL DEFAULT 'submitted',
    "claimedById" UUID,
    "claimedAt" TIMESTAMP(3),
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "publishable" BOOLEAN NOT NULL DEFAULT false,
    "erasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Nomination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" UUID NOT NULL,
    "nominationId" UUID,
    "kind" TEXT NOT NULL,
    "mime" TEXT,
    "fileName" TEXT,
    "size" INTEGER,
    "sha256" TEXT,
    "data" BYTEA,
    "url" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SelfReport" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "personId" UUID,
    "respondentType" "RespondentType" NOT NULL,
    "level" "Level" NOT NULL,
    "localityId" TEXT,
    "unit" TEXT NOT NULL,
    "unitKey" TEXT NOT NULL,
    "indicators" JSONB NOT NULL,
    "answers" JSONB NOT NULL,
    "current" BOOLEAN NOT NULL DEFAULT true,
    "status" "SubmissionStatus" NOT NULL DEFAULT 'submitted',
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "consentVersion" TEXT NOT NULL,
    "consentAt" TIMESTAMP(3) NOT NULL,
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SelfReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reviewer" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ReviewerRole" NOT NULL DEFAULT 'reviewer',
    "channel" "Channel",
    "externalId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reviewer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reviewerId" UUID,
    "actor" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "code" TEXT,
    "action" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "note" TEXT,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedUpdate" (
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedUpdate_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "CodeCounter" (
    "prefix" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "value" INTEGER NOT NULL,

    CONSTRAINT "CodeCounter_pkey" PRIMARY KEY ("prefix","year")
);

-- CreateTable
CREATE TABLE "LoginToken" (
    "tokenHash" TEXT NOT NULL,
    "reviewerId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "idHash" TEXT NOT NULL,
    "reviewerId" UUID NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("idHash")
);

-- CreateTable
CREATE TABLE "DeletionRequest" (
    "id" UUID NOT NULL,
    "personId" UUID,
    "channel" "Channel" NOT NULL,
    "chatId" TEXT NOT NULL,
    "status" "DeletionStatus" NOT NULL DEFAULT 'requested',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "DeletionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForwardedQuestion" (
    "id" UUID NOT NULL,
    "personId" UUID,
    "question" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ForwardedQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_channel_externalId_key" ON "Person"("channel", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Nomination_code_key" ON "Nomination"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Nomination_idempotencyKey_key" ON "Nomination"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Nomination_status_createdAt_idx" ON "Nomination"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Nomination_category_status_idx" ON "Nomination"("category", "status");

-- CreateIndex
CREATE INDEX "Nomination_localityId_idx" ON "Nomination"("localityId");

-- CreateIndex
CREATE INDEX "Nomination_personId_createdAt_idx" ON "Nomination"("personId", "createdAt");

-- CreateIndex
CREATE INDEX "Attachment_nominationId_idx" ON "Attachment"("nominationId");

-- CreateIndex
CREATE UNIQUE INDEX "SelfReport_code_key" ON "SelfReport"("code");

-- CreateIndex
CREATE UNIQUE INDEX "SelfReport_idempotencyKey_key" ON "SelfReport"("idempotencyKey");

-- CreateIndex
CREATE INDEX "SelfReport_current_flagged_level_unitKey_idx" ON "SelfReport"("current", "flagged", "level", "unitKey");

-- CreateIndex
CREATE INDEX "SelfReport_personId_current_idx" ON "SelfReport"("personId", "current");

-- CreateIndex
CREATE INDEX "SelfReport_status_createdAt_idx" ON "SelfReport"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reviewer_name_key" ON "Reviewer"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Reviewer_channel_externalId_key" ON "Reviewer"("channel", "externalId");

-- CreateIndex
CREATE INDEX "AuditLog_subjectType_subjectId_idx" ON "AuditLog"("subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "Outbox_publishedAt_id_idx" ON "Outbox"("publishedAt", "id");

-- CreateIndex
CREATE INDEX "ProcessedUpdate_createdAt_idx" ON "ProcessedUpdate"("createdAt");

-- CreateIndex
CREATE INDEX "DeletionRequest_status_idx" ON "DeletionRequest"("status");

-- AddForeignKey
ALTER TABLE "Nomination" ADD CONSTRAINT "Nomination_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Nomination" ADD CONSTRAINT "Nomination_claimedById_fkey" FOREIGN KEY ("claimedById") REFERENCES "Reviewer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Nomination" ADD CONSTRAINT "Nomination_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "Reviewer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_nominationId_fkey" FOREIGN KEY ("nominationId") REFERENCES "Nomination"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SelfReport" ADD CONSTRAINT "SelfReport_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoginToken" ADD CONSTRAINT "LoginToken_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdminSession" ADD CONSTRAINT "AdminSession_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Reviewer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeletionRequest" ADD CONSTRAINT "DeletionRequest_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForwardedQuestion" ADD CONSTRAINT "ForwardedQuestion_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
