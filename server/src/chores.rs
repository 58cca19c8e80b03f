//! Work nobody waits for, done on a thread kept for it, in the order it was asked for.

use std::sync::mpsc;
use std::time::{Duration, Instant};

type Chore = Box<dyn FnOnce() + Send>;

fn run_in_background(chore: Chore) {
    type Sender = mpsc::Sender<Chore>;
    static CHORES: std::sync::OnceLock<Option<Sender>> = std::sync::OnceLock::new();
    let sender = CHORES.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Chore>();
        std::thread::Builder::new()
            .name("ddlint-chores".into())
            .spawn(move || receiver.into_iter().for_each(|chore| chore()))
            .ok()
            .map(|_| sender)
    });
    // Without the thread (it could not start, or a chore panicked in it), the chore runs here:
    // `send` hands it back in its error.
    match sender {
        Some(sender) => {
            if let Err(mpsc::SendError(chore)) = sender.send(chore) {
                chore();
            }
        }
        None => chore(),
    }
}

/// Drops `value` in the background. The previous check of a large schema holds a model whose
/// drop takes milliseconds: the next check should not wait for it, and kept until the server is
/// idle, fast typing held three models at once.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    run_in_background(Box::new(move || drop(value)));
}

/// Hands the memory freed so far (the drops asked for before included) back to the system.
///
/// The C allocator, which holds the grammar parser's syntax trees, keeps what a program frees
/// for its next allocations, returning only the free space at the very end of its heaps. Each
/// reparse of a large schema frees trees and allocates the next ones a little elsewhere, so the
/// kept space grew with every edit. (Rust's allocations go to mimalloc, which hands free pages
/// back on its own; see `allocator`.)
fn release_memory_in_background() {
    run_in_background(Box::new(release_free_memory));
}

/// When a server hands the memory its checks freed back to the system: once it is idle, but at
/// most once a second, since the next check takes the pages it needs back from the system,
/// which costs it a little.
#[derive(Default)]
pub struct MemoryRelease {
    last: Option<Instant>,
    pending: bool,
}

impl MemoryRelease {
    const INTERVAL: Duration = Duration::from_secs(1);

    /// Nothing waits: release now, or once the interval since the last release is over.
    pub fn idle(&mut self) {
        self.pending = true;
        if self
            .last
            .is_none_or(|last| last.elapsed() >= Self::INTERVAL)
        {
            self.release();
        }
    }

    fn release(&mut self) {
        release_memory_in_background();
        self.last = Some(Instant::now());
        self.pending = false;
    }

    /// The next message of `queue`; `None` when the wait ended to release memory instead.
    pub fn wait_for_message<T>(
        &mut self,
        queue: &mpsc::Receiver<T>,
    ) -> Result<Option<T>, mpsc::RecvError> {
        let Some(last) = self.last.filter(|_| self.pending) else {
            return queue.recv().map(Some);
        };
        match queue.recv_timeout(Self::INTERVAL.saturating_sub(last.elapsed())) {
            Ok(message) => Ok(Some(message)),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.release();
                Ok(None)
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(mpsc::RecvError),
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn release_free_memory() {
    unsafe extern "C" {
        /// glibc: gives the free pages of every heap back to the system; returns 1 if it did.
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: malloc_trim takes the allocator's own locks and touches no memory in use; it may
    // be called from any thread at any time.
    unsafe {
        malloc_trim(0);
    }
}

/// The allocators of other systems give free pages back on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_released_at_most_once_an_interval_and_never_left_pending() {
        let (sender, queue) = mpsc::channel::<u32>();
        let mut memory = MemoryRelease::default();
        memory.idle();
        let first = memory.last.expect("the first idle moment releases at once");
        assert!(!memory.pending);

        // Idle again within the interval: the release waits.
        memory.idle();
        assert!(memory.pending);
        assert_eq!(memory.last, Some(first));

        // A message that arrives meanwhile is handed over; the release still waits.
        sender.send(7).expect("the queue is open");
        assert_eq!(memory.wait_for_message(&queue), Ok(Some(7)));
        assert!(memory.pending);

        // Nothing arrives: the wait ends once the interval is over, to release.
        assert_eq!(memory.wait_for_message(&queue), Ok(None));
        assert!(!memory.pending);
        let second = memory.last.expect("released");
        assert!(second.duration_since(first) >= MemoryRelease::INTERVAL);

        // Nothing pending: the next wait is for a message only.
        sender.send(8).expect("the queue is open");
        assert_eq!(memory.wait_for_message(&queue), Ok(Some(8)));
        drop(sender);
        assert_eq!(memory.wait_for_message(&queue), Err(mpsc::RecvError));
    }
}
