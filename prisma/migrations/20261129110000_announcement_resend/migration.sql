-- AlterTable
ALTER TABLE "AnnouncementDelivery" ADD COLUMN     "resentAt" TIMESTAMP(3);
