-- CreateTable
CREATE TABLE "SelfReportTally" (
    "level" "Level" NOT NULL,
    "unitKey" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "unit" TEXT NOT NULL,
    "currentRespondents" INTEGER NOT NULL DEFAULT 0,
    "currentMet" INTEGER NOT NULL DEFAULT 0,
    "monthRespondents" INTEGER NOT NULL DEFAULT 0,
    "monthMet" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SelfReportTally_pkey" PRIMARY KEY ("level","unitKey","indicator","month")
);

-- Self-report figures are read from SelfReportTally, which these statement-level triggers keep in
-- step with "SelfReport" inside the same transaction: one grouped upsert per statement (so a bulk
-- INSERT ... SELECT of a million rows costs one aggregate, not a million row triggers). A report
-- counts while it is not flagged and not rejected/withdrawn, and "current*" also needs current = true.
-- The migration runner splits statements at every semicolon, so the body's semicolons are \x3b.
CREATE OR REPLACE FUNCTION self_report_tally_apply() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    INSERT INTO "SelfReportTally" AS t (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
    SELECT r.level, r."unitKey", k.indicator, (date_trunc(''month'', (r."createdAt" AT TIME ZONE ''UTC'') AT TIME ZONE ''Asia/Ho_Chi_Minh''))::date,
           max(r.unit), sum(r.current::int), sum((r.current AND k.met)::int), count(*), sum(k.met::int)
      FROM new_rows r
      CROSS JOIN LATERAL (SELECT ''*''::text AS indicator, false AS met UNION ALL SELECT e.key, e.value = ''true''::jsonb FROM jsonb_each(r.indicators) e) k
     WHERE NOT r.flagged AND r.status NOT IN (''rejected'', ''withdrawn'')
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (level, "unitKey", indicator, month) DO UPDATE SET unit = EXCLUDED.unit,
      "currentRespondents" = t."currentRespondents" + EXCLUDED."currentRespondents", "currentMet" = t."currentMet" + EXCLUDED."currentMet",
      "monthRespondents" = t."monthRespondents" + EXCLUDED."monthRespondents", "monthMet" = t."monthMet" + EXCLUDED."monthMet"\x3b
  ELSIF TG_OP = ''UPDATE'' THEN
    INSERT INTO "SelfReportTally" AS t (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
    SELECT d.level, d."unitKey", k.indicator, (date_trunc(''month'', (d."createdAt" AT TIME ZONE ''UTC'') AT TIME ZONE ''Asia/Ho_Chi_Minh''))::date,
           max(d.unit), sum(d.sign * d.current::int), sum(d.sign * (d.current AND k.met)::int), sum(d.sign), sum(d.sign * k.met::int)
      FROM (
        SELECT -1 AS sign, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.current, o.flagged, o.status, o.level, o."unitKey", o.indicators, o."createdAt") IS DISTINCT FROM (n.current, n.flagged, n.status, n.level, n."unitKey", n.indicators, n."createdAt")
        UNION ALL
        SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (o.current, o.flagged, o.status, o.level, o."unitKey", o.indicators, o."createdAt") IS DISTINCT FROM (n.current, n.flagged, n.status, n.level, n."unitKey", n.indicators, n."createdAt")
      ) d
      CROSS JOIN LATERAL (SELECT ''*''::text AS indicator, false AS met UNION ALL SELECT e.key, e.value = ''true''::jsonb FROM jsonb_each(d.indicators) e) k
     WHERE NOT d.flagged AND d.status NOT IN (''rejected'', ''withdrawn'')
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (level, "unitKey", indicator, month) DO UPDATE SET unit = EXCLUDED.unit,
      "currentRespondents" = t."currentRespondents" + EXCLUDED."currentRespondents", "currentMet" = t."currentMet" + EXCLUDED."currentMet",
      "monthRespondents" = t."monthRespondents" + EXCLUDED."monthRespondents", "monthMet" = t."monthMet" + EXCLUDED."monthMet"\x3b
  ELSE
    INSERT INTO "SelfReportTally" AS t (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
    SELECT r.level, r."unitKey", k.indicator, (date_trunc(''month'', (r."createdAt" AT TIME ZONE ''UTC'') AT TIME ZONE ''Asia/Ho_Chi_Minh''))::date,
           max(r.unit), -sum(r.current::int), -sum((r.current AND k.met)::int), -count(*), -sum(k.met::int)
      FROM old_rows r
      CROSS JOIN LATERAL (SELECT ''*''::text AS indicator, false AS met UNION ALL SELECT e.key, e.value = ''true''::jsonb FROM jsonb_each(r.indicators) e) k
     WHERE NOT r.flagged AND r.status NOT IN (''rejected'', ''withdrawn'')
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (level, "unitKey", indicator, month) DO UPDATE SET
      "currentRespondents" = t."currentRespondents" + EXCLUDED."currentRespondents", "currentMet" = t."currentMet" + EXCLUDED."currentMet",
      "monthRespondents" = t."monthRespondents" + EXCLUDED."monthRespondents", "monthMet" = t."monthMet" + EXCLUDED."monthMet"\x3b
  END IF\x3b
  RETURN NULL\x3b
END';

CREATE TRIGGER self_report_tally_insert AFTER INSERT ON "SelfReport"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION self_report_tally_apply();

CREATE TRIGGER self_report_tally_update AFTER UPDATE ON "SelfReport"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION self_report_tally_apply();

CREATE TRIGGER self_report_tally_delete AFTER DELETE ON "SelfReport"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION self_report_tally_apply();
