//! Ampli: a self-hostable music streaming platform on PostgreSQL.
//!
//! Layers, highest first; a module imports only those below it (no circle runs between
//! capability folders):
//! - `app`: the composition root; builds every service, assembles the routers and the
//!   OpenAPI document. Only the commands (and tests and benches) import it.
//! - `commands`: what each subcommand of the binary runs (serve, migrate, demo, admin, import).
//! - capabilities, each with its service in `mod.rs`, its routes, its SQL in `store` and its
//!   errors: `search`, `discovery`, `social`, then `library`, `catalog`, `accounts`, then
//!   `operations`, `web`, `import`.
//! - toolkits shared by the capabilities: `http` (errors, extractors, middleware, docs),
//!   `metrics`, `secrets`, `media` (audio and pictures), `jobs` (the periodic-job runner),
//!   `telemetry` (logging).
//! - storage: `db` (the pool, migrations and the private cluster), `storage` (media files on
//!   disk or S3; serving one uses the `http` toolkit's errors and `media`'s byte ranges, the
//!   one import that points up a layer), `mail`.
//! - `config` and `cli`: the settings, read once at start.
//!
//! `fuzzing` holds the fuzz targets' entry points, outside the layers.

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
pub mod shared;
pub mod social;
pub mod storage;
pub mod subsonic;
pub mod telemetry;
pub mod web;
