//! Ampli's integration tests: one binary, real PostgreSQL, each test in a database of its own.
//!
//! With DATABASE_URL set, test databases are made on that server; without it, on a private
//! cluster started the way `ampli serve` starts one.

mod accounts;
pub mod catalog;
mod cli;
mod cluster;
mod connection_limits;
mod discovery;
mod embedded;
mod http_errors;
mod import;
mod library;
mod migrations;
mod operations;
pub mod schema;
mod search;
mod social;
mod subsonic;
mod support;
mod table_notices;
mod tags;
mod text_fields;
mod viewer_social;
mod views;
mod web;
