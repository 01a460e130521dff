-- Migration 21: notices for the caches in each instance's memory (src/shared/table_notices.rs).
-- A change to what a cached answer is read from NOTIFYs the channel ampli_changed with the
-- cache's topic. PostgreSQL delivers a notice at commit, and only then, to every listening
-- instance, whatever process or statement made the change; duplicates within a transaction
-- are sent once. Only changes that can make an entry wrong notify: a refresh that extends a
-- session, or a play count, does not.

-- A row-level trigger's notice: the topic is the trigger's argument.
CREATE OR REPLACE FUNCTION ampli_notify_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ampli_changed', TG_ARGV[0]);
    RETURN NULL;
END $$;

-- A statement-level trigger's notice, sent only when the statement touched a row (its
-- transition table is named changed_rows): the hourly clean-up of expired sessions that
-- finds nothing sends nothing.
CREATE OR REPLACE FUNCTION ampli_notify_if_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_rows) THEN
        PERFORM pg_notify('ampli_changed', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;

-- sessions: which sessions are open, and who their users are (verified, admin). A session
-- that ends, or expires sooner, or a user whose rights change.
CREATE OR REPLACE TRIGGER usertokens_notify_delete AFTER DELETE ON UserTokens
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_notify_if_rows('sessions');
CREATE OR REPLACE TRIGGER usertokens_notify_update AFTER UPDATE ON UserTokens
    FOR EACH ROW WHEN (new.ExpiresAt < old.ExpiresAt
                       OR new.UserID <> old.UserID OR new.TokenID <> old.TokenID)
    EXECUTE FUNCTION ampli_notify_changed('sessions');
CREATE OR REPLACE TRIGGER users_notify_rights AFTER UPDATE ON Users
    FOR EACH ROW WHEN (new.Verified IS DISTINCT FROM old.Verified
                       OR new.IsAdmin IS DISTINCT FROM old.IsAdmin)
    EXECUTE FUNCTION ampli_notify_changed('sessions');

-- streams: which stored object answers a song's stream in each quality.
CREATE OR REPLACE TRIGGER songs_notify_delete AFTER DELETE ON Songs
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_notify_if_rows('streams');
CREATE OR REPLACE TRIGGER songs_notify_file AFTER UPDATE ON Songs
    FOR EACH ROW WHEN (new.FilePublicID IS DISTINCT FROM old.FilePublicID
                       OR new.ContentType IS DISTINCT FROM old.ContentType)
    EXECUTE FUNCTION ampli_notify_changed('streams');
CREATE OR REPLACE TRIGGER songrenditions_notify_insert AFTER INSERT ON SongRenditions
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_notify_if_rows('streams');
CREATE OR REPLACE TRIGGER songrenditions_notify_update AFTER UPDATE ON SongRenditions
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_notify_if_rows('streams');
CREATE OR REPLACE TRIGGER songrenditions_notify_delete AFTER DELETE ON SongRenditions
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_notify_if_rows('streams');
