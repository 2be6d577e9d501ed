//! Registry (register): counties, municipalities and collaborations, as pages and JSON.

pub mod api;
pub mod collaborations;
pub mod pages;
pub mod seed;
pub mod store;
pub mod views;
