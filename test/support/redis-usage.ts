/**
 * Bytes Redis holds under one key prefix (MEMORY USAGE of every key): what the web chat's load test and
 * its benchmark compare against the bound the configuration promises.
 */
import type { Redis } from "ioredis";

export async function redisBytesUnder(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const k of keys) total += Number((await redis.memory("USAGE", k)) ?? 0);
  } while (cursor !== "0");
  return total;
}
