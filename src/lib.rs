//! scope-lint: checks API-token permission docs against a capability table of scope granularity, and
//! writes the call-outs readers need ("AI Gateway permissions are account-scoped only").
//!
//! The library never prints and never exits; the `scope-lint` binary and [`report`] do.
//!
//! Data flows one way: paths (or mdBook's JSON) -> [`doc::source::SourceText`] -> [`doc::Page`] ->
//! [`rules::facts::Facts`] -> [`rules::Finding`]s -> a report ([`report`]) and/or fixes ([`fix`]).

pub mod changed;
pub mod config;
pub mod doc;
pub mod entity;
pub mod error;
pub mod fix;
pub mod guard;
pub mod include_graph;
pub mod lint;
pub mod matcher;
pub mod mdbook;
pub mod prefilter;
pub mod prose;
pub mod read;
pub mod report;
pub mod rules;
pub mod table;
mod toml_check;
pub mod walk;

pub use error::{Error, Result};
pub use lint::Linter;
