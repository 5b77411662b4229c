//! Writing the generated file, and comparing it with what is on disk.

use std::io::Write;
use std::path::Path;

/// What `write_if_changed` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// The file was missing or different, and now holds the new contents.
    Updated,
    /// The file already held these contents; it was not touched.
    UpToDate,
}

/// Writes `contents` to `path` unless it already holds them. The write is atomic: the
/// contents go to a temporary file in the same folder, which is then renamed over `path`, so
/// a failure at any point leaves the old file as it was and no temporary file behind.
pub fn write_if_changed(path: &Path, shown: &str, contents: &str) -> Result<Written, String> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(Written::UpToDate);
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| format!("{shown}: cannot write the generated file: {e}");
    let mut temp = tempfile::NamedTempFile::new_in(folder).map_err(fail)?;
    temp.write_all(contents.as_bytes()).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    // On error, `persist` hands the temporary file back; dropping it deletes it.
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(Written::Updated)
}

/// Compares the file at `path` with `expected`. Returns `None` when they are equal, or else a
/// unified diff (at most `max_lines` lines) from the file on disk to the expected contents.
pub fn drift(path: &Path, shown: &str, expected: &str, max_lines: usize) -> Option<String> {
    let on_disk = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return Some(format!("{shown}: cannot read it ({e})\n")),
    };
    if on_disk == expected {
        return None;
    }
    let diff = similar::TextDiff::from_lines(&on_disk, expected)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{shown} (on disk)"),
            &format!("{shown} (from the spec)"),
        )
        .to_string();
    let total = diff.lines().count();
    let mut short: String = diff
        .lines()
        .take(max_lines)
        .flat_map(|line| [line, "\n"])
        .collect();
    if total > max_lines {
        short.push_str(&format!("... ({} more diff lines)\n", total - max_lines));
    }
    Some(short)
}
