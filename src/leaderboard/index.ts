/** The emulation leaderboard: ranking from the self-report tally, monthly snapshots, chat and admin pages. */
export { leaderboard, rankEntries, unitScore, type LeaderboardEntry } from "./ranking.js";
export {
  ensureLastMonthSnapshot,
  snapshotBoard,
  snapshotMonths,
  takeSnapshot,
  vietnamMonth,
} from "./snapshots.js";
export { createLeaderboardPlugin, LEADERBOARD_COMMAND } from "./conversation.js";
export { createLeaderboardRoutes } from "./admin-routes.js";
export { leaderboardCsv, leaderboardXlsx } from "./export.js";
