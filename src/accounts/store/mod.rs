//! The accounts capability's SQL. Nothing outside `accounts` touches these tables directly.

pub mod one_time_tokens;
pub mod sessions;
pub mod users;
