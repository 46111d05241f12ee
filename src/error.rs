//! Errors that stop a run: bad configuration, unreadable input, wrong usage.
//!
//! Findings are not errors; they are [`crate::rules::Finding`]s.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::doc::source::Position;
use crate::text::escape::{escape, escape_path};

/// One problem in an input file, with its position when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the file, when the problem has a place.
    pub position: Option<Position>,
    /// What is wrong, as one sentence for the user.
    pub message: String,
}

/// Everything the library reports as failing; the binary maps each to exit code 2.
#[derive(Debug)]
pub enum Error {
    /// A configuration, capability table or JSON input is invalid; holds every problem found.
    Invalid {
        /// The file that is invalid.
        path: PathBuf,
        /// Every problem found in it, in file order.
        problems: Vec<Problem>,
    },
    /// A file or directory could not be read or written.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The command line or the way the tool was called is wrong.
    Usage(String),
    /// A fix did not do what it should; nothing was written.
    Internal(String),
    /// Checking one page panicked (a bug); the other pages were still checked.
    Panicked {
        /// The page whose check panicked.
        path: PathBuf,
        /// The panic's message.
        detail: String,
    },
}

/// The library's result, with [`Error`] by default.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The file the error is in and the position of its first problem, when it names them: the order
    /// errors of many files are shown in.
    pub fn location(&self) -> (Option<&Path>, Option<Position>) {
        match self {
            Error::Invalid { path, problems } => (
                Some(path),
                problems.first().and_then(|problem| problem.position),
            ),
            Error::Io { path, .. } | Error::Panicked { path, .. } => (Some(path), None),
            Error::Usage(_) | Error::Internal(_) => (None, None),
        }
    }

    /// An [`Error::Invalid`] with one problem.
    pub fn invalid(path: &Path, position: Option<Position>, message: impl Into<String>) -> Self {
        Error::Invalid {
            path: path.to_path_buf(),
            problems: vec![Problem {
                position,
                message: message.into(),
            }],
        }
    }
}

/// Every path and message is escaped ([`escape`]): an error line cannot be split or recoloured by a file
/// name or a page. Problems are separated by line breaks.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { path, problems } => {
                for (index, problem) in problems.iter().enumerate() {
                    if index > 0 {
                        writeln!(f)?;
                    }
                    let path = escape_path(path);
                    let message = escape(&problem.message);
                    match problem.position {
                        Some(at) => write!(f, "{path}:{}:{}: {message}", at.line, at.column)?,
                        None => write!(f, "{path}: {message}")?,
                    }
                }
                Ok(())
            }
            Error::Io { path, source } => {
                write!(f, "{}: {}", escape_path(path), escape(&describe_io(source)))
            }
            Error::Usage(message) | Error::Internal(message) => f.write_str(&escape(message)),
            Error::Panicked { path, detail } => write!(
                f,
                "{}: internal error: scope-lint panicked while checking this page ({}); the other pages were checked; please report this",
                escape_path(path),
                escape(detail)
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A short, lowercase description of an I/O error without the "(os error N)" suffix.
pub fn describe_io(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::InvalidData => "not valid UTF-8 text".to_owned(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(end) => text[..end].to_owned(),
                None => text,
            }
        }
    }
}
