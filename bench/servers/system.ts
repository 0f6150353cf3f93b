/** The real system in its own process (role from argv), configured by the benchmark's env. */
import { parseConfig } from "../../src/config/schema.js";
import { createLogger } from "../../src/logging/logger.js";
import { startSystem } from "../../src/system/start.js";

const config = parseConfig(process.env, process.argv.slice(2));
const t0 = performance.now();
const system = await startSystem(config, {
  logger: createLogger({ level: process.env.LOG_LEVEL ?? "warn" }),
  port: Number(process.env.PORT ?? 0),
  host: "127.0.0.1",
});
process.stdout.write(`READY ${new URL(system.url!).port} ${Math.round(performance.now() - t0)}\n`);
process.on("SIGTERM", () => {
  void system.stop().then(() => process.exit(0));
});
// BENCH_MEMLOG=1: where the memory goes (heap, external buffers, wasm) every 5 s, on stderr.
if (process.env.BENCH_MEMLOG) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (x: number) => Math.round(x / 1048576);
    process.stderr.write(
      `MEM ${process.argv.slice(2).join(" ")} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}\n`,
    );
  }, 5_000).unref();
}
