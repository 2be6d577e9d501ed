//! Registry (register): counties, municipalities and collaborations, as pages and JSON. It
//! depends on no other area.

pub mod api;
pub mod authorities;
pub mod collaborations;
mod error;
pub mod pages;
pub mod seed;
pub mod store;
pub mod views;

pub use error::{RegistryError, joined};
