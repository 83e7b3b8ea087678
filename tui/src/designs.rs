//! The design files a command line names: a file as given, a directory's design files
//! (`*.yaml`, `*.yml`, recursively, sorted), or a glob (`*`, `?` within a name, `**` for any
//! number of directories) the shell left unexpanded (e.g. quoted, or on Windows).

use crate::Fatal;
use std::path::{Component, Path, PathBuf};

/// Whether a file name is a design file's.
fn is_design(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Whether `text` holds a glob's wildcard.
fn is_glob(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// The design files `args` name, in order: each file as given, then each directory's and
/// glob's matches sorted. A directory or glob without design files, or a path that does not
/// exist, is bad input.
pub fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, Fatal> {
    let mut out = Vec::new();
    for arg in args {
        if crate::is_stdin(arg) {
            out.push(arg.clone());
        } else if arg.is_dir() {
            let mut found = Vec::new();
            walk(arg, &mut found)?;
            found.sort();
            if found.is_empty() {
                return Err(Fatal(format!(
                    "{}: the directory holds no design files (*.yaml, *.yml)",
                    arg.display()
                )));
            }
            out.extend(found);
        } else if !arg.exists() && is_glob(&arg.to_string_lossy()) {
            let mut found = glob(arg)?;
            found.sort();
            if found.is_empty() {
                return Err(Fatal(format!(
                    "{}: the pattern matches no design file",
                    arg.display()
                )));
            }
            out.extend(found);
        } else {
            out.push(arg.clone());
        }
    }
    Ok(out)
}

/// Every design file under `dir`, recursively (hidden entries left out).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Fatal> {
    for entry in read_dir(dir)? {
        let hidden = entry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            walk(&entry, out)?;
        } else if is_design(&entry) {
            out.push(entry);
        }
    }
    Ok(())
}

/// The entries of a directory, sorted.
fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, Fatal> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Fatal(format!("cannot read directory {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

/// The design files a glob matches.
fn glob(pattern: &Path) -> Result<Vec<PathBuf>, Fatal> {
    let mut base = PathBuf::new();
    let mut parts: Vec<String> = Vec::new();
    for c in pattern.components() {
        match c {
            Component::Normal(s) => {
                let s = s.to_string_lossy().into_owned();
                if parts.is_empty() && !is_glob(&s) {
                    base.push(&s);
                } else {
                    parts.push(s);
                }
            }
            other if parts.is_empty() => base.push(other.as_os_str()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let start = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base.clone()
    };
    let mut out = Vec::new();
    if start.is_dir() {
        matches(&start, &base, &parts, &mut out)?;
    }
    out.retain(|p| is_design(p) && p.is_file());
    out.dedup();
    Ok(out)
}

/// The paths under `dir` (named `shown` in the result) matching the components `parts`.
fn matches(
    dir: &Path,
    shown: &Path,
    parts: &[String],
    out: &mut Vec<PathBuf>,
) -> Result<(), Fatal> {
    let Some((first, rest)) = parts.split_first() else {
        out.push(shown.to_path_buf());
        return Ok(());
    };
    if first == "**" {
        // Zero directories, then one more and `**` again.
        matches(dir, shown, rest, out)?;
        for entry in read_dir(dir)? {
            let name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
            if let Some(name) = name.filter(|n| !n.starts_with('.'))
                && entry.is_dir()
            {
                matches(&entry, &shown.join(&name), parts, out)?;
            }
        }
        return Ok(());
    }
    for entry in read_dir(dir)? {
        let Some(name) = entry.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if name.starts_with('.') && !first.starts_with('.') {
            continue;
        }
        if wildcard(first.as_bytes(), name.as_bytes()) {
            if rest.is_empty() {
                out.push(shown.join(&name));
            } else if entry.is_dir() {
                matches(&entry, &shown.join(&name), rest, out)?;
            }
        }
    }
    Ok(())
}

/// Whether `name` matches `pattern` (`*` any run of characters, `?` one character).
fn wildcard(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| wildcard(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && wildcard(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && wildcard(rest, &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards() {
        assert!(wildcard(b"aml-*.yaml", b"aml-private-aks.yaml"));
        assert!(wildcard(b"*", b""));
        assert!(wildcard(b"a?c", b"abc"));
        assert!(!wildcard(b"a?c", b"ac"));
        assert!(!wildcard(b"aml-*.yaml", b"hub-spoke.yaml"));
        assert!(!wildcard(b"*.yaml", b"x.yml"));
    }
}
