-- CreateEnum
CREATE TYPE "AnnouncementStatus" AS ENUM ('draft', 'scheduled', 'sending', 'done', 'cancelled');

-- CreateEnum
CREATE TYPE "DeliveryState" AS ENUM ('pending', 'claimed', 'sent', 'failed', 'skipped', 'cancelled', 'uncertain');

-- CreateTable
CREATE TABLE "Subscription" (
    "personId" UUID NOT NULL,
    "topics" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "source" TEXT,
    "offeredAt" TIMESTAMP(3),
    "declinedAt" TIMESTAMP(3),
    "subscribedAt" TIMESTAMP(3),
    "unsubscribedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("personId")
);

-- CreateTable
CREATE TABLE "Announcement" (
    "id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "imageUrl" TEXT,
    "topics" TEXT[],
    "channels" "Channel"[],
    "status" "AnnouncementStatus" NOT NULL DEFAULT 'draft',
    "sendAt" TIMESTAMP(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "Announcement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnnouncementDelivery" (
    "id" BIGSERIAL NOT NULL,
    "announcementId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "state" "DeliveryState" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "claimedBy" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "AnnouncementDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Subscription_topics_idx" ON "Subscription" USING GIN ("topics");

-- CreateIndex
CREATE INDEX "Announcement_status_sendAt_idx" ON "Announcement"("status", "sendAt");

-- CreateIndex
CREATE INDEX "AnnouncementDelivery_announcementId_channel_state_id_idx" ON "AnnouncementDelivery"("announcementId", "channel", "state", "id");

-- CreateIndex
CREATE INDEX "AnnouncementDelivery_state_leaseUntil_idx" ON "AnnouncementDelivery"("state", "leaseUntil");

-- CreateIndex
CREATE UNIQUE INDEX "AnnouncementDelivery_announcementId_personId_key" ON "AnnouncementDelivery"("announcementId", "personId");

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnnouncementDelivery" ADD CONSTRAINT "AnnouncementDelivery_announcementId_fkey" FOREIGN KEY ("announcementId") REFERENCES "Announcement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnnouncementDelivery" ADD CONSTRAINT "AnnouncementDelivery_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
