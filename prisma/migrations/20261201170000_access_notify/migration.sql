-- Tells every web process, on commit, that something a request's viewer or class access is read
-- from has changed: an API token (revoked, rescoped, deleted), a session (ended, shortened), a
-- user's name or email, a membership, or a class (its switches, its board version, its slug).
-- lib/server/access-cache.ts LISTENs and drops everything it holds, so its in-process copies of
-- these rows live only until the next change is announced. NOTIFY is delivered at commit, in
-- commit order, to every listener; identical notifications of one transaction are folded into
-- one, so a statement touching many rows still sends one.
--
-- Row triggers with WHEN conditions, so that a statement that changes nothing watched sends
-- nothing: a sign-in's sweep of expired sessions that deletes no row, or the once-a-minute
-- `lastUsedAt` of a polling token, must not empty the cache. TRUNCATE has only statement
-- triggers.
CREATE FUNCTION catwalk_notify_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('catwalk_access', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER "ApiToken_access_update" AFTER UPDATE ON "ApiToken" FOR EACH ROW
  WHEN (OLD."userId" IS DISTINCT FROM NEW."userId" OR OLD."classId" IS DISTINCT FROM NEW."classId"
    OR OLD."tokenHash" IS DISTINCT FROM NEW."tokenHash" OR OLD.scopes IS DISTINCT FROM NEW.scopes
    OR OLD."revokedAt" IS DISTINCT FROM NEW."revokedAt")
  EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "ApiToken_access_delete" AFTER DELETE ON "ApiToken" FOR EACH ROW EXECUTE FUNCTION catwalk_notify_access();

CREATE TRIGGER "Session_access_update" AFTER UPDATE ON "Session" FOR EACH ROW
  WHEN (OLD."userId" IS DISTINCT FROM NEW."userId" OR OLD."expiresAt" IS DISTINCT FROM NEW."expiresAt")
  EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "Session_access_delete" AFTER DELETE ON "Session" FOR EACH ROW EXECUTE FUNCTION catwalk_notify_access();

CREATE TRIGGER "User_access_update" AFTER UPDATE ON "User" FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
  EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "User_access_delete" AFTER DELETE ON "User" FOR EACH ROW EXECUTE FUNCTION catwalk_notify_access();

-- Inserts too: a cached row may say "not a member".
CREATE TRIGGER "Membership_access_change" AFTER INSERT OR DELETE ON "Membership" FOR EACH ROW
  EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "Membership_access_update" AFTER UPDATE ON "Membership" FOR EACH ROW
  WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD."userId" IS DISTINCT FROM NEW."userId"
    OR OLD."classId" IS DISTINCT FROM NEW."classId")
  EXECUTE FUNCTION catwalk_notify_access();

-- No insert trigger: only classes that exist are cached.
CREATE TRIGGER "Class_access_update" AFTER UPDATE ON "Class" FOR EACH ROW
  WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD."privateRevealed" IS DISTINCT FROM NEW."privateRevealed"
    OR OLD."showArchitectures" IS DISTINCT FROM NEW."showArchitectures"
    OR OLD."shareModels" IS DISTINCT FROM NEW."shareModels" OR OLD."boardVersion" IS DISTINCT FROM NEW."boardVersion"
    OR OLD."finalSelectionsMax" IS DISTINCT FROM NEW."finalSelectionsMax")
  EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "Class_access_delete" AFTER DELETE ON "Class" FOR EACH ROW EXECUTE FUNCTION catwalk_notify_access();

CREATE TRIGGER "ApiToken_access_truncate" AFTER TRUNCATE ON "ApiToken" FOR EACH STATEMENT EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "Session_access_truncate" AFTER TRUNCATE ON "Session" FOR EACH STATEMENT EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "User_access_truncate" AFTER TRUNCATE ON "User" FOR EACH STATEMENT EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "Membership_access_truncate" AFTER TRUNCATE ON "Membership" FOR EACH STATEMENT EXECUTE FUNCTION catwalk_notify_access();
CREATE TRIGGER "Class_access_truncate" AFTER TRUNCATE ON "Class" FOR EACH STATEMENT EXECUTE FUNCTION catwalk_notify_access();
