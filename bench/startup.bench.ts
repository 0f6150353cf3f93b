/**
 * Start-up time of `npm start` on its embedded default (no DATABASE_URL): cold (a new ./data,
 * PostgreSQL initialised) and warm (data kept), measured to the first /readyz = 200, beside a
 * bare express process started the same way.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, sleep, type Figure } from "./harness.js";

async function timeToReady(
  script: string,
  env: Record<string, string>,
  path: string,
  port: number,
): Promise<number> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`${script} exited with ${proc.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: path.startsWith("/webhooks") ? "POST" : "GET",
        headers: { "content-type": "application/json" },
        body: path.startsWith("/webhooks") ? "{}" : undefined,
      }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - t0;
      if (performance.now() - t0 > 120_000) throw new Error("not ready in 120 s");
      await sleep(50);
    }
  } finally {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await Promise.race([exited, sleep(15_000)]);
  }
}

export async function benchStartup(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "cds-bench-data-"));
  // As root, the embedded PostgreSQL runs as the `postgres` user, which must be able to reach its
  // data directory (mkdtemp makes it private).
  chmodSync(dataDir, 0o755);
  const env = { DATA_DIR: dataDir, DATABASE_URL: "", EMBEDDED_PG_PORT: "54359" };
  try {
    const bare = await timeToReady(`${ROOT}bench/servers/bare-express-port.ts`, {}, "/webhooks/x", 39123);
    const cold = await timeToReady(`${ROOT}src/main.ts`, env, "/readyz", 39124);
    const warm = await timeToReady(`${ROOT}src/main.ts`, env, "/readyz", 39125);
    return [
      {
        group: "start-up (npm start, embedded PostgreSQL)",
        name: "bare express process",
        value: bare,
        unit: "ms",
      },
      {
        group: "start-up (npm start, embedded PostgreSQL)",
        name: "cold (new ./data)",
        value: cold,
        unit: "ms",
        ratio: { to: "bare express", value: cold / bare },
      },
      {
        group: "start-up (npm start, embedded PostgreSQL)",
        name: "warm (./data kept)",
        value: warm,
        unit: "ms",
        ratio: { to: "bare express", value: warm / bare },
        note: "target < 15 000 ms",
      },
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
