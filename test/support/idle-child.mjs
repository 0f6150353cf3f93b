// A worker child that reports ready and then waits for its parent to stop it (SIGTERM).
process.send?.({ type: "ready" });
const keepAlive = setInterval(() => {}, 1_000);
process.once("SIGTERM", () => {
  clearInterval(keepAlive);
  process.exit(0);
});
process.once("disconnect", () => process.exit(0));
