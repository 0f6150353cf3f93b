/**
 * Helpers of the inbox tests: a Zalo citizen forwarding a question through the real conversation,
 * and a second worker process of the same deployment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { numberedOptions, type ZaloUser } from "../support/fake-zalo.js";
import type { TestSystem } from "../support/system.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The option number whose label matches `re` in a Zalo numbered list. */
export function optionNumber(texts: string[], re: RegExp): string {
  const o = numberedOptions(texts.join("\n\n")).find((x) => re.test(x.label));
  if (!o) throw new Error(`no option ${re} in: ${texts.join(" | ").slice(0, 400)}`);
  return String(o.n);
}

/** Says hello, asks `question`, and forwards it when the bot declines; returns the decline's texts. */
export async function forwardOnZalo(
  user: ZaloUser,
  question: string,
): Promise<{ decline: string[]; done: string[] }> {
  await user.say("xin chào");
  const decline = await user.say(question);
  const consent = await user.say(optionNumber(decline, /Chuyển câu hỏi/));
  const done = await user.say(optionNumber(consent, /Đồng ý chuyển/));
  return { decline, done };
}

/** Starts `--role worker` in its own process against the test system's database and Redis prefix. */
export function startWorkerProcess(t: TestSystem, env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", `${ROOT}bench/servers/system.ts`, "--role", "worker"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        DATABASE_URL: t.database.url,
        REDIS_URL: inject("redisUrl"),
        REDIS_PREFIX: t.prefix,
        INBOUND_PARTITIONS: "4",
        OUTBOUND_PARTITIONS: "4",
        LOG_LEVEL: "silent",
        PORT: "0",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("READY")) resolve(proc);
    });
    proc.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}
