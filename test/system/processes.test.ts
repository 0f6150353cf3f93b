/**
 * The process model of `npm start` (role all): the compiled entry point serves HTTP and forks
 * WORKERS child processes that do the work, plus two broadcast children at a lower CPU priority that
 * send announcements; a crashed child comes back (with growing delays when it keeps crashing);
 * SIGTERM stops every child exactly once; and a SIGKILLed parent leaves no child behind. The real dist/main.js runs against the test database and Redis.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createLogger } from "../../src/logging/logger.js";
import { WorkerPool, workerCount } from "../../src/system/worker-pool.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { WebchatUser } from "../support/system.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { announcementProgress, createAnnouncement } from "../../src/announcements/index.js";
import { seedSubscribers } from "../announcements/support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
type LogLine = {
  pid: number;
  childPid?: number;
  msg: string;
  worker?: number;
  signal?: string;
  url?: string;
  role?: string;
  kind?: "worker" | "broadcast";
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` as the README runs it (tools/launch.mjs builds dist/ when stale), with its JSON logs. */
class Started {
  readonly logs: LogLine[] = [];
  readonly proc: ChildProcess;
  constructor(env: Record<string, string>) {
    this.proc = spawn(process.execPath, ["tools/launch.mjs", "main.js"], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "info", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buf = "";
    this.proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith("{")) this.logs.push(JSON.parse(l) as LogLine);
    });
  }
  async waitFor(pred: (l: LogLine) => boolean, count = 1, timeoutMs = 60_000): Promise<LogLine[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.logs.filter(pred);
      if (got.length >= count) return got;
      if (this.proc.exitCode !== null)
        throw new Error(`npm start exited (${this.proc.exitCode}) before the expected log`);
      if (Date.now() > deadline)
        throw new Error(`timed out; logs: ${this.logs.map((l) => l.msg).join(" | ")}`);
      await sleep(50);
    }
  }
}

// Real processes on a shared 2-core machine: generous time, the assertions are about what happens.
describe("npm start (role all) with worker processes", { timeout: 120_000 }, () => {
  let database: TestDatabase;
  const running: Started[] = [];
  const start = (workers: string, env: Record<string, string> = {}) => {
    const s = new Started({
      DATABASE_URL: database.url,
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: `t${randomBytes(5).toString("hex")}`,
      WORKERS: workers,
      INBOUND_PARTITIONS: "4",
      OUTBOUND_PARTITIONS: "4",
      TELEGRAM_BOT_TOKEN: "",
      ZALO_BOT_TOKEN: "",
      ...env,
    });
    running.push(s);
    return s;
  };
  const isReady = (kind: LogLine["kind"]) => (l: LogLine) =>
    l.msg === "worker process ready" && l.kind === kind;
  /** `count` new Telegram subscribers from chat `chatBase` on, and an announcement marked `tag` sent now. */
  const announceTo = async (count: number, chatBase: number, tag: string) => {
    const chats = await seedSubscribers(database.db, { channel: "telegram", count, chatBase });
    const { id } = await createAnnouncement(
      database.db,
      { text: `${tag} Tin phong trào`, topics: ["movement"], channels: ["telegram"] },
      "test",
    );
    return { chats, id };
  };
  /** Waits for an announcement to finish and returns its progress. */
  const sentInFull = async (id: string, timeoutMs: number) => {
    let progress = await announcementProgress(database.db, id);
    const until = Date.now() + timeoutMs;
    while (progress?.status !== "done" && Date.now() < until) {
      await sleep(200);
      progress = await announcementProgress(database.db, id);
    }
    expect(progress?.status).toBe("done");
    return progress!;
  };
  beforeAll(async () => {
    database = await createTestDatabase();
    // Build dist/ once here (as `npm start` would), so no test's clock includes the compiler.
    const { ensureBuilt } = (await import(`${ROOT}tools/build.mjs`)) as { ensureBuilt(): void };
    ensureBuilt();
  }, 180_000);
  afterEach(async () => {
    for (const s of running.splice(0)) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("answers through its workers, restarts a crashed one, and stops each exactly once on SIGTERM", async () => {
    const s = start("2");
    const [ready] = await s.waitFor((l) => l.msg.startsWith("ready:"));
    const parentPid = ready!.pid;
    const children = (await s.waitFor(isReady("worker"), 2)).map((l) => l.childPid!);
    const broadcasters = (await s.waitFor(isReady("broadcast"), 2)).map((l) => l.childPid!);
    expect(new Set([...children, ...broadcasters]).size).toBe(4);
    expect(children).not.toContain(parentPid);
    const url = ready!.url!;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await new WebchatUser(url).ask("xin chào", 0)).length).toBeGreaterThan(0);

    // A worker dies as in an out-of-memory kill: the parent brings a new one up, and work goes on.
    const victim = children[0]!;
    process.kill(victim, "SIGKILL");
    await s.waitFor((l) => l.msg === "worker process exited; restarting");
    const again = await s.waitFor(isReady("worker"), 3, 30_000);
    const replacement = again.at(-1)!.childPid!;
    expect([victim, ...children]).not.toContain(replacement);
    expect((await new WebchatUser(url).ask("chỉ tiêu cấp xã", 0)).length).toBeGreaterThan(0);

    const live = [children[1]!, replacement, ...broadcasters];
    const exited = new Promise<number | null>((r) => s.proc.once("exit", (code) => r(code)));
    // Children started so far: two workers, their replacement, the two broadcasters, and any child a
    // slow machine restarted on its own (a start-up that missed its deadline); none after SIGTERM.
    const startedBefore = s.logs.filter((l) => l.msg === "worker process started").length;
    expect(startedBefore).toBeGreaterThanOrEqual(5);
    s.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of live) {
      expect(alive(pid)).toBe(false);
      expect(s.logs.filter((l) => l.pid === pid && l.msg === "shutting down")).toHaveLength(1);
    }
    expect(s.logs.filter((l) => l.pid === parentPid && l.msg === "shutting down")).toHaveLength(1);
    // No restart once the shutdown began.
    expect(s.logs.filter((l) => l.msg === "worker process started")).toHaveLength(startedBefore);
  });

  // The broadcast children run at nice 19 by default; with the whole suite saturating both cores of a
  // slow machine they could take over a minute to start (seen in a fresh-clone run). Whether a killed
  // parent leaves a child behind does not depend on its niceness, so these run them at the parent's.
  const notNiced = { BROADCAST_NICE: "0" };

  it("leaves no worker behind when npm start is killed with SIGKILL", async () => {
    const s = start("2", notNiced);
    await s.waitFor((l) => l.msg.startsWith("ready:"));
    const children = (await s.waitFor((l) => l.msg === "worker process ready", 4)).map((l) => l.childPid!);
    s.proc.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while (children.some(alive) && Date.now() < deadline) await sleep(100);
    expect(children.filter(alive)).toEqual([]);
    // They noticed the parent was gone and shut down properly (closing their jobs), not just died.
    for (const pid of children)
      expect(
        s.logs.some((l) => l.pid === pid && l.msg === "shutting down" && l.signal === "parent exited"),
      ).toBe(true);
  });

  it("leaves no worker behind when npm start is killed while its workers are still starting", async () => {
    const s = start("2", notNiced);
    const starting = (await s.waitFor((l) => l.msg === "worker process started", 4)).map((l) => l.childPid!);
    s.proc.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while (starting.some(alive) && Date.now() < deadline) await sleep(100);
    expect(starting.filter(alive)).toEqual([]);
  });

  it("stops the embedded PostgreSQL it started when npm start is killed with SIGKILL", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cds-sigkill-"));
    chmodSync(dataDir, 0o755); // reachable by the postgres user when run as root
    const s = new Started({
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      // Below Linux's ephemeral range (32768–60999): under the full suite's hundreds of client sockets, a
      // port in that range can be taken by an outgoing connection and PostgreSQL cannot bind it.
      EMBEDDED_PG_PORT: String(20000 + Math.floor(Math.random() * 10000)),
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: `t${randomBytes(5).toString("hex")}`,
      WORKERS: "1",
      TELEGRAM_BOT_TOKEN: "",
      ZALO_BOT_TOKEN: "",
    });
    running.push(s);
    try {
      await s.waitFor((l) => l.msg.startsWith("ready:"), 1, 90_000);
      const postmaster = Number(readFileSync(join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
      expect(alive(postmaster)).toBe(true);
      s.proc.kill("SIGKILL");
      const deadline = Date.now() + 30_000;
      while (alive(postmaster) && Date.now() < deadline) await sleep(100);
      expect(alive(postmaster)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("sends announcements from its niced broadcast children, once per recipient even when one is SIGKILLed", async () => {
    const tg = await new FakeTelegram().start();
    try {
      const s = start("1", {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_WEBHOOK_SECRET: "process-secret-1",
        TELEGRAM_API_ROOT: tg.url,
        TELEGRAM_MAX_PER_SECOND: "100",
        BROADCAST_NICE: "5",
      });
      await s.waitFor((l) => l.msg.startsWith("ready:"));
      const [worker] = (await s.waitFor(isReady("worker"))).map((l) => l.childPid!);
      const broadcasters = (await s.waitFor(isReady("broadcast"), 2)).map((l) => l.childPid!);
      // Conversations keep the parent's priority; the broadcasters yield the CPU to them.
      expect(getPriority(worker!)).toBe(getPriority());
      for (const pid of broadcasters) expect(getPriority(pid)).toBe(Math.min(19, getPriority() + 5));
      const broadcaster = broadcasters[0];

      const { chats, id } = await announceTo(400, 7_100_000, "#proc");
      const sends = () =>
        tg.calls.filter((c) => c.method === "sendMessage" && String(c.body.text).includes("#proc"));
      const deadline = Date.now() + 30_000;
      while (sends().length < 60 && Date.now() < deadline) await sleep(20);
      process.kill(broadcaster!, "SIGKILL");
      const again = (await s.waitFor(isReady("broadcast"), 3, 30_000)).at(-1)!;
      expect(broadcasters).not.toContain(again.childPid);

      const progress = await sentInFull(id, 60_000);
      const perChat = new Map<string, number>();
      for (const c of sends())
        perChat.set(String(c.body.chat_id), (perChat.get(String(c.body.chat_id)) ?? 0) + 1);
      // Never twice; a chat missing is one whose send was in flight at the kill, reported uncertain.
      expect([...perChat.values()].filter((n) => n > 1)).toEqual([]);
      const missing = chats.filter((c) => !perChat.has(c));
      expect(missing.length).toBeLessThanOrEqual(progress.uncertain);
      expect(progress.sent + progress.uncertain).toBe(400);
    } finally {
      await tg.stop();
    }
  });

  it("with BROADCAST_CHILDREN=0 sends announcements from its worker children", async () => {
    const tg = await new FakeTelegram().start();
    try {
      const s = start("1", {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_WEBHOOK_SECRET: "process-secret-1",
        TELEGRAM_API_ROOT: tg.url,
        BROADCAST_CHILDREN: "0",
      });
      await s.waitFor((l) => l.msg.startsWith("ready:"));
      await s.waitFor(isReady("worker"));
      const { chats, id } = await announceTo(20, 7_200_000, "#zero");
      // (Earlier tests' subscribers in this database get it too.)
      await sentInFull(id, 30_000);
      const got = tg.calls
        .filter((c) => c.method === "sendMessage" && String(c.body.text).includes("#zero"))
        .map((c) => String(c.body.chat_id));
      for (const chat of chats) expect(got.filter((c) => c === chat)).toHaveLength(1);
      expect(s.logs.filter((l) => l.kind === "broadcast")).toEqual([]);
    } finally {
      await tg.stop();
    }
  });

  it("WORKERS=0 keeps everything in one process", async () => {
    const s = start("0");
    const [ready] = await s.waitFor((l) => l.msg.startsWith("ready:"));
    expect((await new WebchatUser(ready!.url!).ask("xin chào", 0)).length).toBeGreaterThan(0);
    expect(s.logs.filter((l) => l.msg === "worker process started")).toHaveLength(0);
    const exited = new Promise<number | null>((r) => s.proc.once("exit", (code) => r(code)));
    s.proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

/** A one-child pool of a test/support script, with its log lines collected. */
function loggedPool(script: string, backoff: { initialMs: number; maxMs: number; resetAfterMs: number }) {
  const lines: Array<{ msg: string; restartInMs?: number }> = [];
  const sink = { write: (s: string) => void lines.push(JSON.parse(s)) } as unknown as NodeJS.WritableStream;
  const pool = new WorkerPool({
    size: 1,
    entry: `${ROOT}test/support/${script}`,
    args: [],
    env: {},
    logger: createLogger({ level: "info", destination: sink }),
    backoff,
  });
  return { pool, lines };
}

describe("the worker pool", () => {
  it("WORKERS=auto leaves one core to HTTP and never runs fewer than one worker", () => {
    for (let cores = 1; cores <= 64; cores++) expect(workerCount("auto", cores)).toBe(Math.max(1, cores - 1));
    expect(workerCount(0, 8)).toBe(0);
    expect(workerCount(3, 2)).toBe(3);
  });

  it("restarts a child that keeps crashing with growing delays, and stops restarting on stop()", async () => {
    const { pool, lines } = loggedPool("crashing-child.mjs", {
      initialMs: 50,
      maxMs: 400,
      resetAfterMs: 60_000,
    });
    await pool.start();
    const deadline = Date.now() + 20_000;
    while (
      lines.filter((l) => l.msg === "worker process exited; restarting").length < 5 &&
      Date.now() < deadline
    )
      await sleep(20);
    await pool.stop();
    const delays = lines
      .filter((l) => l.msg === "worker process exited; restarting")
      .map((l) => l.restartInMs);
    expect(delays.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
    const starts = lines.filter((l) => l.msg === "worker process started").length;
    await sleep(600);
    expect(lines.filter((l) => l.msg === "worker process started").length).toBe(starts);
    expect(pool.pids()).toEqual([]);
  });

  it("brings a child that crashed after a healthy run back at once, without the crash-loop delay", async () => {
    // A crash loop would wait 20 s; a child that ran 300 ms counts as healthy here.
    const { pool, lines } = loggedPool("idle-child.mjs", {
      initialMs: 20_000,
      maxMs: 20_000,
      resetAfterMs: 300,
    });
    await pool.start();
    try {
      const [first] = pool.pids();
      await sleep(500);
      process.kill(first!, "SIGKILL");
      const deadline = Date.now() + 10_000;
      while (!pool.pids().some((pid) => pid !== first) && Date.now() < deadline) await sleep(20);
      expect(pool.pids().filter((pid) => pid !== first)).toHaveLength(1);
      expect(lines.find((l) => l.msg === "worker process exited; restarting")?.restartInMs).toBe(0);
    } finally {
      await pool.stop();
    }
  });

  it("starts its children with the node flags it is given instead of the parent's", async () => {
    // npm start gives its children the parent's flags without --single-threaded-gc (src/main.ts).
    await withIdleChild({ execArgv: ["--max-semi-space-size=4"] }, (pid) => {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      expect(argv).toContain("--max-semi-space-size=4");
      for (const flag of process.execArgv) expect(argv).not.toContain(flag);
    });
  });

  it("passes a saturated parent's request to run fewer jobs to every child, capped at 10 s", async () => {
    // main.ts asks this of its worker children while the HTTP side is saturated (http-pressure.ts).
    const dir = mkdtempSync(join(tmpdir(), "yield-"));
    const log = join(dir, "asked");
    writeFileSync(log, "");
    const sink = { write: () => {} } as unknown as NodeJS.WritableStream;
    const pool = new WorkerPool({
      size: 2,
      entry: `${ROOT}test/support/yield-child.ts`,
      execArgv: ["--import", "tsx"],
      args: [],
      env: { ...process.env, YIELD_LOG: log },
      logger: createLogger({ level: "info", destination: sink }),
    });
    await pool.start();
    try {
      pool.askToYield(1_000);
      pool.askToYield(60_000);
      const asked = async () => readFileSync(log, "utf8").split("\n").filter(Boolean).sort();
      for (let i = 0; i < 50 && (await asked()).length < 4; i++) await sleep(100);
      expect(await asked()).toEqual(["1000", "1000", "10000", "10000"]);
    } finally {
      await pool.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs its children at the CPU priority WORKER_NICE asks for", async () => {
    await withIdleChild({ nice: 7 }, (pid) => expect(getPriority(pid)).toBe(Math.min(19, getPriority() + 7)));
  });
});

/** One idle child (test/support/idle-child.mjs) started by a WorkerPool with `options`, checked, then stopped. */
async function withIdleChild(
  options: { nice?: number; execArgv?: string[] },
  check: (pid: number) => void,
): Promise<void> {
  const sink = { write: () => {} } as unknown as NodeJS.WritableStream;
  const pool = new WorkerPool({
    size: 1,
    entry: `${ROOT}test/support/idle-child.mjs`,
    args: [],
    env: {},
    ...options,
    logger: createLogger({ level: "info", destination: sink }),
  });
  await pool.start();
  try {
    check(pool.pids()[0]!);
  } finally {
    await pool.stop();
  }
}
