-- Migration 2: corrections to two of the seed's views. Each view keeps its columns (names, types
-- and order), so everything written against the seed keeps working.

-- SongsWithArtists: the seed's LEFT JOINs give a song with no credited artist one all-null row,
-- which json_agg turned into [{"ArtistID": null, "Name": null, "Role": null}]. Aggregating only
-- real credits, and falling back to an empty array, gives [] instead. Credits come out in the
-- order they were made so that the answer is stable.
CREATE OR REPLACE VIEW SongsWithArtists AS
SELECT
    s.SongID,
    s.Title,
    s.Duration,
    s.FileURL,
    s.PosterURL,
    s.Category,
    s.PlayCount,
    s.CreatedAt,
    COALESCE(
        json_agg(json_build_object(
            'ArtistID', a.ArtistID,
            'Name', a.Name,
            'Role', ars.Role
        ) ORDER BY ars.CreatedAt, a.Name, a.ArtistID) FILTER (WHERE a.ArtistID IS NOT NULL),
        '[]'::json
    ) AS Artists
FROM Songs s
LEFT JOIN ArtistSongs ars ON s.SongID = ars.SongID
LEFT JOIN Artists a ON ars.ArtistID = a.ArtistID
GROUP BY s.SongID;

-- UserStats: the seed joins Songs, Favorites and Playlists side by side, so a user with 100
-- songs, 100 favourites and 100 playlists produced a million intermediate rows before
-- COUNT(DISTINCT ...) folded them back. Each figure is now its own correlated count, answered
-- from the index on the owning column (idx_songs_owner, idx_favorites_user, idx_playlists_owner,
-- idx_user_followers_*), so one profile costs five index lookups whatever the user's size, and a
-- filter on UserID reaches Users through its primary key.
CREATE OR REPLACE VIEW UserStats AS
SELECT
    u.UserID,
    u.Name,
    u.Email,
    (SELECT COUNT(*) FROM Songs s WHERE s.OwnerID = u.UserID) AS SongsUploaded,
    (SELECT COUNT(*) FROM Favorites f WHERE f.UserID = u.UserID) AS FavoritesCount,
    (SELECT COUNT(*) FROM Playlists p WHERE p.OwnerID = u.UserID) AS PlaylistsCreated,
    (SELECT COUNT(*) FROM UserFollowers WHERE FollowingID = u.UserID) AS FollowersCount,
    (SELECT COUNT(*) FROM UserFollowers WHERE FollowerID = u.UserID) AS FollowingCount
FROM Users u;
