-- Migration 5: what the library and social features need beside the seed's tables.

-- A playlist is public or private; nothing else (the importer maps other values and reports
-- them).
ALTER TABLE Playlists
    ADD CONSTRAINT playlists_visibility_check CHECK (Visibility IN ('public', 'private'));

-- Keyset pages of each person's lists, newest first, each with a unique tie-breaker.
CREATE INDEX idx_playlists_owner_created ON Playlists (OwnerID, CreatedAt DESC, PlaylistID DESC);
CREATE INDEX idx_likes_user_created ON Likes (UserID, CreatedAt DESC, SongID DESC);
CREATE INDEX idx_favorites_user_created ON Favorites (UserID, CreatedAt DESC, SongID DESC);
CREATE INDEX idx_history_user_played ON History (UserID, LastPlayedAt DESC, SongID DESC);
CREATE INDEX idx_user_followers_following_created
    ON UserFollowers (FollowingID, CreatedAt DESC, FollowerID DESC);
CREATE INDEX idx_user_followers_follower_created
    ON UserFollowers (FollowerID, CreatedAt DESC, FollowingID DESC);
-- The feed: songs of the people I follow, newest first.
CREATE INDEX idx_songs_owner_created ON Songs (OwnerID, CreatedAt DESC, SongID DESC);
