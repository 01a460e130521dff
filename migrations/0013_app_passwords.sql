-- Migration 13: app passwords, the credentials Subsonic apps sign in with (src/subsonic/).
--
-- Subsonic's token scheme sends md5(password + salt), so the server must know each password
-- itself: it is kept encrypted (AES-256-GCM under a server key, the owner's id as associated
-- data, so a row copied onto another account does not decrypt), never hashed alone. LookupHash
-- is the SHA-256 of the password, for the apiKey scheme, which names no user.
CREATE TABLE AppPasswords (
    AppPasswordID UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    UserID UUID NOT NULL REFERENCES Users(UserID) ON DELETE CASCADE,
    Name VARCHAR(100) NOT NULL,
    Secret BYTEA NOT NULL,
    LookupHash TEXT NOT NULL UNIQUE,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    LastUsedAt TIMESTAMPTZ
);

CREATE INDEX idx_apppasswords_user ON AppPasswords(UserID, CreatedAt DESC);
