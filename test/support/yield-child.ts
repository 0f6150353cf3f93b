/**
 * A worker child for test/system/processes.test.ts: supervised like main.ts's children, it writes
 * every "run fewer jobs" request it receives (the milliseconds asked) to the file YIELD_LOG names.
 *
 *   WorkerPool({ entry: "test/support/yield-child.ts", execArgv: ["--import", "tsx"], … })
 */
import { appendFileSync } from "node:fs";
import { superviseFromParent } from "../../src/system/worker-pool.js";

const keepAlive = setInterval(() => {}, 1_000);
const stop = () => {
  clearInterval(keepAlive);
  process.exit(0);
};
process.once("SIGTERM", stop);
superviseFromParent({
  snapshot: async () => ({}) as never,
  onParentGone: stop,
  onYield: (ms) => appendFileSync(process.env.YIELD_LOG!, `${ms}\n`),
});
