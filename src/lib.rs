//! scope-lint: checks API-token permission docs against a capability table of scope granularity, and
//! writes the call-outs readers need ("AI Gateway permissions are account-scoped only").
//!
//! The library never prints and never exits; the `scope-lint` binary and [`report`] do.
//!
//! Data flows one way: paths (or mdBook's JSON) -> [`source`] -> [`doc::Page`] -> [`facts::Facts`] ->
//! [`rules::Finding`]s -> a report ([`report`]) and/or fixes ([`fix`]). Each top-level module imports only
//! the modules below it in the layer order of `docs/ARCHITECTURE.md` (checked by `tests/layers.rs`).

#![warn(unreachable_pub)]
#![warn(missing_docs)]

pub mod bytes;
pub mod catalog;
pub mod changed;
pub mod doc;
pub mod error;
pub mod facts;
pub mod fix;
pub mod guard;
pub mod lint;
pub mod mdbook;
pub mod policy;
pub mod read;
pub mod report;
pub mod rules;
pub mod source;
pub mod table;
pub mod text;
mod toml_check;
pub mod walk;

pub use error::{Error, Result};
pub use lint::Linter;
