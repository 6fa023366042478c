import type { TestProject } from "vitest/node";
import { createTestDatabase } from "../helpers/database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

// Every `npm test` run gets its own database on the server named by DATABASE_URL (the
// machine's Postgres by default), migrated with the real migrations, and dropped at the end.
export default async function setup(project: TestProject) {
  const database = await createTestDatabase();
  project.provide("databaseUrl", database.url);
  return async () => {
    await database.drop();
  };
}
