-- CreateTable
CREATE TABLE "LeaderboardSnapshot" (
    "month" DATE NOT NULL,
    "level" "Level" NOT NULL,
    "unitKey" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "reports" INTEGER NOT NULL,
    "rank" INTEGER,
    "score" DOUBLE PRECISION,
    "shares" JSONB NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeaderboardSnapshot_pkey" PRIMARY KEY ("month","level","unitKey")
);
