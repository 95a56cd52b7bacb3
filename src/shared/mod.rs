//! Engines that providers configure with their own specs, so each algorithm is written once.

pub mod catalogue;
pub mod crypto;
pub mod fuzzy;
pub mod listing;
pub mod page;
pub mod query;
pub mod tc3;
pub mod time;
