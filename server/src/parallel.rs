//! Work shared between threads that each take the next job when done with one: jobs of uneven
//! size (files, pieces of a file, rules) then end together instead of on one core.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// `work` of each index below `count`, in index order, on up to `threads` threads (the calling
/// one among them). A panic in any of them is resumed in the caller once all have ended.
pub(crate) fn map<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    // Work that cannot fail leaves nothing for the default.
    share(count, threads, |index| Some(work(index))).unwrap_or_default()
}

/// As [`map`], for work that can fail: `None` as soon as one index gave `None`, without
/// starting the indexes not taken yet.
pub(crate) fn try_map<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(usize) -> Option<T> + Sync,
) -> Option<Vec<T>> {
    share(count, threads, work)
}

fn share<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(usize) -> Option<T> + Sync,
) -> Option<Vec<T>> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let take = || {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                break;
            }
            match work(index) {
                Some(value) => done.push((index, value)),
                None => failed.store(true, Ordering::Relaxed),
            }
        }
        done
    };
    let threads = threads.clamp(1, count.max(1));
    let mut done = if threads == 1 {
        take()
    } else {
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(take)).collect();
            let mut done = take();
            for helper in helpers {
                match helper.join() {
                    Ok(theirs) => done.extend(theirs),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            done
        })
    };
    if failed.into_inner() {
        return None;
    }
    done.sort_unstable_by_key(|&(index, _)| index);
    Some(done.into_iter().map(|(_, value)| value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn results_keep_the_order_of_the_indexes_whatever_thread_made_them() {
        for threads in [0, 1, 2, 3, 8] {
            let squares = map(100, threads, |index| {
                // Uneven jobs, so that threads overtake each other.
                std::thread::sleep(std::time::Duration::from_micros((index % 7) as u64 * 50));
                index * index
            });
            assert_eq!(squares, (0..100).map(|i| i * i).collect::<Vec<_>>());
        }
        assert!(map(0, 4, |index| index).is_empty());
    }

    #[test]
    fn a_failure_gives_none_and_stops_taking_jobs() {
        let taken = AtomicUsize::new(0);
        let all = try_map(10_000, 2, |index| {
            taken.fetch_add(1, Ordering::Relaxed);
            (index != 3).then_some(index)
        });
        assert_eq!(all, None);
        assert!(taken.into_inner() < 10_000);
        assert_eq!(try_map(5, 2, Some), Some(vec![0, 1, 2, 3, 4]));
    }

    #[test]
    fn a_panic_in_any_thread_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            map(64, 2, |index| {
                if index == 40 {
                    panic!("job 40");
                }
                std::thread::sleep(std::time::Duration::from_micros(100));
                index
            })
        });
        assert!(caught.is_err());
    }
}
