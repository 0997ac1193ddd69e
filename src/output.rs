//! The only writer of a site. Rendering hands every finished file to a [`Sink`];
//! [`DiskOutput`] compares it with the file already in the output directory and
//! stages only changed ones under `.brief-staging/`. Nothing in the output changes
//! until [`DiskOutput::commit`], which works out what to change ([`plan`]), notes
//! it in a journal ([`journal`]), then deletes stale files and renames the staged
//! ones into place; a failed build calls [`DiskOutput::abort`] and the previous
//! site stays byte-identical. Unchanged files keep their bytes and mtimes. A build
//! killed at any point leaves the old site, the new one, or a journal from which
//! the next run ([`recover`]) completes the commit before anything else.
//!
//! brief deletes only files it wrote: the output keeps a record of them
//! ([`record`]); an output that holds other files and no record is refused
//! unless the build is forced, and even then only the files the build writes
//! are replaced. Links inside the output are never followed to write or delete
//! ([`plan`] refuses them, or with `--force` replaces the link itself). Where the
//! output may be at all is [`place`]'s call, made before it is opened.
//!
//! An output directory with no site in it yet (the first build, a deploy from a
//! clean checkout, a build into tmpfs) has nothing to protect: files go straight
//! to their place. An abort removes exactly the files written; after a kill, the
//! next run removes what the journal says that build made. Staging and renaming
//! every file was a sixth of such a build.
//! A job the build's memory (`crate::memory`) finds unchanged since the last
//! build is not rendered: its files are kept where they are ([`Sink::keep`]).
//! What the build remembers is the memory's business, not this stage's: it
//! only writes, and says what it wrote.
//! [`MemoryOutput`] is the sink of `serve` and `check`: nothing touches the disk.

mod files;
mod journal;
pub(crate) mod place;
mod plan;
mod record;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::{Diagnostic, Diagnostics};
use crate::hidden::has_hidden_segment;
use crate::memory::Stamp;
use crate::sink::{clash, Sink};
pub(crate) use journal::Progress;
pub use journal::{recover, refuse_unfinished, Recovery, JOURNAL_FILE};
use journal::{FirstBuild, RealFolders};
use plan::{InTheWay, Listing};
pub(crate) use record::RECORD_FILE;

pub(crate) const STAGING_DIR: &str = ".brief-staging";

/// Every file of a build, with the stamp (size and mtime once committed) of each
/// file written; `None` for a file kept as the last build left it.
pub(crate) type Emitted = HashMap<String, Option<Stamp>>;

/// Files counted by a committed build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct OutputStats {
    pub(crate) files: usize,
    pub(crate) written: usize,
    pub(crate) removed: usize,
}

/// Why a commit failed, and whether the output changed before it stopped.
#[derive(Debug)]
pub(crate) struct CommitError {
    pub(crate) errors: Diagnostics,
    /// `None`: the output directory is exactly as it was. Otherwise how far the
    /// commit got; its journal stays, so the next run completes it.
    pub(crate) progress: Option<Progress>,
}

impl From<Diagnostics> for CommitError {
    fn from(errors: Diagnostics) -> Self {
        CommitError {
            errors,
            progress: None,
        }
    }
}

pub(crate) struct DiskOutput {
    dir: PathBuf,
    staging: PathBuf,
    /// The output held no site when the build began: write in place (see above),
    /// noting what is made in this journal first.
    first_build: Option<FirstBuild>,
    /// This build made the output directory (an abort removes it again).
    created: bool,
    /// `--force`: replace what is in the way (see [`plan`]).
    force: bool,
    /// The files brief wrote here before this build.
    owned: record::Owned,
    /// Staged files whose place holds something brief did not write.
    in_the_way: Mutex<Vec<(String, InTheWay)>>,
    /// Every file of this build.
    emitted: Mutex<Emitted>,
    /// Files written (staged, or in place on a first build).
    written: Mutex<Vec<String>>,
    folders: files::Folders,
    files: AtomicUsize,
    /// The entries in `dir` before this build, listed while it renders (a first
    /// build has nothing to list, and listing would race its writes).
    listing: Option<std::thread::JoinHandle<Listing>>,
}

impl DiskOutput {
    /// Prepares `dir` (created if missing) for a build, and clears a staging
    /// area left by a build that was killed before its commit. Refuses an output
    /// that still holds a build cut short during its commit (the caller runs
    /// [`recover`] first), and one that holds files with no record of a brief
    /// build, unless `force`. `on_record` lists the files of the last build as
    /// the build's memory knows them: what brief owns in an output built before
    /// outputs kept a record of their own.
    pub(crate) fn open<'a>(
        dir: &Path,
        on_record: impl Iterator<Item = &'a String>,
        force: bool,
    ) -> Result<DiskOutput, Diagnostic> {
        refuse_unfinished(dir)?;
        let created = !dir.exists();
        std::fs::create_dir_all(dir)
            .map_err(|e| Diagnostic::io("create the output directory", dir, &e))?;
        let owned = record::owner(dir, on_record, force)?;
        let fresh = owned.is_none();
        let owned = owned.unwrap_or_default();
        let staging = dir.join(STAGING_DIR);
        if std::fs::symlink_metadata(&staging).is_ok() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Diagnostic::io("clear the staging area", &staging, &e))?;
        }
        // Created now so an unwritable output fails once, before rendering,
        // rather than once per page.
        std::fs::create_dir(&staging).map_err(|e| {
            Diagnostic::io("write to the output directory", dir, &e)
                .hint("make it writable, or build elsewhere with --output DIR")
        })?;
        let first_build = match fresh {
            true => Some(
                FirstBuild::start(dir)
                    .map_err(|e| Diagnostic::io("write", &dir.join(JOURNAL_FILE), &e))?,
            ),
            false => None,
        };
        // A first build writes in place; a later one stages what changed.
        let base = if fresh { dir } else { &staging };
        let folders = files::Folders::at(base)
            .map_err(|e| Diagnostic::io("write to the output directory", base, &e))?;
        Ok(DiskOutput {
            dir: dir.to_path_buf(),
            staging,
            first_build,
            created,
            force,
            owned,
            in_the_way: Mutex::new(Vec::new()),
            emitted: Mutex::new(HashMap::new()),
            written: Mutex::new(Vec::new()),
            folders,
            files: AtomicUsize::new(0),
            listing: (!fresh).then(|| {
                let dir = dir.to_path_buf();
                std::thread::spawn(move || Listing::of(&dir))
            }),
        })
    }

    /// Every file of this build so far, with the stamps of those written.
    pub(crate) fn emitted(&mut self) -> &Emitted {
        self.emitted.get_mut().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes this build the site in the output: moves staged files into place
    /// and deletes the stale files brief wrote, or, on a first build, records
    /// the files written in place. On failure, says whether anything changed.
    /// `before_replacing` runs once the commit is sure to go ahead, just before
    /// it replaces or deletes a file of the last build.
    pub(crate) fn commit(
        mut self,
        before_replacing: impl FnOnce(),
    ) -> Result<OutputStats, CommitError> {
        let written = take(&self.written);
        let emitted = take(&self.emitted);
        let record = self
            .record_changed(&emitted)
            .then(|| record::text_of(emitted.keys()));
        let outcome = match self.first_build.take() {
            Some(log) => self.finish_first_build(log, &written, record),
            None => self
                .replace_changed(&written, &emitted, record, before_replacing)
                .inspect_err(|failure| {
                    // Refused before anything changed: the staging area goes.
                    if failure.progress.is_none() {
                        let _ = journal::finish(&self.dir);
                    }
                }),
        };
        let files = self.files.load(Ordering::Relaxed);
        // The build's file lists and folders, freed while the build ends.
        crate::drop_elsewhere((self, written, emitted));
        let (written, removed) = outcome?;
        Ok(OutputStats {
            files,
            written,
            removed,
        })
    }

    /// Whether this build's files differ from those the record lists.
    fn record_changed(&self, emitted: &Emitted) -> bool {
        let owned = &self.owned.files;
        !self.owned.recorded
            || emitted.len() != owned.len()
            || !emitted.keys().all(|path| owned.contains(path))
    }

    /// A first build wrote every file in place: records them, and ends the
    /// journal that would have rolled them back.
    fn finish_first_build(
        &self,
        log: FirstBuild,
        written: &[String],
        record: Option<String>,
    ) -> Result<(usize, usize), CommitError> {
        drop(log);
        if let Some(text) = record {
            let path = self.dir.join(RECORD_FILE);
            write_then_rename(&path, &text).map_err(|e| {
                self.roll_back(written);
                Diagnostics::from(Diagnostic::io("write", &path, &e))
            })?;
        }
        journal::finish(&self.dir)
            .map_err(|e| Diagnostics::from(Diagnostic::io("finish", &self.dir, &e)))?;
        Ok((written.len(), 0))
    }

    /// Works out the commit, journals it and makes it (see [`plan`]).
    fn replace_changed(
        &mut self,
        staged: &[String],
        emitted: &Emitted,
        record: Option<String>,
        before_replacing: impl FnOnce(),
    ) -> Result<(usize, usize), CommitError> {
        let listing = self.listing.take().and_then(|l| l.join().ok());
        let plan = plan::plan(plan::Inputs {
            listing: listing.unwrap_or_default(),
            owned: &self.owned.files,
            emitted,
            staged,
            in_the_way: take(&self.in_the_way),
            force: self.force,
        })
        .map_err(|refusals| {
            Diagnostics(refusals.0.into_iter().map(|d| d.at(&self.dir)).collect())
        })?;
        let mut commit = plan.commit;
        for rel in &plan.copies {
            let (from, to) = (self.dir.join(rel), self.staging.join(rel));
            make_parent(&to)
                .and_then(|_| std::fs::copy(&from, &to))
                .map_err(|e| Diagnostics::from(Diagnostic::io("copy", &from, &e)))?;
        }
        if let Some(text) = record {
            let path = self.staging.join(RECORD_FILE);
            std::fs::write(&path, text)
                .map_err(|e| Diagnostics::from(Diagnostic::io("write", &path, &e)))?;
            commit.record = true;
        }
        if commit.is_empty() {
            let staging = &self.staging;
            std::fs::remove_dir_all(staging)
                .map_err(|e| Diagnostics::from(Diagnostic::io("remove", staging, &e)))?;
            return Ok((0, 0));
        }
        before_replacing();
        let journal = self.dir.join(JOURNAL_FILE);
        commit
            .begin(&self.dir)
            .map_err(|e| Diagnostics::from(Diagnostic::io("write", &journal, &e)))?;
        let mut errors = Diagnostics::default();
        let progress = commit.apply(&self.dir, &mut errors);
        if errors.has_errors() {
            return Err(CommitError {
                errors,
                progress: Some(progress),
            });
        }
        journal::finish(&self.dir).map_err(|e| CommitError {
            errors: Diagnostic::io("remove", &journal, &e).into(),
            progress: Some(progress),
        })?;
        Ok((progress.to_place, progress.to_remove))
    }

    /// Drops the staging area, or what a first build wrote in place: the output
    /// directory is left as it was.
    pub(crate) fn abort(mut self) {
        if self.first_build.take().is_some() {
            self.roll_back(&take(&self.written));
        } else {
            let _ = journal::finish(&self.dir);
        }
    }

    /// Removes the files a first build wrote in place, and its journal unless
    /// that failed (the next run then tries again).
    fn roll_back(&self, written: &[String]) {
        let mut errors = Diagnostics::default();
        journal::remove_files(&self.dir, written, &mut RealFolders::default(), &mut errors);
        if errors.has_errors() || journal::finish(&self.dir).is_err() {
            return;
        }
        if self.created {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    /// Writes a file of a first build, noted (in memory, and in the journal for
    /// the next run) before it exists, so even a half-written one is removed.
    fn write_in_place(
        &self,
        log: &FirstBuild,
        path: &str,
        bytes: &[u8],
    ) -> Result<Stamp, Diagnostic> {
        log.note(path)
            .map_err(|e| Diagnostic::io("write", &self.dir.join(JOURNAL_FILE), &e))?;
        self.note_written(path);
        self.write(path, bytes)
    }

    /// Stages a file unless its place already holds these bytes, noting what
    /// brief did not write that is in the way.
    fn stage_if_changed(&self, path: &str, bytes: &[u8]) -> Result<Stamp, Diagnostic> {
        let dest = self.dir.join(path);
        // `lstat`: a link in the file's place is something in the way (the
        // listing finds it), never what the link points to.
        let existing = std::fs::symlink_metadata(&dest).ok();
        if let Some(stamp) = existing
            .as_ref()
            .and_then(|m| same_content(&dest, m, bytes))
        {
            return Ok(stamp);
        }
        let in_the_way = match existing {
            Some(meta) if meta.is_dir() => Some(InTheWay::Folder),
            Some(meta) if meta.is_file() && !self.owned.files.contains(path) => {
                Some(InTheWay::ForeignFile)
            }
            _ => None,
        };
        if let Some(kind) = in_the_way {
            self.in_the_way
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((path.to_string(), kind));
        }
        let stamp = self.write(path, bytes)?;
        self.note_written(path);
        Ok(stamp)
    }

    /// Writes `path` into the folder this build writes into (the output on a
    /// first build, else the staging area); the stamp of the file written.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<Stamp, Diagnostic> {
        let meta = self
            .folders
            .write_file(path, bytes)
            .map_err(|e| Diagnostic::io("write", &self.folders.path_of(path), &e))?;
        Ok(Stamp::of(&meta))
    }

    /// Notes that this build wrote `path`: the commit puts it in place (staged)
    /// and counts it, an abort removes it.
    fn note_written(&self, path: &str) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_string());
    }
}

/// The value behind a mutex, taken out (a poisoned one still holds its value).
fn take<T: Default>(mutex: &Mutex<T>) -> T {
    std::mem::take(&mut *mutex.lock().unwrap_or_else(|e| e.into_inner()))
}

impl Sink for DiskOutput {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        check_relative(path)?;
        if self
            .emitted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(path)
        {
            return Err(clash(path));
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        let stamp = match &self.first_build {
            Some(log) => self.write_in_place(log, path, &bytes)?,
            None => self.stage_if_changed(path, &bytes)?,
        };
        let mut emitted = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        if emitted.insert(path.to_string(), Some(stamp)).is_some() {
            return Err(clash(path));
        }
        Ok(())
    }

    /// Kept files stay where the last build left them: this build only counts
    /// them as its own, so they are neither replaced nor deleted.
    fn keep(&self, paths: &[String]) -> bool {
        let mut emitted = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        if paths.iter().any(|p| emitted.contains_key(p)) {
            return false;
        }
        emitted.extend(paths.iter().map(|p| (p.clone(), None)));
        self.files.fetch_add(paths.len(), Ordering::Relaxed);
        true
    }
}

/// An in-memory site, path → bytes. An `Arc<Vec<u8>>` rather than `Arc<[u8]>`:
/// a rendered file moves in without being copied (the largest are megabytes
/// at 10k insights), and a kept one is shared, not copied.
pub(crate) type Files = HashMap<String, Arc<Vec<u8>>>;

/// An in-memory site: what `serve` serves and `check` inspects.
#[derive(Default)]
pub(crate) struct MemoryOutput {
    /// The files of the last build (`serve`'s), which this one may keep.
    previous: Arc<Files>,
    files: Mutex<Files>,
}

impl MemoryOutput {
    /// An output that starts from the `previous` build's files: those a job
    /// keeps are shared with it. Sized as `previous`, the size it will most
    /// likely reach.
    pub(crate) fn after(previous: Arc<Files>) -> MemoryOutput {
        MemoryOutput {
            files: Mutex::new(HashMap::with_capacity(previous.len())),
            previous,
        }
    }

    pub(crate) fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemoryOutput {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        check_relative(path)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.insert(path.to_string(), Arc::new(bytes)).is_some() {
            return Err(clash(path));
        }
        Ok(())
    }

    /// Kept files are shared with the last build's, not copied.
    fn keep(&self, paths: &[String]) -> bool {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let kept = |p: &String| self.previous.get(p).filter(|_| !files.contains_key(p));
        let Some(bytes) = paths.iter().map(kept).collect::<Option<Vec<_>>>() else {
            return false;
        };
        let bytes: Vec<Arc<Vec<u8>>> = bytes.into_iter().cloned().collect();
        files.extend(paths.iter().cloned().zip(bytes));
        true
    }
}

/// Output paths come from slugs and static file names: never let one escape, and
/// never write a hidden entry (the output's hidden entries are not brief's: a
/// `.git`, a deploy tool's files, brief's own record and journal) or a name
/// with a line break (the record and journal hold a path a line).
pub(crate) fn check_relative(path: &str) -> Result<(), Diagnostic> {
    let mut parts = Path::new(path).components().peekable();
    let escapes = parts.peek().is_none() || !parts.all(|c| matches!(c, Component::Normal(_)));
    let hidden = has_hidden_segment(path);
    let why = if escapes {
        "it is outside the output directory"
    } else if hidden {
        "hidden files are never deployed, and the output's hidden entries are not brief's"
    } else if path.contains(['\n', '\r']) {
        "the name holds a line break"
    } else {
        return Ok(());
    };
    Err(Diagnostic::error(format!(
        "refusing to write {path:?}: {why}"
    )))
}

/// The stamp of the file at `dest` (with metadata `meta`) if it already holds `bytes`.
fn same_content(dest: &Path, meta: &std::fs::Metadata, bytes: &[u8]) -> Option<Stamp> {
    (meta.is_file()
        && meta.len() == bytes.len() as u64
        && std::fs::read(dest).is_ok_and(|old| old == bytes))
    .then(|| Stamp::of(meta))
}

fn make_parent(path: &Path) -> std::io::Result<()> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    // Most pages have a folder of their own whose parent exists: one `mkdir`
    // instead of `create_dir_all`'s `stat` first (17k fewer calls at 10k insights).
    match std::fs::create_dir(parent) {
        Ok(()) => Ok(()),
        // A file in the way fails the write that follows, naming the path.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) => std::fs::create_dir_all(parent),
    }
}

/// Writes `path` whole or not at all: beside it first, then renamed over it.
fn write_then_rename(path: &Path, text: &str) -> std::io::Result<()> {
    let staged = path.with_extension("tmp");
    std::fs::write(&staged, text)?;
    std::fs::rename(staged, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(dir: &Path, files: &[(&str, &str)]) -> OutputStats {
        let out = DiskOutput::open(dir, std::iter::empty(), false).unwrap();
        for (p, c) in files {
            out.put(p, c.as_bytes().to_vec()).unwrap();
        }
        out.commit(|| {}).unwrap()
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        let s = build(&dir, &[("index.html", "a"), ("x/index.html", "b")]);
        assert_eq!((s.files, s.written, s.removed), (2, 2, 0));
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/HEAD"), "keep").unwrap();
        let s = build(&dir, &[("index.html", "a"), ("y/index.html", "c")]);
        assert_eq!((s.files, s.written, s.removed), (2, 1, 1));
        assert!(!dir.join("x").exists(), "stale folder removed");
        assert_eq!(
            std::fs::read_to_string(dir.join(".git/HEAD")).unwrap(),
            "keep"
        );
        assert!(!dir.join(STAGING_DIR).exists());
    }

    #[test]
    fn abort_leaves_the_output_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        build(&dir, &[("index.html", "old")]);
        let out = DiskOutput::open(&dir, std::iter::empty(), false).unwrap();
        out.put("index.html", b"new".to_vec()).unwrap();
        out.abort();
        assert_eq!(
            std::fs::read_to_string(dir.join("index.html")).unwrap(),
            "old"
        );
        assert!(!dir.join(STAGING_DIR).exists());
    }

    #[test]
    fn abort_of_a_first_build_leaves_only_what_was_there() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("public");
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        let out = DiskOutput::open(&dir, std::iter::empty(), false).unwrap();
        assert!(out.first_build.is_some(), "hidden entries are no site");
        out.put("index.html", b"new".to_vec()).unwrap();
        out.put("a/b/index.html", b"new".to_vec()).unwrap();
        assert!(dir.join("a/b/index.html").exists(), "written in place");
        out.abort();
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [".git"]);
    }

    #[test]
    fn refuses_paths_that_escape() {
        let out = MemoryOutput::default();
        assert!(out.put("../x", vec![]).is_err());
        assert!(out.put("/etc/x", vec![]).is_err());
        assert!(out.put("a/index.html", vec![]).is_ok());
        assert!(
            out.put("a/index.html", vec![]).is_err(),
            "duplicates are caught"
        );
    }
}
