//! One page's panic stays that page's problem: [`page`] runs the work for one page and turns a panic into
//! an [`Error::Panicked`] naming the page, so the other pages of the run are still checked and reported.
//!
//! The default panic hook would print `thread '...' panicked at ...` on stderr before the error is reported;
//! binaries call [`install_hook`] once, after which a panic inside [`page`] prints nothing and its message and
//! location go into the error instead. Panics elsewhere still reach the previous hook.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use crate::error::Error;

thread_local! {
    /// Whether this thread is inside [`page`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// What the hook saw of the last panic inside [`page`] on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work` for the page at `path`; a panic in it becomes [`Error::Panicked`].
pub fn page<T>(path: &Path, work: impl FnOnce() -> T) -> Result<T, Error> {
    let outer = GUARDED.with(|guarded| guarded.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|guarded| guarded.set(outer));
    outcome.map_err(|payload| {
        let detail = LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_message(payload.as_ref()));
        Error::Panicked {
            path: path.to_path_buf(),
            detail,
        }
    })
}

/// Installs a panic hook that stays silent for panics inside [`page`] (they are reported as errors) and
/// hands every other panic to the hook installed before.
pub fn install_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if GUARDED.with(Cell::get) {
            let location = info
                .location()
                .map(|at| format!(" at {}:{}", at.file(), at.line()))
                .unwrap_or_default();
            let detail = format!("{}{location}", payload_message(info.payload()));
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(detail));
        } else {
            previous(info);
        }
    }));
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_page_and_work_that_returns_passes_through() {
        assert_eq!(page(Path::new("ok.md"), || 7).unwrap(), 7);
        let error = page(Path::new("docs/bad.md"), || -> usize {
            panic!("boom {}", 1)
        })
        .unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with(
                "docs/bad.md: internal error: scope-lint panicked while checking this page (boom 1"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("the other pages were checked; please report this"),
            "{text}"
        );
        assert_eq!(
            page(Path::new("after.md"), || "still works").unwrap(),
            "still works"
        );
    }

    #[test]
    fn the_hook_records_the_location_of_a_guarded_panic() {
        install_hook();
        let error = page(Path::new("bad.md"), || -> () { panic!("located") }).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("(located at src/guard.rs:"), "{text}");
    }
}
