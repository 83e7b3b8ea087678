//! The README as a test: its first command passes on the bundled design it names (`check`, and
//! `audit` on the same file), and every command in its code blocks runs as shown — the README
//! is parsed here, so a command that stops working, or a new one, is caught. A `text` block
//! that starts with `$ COMMAND` shows that command's output, which must match exactly. The
//! examples `vnetlab --help` prints run too.
//!
//! How a line is run: `vnetlab ARGS` and `cargo run --release -p vnetlab -- ARGS` run the binary
//! Cargo built for this test (the same source; a second, release build would double the test's
//! time); `> FILE` and `< FILE` redirect to a scratch directory and from a file; a `DIR/*.ext`
//! argument is expanded as the shell would. A trailing `# comment` saying `(exit N` expects exit
//! code N, every other command exit 0.

use super::{code, root, stderr, stdout};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Commands that cannot run inside a test, and why.
const SKIPPED: &[(&str, &str)] = &[
    (
        "./scripts/test.sh",
        "runs this test suite (and the browser tests) itself",
    ),
    (
        "SKIP_WEB=1 ./scripts/test.sh",
        "runs this test suite itself",
    ),
    (
        "web/build.sh",
        "builds the browser app (wasm target, wasm-bindgen-cli): .ci/web.sh tests it",
    ),
    ("web/serve.sh", "serves web/dist until it is stopped"),
    (
        "vnetlab completions",
        "writes into the system's completion directory: ci.rs generates every shell's script",
    ),
    (
        "vnetlab man",
        "writes into the system's manual directory: ci.rs generates the page",
    ),
];

/// One command from the README.
#[derive(Debug)]
struct Shown {
    /// README line number.
    line: usize,
    /// The command as written (comment removed).
    command: String,
    /// The exit code its comment announces (0 unless it says `(exit N`).
    exit: i32,
    /// The output shown under it (`$` blocks).
    output: Option<String>,
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// Every command in the README's `sh` blocks and `$` lines of `text` blocks, in order.
fn shown(text: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut block: Option<(String, Vec<(usize, &str)>)> = None;
    for (i, l) in text.lines().enumerate() {
        match (&mut block, l.strip_prefix("```")) {
            (None, Some(lang)) => block = Some((lang.trim().to_string(), Vec::new())),
            (Some(_), Some(_)) => {
                let (lang, lines) = block.take().expect("open");
                out.extend(commands(&lang, &lines));
            }
            (Some((_, lines)), None) => lines.push((i + 1, l)),
            (None, None) => {}
        }
    }
    assert!(block.is_none(), "README.md: a code block is not closed");
    out
}

fn commands(lang: &str, lines: &[(usize, &str)]) -> Vec<Shown> {
    match lang {
        "sh" => lines
            .iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|&(line, l)| {
                let (command, comment) = match l.find(" #") {
                    Some(k) => (&l[..k], &l[k + 2..]),
                    None => (l, ""),
                };
                let exit = comment
                    .split("(exit ")
                    .nth(1)
                    .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                    .map_or(0, |n| n.parse().expect("exit code"));
                Shown {
                    line,
                    command: command.trim().to_string(),
                    exit,
                    output: None,
                }
            })
            .collect(),
        "text" => match lines.first() {
            Some(&(line, first)) if first.starts_with("$ ") => vec![Shown {
                line,
                command: first[2..].trim().to_string(),
                exit: 0,
                output: Some(
                    lines[1..]
                        .iter()
                        .map(|(_, l)| format!("{l}\n"))
                        .collect::<String>(),
                ),
            }],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Why a command is not run, if it is not.
fn skipped(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if words.contains(&"tui") && (words[0] == "vnetlab" || words[0] == "cargo") {
        return Some("the terminal app is interactive (tui/tests/app drives it)");
    }
    SKIPPED
        .iter()
        .find(|(c, _)| command == *c || command.starts_with(&format!("{c} ")))
        .map(|(_, why)| *why)
}

/// The binary's arguments for a command, or `None` when it is not a vnetlab command.
fn vnetlab_args(command: &str) -> Option<Vec<String>> {
    let words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
    let cargo = ["cargo", "run", "--release", "-p", "vnetlab", "--"];
    if words.first().map(String::as_str) == Some("vnetlab") {
        Some(words[1..].to_vec())
    } else if words.len() > cargo.len() && words[..cargo.len()] == cargo {
        Some(words[cargo.len()..].to_vec())
    } else {
        None
    }
}

/// `DIR/PREFIX*SUFFIX` expanded and sorted, as the shell would.
fn glob(word: &str) -> Vec<String> {
    let Some((dir, pattern)) = word.rsplit_once('/').filter(|(_, p)| p.contains('*')) else {
        return vec![word.to_string()];
    };
    let (pre, suf) = pattern.split_once('*').expect("star");
    let mut v: Vec<String> = std::fs::read_dir(root().join(dir))
        .expect("glob directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(pre) && n.ends_with(suf) && n.len() >= pre.len() + suf.len())
        .map(|n| format!("{dir}/{n}"))
        .collect();
    v.sort();
    v
}

/// Runs one README command; returns (exit code, stdout, stderr).
fn run(s: &Shown, scratch: &std::path::Path) -> (i32, String, String) {
    let args = vnetlab_args(&s.command).unwrap_or_else(|| {
        panic!(
            "README.md:{}: `{}` is neither a vnetlab command nor skipped with a reason in tui/tests/cli/readme.rs",
            s.line, s.command
        )
    });
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vnetlab"));
    cmd.current_dir(root());
    let mut stdout_to: Option<PathBuf> = None;
    let mut words = args.into_iter();
    while let Some(w) = words.next() {
        match w.as_str() {
            ">" => {
                // Into the scratch directory, also for an absolute path such as the man page's
                // (/usr/local/share/man/man1/…): the test never writes outside it.
                let to = scratch.join(words.next().expect("> FILE").trim_start_matches('/'));
                std::fs::create_dir_all(to.parent().expect("a parent")).expect("scratch");
                stdout_to = Some(to);
            }
            "<" => {
                let f = std::fs::File::open(root().join(words.next().expect("< FILE")))
                    .expect("< FILE exists");
                cmd.stdin(Stdio::from(f));
            }
            _ => {
                cmd.args(glob(&w));
            }
        }
    }
    let o = cmd.output().expect("runs");
    if let Some(p) = stdout_to {
        std::fs::write(&p, &o.stdout).expect("write redirect");
        assert!(
            !o.stdout.is_empty(),
            "README.md:{}: `{}` wrote nothing",
            s.line,
            s.command
        );
    }
    (code(&o), stdout(&o), stderr(&o))
}

#[test]
fn the_readme_first_command_passes_check_and_audit() {
    let text = readme();
    let all = shown(&text);
    let first = all.first().expect("the README shows a command");
    // The first screen shows exactly two commands, in one block: the main job and the tests.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[first.line - 2],
        "```sh",
        "the first command opens a block"
    );
    assert_eq!(all[1].line, first.line + 1);
    assert_eq!(all[1].command, "./scripts/test.sh");
    assert_eq!(lines[first.line + 1], "```", "the block holds two commands");
    let (c, out, err) = run(first, &std::env::temp_dir());
    assert_eq!(
        c, 0,
        "README.md:{}: `{}`\n{out}\n{err}",
        first.line, first.command
    );
    // It is the main job on a bundled design, and that design passes the audit too.
    let args = vnetlab_args(&first.command).expect("a vnetlab command");
    assert_eq!(args[0], "check", "the first command checks a design");
    let file = args.last().expect("a file");
    assert!(file.starts_with("topologies/"), "a bundled design: {file}");
    let audit = super::vnetlab(&["audit", file]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
    let report = stdout(&audit);
    assert!(report.contains(" 0 broken)"), "{report}");
    assert!(report.contains("findings (0)"), "{report}");
}

#[test]
fn every_command_in_the_readme_runs_as_shown() {
    let scratch = std::env::temp_dir().join(format!("vnetlab-readme-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch");
    let all = shown(&readme());
    assert!(
        all.len() >= 10,
        "the README's commands were not found: {all:?}"
    );
    let mut ran = 0;
    for s in &all {
        if let Some(why) = skipped(&s.command) {
            eprintln!("README.md:{}: not run: `{}`: {why}", s.line, s.command);
            continue;
        }
        let (c, out, err) = run(s, &scratch);
        assert_eq!(
            c, s.exit,
            "README.md:{}: `{}` exited {c}, the README says {}\n{out}\n{err}",
            s.line, s.command, s.exit
        );
        if let Some(want) = &s.output {
            assert_eq!(&out, want, "README.md:{}: output differs", s.line);
        }
        ran += 1;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(ran >= 10, "only {ran} README commands ran");
}

#[test]
fn the_readme_parser_reads_exit_codes_redirections_and_outputs() {
    let text = "x\n```sh\nvnetlab check a.yaml   # fine\nvnetlab check --faults 1 b.yaml  # (exit 1: some do)\n```\n```text\n$ vnetlab trace f\nline 1\n```\n```text\nnot a command\n```\n";
    let s = shown(text);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!(
        (s[0].line, s[0].command.as_str(), s[0].exit),
        (3, "vnetlab check a.yaml", 0)
    );
    assert_eq!(s[1].exit, 1);
    assert_eq!(s[2].output.as_deref(), Some("line 1\n"));
    assert_eq!(skipped("./scripts/test.sh"), SKIPPED.first().map(|x| x.1));
    assert!(skipped("vnetlab tui f.yaml").is_some());
    assert!(skipped("vnetlab check f.yaml").is_none());
    assert_eq!(
        vnetlab_args("cargo run --release -p vnetlab -- check x"),
        Some(vec!["check".to_string(), "x".to_string()])
    );
    assert_eq!(vnetlab_args("make all"), None);
}

#[test]
fn every_example_in_the_help_runs() {
    let help = stdout(&super::vnetlab(&["--help"]));
    let examples: Vec<Shown> = help
        .lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .filter(|l| l.starts_with("  vnetlab "))
        .map(|l| Shown {
            line: 0,
            command: l.trim().to_string(),
            exit: 0,
            output: None,
        })
        .collect();
    assert!(examples.len() >= 4, "{help}");
    for s in &examples {
        let (c, out, err) = run(s, &std::env::temp_dir());
        assert_eq!(
            c, 0,
            "`vnetlab --help` example `{}`\n{out}\n{err}",
            s.command
        );
    }
}
