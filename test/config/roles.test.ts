/**
 * What each role runs, over every role and both settings of WORKERS_SEND_ANNOUNCEMENTS, parsed from
 * the command line as main.ts does: exactly one kind of process sends announcements in each
 * deployment (role all with WORKERS=0, the broadcast children of npm start, or workers unless told
 * not to), and the web side never runs conversations.
 */
import { describe, expect, it } from "vitest";
import {
  parseConfig,
  ROLES,
  runsConversations,
  sendsAnnouncements,
  servesHttp,
} from "../../src/config/schema.js";

describe("roles", () => {
  for (const role of ROLES)
    for (const flag of ["true", "false"])
      it(`--role ${role} with WORKERS_SEND_ANNOUNCEMENTS=${flag}`, () => {
        const config = parseConfig({ WORKERS_SEND_ANNOUNCEMENTS: flag }, ["--role", role]);
        expect(config.role).toBe(role);
        expect(servesHttp(role)).toBe(role === "web" || role === "all");
        expect(runsConversations(role)).toBe(role === "worker" || role === "all");
        const expected = role === "broadcast" || ((role === "worker" || role === "all") && flag === "true");
        expect(sendsAnnouncements(config)).toBe(expected);
      });

  it("refuses an unknown role, naming the four", () => {
    expect(() => parseConfig({}, ["--role", "sender"])).toThrow(/all, web, worker, broadcast/);
  });

  it("defaults: two broadcast children at the lowest priority, workers sending when alone", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ broadcastChildren: 2, broadcastNice: 19, workersSendAnnouncements: true });
  });
});
