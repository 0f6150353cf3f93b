/** The web chat guard's Redis keys (defined with every other key in src/redis/keys.ts). */
import { redisKeys } from "../../../redis/keys.js";

export const webchatGuardKeys = {
  secret: redisKeys.webchatSecret,
  liveChats: redisKeys.webchatLive,
  spentChallenge: redisKeys.webchatSpentChallenge,
  perIp: redisKeys.webchatPerIp,
  global: redisKeys.webchatGlobal,
  submissions: redisKeys.webchatSubmissions,
} as const;
