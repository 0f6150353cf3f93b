/**
 * `npm start` as root in a private folder (a clone in /root, a `mktemp -d` directory): the embedded
 * PostgreSQL runs as the `postgres` user, which cannot enter it, so the cluster moves to a folder
 * under /var/lib keyed by the requested path — found again on the next start — unless DATA_DIR
 * was chosen explicitly. Only meaningful as root (the CI and a VPS's usual case).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { postgresDataDir, RELOCATED_PG_ROOT, startEmbeddedPostgres } from "../../src/db/embedded.js";
import { createLogger } from "../../src/logging/logger.js";

const asRoot = process.getuid?.() === 0;

describe.runIf(asRoot)("embedded PostgreSQL in a folder the postgres user cannot enter", () => {
  it("keeps its cluster under /var/lib, keyed by the folder, says so in the log, and finds it again", async () => {
    const project = mkdtempSync(join(tmpdir(), "cds-clone-")); // mode 700, like mktemp -d
    expect(statSync(project).mode & 0o777).toBe(0o700);
    const requested = join(project, "data", "pg");
    const { dir } = postgresDataDir(requested, { relocate: true });
    expect(dir.startsWith(`${RELOCATED_PG_ROOT}/`)).toBe(true);
    // Another clone gets another cluster.
    expect(postgresDataDir(join(project, "other", "pg"), { relocate: true }).dir).not.toBe(dir);
    const lines: Array<{ msg: string; dataDir?: string }> = [];
    const logger = createLogger({
      level: "info",
      destination: {
        write: (s: string) => void lines.push(JSON.parse(s)),
      } as unknown as NodeJS.WritableStream,
    });
    const port = 20000 + Math.floor(Math.random() * 10000); // below the ephemeral range (see processes.test.ts)
    try {
      const first = await startEmbeddedPostgres({
        dataDir: requested,
        port,
        database: "cds",
        logger,
        relocateIfUnreachable: true,
      });
      try {
        expect(first.dataDir).toBe(dir);
        expect(statSync(dir).uid).not.toBe(0); // owned by the postgres user
        const c = new pg.Client({ connectionString: first.url });
        await c.connect();
        await c.query("create table kept (x int)");
        await c.end();
      } finally {
        await first.stop();
      }
      expect(lines.filter((l) => l.msg.includes("cannot reach the data folder"))).toHaveLength(1);
      const second = await startEmbeddedPostgres({
        dataDir: requested,
        port,
        database: "cds",
        logger,
        relocateIfUnreachable: true,
      });
      try {
        const c = new pg.Client({ connectionString: second.url });
        await c.connect();
        expect((await c.query("select count(*)::int as n from kept")).rows[0].n).toBe(0);
        await c.end();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("an explicit DATA_DIR is used as given: an unreachable one is refused with the fix", async () => {
    const project = mkdtempSync(join(tmpdir(), "cds-clone-"));
    try {
      expect(postgresDataDir(join(project, "pg"), { relocate: false }).dir).toBe(join(project, "pg"));
      await expect(
        startEmbeddedPostgres({
          dataDir: join(project, "pg"),
          port: 54998,
          database: "cds",
          logger: createLogger({ level: "silent" }),
        }),
      ).rejects.toThrow(`chmod o+x ${project}`);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("fails with PostgreSQL's own reason when its port is taken, not with an empty error", async () => {
    const project = mkdtempSync(join(tmpdir(), "cds-port-"));
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        startEmbeddedPostgres({
          dataDir: join(project, "data", "pg"),
          port,
          database: "cds",
          logger: createLogger({ level: "silent" }),
          relocateIfUnreachable: true,
        }),
      ).rejects.toThrow(
        /stopped while starting \(port \d+\):.*(already in use|could not bind|could not create)/i,
      );
    } finally {
      blocker.close();
      rmSync(project, { recursive: true, force: true });
    }
  });
});
