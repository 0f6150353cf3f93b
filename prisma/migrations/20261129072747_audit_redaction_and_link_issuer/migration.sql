-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "noteHash" TEXT,
ADD COLUMN     "redactedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "LoginToken" ADD COLUMN     "issuedBy" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "issuedById" UUID;
