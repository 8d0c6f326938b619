//! Running third-party parsers so that a panic inside them is a skipped file, not a crash.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs a guarded parser, so its panics are not printed.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();

/// Runs `f`, turning a panic into `Err` with the panic's message.
///
/// Libraries never print, but the default panic hook writes every panic to stderr; the first
/// call therefore wraps the process's panic hook (once) so that panics on a thread inside
/// `guarded` are logged with `tracing` instead, and every other panic still reaches the hook
/// that was installed before.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                tracing::debug!(panic = %info, "parser panicked");
            } else {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        assert_eq!(guarded(|| 2 + 2), Ok(4));
        let err = guarded(|| -> u8 { panic!("boom") }).unwrap_err();
        assert_eq!(err, "boom");
    }
}
