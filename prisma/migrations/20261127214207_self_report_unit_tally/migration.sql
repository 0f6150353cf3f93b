-- CreateTable
CREATE TABLE "SelfReportUnitTally" (
    "level" "Level" NOT NULL,
    "unitKey" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "respondents" INTEGER NOT NULL DEFAULT 0,
    "met" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SelfReportUnitTally_pkey" PRIMARY KEY ("level","unitKey","indicator")
);

-- The progress table read SelfReportTally, which has a row per month as well (up to ~50,000 rows
-- whatever the number of reports): the current figures now also go to SelfReportUnitTally, one row
-- per (level, unit, indicator), kept by the same statement triggers in the same transaction.
-- Semicolons inside the function body are written \x3b (the migration runner splits at every semicolon).
CREATE OR REPLACE FUNCTION self_report_tally_apply() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    WITH c AS (
      SELECT r.level, r."unitKey", k.indicator, (date_trunc(''month'', (r."createdAt" AT TIME ZONE ''UTC'') AT TIME ZONE ''Asia/Ho_Chi_Minh''))::date AS month, max(r.unit) AS unit,
             sum(r.sign * r.current::int) AS cr, sum(r.sign * (r.current AND k.met)::int) AS cm, sum(r.sign) AS mr, sum(r.sign * k.met::int) AS mm
        FROM (SELECT 1 AS sign, n.* FROM new_rows n) r
        CROSS JOIN LATERAL (SELECT ''*''::text AS indicator, false AS met UNION ALL SELECT e.key, e.value = ''true''::jsonb FROM jsonb_each(r.indicators) e) k
       WHERE NOT r.flagged AND r.status NOT IN (''rejected'', ''withdrawn'')
       GROUP BY 1, 2, 3, 4
    ), monthly AS (
      INSERT INTO "SelfReportTally" AS t (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
      SELECT level, "unitKey", indicator, month, unit, cr, cm, mr, mm FROM c ORDER BY 1, 2, 3, 4
      ON CONFLICT (level, "unitKey", indicator, month) DO UPDATE SET unit = EXCLUDED.unit,
        "currentRespondents" = t."currentRespondents" + EXCLUDED."currentRespondents", "currentMet" = t."currentMet" + EXCLUDED."currentMet",
        "monthRespondents" = t."monthRespondents" + EXCLUDED."monthRespondents", "monthMet" = t."monthMet" + EXCLUDED."monthMet"
    )
    INSERT INTO "SelfReportUnitTally" AS u (level, "unitKey", indicator, unit, respondents, met)
    SELECT level, "unitKey", indicator, max(unit), sum(cr), sum(cm) FROM c
     GROUP BY 1, 2, 3 HAVING sum(cr) <> 0 OR sum(cm) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (level, "unitKey", indicator) DO UPDATE SET unit = EXCLUDED.unit,
      respondents = u.respondents + EXCLUDED.respondents, met = u.met + EXCLUDED.met\x3b
  ELSIF TG_OP = ''UPDATE'' THEN
    WITH c AS (
      SELECT r.level, r."unitKey", k.indicator, (date_trunc(''month'', (r."createdAt" AT TIME ZONE ''UTC'') AT TIME ZONE ''Asia/Ho_Chi_Minh''))::date AS month, max(r.unit) AS unit,
             sum(r.sign * r.current::int) AS cr, sum(r.sign * (r.current AND k.met)::int) AS cm, sum(r.sign) AS mr, sum(r.sign * k.met::int) AS mm
        FROM (SELECT -1 AS sign, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.current, o.flagged, o.status, o.level, o."unitKey", o.indicators, o."createdAt") IS DISTINCT FROM (n.current, n.flagged, n.status, n.level, n."unitKey", n.indicators, n."createdAt") UNION ALL SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (o.current, o.flagged, o.status, o.level, o."unitKey", o.indicators, o."createdAt") IS DISTINCT FROM (n.current, n.flagged, n.status, n.level, n."unitKey", n.indicators, n."createdAt")) r
        CROSS JOIN LATERAL (SELECT ''*''::text AS indicator, false AS met UNION ALL SELECT e.key, e.value = ''true''::jsonb FROM jsonb_each(r.indicators) e) k
       WHERE NOT r.flagged AND r.status NOT IN (''rejected'', ''withdrawn'')
       GROUP BY 1, 2, 3, 4
    ), monthly AS (
      INSERT INTO "SelfReportTally" AS t (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
      SELECT level, "unitKey", indicator, month, unit, cr, cm, mr, mm FROM c ORDER BY 1, 2, 3, 4
      ON CONFLICT (level, "unitKey", indicator, month) DO UPDATE SET unit = EXCLUDED.unit,
        "currentRespondents" = t."currentRespondents" + EXCLUDED."currentRespondents", "currentMet" = t."currentMet" + EXCLUDED."currentMet",
        "monthRespondents" = t."monthRespondents" + EXCLUDED."monthRespondents", "monthMet" = t."monthMet" + EXCLUDED."monthMet"
    )
    INSERT INTO "SelfReportUnitTally" AS u (level, "unitKey", indicator, unit, respondents, met)
    SELECT level, "unitKey", indicator, max(unit), sum(cr), sum(cm) FROM c
     GROUP BY 1, 2, 3 HAVING sum(cr) <> 0 OR sum(cm) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (level, "unitKey", indicator) DO UPDATE SET unit = EXCLUDED.unit,
      respondents = u.respondents + EXCLUDED.respondents, met = u.met + EXCLUDED.met\x3b
  ELSE
    WITH c AS (
      SELECT r.level, r."unitKey", k.indicator, (date_trunc(''month'', (r."createdAt" AT TIME ZONE ''UTC'') AT TIME ZONE ''Asia/Ho_Chi_Minh''))::date AS month, max(r.unit) AS unit,
             sum(r.sign * r.current::int) AS cr, sum(r.sign * (r.current AND k.met)::int) AS cm, sum(r.sign) AS mr, sum(r.sign * k.met::int) AS mm
        FROM (SELECT -1 AS sign, o.* FROM old_rows o) r
        CROSS JOIN LATERAL (SELECT ''*''::text AS indicator, false AS met UNION ALL SELECT e.key, e.value = ''true''::jsonb FROM jsonb_each(r.indicators) e) k
       WHERE NOT r.flagged AND r.status NOT IN (''rejected'', ''withdrawn'')
       GROUP BY 1, 2, 3, 4
    ), monthly AS (
      INSERT INTO "SelfReportTally" AS t (level, "unitKey", indicator, month, unit, "currentRespondents", "currentMet", "monthRespondents", "monthMet")
      SELECT level, "unitKey", indicator, month, unit, cr, cm, mr, mm FROM c ORDER BY 1, 2, 3, 4
      ON CONFLICT (level, "unitKey", indicator, month) DO UPDATE SET unit = EXCLUDED.unit,
        "currentRespondents" = t."currentRespondents" + EXCLUDED."currentRespondents", "currentMet" = t."currentMet" + EXCLUDED."currentMet",
        "monthRespondents" = t."monthRespondents" + EXCLUDED."monthRespondents", "monthMet" = t."monthMet" + EXCLUDED."monthMet"
    )
    INSERT INTO "SelfReportUnitTally" AS u (level, "unitKey", indicator, unit, respondents, met)
    SELECT level, "unitKey", indicator, max(unit), sum(cr), sum(cm) FROM c
     GROUP BY 1, 2, 3 HAVING sum(cr) <> 0 OR sum(cm) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (level, "unitKey", indicator) DO UPDATE SET unit = EXCLUDED.unit,
      respondents = u.respondents + EXCLUDED.respondents, met = u.met + EXCLUDED.met\x3b
  END IF\x3b
  RETURN NULL\x3b
END';

-- Backfill from the per-month tally (which the triggers kept exact so far).
INSERT INTO "SelfReportUnitTally" (level, "unitKey", indicator, unit, respondents, met)
SELECT level, "unitKey", indicator, max(unit), sum("currentRespondents"), sum("currentMet") FROM "SelfReportTally" GROUP BY 1, 2, 3;
