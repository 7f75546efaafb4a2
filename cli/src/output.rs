//! Files written so that a reader never sees half of one, and the progress bar on stderr.

use crate::error::{CliError, CliResult};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::{self, File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `path` with `suffix` appended to its file name (`out.csv` → `out.csv.part`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Writes `bytes` to a temporary sibling, syncs it and renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> CliResult<()> {
    let tmp = sibling(path, ".tmp");
    let res = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    res.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        CliError::failure(format!("cannot write {}: {e}", path.display()))
    })
}

/// Renames a finished `.part` file into place, after syncing it.
pub fn publish(part: &Path, path: &Path) -> CliResult<()> {
    let res = File::open(part)
        .and_then(|f| f.sync_all())
        .and_then(|()| fs::rename(part, path));
    res.map_err(|e| {
        CliError::failure(format!(
            "cannot move {} to {}: {e}",
            part.display(),
            path.display()
        ))
    })
}

/// Opens `path` for appending after cutting it to `len` bytes (what a checkpoint vouches for).
pub fn reopen_at(path: &Path, len: u64) -> CliResult<File> {
    let f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .and_then(|f| {
            f.set_len(len)?;
            Ok(f)
        })
        .map_err(|e| CliError::failure(format!("cannot open {}: {e}", path.display())))?;
    let mut f = f;
    std::io::Seek::seek(&mut f, std::io::SeekFrom::End(0))?;
    Ok(f)
}

/// A progress bar on stderr: records done, rate and (when the total is known) ETA. Hidden when
/// stderr is not a terminal or with `--quiet`, so pipes and logs get no control characters.
pub fn progress(total: Option<u64>, quiet: bool, what: &str) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    bar.set_draw_target(ProgressDrawTarget::stderr());
    let template = match total {
        Some(_) => format!(
            "{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} {{per_sec}} ETA {{eta}} {{msg}}"
        ),
        None => format!("{{spinner}} {what} {{pos}} records {{per_sec}} {{elapsed}} {{msg}}"),
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
