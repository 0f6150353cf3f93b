/**
 * Child process for test/queue/worker-outage.test.ts: runs partitioned BullMQ workers against the
 * given Redis and reports on stdout, so the parent can tell a stalled event loop from a slow one
 * (a worker spinning on microtasks would also starve the test runner's own timers).
 *
 *   node --import tsx worker-outage-child.ts <redisUrl> <safe|failfast>
 *
 * Prints "tick" every 100 ms, "busy <id>" when a job starts, "done <id>" when it ends.
 */
import { Worker } from "bullmq";
import { bullConnections } from "../../src/redis/connection.js";
import { PartitionedQueue } from "../../src/queue/partitioned-queue.js";

const [url, mode] = process.argv.slice(2) as [string, string];
const { producer, worker } = bullConnections(url);
const q = new PartitionedQueue<{ ms: number }>({
  name: "outage",
  partitions: 4,
  prefix: "wo",
  connection: producer,
});
const processor = async (job: { id?: string; data: { ms: number } }) => {
  process.stdout.write(`busy ${job.id}\n`);
  await new Promise((r) => setTimeout(r, job.data.ms));
  process.stdout.write(`done ${job.id}\n`);
};
if (mode === "safe") {
  await q.startWorkers(processor, { connection: worker, stalledInterval: 1_000 });
} else {
  // The configuration this project used to have for its senders: the producer's fail-fast options
  // on a worker (bypassing the guard in PartitionedQueue.startWorkers).
  const failFast = { url, enableOfflineQueue: false, connectTimeout: 2_000 };
  for (const queue of q.queues)
    new Worker(queue.name, processor, { connection: failFast, prefix: "wo", stalledInterval: 1_000 }).on(
      "error",
      () => {},
    );
}
setInterval(() => process.stdout.write("tick\n"), 100);
process.stdout.write("ready\n");
