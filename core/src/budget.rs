//! The thread budget of a stage call.
//!
//! The host runs `jobs` calls at once and owns the machine's cores; a stage
//! that can use several threads (dedup over a large bundle) asks
//! [`threads`] how many this call may use, instead of starting one per core
//! beside the host's other calls. The host grants more than one only to a
//! call that nothing else runs beside (an ordered bundle stage), and sends
//! it in the request (`"threads"`, see `docs/abi.md`).

use std::cell::Cell;

thread_local! {
    static THREADS: Cell<usize> = const { Cell::new(1) };
}

/// The threads the current stage call may use: what the host granted for
/// this call (at least 1), or 1 outside a call. Results must never depend
/// on it.
pub fn threads() -> usize {
    THREADS.with(Cell::get)
}

/// Runs `f` with a budget of `n` threads (the export layer does this for
/// each call; tests of a stage can too).
pub fn with_threads<T>(n: usize, f: impl FnOnce() -> T) -> T {
    struct Reset(usize);
    impl Drop for Reset {
        fn drop(&mut self) {
            THREADS.with(|t| t.set(self.0));
        }
    }
    let _reset = Reset(THREADS.with(|t| t.replace(n.max(1))));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_holds_for_the_call_only() {
        assert_eq!(threads(), 1);
        assert_eq!(with_threads(4, threads), 4);
        assert_eq!(with_threads(0, threads), 1);
        assert_eq!(threads(), 1);
        let r = std::panic::catch_unwind(|| with_threads(3, || panic!("boom")));
        assert!(r.is_err());
        assert_eq!(threads(), 1, "reset after a panic too");
    }
}
