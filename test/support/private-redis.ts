/**
 * A redis-server of the test's own on a free port, which the test may stop and restart — the
 * shared Redis on 6379 is never touched.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Deletes the stopped server's data: the next start comes up empty, as Redis without persistence does. */
  wipe(): void;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "cds-redis-"));
  let proc: ChildProcess | undefined;
  const ping = async () => {
    const r = new Redis({
      port,
      host: "127.0.0.1",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on("error", () => {});
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  // A process killed by a signal has exitCode null and signalCode set.
  const running = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  const handle: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (running()) return;
      // AOF with fsync on every write, as production runs Redis (docker-compose.yml): a restart
      // must not lose queued jobs.
      proc = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "yes",
          "--appendfsync",
          "always",
          "--dir",
          dir,
          "--maxmemory-policy",
          "noeviction",
        ],
        { stdio: "ignore" },
      );
      for (let i = 0; i < 100 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 50));
    },
    wipe() {
      if (running()) throw new Error("stop the server before wiping its data");
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
    },
    async stop() {
      if (!running()) return;
      const exited = new Promise((r) => proc!.once("exit", r));
      proc!.kill("SIGKILL"); // a crash, not a clean shutdown
      await exited;
    },
  };
  await handle.start();
  return handle;
}
