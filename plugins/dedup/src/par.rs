//! Minimal deterministic data parallelism on std threads.
//!
//! Work is cut into contiguous chunks that threads pick up in any order, but
//! the results are always returned in chunk order, so the output does not
//! depend on the number of threads or on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The number of threads to use: `requested`, or all cores when it is 0.
pub fn threads(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    }
}

/// Applies `f` to contiguous chunks of `items` (about `chunk` items each) on
/// `threads` threads; returns one result per chunk, in chunk order.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    chunk: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let chunk = chunk.max(1);
    let n_chunks = items.len().div_ceil(chunk);
    let threads = threads.max(1).min(n_chunks.max(1));
    if threads <= 1 || n_chunks <= 1 {
        return items.chunks(chunk).map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<R>>> = Mutex::new((0..n_chunks).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n_chunks {
                    break;
                }
                let part = &items[i * chunk..((i + 1) * chunk).min(items.len())];
                let r = f(part);
                slots.lock().expect("no panics while holding the lock")[i] = Some(r);
            });
        }
    });
    slots
        .into_inner()
        .expect("threads joined")
        .into_iter()
        .map(|r| r.expect("every chunk ran"))
        .collect()
}

/// Applies `f` to every item in parallel; results in item order.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let chunk = items.len().div_ceil(threads.max(1) * 8).max(1);
    map_chunks(items, threads, chunk, |part| {
        part.iter().map(&f).collect::<Vec<R>>()
    })
    .into_iter()
    .flatten()
    .collect()
}
