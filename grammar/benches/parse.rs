//! Parse times on GitLab's `db/structure.sql` from the shared corpus (`DDLINT_CORPUS`): a full
//! parse, and a reparse after a one-character edit in the middle of the file, with the ranges the
//! reparse reports as changed, which must stay inside the edited statement.
//!
//! Run with `cargo bench -p ddlint-grammar`. Besides wall-clock times it prints the time the
//! thread spent on a CPU (64-bit Linux), which is what a parse costs on a machine not shared with
//! other work; the targets are checked against it where it is known.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tree_sitter::{InputEdit, Parser, Point, Tree};

const FULL_RUNS: usize = 10;
const EDITS: usize = 20;
const FULL_TARGET: Duration = Duration::from_millis(250);
const INCREMENTAL_TARGET: Duration = Duration::from_millis(5);

fn main() {
    let Some(corpus) = std::env::var_os("DDLINT_CORPUS") else {
        println!("DDLINT_CORPUS is not set: no corpus to parse, nothing measured");
        return;
    };
    let path = PathBuf::from(corpus).join("sql/gitlab-structure.sql");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut parser = Parser::new();
    parser
        .set_language(&ddlint_grammar::LANGUAGE.into())
        .expect("the grammar is compatible with the tree-sitter runtime");
    println!("{}: {} bytes", path.display(), text.len());

    let mut full = Times::default();
    let mut tree = None;
    for _ in 0..FULL_RUNS {
        let start = Start::now();
        let parsed = parser.parse(&text, None).expect("a parse without timeout");
        full.push(&start);
        tree = Some(parsed);
    }
    let tree = tree.expect("at least one run");
    assert!(
        !tree.root_node().has_error(),
        "the file parses without syntax errors"
    );
    full.report("full parse", FULL_TARGET);

    let mut incremental = Times::default();
    let mut changed_bytes = 0;
    for position in edit_positions(&text) {
        changed_bytes += reparse_after_edit(&mut parser, &tree, &text, position, &mut incremental);
    }
    incremental.report("incremental reparse", INCREMENTAL_TARGET);
    println!(
        "changed ranges: all {EDITS} inside the edited statement, {} bytes per edit on average",
        changed_bytes / EDITS
    );
}

/// The start of a measurement: the wall clock and, where the system tells, the thread's CPU time.
struct Start {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Start {
    fn now() -> Self {
        Start {
            wall: Instant::now(),
            cpu: thread_cpu_time(),
        }
    }
}

/// Time spent on a CPU by the current thread (64-bit Linux).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[allow(unsafe_code)]
fn thread_cpu_time() -> Option<Duration> {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    let mut time = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: `time` is a valid `struct timespec` of this platform for the call to fill.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &raw mut time) };
    let seconds = u64::try_from(time.seconds).ok()?;
    let nanoseconds = u32::try_from(time.nanoseconds).ok()?;
    (status == 0).then(|| Duration::new(seconds, nanoseconds))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

#[derive(Default)]
struct Times {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

impl Times {
    fn push(&mut self, start: &Start) {
        self.wall.push(start.wall.elapsed());
        if let (Some(begin), Some(end)) = (start.cpu, thread_cpu_time()) {
            self.cpu.push(end - begin);
        }
    }

    /// Prints the medians and spreads against `target`: the CPU time where known, else the wall
    /// clock, is compared with the target.
    fn report(&mut self, what: &str, target: Duration) {
        let wall = spread(&mut self.wall);
        let judged = if self.cpu.len() == self.wall.len() {
            let cpu = spread(&mut self.cpu);
            println!(
                "{what}: {} runs, wall {}, on CPU {}",
                self.wall.len(),
                wall.0,
                cpu.0
            );
            cpu.1
        } else {
            println!("{what}: {} runs, wall {}", self.wall.len(), wall.0);
            wall.1
        };
        let verdict = if judged < target { "within" } else { "OVER" };
        println!("  {verdict} the {} ms target", target.as_millis());
    }
}

/// The median, minimum and maximum as text, and the median.
fn spread(times: &mut [Duration]) -> (String, Duration) {
    times.sort();
    let median = times[times.len() / 2];
    let text = format!(
        "median {:.2} ms (min {:.2}, max {:.2})",
        ms(median),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
    (text, median)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// `EDITS` places spread over the middle third of the file, each on a lower-case letter (a
/// letter of a name rather than of a keyword, which pg_dump writes in upper case).
fn edit_positions(text: &[u8]) -> Vec<usize> {
    let third = text.len() / 3;
    (0..EDITS)
        .map(|i| {
            let from = third + i * third / EDITS;
            from + text[from..]
                .iter()
                .position(u8::is_ascii_lowercase)
                .expect("a letter after it")
        })
        .collect()
}

/// Inserts `x` at `position`, reparses with the edited old tree (timed into `times`), and checks
/// that the changed ranges stay inside the statement that holds the edit. Returns the size of the
/// changed ranges.
fn reparse_after_edit(
    parser: &mut Parser,
    tree: &Tree,
    text: &[u8],
    position: usize,
    times: &mut Times,
) -> usize {
    let mut edited = text[..position].to_vec();
    edited.push(b'x');
    edited.extend_from_slice(&text[position..]);
    let at = point(text, position);
    let edit = InputEdit {
        start_byte: position,
        old_end_byte: position,
        new_end_byte: position + 1,
        start_position: at,
        old_end_position: at,
        new_end_position: Point {
            row: at.row,
            column: at.column + 1,
        },
    };

    let start = Start::now();
    let mut old = tree.clone();
    old.edit(&edit);
    let new = parser
        .parse(&edited, Some(&old))
        .expect("a parse without timeout");
    times.push(&start);

    let root = new.root_node();
    let statement = root
        .first_child_for_byte(position)
        .filter(|node| node.start_byte() <= position)
        .expect("the edit is inside a top-level node");
    let mut changed = 0;
    for range in old.changed_ranges(&new) {
        assert!(
            statement.start_byte() <= range.start_byte && range.end_byte <= statement.end_byte(),
            "edit at byte {position} (line {}): changed range {}..{} \
             is outside the edited {} at {}..{}",
            at.row + 1,
            range.start_byte,
            range.end_byte,
            statement.kind(),
            statement.start_byte(),
            statement.end_byte()
        );
        changed += range.end_byte - range.start_byte;
    }
    changed
}

fn point(text: &[u8], byte: usize) -> Point {
    let line_start = text[..byte]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    Point {
        row: text[..byte].iter().filter(|&&c| c == b'\n').count(),
        column: byte - line_start,
    }
}
