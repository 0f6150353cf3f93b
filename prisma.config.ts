// Prisma CLI configuration. DATABASE_URL is only needed by commands that talk to a database; the
// project applies migrations itself (src/db/migrate.ts), so `prisma generate` works without it.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
