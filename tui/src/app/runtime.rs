//! The event loop, the only impure part: reads the file (and re-reads it when its modification
//! time changes, polled on the loop's tick), turns terminal events into messages, runs
//! `update`, performs its effects (writing files; long work on a worker thread, whose progress
//! and result come back as messages while keys keep working) and draws the view.

use super::analysis::MATRIX_PORTS;
use super::keys;
use super::message::{Effect, MatrixDone, MatrixJob, Message};
use super::model::Model;
use super::terminal;
use super::theme::Theme;
use super::update::update;
use super::view::view;
use crossterm::event;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, SystemTime};
use vnetlab_core::model::BuildOptions;

/// The name standard input goes by (what-if files are then written to `stdin.whatif.yaml`).
pub const STDIN: &str = "<stdin>";

/// How often the file's modification time is checked.
const TICK: Duration = Duration::from_millis(250);
/// How often a worker's messages are looked at while it runs.
const BUSY_TICK: Duration = Duration::from_millis(50);

/// The worker thread running a job, and how to stop it.
struct Worker {
    id: u64,
    stop: Arc<AtomicBool>,
}

/// What the loop keeps besides the model: the worker, and the channel it answers on.
struct Shell {
    worker: Option<Worker>,
    tx: Sender<Message>,
    rx: Receiver<Message>,
}

impl Shell {
    /// Stops the worker unless the model still waits for its job.
    fn stop_unwanted(&mut self, m: &Model) {
        let wanted = m.job.as_ref().map(|j| j.id);
        if let Some(w) = self.worker.take_if(|w| Some(w.id) != wanted) {
            w.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// What identifies a version of the file on disk.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let md = std::fs::metadata(path).ok()?;
    Some((md.modified().ok()?, md.len()))
}

fn read(path: &Path) -> Message {
    match std::fs::read(path) {
        Ok(b) => Message::FileLoaded(b),
        Err(e) => Message::FileUnreadable(e.to_string()),
    }
}

/// Runs the app on `path` until the user quits. The terminal is restored however it ends.
/// `-` reads the design once from standard input (keys then come from the terminal itself);
/// a file is read again whenever it changes on disk.
pub fn run(path: &Path, opts: BuildOptions) -> io::Result<()> {
    let stdin = path == Path::new("-");
    let first = if stdin {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes)?;
        Message::FileLoaded(bytes)
    } else {
        read(path)
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (mut term, _guard) = terminal::setup()?;
    let size = term.size()?;
    let name = if stdin {
        STDIN.to_string()
    } else {
        path.display().to_string()
    };
    let mut m = Model::new(&name, opts, Theme::new(no_color), (size.width, size.height));
    let mut seen = stamp(path);
    let (tx, rx) = channel();
    let mut shell = Shell {
        worker: None,
        tx,
        rx,
    };
    dispatch(&mut m, &mut shell, first);
    while !m.quit {
        term.draw(|f| view(&m, f))?;
        let tick = if shell.worker.is_some() {
            BUSY_TICK
        } else {
            TICK
        };
        if event::poll(tick)? {
            let ev = event::read()?;
            if let Some(msg) = keys::message(&ev, &m) {
                dispatch(&mut m, &mut shell, msg);
            }
        }
        while let Ok(msg) = shell.rx.try_recv() {
            dispatch(&mut m, &mut shell, msg);
        }
        let now = stamp(path);
        if !stdin && now != seen {
            seen = now;
            dispatch(&mut m, &mut shell, read(path));
        }
    }
    if let Some(w) = shell.worker.take() {
        w.stop.store(true, Ordering::Relaxed);
    }
    Ok(())
}

fn dispatch(m: &mut Model, shell: &mut Shell, msg: Message) {
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        for e in update(m, msg) {
            queue.extend(perform(e, shell));
        }
        shell.stop_unwanted(m);
    }
}

fn perform(e: Effect, shell: &mut Shell) -> Option<Message> {
    match e {
        Effect::Write { beside, contents } => Some(Message::Written(write_new(&beside, &contents))),
        Effect::Matrix(job) => {
            if let Some(w) = shell.worker.take() {
                w.stop.store(true, Ordering::Relaxed);
            }
            let stop = Arc::new(AtomicBool::new(false));
            shell.worker = Some(Worker {
                id: job.id,
                stop: stop.clone(),
            });
            let tx = shell.tx.clone();
            std::thread::spawn(move || {
                let report = |msg| {
                    let _ = tx.send(msg);
                };
                if let Some(done) = compute(&job, &stop, &report) {
                    report(Message::MatrixDone(Box::new(done)));
                }
            });
            None
        }
    }
}

/// Runs a matrix job, reporting progress (rows done of both designs' rows) through `report`
/// and giving up as soon as `stop` is set. The worker thread's body; public for tests.
pub fn compute(job: &MatrixJob, stop: &AtomicBool, report: &dyn Fn(Message)) -> Option<MatrixDone> {
    let rows = |d: &vnetlab_core::model::Design| match job.by {
        vnetlab_core::reach::matrix::MatrixBy::Subnet => d.subnets.len(),
        vnetlab_core::reach::matrix::MatrixBy::Workload => d.workloads.len(),
    };
    let total = rows(&job.base) + job.current.as_ref().map_or(0, rows);
    let mut before = 0;
    let mut one = |d: &vnetlab_core::model::Design| {
        let offset = before;
        before += rows(d);
        vnetlab_core::reach::matrix::matrix_with(d, job.by, MATRIX_PORTS, &mut |done, _| {
            report(Message::Progress {
                id: job.id,
                done: offset + done,
                total,
            });
            !stop.load(Ordering::Relaxed)
        })
    };
    let base = one(&job.base)?;
    let current = match &job.current {
        Some(d) => Some(one(d)?),
        None => None,
    };
    Some(MatrixDone {
        id: job.id,
        base,
        current,
    })
}

/// `dir/stem.whatif.yaml` for `n` = 1, then `dir/stem.whatif-N.yaml`.
pub fn whatif_path(beside: &Path, n: u32) -> PathBuf {
    let stem = if beside == Path::new(STDIN) {
        "stdin".to_string()
    } else {
        beside
            .file_stem()
            .map_or("design".into(), |s| s.to_string_lossy().into_owned())
    };
    let name = if n <= 1 {
        format!("{stem}.whatif.yaml")
    } else {
        format!("{stem}.whatif-{n}.yaml")
    };
    beside.with_file_name(name)
}

/// Writes to the first free [`whatif_path`]; never overwrites a file.
fn write_new(beside: &str, contents: &str) -> Result<PathBuf, String> {
    use std::io::Write;
    for n in 1..1000 {
        let p = whatif_path(Path::new(beside), n);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(mut f) => {
                return f
                    .write_all(contents.as_bytes())
                    .map(|_| p)
                    .map_err(|e| e.to_string());
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", p.display())),
        }
    }
    Err("too many what-if files".into())
}
