//! Samveis: the system that runs Norway's national welfare-technology programme end to end.
//! The binary (`main.rs`) is a thin CLI over this library; integration tests start the same
//! server through [`app::spawn`].

pub mod app;
pub mod audit;
pub mod audit_pages;
pub mod audit_view;
pub mod auth;
pub mod calendar;
pub mod cli;
pub mod context;
pub mod db;
pub mod demo;
pub mod error;
pub mod exports;
pub mod files;
pub mod generation;
pub mod grants;
pub mod home;
pub mod insight;
pub mod mail;
pub mod monitoring;
pub mod openapi;
pub mod operations;
pub mod registry;
pub mod reporting;
pub mod routes;
pub mod state;
pub mod statements;
pub mod users;
pub mod web;
pub mod work;
