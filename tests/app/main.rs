//! Samveis integration tests: the real HTTP server on a free port, driven like a user would.
//! Every test runs twice, on SQLite and on PostgreSQL (see `backends!`).

// Tests unwrap freely: a panic is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access_matrix;
mod auth;
mod bounds;
mod calendar;
mod cli;
mod collaborations;
mod concurrency;
mod dhis2;
mod exports;
mod files;
mod forms;
mod four_eyes;
mod grant_forms;
mod grants;
mod hostile;
mod import;
mod indicators;
mod insight;
mod letters;
mod mail;
mod monitoring;
mod operations;
mod properties;
mod registry;
mod reporting;
mod rounds;
mod schema;
mod statements;
mod templates;
mod throttle;
mod users;
mod work;
