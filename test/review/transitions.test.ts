/**
 * The transition table, walked whole: every action from every status, on a real nomination in
 * PostgreSQL. An allowed move changes the status and writes exactly one audit row; a refused one
 * changes nothing and reports the status it found.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRANSITIONS, transition, type Action, type Status } from "../../src/review/transitions.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { submitNomination } from "./fixtures.js";

const STATUSES: Status[] = ["submitted", "in_review", "needs_info", "approved", "rejected", "withdrawn"];
const ACTIONS = Object.keys(TRANSITIONS) as Action[];

describe("review/transitions.ts: every action from every status", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const cases = ACTIONS.flatMap((action) =>
    STATUSES.map((from) => ({
      action,
      from,
      allowed: TRANSITIONS[action].from.includes(from),
      to: TRANSITIONS[action].to,
    })),
  );

  it.each(cases)("$action from $from: allowed = $allowed", async ({ action, from, allowed, to }) => {
    const { db } = database;
    const n = await submitNomination(db);
    await db.nomination.update({ where: { id: n.id }, data: { status: from } });
    const audits = () => db.auditLog.count({ where: { subjectId: n.id } });
    const result = await transition(db, {
      subject: "nomination",
      id: n.id,
      action,
      actor: { label: "test" },
    });
    const now = (await db.nomination.findUniqueOrThrow({ where: { id: n.id }, select: { status: true } }))
      .status;
    if (allowed) {
      expect(result).toMatchObject({ ok: true, from, to, code: n.code });
      expect(now).toBe(to);
      expect(await audits()).toBe(1);
      expect(await db.auditLog.findFirst({ where: { subjectId: n.id } })).toMatchObject({
        action,
        fromStatus: from,
        toStatus: to,
        actor: "test",
      });
    } else {
      expect(result).toMatchObject({ ok: false, reason: "conflict", current: from });
      expect(now).toBe(from);
      expect(await audits()).toBe(0);
    }
  });

  it("reports an unknown id as not found, for every action", async () => {
    for (const action of ACTIONS) {
      expect(
        await transition(database.db, {
          subject: "nomination",
          id: "00000000-0000-4000-8000-000000000000",
          action,
          actor: { label: "test" },
        }),
      ).toEqual({ ok: false, reason: "not_found" });
    }
  });
});
