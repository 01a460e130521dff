-- Migration 10: files to remove once the rows that pointed at them are gone.
--
-- Deleting a song, an artist or an account (whose songs go by cascade) queues the folder of
-- its files in the same transaction, by statement-level triggers, so a cascade can never
-- forget one. The deleting request removes the files right after its commit and only then
-- the queue entry; a crash in between leaves the entry, and the next start finishes the job.
CREATE TABLE MediaDeletions (
    Prefix VARCHAR(512) PRIMARY KEY,
    QueuedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- TG_ARGV: the folder the table's files live under, and the id column naming the subfolder.
CREATE FUNCTION ampli_queue_media_deletions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO MediaDeletions (Prefix)
    SELECT TG_ARGV[0] || '/' || (to_jsonb(gone) ->> TG_ARGV[1]) FROM gone_rows gone
    ON CONFLICT (Prefix) DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER songs_queue_media_deletions AFTER DELETE ON Songs
    REFERENCING OLD TABLE AS gone_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_queue_media_deletions('songs', 'songid');
CREATE TRIGGER users_queue_media_deletions AFTER DELETE ON Users
    REFERENCING OLD TABLE AS gone_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_queue_media_deletions('avatars', 'userid');
CREATE TRIGGER artists_queue_media_deletions AFTER DELETE ON Artists
    REFERENCING OLD TABLE AS gone_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_queue_media_deletions('artists', 'artistid');
