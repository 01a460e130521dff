-- Migration 3: accounts and device sessions. Only additions to the seed's tables.

-- Emails are compared without regard to case: two accounts may not differ only by case.
-- Ampli stores emails trimmed as given; lookups use lower(Email), served by this index.
CREATE UNIQUE INDEX idx_users_email_lower ON Users (lower(Email));

-- Operators: an admin may verify artists and manage any account.
ALTER TABLE Users ADD COLUMN IsAdmin BOOLEAN NOT NULL DEFAULT FALSE;

-- Each UserTokens row is one signed-in device. Token holds only the SHA-256 of the current
-- refresh token; the token itself is never stored.
ALTER TABLE UserTokens
    ADD COLUMN DeviceName VARCHAR(100),
    ADD COLUMN UserAgent VARCHAR(512),
    ADD COLUMN LastUsedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN ExpiresAt TIMESTAMPTZ NOT NULL DEFAULT now() + INTERVAL '30 days';

-- Refresh tokens already exchanged for new ones. Presenting one again means it was copied:
-- the session it belongs to is ended (and these rows go with it).
CREATE TABLE UsedRefreshTokens (
    TokenHash VARCHAR(255) PRIMARY KEY,
    SessionID UUID NOT NULL REFERENCES UserTokens(TokenID) ON DELETE CASCADE,
    UsedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_used_refresh_tokens_session ON UsedRefreshTokens(SessionID);

-- The same single-use lookup as idx_active_email_tokens, for password reset tokens.
CREATE INDEX idx_active_password_tokens ON PasswordResetTokens(Token, ExpiresAt);

-- Secrets the instances of one deployment must share (the access-token signing key), made on
-- first start so that a new instance needs no configuration.
CREATE TABLE ServerSecrets (
    Name VARCHAR(100) PRIMARY KEY,
    Secret BYTEA NOT NULL,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);
