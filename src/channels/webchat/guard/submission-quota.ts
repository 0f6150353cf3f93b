/**
 * Submissions through the web chat counted per client address and Vietnam day, on top of the
 * per-person daily limit: a client that clears its cookie gets a new chat (and a new Person), but
 * not a new quota. An office behind one NAT shares WEBCHAT_SUBMISSIONS_PER_IP_PER_DAY.
 */
import type { Redis } from "ioredis";
import type { InboundMessage } from "../../types.js";
import type { SubmissionQuota } from "../../../conversation/submission-quota.js";
import { webchatGuardKeys as keys } from "./keys.js";

const RESERVE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], 172800) end
if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end
return 1`;

function vietnamDay(now: number): string {
  return new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** @example createEngine({ ..., submissionQuota: createWebchatSubmissionQuota({ redis, prefix, perDay: 20 }) }) */
export function createWebchatSubmissionQuota(deps: {
  redis: Redis;
  prefix: string;
  perDay: number;
  clock?: () => number;
}): SubmissionQuota {
  const clock = deps.clock ?? Date.now;
  const keyOf = (msg: InboundMessage) => {
    const client = msg.channel === "webchat" ? msg.platform?.client : undefined;
    return typeof client === "string" && /^[0-9a-f]{16}$/.test(client)
      ? keys.submissions(deps.prefix, client, vietnamDay(clock()))
      : undefined;
  };
  const refusal = { key: "webchat.ip_daily_limit", vars: { max: deps.perDay } };
  return {
    async check(msg) {
      const key = keyOf(msg);
      if (!key) return undefined;
      return Number((await deps.redis.get(key)) ?? 0) >= deps.perDay ? refusal : undefined;
    },
    async reserve(msg) {
      const key = keyOf(msg);
      if (!key) return { release: async () => {} };
      if ((await deps.redis.eval(RESERVE, 1, key, String(deps.perDay))) !== 1)
        return { refused: refusal, release: async () => {} };
      return { release: async () => void (await deps.redis.decr(key)) };
    },
  };
}
