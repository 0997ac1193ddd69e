//! Watching the site's sources. The OS watcher (inotify, FSEvents, …) is used when
//! it starts; otherwise (typically the inotify watch limit) a polling watcher takes
//! over and `serve` says so. Only `config.toml`, `content/`, `themes/`,
//! `templates/` and `static/` count: the output folder, the staging area, hidden
//! files and editors' temporary files never trigger a rebuild (watching its own
//! output would make the server rebuild forever). Events are debounced into
//! batches so one save, however the editor performs it, is one rebuild.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::config::CONFIG_FILE;
use crate::error::Diagnostic;

/// The top-level folders whose contents feed a build.
const SOURCE_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];
/// A batch ends after this long without a new event…
const QUIET: Duration = Duration::from_millis(60);
/// …or after this long in total, so a stream of writes cannot starve rebuilds.
const MAX_WAIT: Duration = Duration::from_millis(500);
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What kind of source changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Change {
    Config,
    Content,
    /// `themes/` or the site's `templates/`.
    Templates,
    Static,
    /// The watcher lost track (an error or overflow): rebuild to be safe.
    Unknown,
}

/// A change and the path it happened to, relative to the site root.
pub(super) type Touched = (Change, PathBuf);

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
        let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
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
        for (_, rel) in batch {
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
            batch.insert((Change::Unknown, PathBuf::from(e.to_string())));
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
                classify(rel).map(|change| (change, rel.to_path_buf()))
            })
            .collect(),
        Err(e) => vec![(Change::Unknown, PathBuf::from(e.to_string()))],
    }
}

/// Which source `rel` (relative to the site root) belongs to; `None` when it must
/// not trigger a rebuild.
pub(super) fn classify(rel: &Path) -> Option<Change> {
    let mut names = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(name) => names.push(name.to_str()?),
            _ => return None,
        }
    }
    if names.iter().any(|name| is_hidden_or_temporary(name)) {
        return None;
    }
    match names.as_slice() {
        [CONFIG_FILE] => Some(Change::Config),
        ["content", ..] => Some(Change::Content),
        ["themes" | "templates", ..] => Some(Change::Templates),
        ["static", ..] => Some(Change::Static),
        _ => None,
    }
}

/// Hidden entries (`.git`, `.brief-staging`, `.#lock`) and the scratch files editors
/// write while saving: Vim's `.swp`/`.swx` and its `4913` probe, backups ending in
/// `~`, Emacs's `#autosave#`, and generic `.tmp` files.
fn is_hidden_or_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
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
    fn classifies_sources() {
        let cases = [
            ("config.toml", Some(Change::Config)),
            ("content/insights/a.md", Some(Change::Content)),
            ("content/new-folder", Some(Change::Content)),
            ("themes/mine/templates/base.html", Some(Change::Templates)),
            ("templates/insight.html", Some(Change::Templates)),
            ("static/logo.png", Some(Change::Static)),
        ];
        for (path, change) in cases {
            assert_eq!(classify(Path::new(path)), change, "{path}");
        }
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
            assert_eq!(classify(Path::new(path)), None, "{path}");
        }
    }
}
