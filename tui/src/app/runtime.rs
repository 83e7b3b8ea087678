//! The event loop, the only impure part: reads the file (and re-reads it when its modification
//! time changes, polled on the loop's tick), turns terminal events into messages, runs
//! `update`, performs its effects (writing files) and draws the view.

use super::keys;
use super::message::{Effect, Message};
use super::model::Model;
use super::terminal;
use super::theme::Theme;
use super::update::update;
use super::view::view;
use crossterm::event;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use vnetlab_core::model::BuildOptions;

/// The name standard input goes by (what-if files are then written to `stdin.whatif.yaml`).
pub const STDIN: &str = "<stdin>";

/// How often the file's modification time is checked.
const TICK: Duration = Duration::from_millis(250);

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
    dispatch(&mut m, first);
    while !m.quit {
        term.draw(|f| view(&m, f))?;
        if event::poll(TICK)? {
            let ev = event::read()?;
            if let Some(msg) = keys::message(&ev, &m) {
                dispatch(&mut m, msg);
            }
        }
        let now = stamp(path);
        if !stdin && now != seen {
            seen = now;
            dispatch(&mut m, read(path));
        }
    }
    Ok(())
}

fn dispatch(m: &mut Model, msg: Message) {
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        for e in update(m, msg) {
            queue.push(perform(e));
        }
    }
}

fn perform(e: Effect) -> Message {
    match e {
        Effect::Write { beside, contents } => Message::Written(write_new(&beside, &contents)),
    }
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
