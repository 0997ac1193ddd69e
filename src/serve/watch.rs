//! Watching the site's sources. The OS watcher (inotify, FSEvents, …) is used when
//! it starts; otherwise (typically the inotify watch limit) a polling watcher takes
//! over and `serve` says so. Only `config.toml`, `content/`, `themes/`,
//! `templates/` and `static/` count: the output folder, the staging area, hidden
//! files and editors' temporary files never trigger a rebuild (watching its own
//! output would make the server rebuild forever). Events are debounced into
//! batches so one save, however the editor performs it, is one rebuild.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::config::CONFIG_FILE;
use crate::error::Diagnostic;
use crate::hidden::is_hidden;

/// The top-level folders whose contents feed a build.
const SOURCE_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];
/// A batch ends after this long without a new event…
const QUIET: Duration = Duration::from_millis(60);
/// …or after this long in total, so a stream of writes cannot starve rebuilds.
const MAX_WAIT: Duration = Duration::from_millis(500);
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// A changed source, relative to the site root; or, when the watcher lost track
/// (an error or overflow), what went wrong, which calls for a rebuild to be safe.
pub(super) type Touched = PathBuf;

pub(super) struct SourceWatcher {
    root: PathBuf,
    watcher: Box<dyn Watcher + Send>,
    events: Receiver<Touched>,
    watched: BTreeSet<&'static str>,
    /// Why the OS watcher could not be used, when polling instead.
    pub(super) fallback: Option<String>,
}

impl SourceWatcher {
    /// Watches the root itself (not recursively: it catches `config.toml` saved by
    /// rename and source folders created later) and each source folder that exists.
    pub(super) fn start(root: &Path) -> Result<SourceWatcher, Diagnostic> {
        let force_poll = std::env::var_os("BRIEF_SERVE_POLL").is_some_and(|v| v == "1");
        let os_error = if force_poll {
            "BRIEF_SERVE_POLL=1 is set".to_string()
        } else {
            match SourceWatcher::with::<RecommendedWatcher>(root, notify::Config::default()) {
                Ok(w) => return Ok(w),
                Err(e) => e.to_string(),
            }
        };
        // The poller compares modification times in whole seconds: a second
        // save within the same second (same size or not) would go unseen and
        // the preview stay stale. Comparing contents sees it, for a read of
        // each source file per poll, in a mode that is a fallback.
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        let mut watcher = SourceWatcher::with::<PollWatcher>(root, config).map_err(|e| {
            Diagnostic::error(format!("cannot watch the site for changes: {e}")).at(root)
        })?;
        watcher.fallback = Some(os_error);
        Ok(watcher)
    }

    fn with<W: Watcher + Send + 'static>(
        root: &Path,
        config: notify::Config,
    ) -> notify::Result<SourceWatcher> {
        let (tx, events) = channel();
        let event_root = root.to_path_buf();
        let handler = move |event: notify::Result<notify::Event>| {
            for touched in touched_by(&event_root, event) {
                let _ = tx.send(touched);
            }
        };
        let mut watcher = SourceWatcher {
            root: root.to_path_buf(),
            watcher: Box::new(W::new(handler, config)?),
            events,
            watched: BTreeSet::new(),
            fallback: None,
        };
        watcher.watcher.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_dirs()?;
        Ok(watcher)
    }

    /// Starts watching source folders that appeared since the last call.
    fn watch_new_dirs(&mut self) -> notify::Result<()> {
        for dir in SOURCE_DIRS {
            if !self.watched.contains(dir) && self.root.join(dir).is_dir() {
                self.watcher
                    .watch(&self.root.join(dir), RecursiveMode::Recursive)?;
                self.watched.insert(dir);
            }
        }
        Ok(())
    }

    /// A source folder that was itself created, deleted or renamed loses its OS
    /// watch; forget it so [`Self::watch_new_dirs`] watches it afresh if it exists.
    fn forget_replaced_dirs(&mut self, batch: &BTreeSet<Touched>) {
        for rel in batch {
            if let Some(dir) = SOURCE_DIRS.iter().find(|dir| rel == Path::new(dir)) {
                if self.watched.remove(dir) {
                    let _ = self.watcher.unwatch(&self.root.join(dir));
                }
            }
        }
    }

    /// Blocks until something changed, then collects events until things have been
    /// quiet for a moment. `None` when the watcher has stopped.
    pub(super) fn next_batch(&mut self) -> Option<BTreeSet<Touched>> {
        let mut batch = BTreeSet::from([self.events.recv().ok()?]);
        let deadline = Instant::now() + MAX_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(touched) => {
                    batch.insert(touched);
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        self.forget_replaced_dirs(&batch);
        if let Err(e) = self.watch_new_dirs() {
            batch.insert(PathBuf::from(e.to_string()));
        }
        Some(batch)
    }
}

/// The relevant changes in one watcher event. Reads (access events) change nothing.
fn touched_by(root: &Path, event: notify::Result<notify::Event>) -> Vec<Touched> {
    match event {
        Ok(event) if event.kind.is_access() => Vec::new(),
        Ok(event) => event
            .paths
            .iter()
            .filter_map(|path| {
                let rel = path.strip_prefix(root).ok()?;
                (is_source(rel) || is_source_folder(rel, path)).then(|| rel.to_path_buf())
            })
            .collect(),
        Err(e) => vec![PathBuf::from(e.to_string())],
    }
}

/// Whether `rel` (relative to the site root) is a source whose change calls for
/// a rebuild: `config.toml`, or a file or folder under a source folder, as
/// the build reads them: nothing under a hidden entry, and no editor's
/// scratch file. A name that is not UTF-8 counts too: the build reads it.
pub(super) fn is_source(rel: &Path) -> bool {
    source_names(rel).is_some_and(|names| !names.last().is_some_and(|name| is_scratch(name)))
}

/// Whether `rel` (at `path`) is a folder among the sources named like a
/// scratch file (`old~/`): the build reads what is in it, so a new one must
/// be watched. (Once gone, it cannot be told from a scratch file.)
fn is_source_folder(rel: &Path, path: &Path) -> bool {
    source_names(rel).is_some() && path.is_dir()
}

/// The names of the parts of `rel` when it is `config.toml` or lies in a
/// source folder, under no hidden entry.
fn source_names(rel: &Path) -> Option<Vec<Cow<'_, str>>> {
    let mut names = Vec::new();
    for component in rel.components() {
        let Component::Normal(name) = component else {
            return None;
        };
        if is_hidden(name) {
            return None;
        }
        names.push(name.to_string_lossy());
    }
    let source = match names.as_slice() {
        [only] => only == CONFIG_FILE,
        [dir, ..] => SOURCE_DIRS.contains(&dir.as_ref()),
        [] => false,
    };
    source.then_some(names)
}

/// The scratch files editors write while saving (besides hidden ones:
/// `.swp`, `.#lock`): Vim's `4913` probe and `.swx`, backups ending in `~`,
/// Emacs's `#autosave#`, and generic `.tmp` files.
fn is_scratch(name: &str) -> bool {
    name.ends_with('~')
        || name == "4913"
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swx", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_sources() {
        for path in [
            "config.toml",
            "content/insights/a.md",
            "content/new-folder",
            "themes/mine/templates/base.html",
            "templates/insight.html",
            "static/logo.png",
            // What is in a folder named like a scratch file is read by the build.
            "content/insights/old~/a.md",
            "content/insights/drafts.tmp/a.md",
        ] {
            assert!(is_source(Path::new(path)), "{path}");
        }
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let not_utf8 = OsStr::from_bytes(b"content/insights/bad\xff.md");
        assert!(is_source(Path::new(not_utf8)));
    }

    #[test]
    fn ignores_output_hidden_and_editor_temp_files() {
        for path in [
            "public/index.html",
            "public/.brief-staging/index.html",
            "content/.brief-staging/x",
            "content/insights/.a.md.swp",
            "content/insights/a.md.swx",
            "content/insights/a.md~",
            "content/insights/#a.md#",
            "content/insights/.#a.md",
            "content/insights/4913",
            "content/insights/a.md.tmp",
            "content/.git/HEAD",
            "config.toml~",
            "README.md",
            "",
        ] {
            assert!(!is_source(Path::new(path)), "{path}");
        }
    }
}
