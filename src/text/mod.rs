//! Text, independent of pages and tables: normalisation (how names and phrases are compared), prose
//! reading (claims and negation, with the word lists as data in `prose.toml`), and escaping for display.
//!
//! Nothing here knows the capability table or the page model; the table's compiled name matcher lives in
//! [`crate::table::matcher`].

pub mod ascii;
pub mod entity;
pub mod escape;
pub mod lines;
pub mod normalize;
pub mod pairs;
pub mod prose;
pub mod similar;
