//! Samveis domain core: the rules of the national welfare-technology programme
//! (Nasjonalt velferdsteknologiprogram), as pure types and functions.
//!
//! Nothing in this crate does I/O, reads the clock or knows about HTTP or SQL: storage, web and
//! CLI are adapters around it. See `docs/` and the glossary for the Norwegian terms.

pub mod access;
pub mod calendar;
pub mod grants;
pub mod insight;
pub mod number;
pub mod registry;
pub mod reporting;
pub mod words;
pub mod work;
