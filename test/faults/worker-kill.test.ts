/**
 * A worker killed with SIGKILL in the middle of confirming a nomination: its job is picked up
 * again by another worker once the lock lapses, the user gets exactly one confirmation, and
 * exactly one nomination exists (the idempotency key of the flow run).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startWorker(t: TestSystem): Promise<ChildProcess> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", `${ROOT}bench/servers/system.ts`, "--role", "worker"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
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

describe("a worker killed mid-job", () => {
  let t: TestSystem;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    t = await startTestSystem({ INBOUND_PARTITIONS: "4", OUTBOUND_PARTITIONS: "4" }, { role: "web" });
    workers.push(await startWorker(t));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    await t?.stop();
  });

  it("is retried by another worker: one reply, one nomination", async () => {
    const user = new WebchatUser(t.url);
    await fillNominationUntilSummary(user, { nominee: "Ma Thị Hoa" }, 100);

    // Hold the Nomination table so the confirmation's transaction blocks inside the worker.
    const blocker = new pg.Client({ connectionString: t.database.url });
    await blocker.connect();
    await blocker.query("begin");
    await blocker.query('lock table "Nomination" in access exclusive mode');
    await user.say("xác nhận");
    await sleep(2_000);
    workers[0]!.kill("SIGKILL");
    await new Promise((r) => workers[0]!.once("exit", r));
    await blocker.query("rollback");
    await blocker.end();

    workers.push(await startWorker(t));
    const replies = await user.next(1, 60_000);
    await sleep(3_000);
    const all = [...replies, ...(await user.next(0))];
    const codes = all.map((m) => codeIn([m])).filter(Boolean);
    expect(codes).toHaveLength(1);
    expect(await t.database.db.nomination.count()).toBe(1);
    expect(await t.database.db.outbox.count({ where: { topic: "nomination.submitted" } })).toBe(1);
  });
});
