-- The processed-update guard moved to a Redis marker kept beside the job (src/queue/inbound.ts).
-- DropTable
DROP TABLE "ProcessedUpdate";
