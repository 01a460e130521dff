//! Ampli: a self-hostable music streaming platform on PostgreSQL.
//!
//! Layout: `cli` and `config` read the command line; `commands` run it; `db` owns the
//! connection, the migrations and the private cluster; `http` holds what all routes share;
//! each capability (so far `operations`) owns its routes, SQL and types.

/// mimalloc rather than the system's allocator: the MongoDB import parses a dump's documents on
/// one thread and drops them on another, millions of small allocations, which glibc's
/// allocator made 2.3 times slower (planning the import benchmark's dump: 23.7 s against
/// 10.1 s). Not under the fuzz targets: AddressSanitizer sees only the system allocator's blocks.
#[cfg(not(fuzzing))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod accounts;
pub mod app;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod discovery;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod import;
pub mod jobs;
pub mod library;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod operations;
pub mod search;
pub mod secrets;
pub mod social;
pub mod storage;
pub mod telemetry;
pub mod web;
