/**
 * Lua scripts run by their SHA: 40 bytes on the wire instead of the script, loaded again when
 * Redis forgot them (a restart, or SCRIPT FLUSH).
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export interface LuaScript {
  body: string;
  sha: string;
}

/** @example const s = luaScript("return 1"); await runScript(redis, s, [], []) */
export const luaScript = (body: string): LuaScript => ({
  body,
  sha: createHash("sha1").update(body).digest("hex"),
});

/** Runs a Lua script by its SHA, loading it when Redis answers NOSCRIPT. */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: Array<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes("NOSCRIPT")) throw err;
    return redis.eval(script.body, keys.length, ...keys, ...args);
  }
}
