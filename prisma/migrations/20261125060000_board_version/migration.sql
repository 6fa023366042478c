-- A per-class counter that changes whenever the class's leaderboard could change, in the same
-- transaction as the change. Caches of the board (lib/server/services/leaderboard.ts,
-- graphql/response-cache.ts) are keyed by it, so every web process sees a result the moment the
-- worker commits it, and nothing stale outlives the change. Triggers rather than application
-- code: the worker, the web app and ad-hoc SQL all write these tables.
ALTER TABLE "Class" ADD COLUMN "boardVersion" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION catwalk_bump_board(class_id TEXT) RETURNS void LANGUAGE sql AS $$
  UPDATE "Class" SET "boardVersion" = "boardVersion" + 1 WHERE id = class_id;
$$;

-- Only SUCCEEDED submissions are on the board: queueing, progress writes and failures of other
-- submissions leave it (and its caches) alone.
CREATE FUNCTION catwalk_submission_board_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM catwalk_bump_board(OLD."classId"); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW."classId" IS DISTINCT FROM OLD."classId") THEN
    PERFORM catwalk_bump_board(NEW."classId");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Submission_board_insert" AFTER INSERT ON "Submission"
  FOR EACH ROW WHEN (NEW.status = 'SUCCEEDED') EXECUTE FUNCTION catwalk_submission_board_changed();
CREATE TRIGGER "Submission_board_delete" AFTER DELETE ON "Submission"
  FOR EACH ROW WHEN (OLD.status = 'SUCCEEDED') EXECUTE FUNCTION catwalk_submission_board_changed();
CREATE TRIGGER "Submission_board_update" AFTER UPDATE ON "Submission"
  FOR EACH ROW WHEN (
    (OLD.status = 'SUCCEEDED' OR NEW.status = 'SUCCEEDED') AND (
      OLD.status IS DISTINCT FROM NEW.status OR OLD.name IS DISTINCT FROM NEW.name
      OR OLD."classId" IS DISTINCT FROM NEW."classId" OR OLD."authorId" IS DISTINCT FROM NEW."authorId"
      OR OLD.architecture IS DISTINCT FROM NEW.architecture OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt"))
  EXECUTE FUNCTION catwalk_submission_board_changed();

CREATE FUNCTION catwalk_result_board_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- On a cascade from a deleted submission the row is already gone; its own trigger bumped.
  PERFORM catwalk_bump_board(s."classId") FROM "Submission" s
    WHERE s.id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD."submissionId" END,
                   CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW."submissionId" END);
  RETURN NULL;
END $$;

CREATE TRIGGER "Result_board" AFTER INSERT OR UPDATE OR DELETE ON "Result"
  FOR EACH ROW EXECUTE FUNCTION catwalk_result_board_changed();

-- Rows show the author's name.
CREATE FUNCTION catwalk_user_board_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM catwalk_bump_board(c."classId") FROM (
    SELECT DISTINCT s."classId" FROM "Submission" s WHERE s."authorId" = NEW.id AND s.status = 'SUCCEEDED'
  ) c;
  RETURN NULL;
END $$;

CREATE TRIGGER "User_board" AFTER UPDATE OF name ON "User"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION catwalk_user_board_changed();
