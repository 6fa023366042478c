-- Final selections (Kaggle's rule): a student marks up to Class."finalSelectionsMax" of their
-- succeeded submissions as final; the private board ranks each student's best final one, or their
-- best overall when none is marked. The service (lib/server/services/submissions/select-final.ts)
-- checks the count and the deadline under the same lock and says what is wrong; this trigger is
-- the backstop for every other writer, so the count can't be exceeded by a race or by ad-hoc SQL.
ALTER TABLE "Class" ADD COLUMN "finalSelectionsMax" INTEGER NOT NULL DEFAULT 2;
ALTER TABLE "Class" ADD CONSTRAINT "Class_finalSelectionsMax_range"
  CHECK ("finalSelectionsMax" BETWEEN 1 AND 20);
ALTER TABLE "Submission" ADD COLUMN "finalSelectedAt" TIMESTAMP(3);

-- One student's selections in one class: the count below, and the board's DISTINCT ON.
CREATE INDEX "Submission_final_selections" ON "Submission" ("classId", "authorId") WHERE "finalSelectedAt" IS NOT NULL;

CREATE FUNCTION catwalk_final_selection_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  selected INTEGER;
  max_selected INTEGER;
BEGIN
  IF NEW.status <> 'SUCCEEDED' THEN
    RAISE EXCEPTION 'Only a succeeded submission can be marked final (this one is %).', NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'Submission_final_succeeded';
  END IF;
  -- The lock select-final.ts takes: concurrent selections by one student count one at a time.
  PERFORM pg_advisory_xact_lock(hashtext('final:' || NEW."classId" || ':' || NEW."authorId"));
  SELECT c."finalSelectionsMax" INTO max_selected FROM "Class" c WHERE c.id = NEW."classId";
  SELECT count(*) INTO selected FROM "Submission" s
    WHERE s."classId" = NEW."classId" AND s."authorId" = NEW."authorId"
      AND s."finalSelectedAt" IS NOT NULL AND s.id <> NEW.id;
  IF selected >= max_selected THEN
    RAISE EXCEPTION 'At most % final submissions per student in this class.', max_selected
      USING ERRCODE = 'check_violation', CONSTRAINT = 'Submission_final_selections_max';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "Submission_final_selection" BEFORE INSERT OR UPDATE OF "finalSelectedAt" ON "Submission"
  FOR EACH ROW WHEN (NEW."finalSelectedAt" IS NOT NULL) EXECUTE FUNCTION catwalk_final_selection_check();

-- A selection changes which submission the private board shows (migration 20261125060000_board_version).
CREATE TRIGGER "Submission_board_final" AFTER UPDATE OF "finalSelectedAt" ON "Submission"
  FOR EACH ROW WHEN (
    NEW.status = 'SUCCEEDED' AND (OLD."finalSelectedAt" IS NULL) IS DISTINCT FROM (NEW."finalSelectedAt" IS NULL))
  EXECUTE FUNCTION catwalk_submission_board_changed();
