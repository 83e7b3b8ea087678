//! Standard output that survives a closed pipe: `vnetlab check … | head` must not panic the way
//! `println!` does when `head` exits. Once the reader has gone, further output is dropped and the
//! command finishes normally with its own exit code (so `set -o pipefail` still sees a failed
//! check). Any other write error (a full disk) is reported once on stderr and makes the command
//! exit 2 ([`failed`]): output that did not reach its file is not a success.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout is closed (or failed): nothing more is written.
static CLOSED: AtomicBool = AtomicBool::new(false);
/// Set when a write failed for another reason than a closed pipe.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Whether writing to stdout failed (not a closed pipe): the command must exit 2.
pub fn failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// Writes `text` to stdout and flushes it; a broken pipe silences later writes.
pub fn write(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != ErrorKind::BrokenPipe {
            FAILED.store(true, Ordering::Relaxed);
            eprintln!("vnetlab: cannot write to standard output: {e}");
        }
    }
}

/// `print!` through [`write`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write(&format!($($arg)*)) };
}

/// `println!` through [`write`].
macro_rules! outln {
    () => { $crate::out::write("\n") };
    ($($arg:tt)*) => { $crate::out::write(&format!("{}\n", format_args!($($arg)*))) };
}
