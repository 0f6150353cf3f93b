/**
 * The Prisma client over the pg driver adapter (Prisma 7 needs one at run time). Created by
 * main.ts and passed to every module that needs the database — never imported as a singleton.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type Db = PrismaClient;
export { Prisma } from "../generated/prisma/client.js";
export type * from "../generated/prisma/client.js";

/** @example const db = createDb(config.databaseUrl); await db.$queryRaw`select 1` */
export function createDb(connectionString: string, opts: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString, max: opts.max ?? 10, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}
