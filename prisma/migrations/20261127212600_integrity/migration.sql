-- Integrity rules Prisma's schema language cannot express.

-- The audit log is append-only: reviewers' actions can be added, never rewritten or removed.
-- The migration runner splits statements at every semicolon (it knows no dollar quoting), so
-- the body's semicolon is written as the escape \x3b.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS E'BEGIN RAISE EXCEPTION ''AuditLog is append-only''\x3b END' LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- One current self-report per person: a new report supersedes the previous one.
CREATE UNIQUE INDEX "SelfReport_one_current_per_person" ON "SelfReport" ("personId") WHERE "current" AND "personId" IS NOT NULL;
