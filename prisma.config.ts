import { defineConfig } from "prisma/config";

// DATABASE_URL is resolved by scripts/platform (embedded or external Postgres) before any
// prisma command runs; a placeholder keeps `prisma generate` working without a database.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/catwalk" },
});
