//! Accounts and sessions, end to end through the HTTP API and the outbox.

mod admin;
mod avatar;
mod bad_input;
mod image_flood;
mod log_secrets;
mod recovery;
mod sessions;
mod sign_in_limits;
mod sign_up;
mod smtp;
mod storage;
