//! The only writer of a site. Rendering hands every finished file to a [`Sink`];
//! [`DiskOutput`] compares it with the file already in the output directory and
//! stages only changed ones under `.brief-staging/`. Nothing in the output changes
//! until [`DiskOutput::commit`], which renames the staged files into place and
//! deletes stale ones; a failed build calls [`DiskOutput::abort`] and the previous
//! site stays byte-identical. Unchanged files keep their bytes and mtimes.
//! An output directory with no site in it yet (the first build, a deploy from a
//! clean checkout, a build into tmpfs) has nothing to protect: files go straight
//! to their place, and an abort empties it again. Staging and renaming every file
//! was a sixth of such a build.
//! A build also reuses, without rendering, every job whose inputs and files are
//! unchanged since the last build into the same directory (see [`crate::manifest`]).
//! [`MemoryOutput`] is the sink of `serve` and `check`: nothing touches the disk.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::body_cache::{self, Bodies, BODY_CACHE_FILE};
use crate::content::KnownFiles;
use crate::error::{Diagnostic, Diagnostics};
use crate::manifest::{self, JobRecord, Manifest, Stamp, MANIFEST_FILE};
use crate::markdown::Rendered;

pub const STAGING_DIR: &str = ".brief-staging";

/// Receives every rendered file: `path` is relative and `/`-separated.
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic>;

    /// Incremental rendering (used by `serve`): asked before render job `job` runs,
    /// with a fingerprint of everything the job reads. A sink that still holds the
    /// files of an earlier run of `job` with the same fingerprint puts them again
    /// and answers `true`, and the job is skipped. Sinks without memory say no.
    fn reuse(&self, _job: &str, _fingerprint: u64) -> bool {
        false
    }

    /// Told after job `job` rendered `paths`, so a later build can reuse them.
    fn rendered(&self, _job: &str, _fingerprint: u64, _paths: Vec<String>) {}

    /// A Markdown body rendered by an earlier build, by `key`: a hash of everything
    /// its rendering reads. Sinks that keep no bodies (all but `serve`'s) say none.
    fn cached_body(&self, _key: u64) -> Option<Arc<Rendered>> {
        None
    }

    /// Told of every body of this build, so a later build can reuse it.
    fn keep_body(&self, _key: u64, _body: &Arc<Rendered>) {}

    /// Told once every body of this build has been passed to [`Sink::keep_body`].
    fn bodies_complete(&self) {}

    /// A piece of a generated file (an entry of the search index) written by an
    /// earlier build, by `key`: a hash of everything it shows. Sinks that keep
    /// none (all but `serve`'s) say none.
    fn cached_fragment(&self, _key: u64) -> Option<Arc<[u8]>> {
        None
    }

    /// Told of every fragment of this build, so a later build can reuse it.
    fn keep_fragment(&self, _key: u64, _fragment: &Arc<[u8]>) {}

    /// The content files as an earlier build read them, so unchanged ones are not
    /// read again (see [`crate::content::load_insights_from`]). Sinks that keep no
    /// such memory (all but `serve`'s) say none, and are told nothing.
    fn known_files(&self) -> Option<&KnownFiles> {
        None
    }

    /// Told of every content file of this build, if the sink knows files at all.
    fn keep_files(&self, _files: KnownFiles) {}
}

/// Files counted by a committed build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputStats {
    pub files: usize,
    pub written: usize,
    pub removed: usize,
}

pub struct DiskOutput {
    dir: PathBuf,
    /// The build cache of this output directory (manifest, rendered bodies).
    cache: PathBuf,
    staging: PathBuf,
    /// The output held no site when the build began: write in place (see above).
    fresh: bool,
    /// Every file of this build, with the size and mtime it has once committed.
    emitted: Mutex<HashMap<String, Stamp>>,
    /// Files written (staged, or in place when `fresh`).
    written: Mutex<Vec<String>>,
    files: AtomicUsize,
    /// What the last build in `dir` rendered (as read, and parsed), and what this
    /// one has.
    previous_text: String,
    previous: Manifest,
    /// Each job of this build with its manifest line (see [`manifest::line`]),
    /// made as the job finishes, so the commit only sorts them.
    lines: Mutex<Vec<(String, String)>>,
    /// Rendered bodies of the last build (see [`crate::body_cache`]), and this one's.
    previous_bodies: Bodies,
    bodies: Mutex<Bodies>,
    /// Writes this build's bodies to a temporary file while pages render; the
    /// result says whether there is one to install on commit.
    body_writer: Mutex<Option<std::thread::JoinHandle<bool>>>,
    /// The files and folders in `dir` before this build, listed while it renders.
    listing: std::thread::JoinHandle<Listing>,
}

impl DiskOutput {
    /// Prepares `dir` (created if missing) and clears a staging area left by a
    /// build that was killed.
    /// `cache` is where the manifest and body cache of this output live: outside
    /// the output, so a deploy of it never ships them (they would carry drafts
    /// from a `--drafts` build).
    pub fn open(dir: &Path, cache: &Path) -> Result<DiskOutput, Diagnostic> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Diagnostic::io("create the output directory", dir, &e))?;
        let staging = dir.join(STAGING_DIR);
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Diagnostic::io("clear the staging area", &staging, &e))?;
        }
        // Created now so an unwritable output fails once, before rendering,
        // rather than once per page.
        std::fs::create_dir(&staging).map_err(|e| {
            Diagnostic::io("write to the output directory", dir, &e)
                .hint("make it writable, or build elsewhere with --output DIR")
        })?;
        let previous_text = Manifest::read(cache);
        let fresh = holds_no_site(dir);
        Ok(DiskOutput {
            dir: dir.to_path_buf(),
            cache: cache.to_path_buf(),
            staging,
            fresh,
            emitted: Mutex::new(HashMap::new()),
            written: Mutex::new(Vec::new()),
            files: AtomicUsize::new(0),
            previous: Manifest::parse(&previous_text),
            previous_text,
            lines: Mutex::new(Vec::new()),
            previous_bodies: body_cache::load(cache),
            bodies: Mutex::new(Bodies::new()),
            body_writer: Mutex::new(None),
            listing: {
                let dir = dir.to_path_buf();
                // A fresh output has nothing stale, and listing it would race the
                // in-place writes.
                std::thread::spawn(move || {
                    if fresh {
                        Listing::default()
                    } else {
                        Listing::of(&dir)
                    }
                })
            },
        })
    }

    /// Moves staged files into place and deletes files no longer produced.
    pub fn commit(self) -> Result<OutputStats, Diagnostics> {
        let bodies_written = self.body_cache_written();
        let staged_bodies = self.staged_bodies();
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let emitted = self.emitted.into_inner().unwrap_or_else(|e| e.into_inner());
        let lines = self.lines.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut errors = Diagnostics::default();
        let manifest_text = manifest::text_of(lines);
        // Equal text means no file changed: then even the manifest stays as it is.
        let manifest_changed = manifest_text != self.previous_text;
        let manifest_path = self.cache.join(MANIFEST_FILE);
        // Gone before anything moves: a commit cut short must not leave a
        // manifest vouching for files it replaced.
        if manifest_changed {
            if let Err(e) = remove_if_present(&manifest_path) {
                errors.push(Diagnostic::io("remove", &manifest_path, &e));
            }
        }
        let staged = if self.fresh { &[][..] } else { &written[..] };
        for rel in staged {
            let dest = self.dir.join(rel);
            let result =
                make_parent(&dest).and_then(|_| replace_with(&self.staging.join(rel), &dest));
            if let Err(e) = result {
                errors.push(Diagnostic::io("write", &dest, &e));
            }
        }
        let listing = self.listing.join().unwrap_or_default();
        let removed = remove_stale(&self.dir, listing, &emitted, &mut errors);
        // Caches: failing to keep them only slows the next build down. Written
        // beside their final name, so the rename never crosses file systems.
        if bodies_written {
            let _ = body_cache::install(&self.cache, &staged_bodies);
        }
        let cache_ready = std::fs::create_dir_all(&self.cache).is_ok();
        if cache_ready && errors.0.is_empty() && manifest_changed {
            // Without a manifest the next build renders everything: no error.
            let staged = self.cache.join(format!("{MANIFEST_FILE}.tmp"));
            let _ = std::fs::write(&staged, manifest_text)
                .and_then(|_| std::fs::rename(staged, manifest_path));
        }
        if self.staging.exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
        errors.into_result()?;
        Ok(OutputStats {
            files: self.files.into_inner(),
            written: written.len(),
            removed,
        })
    }

    /// Notes `job`'s manifest line, with the stamps its files got.
    fn remember(&self, job: &str, fingerprint: u64, paths: Vec<String>) {
        let emitted = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        let files = paths
            .into_iter()
            .map(|p| emitted.get(&p).map(|&stamp| (p, stamp)))
            .collect::<Option<Vec<_>>>();
        drop(emitted);
        let Some(line) =
            files.and_then(|files| manifest::line(job, &JobRecord { fingerprint, files }))
        else {
            return;
        };
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((job.to_string(), line));
    }

    /// Where [`DiskOutput::bodies_complete`] writes the body cache.
    fn staged_bodies(&self) -> PathBuf {
        self.cache.join(format!("{BODY_CACHE_FILE}.tmp"))
    }

    /// Waits for the body cache writer; true if it wrote a file to install.
    fn body_cache_written(&self) -> bool {
        let writer = self
            .body_writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        writer.is_some_and(|w| w.join().unwrap_or(false))
    }

    /// Drops the staging area, or what a fresh build wrote in place: the output
    /// directory is left as it was.
    pub fn abort(self) {
        if self.body_cache_written() {
            let _ = std::fs::remove_file(self.staged_bodies());
        }
        if self.fresh {
            for rel in self.written.into_inner().unwrap_or_else(|e| e.into_inner()) {
                let _ = std::fs::remove_file(self.dir.join(&rel));
                remove_empty_parents(&self.dir, &rel);
            }
        }
        if self.staging.exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
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
        let dest = self.dir.join(path);
        let existing = if self.fresh {
            None
        } else {
            same_content(&dest, &bytes)
        };
        let stamp = match existing {
            Some(stamp) => stamp,
            None => {
                let target = if self.fresh {
                    dest
                } else {
                    self.staging.join(path)
                };
                let meta = write_file(&target, &bytes)
                    .map_err(|e| Diagnostic::io("write", &target, &e))?;
                self.written
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(path.to_string());
                Stamp::of(&meta)
            }
        };
        let mut emitted = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        if emitted.insert(path.to_string(), stamp).is_some() {
            return Err(clash(path));
        }
        Ok(())
    }

    /// Reuses `job` when the last build rendered it from the same inputs and its
    /// files are still as that build left them (renaming keeps the mtime).
    fn reuse(&self, job: &str, fingerprint: u64) -> bool {
        let Some(record) = self.previous.jobs.get(job) else {
            return false;
        };
        if record.fingerprint != fingerprint
            || !record
                .files
                .iter()
                .all(|(path, stamp)| manifest::unchanged(&self.dir.join(path), *stamp))
        {
            return false;
        }
        let mut emitted = self.emitted.lock().unwrap_or_else(|e| e.into_inner());
        // A path another job already produced: render, and let `put` report it.
        if record.files.iter().any(|(p, _)| emitted.contains_key(p)) {
            return false;
        }
        emitted.extend(record.files.iter().cloned());
        drop(emitted);
        self.files.fetch_add(record.files.len(), Ordering::Relaxed);
        let paths = record.files.iter().map(|(p, _)| p.clone()).collect();
        self.remember(job, fingerprint, paths);
        true
    }

    fn rendered(&self, job: &str, fingerprint: u64, paths: Vec<String>) {
        self.remember(job, fingerprint, paths);
    }

    fn cached_body(&self, key: u64) -> Option<Arc<Rendered>> {
        self.previous_bodies.get(&key).cloned()
    }

    fn keep_body(&self, key: u64, body: &Arc<Rendered>) {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::clone(body));
    }

    /// Starts writing the body cache, unless it would be the same as the last
    /// one: 16 MB at 10k insights, written while the pages render.
    fn bodies_complete(&self) {
        let bodies = std::mem::take(&mut *self.bodies.lock().unwrap_or_else(|e| e.into_inner()));
        let unchanged = bodies.len() == self.previous_bodies.len()
            && bodies.keys().all(|k| self.previous_bodies.contains_key(k));
        if unchanged {
            return;
        }
        let (cache, staged) = (self.cache.clone(), self.staged_bodies());
        let writer = std::thread::spawn(move || {
            std::fs::create_dir_all(&cache).is_ok() && body_cache::write(&staged, &bodies).is_ok()
        });
        *self.body_writer.lock().unwrap_or_else(|e| e.into_inner()) = Some(writer);
    }
}

fn clash(path: &str) -> Diagnostic {
    Diagnostic::error(format!("two pages want the same output file {path}"))
        .hint("two insights or topics probably share a slug")
}

/// An in-memory site: what `serve` serves and `check` inspects.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    pub fn into_files(self) -> HashMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemoryOutput {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        check_relative(path)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.insert(path.to_string(), bytes).is_some() {
            return Err(clash(path));
        }
        Ok(())
    }
}

/// Output paths come from slugs and static file names: never let one escape.
pub(crate) fn check_relative(path: &str) -> Result<(), Diagnostic> {
    let ok = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        && !path.starts_with(STAGING_DIR);
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(format!(
            "refusing to write outside the output directory: {path:?}"
        )))
    }
}

/// The stamp of the file at `dest` if it already holds `bytes`.
fn same_content(dest: &Path, bytes: &[u8]) -> Option<Stamp> {
    match std::fs::metadata(dest) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => std::fs::read(dest)
            .is_ok_and(|old| old == bytes)
            .then(|| Stamp::of(&meta)),
        _ => None,
    }
}

/// Creates (or truncates) `path` and its folders, writes `bytes`, and returns the
/// file's metadata for its stamp.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<std::fs::Metadata> {
    make_parent(path)?;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata()
}

/// Whether `dir` has no entries but hidden ones (`.git` and the like, which a
/// build never touches).
fn holds_no_site(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| {
        entries.all(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with('.')))
    })
}

/// Removes the folders of `rel` under `dir` that are empty, deepest first.
fn remove_empty_parents(dir: &Path, rel: &str) {
    for (at, _) in rel.rmatch_indices('/') {
        if std::fs::remove_dir(dir.join(&rel[..at])).is_err() {
            break;
        }
    }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
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

/// Renames `from` over `to`; a directory in the way (an old page became a file)
/// is removed first, as it is stale by definition.
fn replace_with(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.is_dir() {
        std::fs::remove_dir_all(to)?;
    }
    std::fs::rename(from, to)
}

/// The non-hidden files and folders under an output directory. Hidden entries at
/// any level (`.git`, `.well-known`, the staging area) are never listed: deploy
/// tooling lives there. Walking ten thousand folders is a fifth of a rebuild's
/// CPU, so it runs on its own thread while the build renders.
#[derive(Default)]
struct Listing {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Listing {
    fn of(dir: &Path) -> Listing {
        let mut listing = Listing::default();
        let walker = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker.flatten() {
            if entry.file_type().is_dir() {
                listing.dirs.push(entry.into_path());
            } else {
                listing.files.push(entry.into_path());
            }
        }
        listing
    }
}

/// Deletes the files of `listing` this build did not produce, then empty folders.
fn remove_stale(
    dir: &Path,
    listing: Listing,
    emitted: &HashMap<String, Stamp>,
    errors: &mut Diagnostics,
) -> usize {
    let mut removed = 0;
    let Listing { files, dirs } = listing;
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        if !emitted.contains_key(&rel.to_string_lossy().replace('\\', "/")) {
            // Not found: it was in a folder this commit replaced with a page.
            match remove_if_present(&path) {
                Ok(()) => removed += 1,
                Err(e) => errors.push(Diagnostic::io("remove the stale file", &path, &e)),
            }
        }
    }
    if dirs.is_empty() {
        // A fresh output: nothing to look at (the set of folders costs a tenth
        // of a second at 100k insights).
        return removed;
    }
    // Deepest first, so a folder emptied of empty folders goes too. Folders
    // holding an emitted file are skipped: asking for each would cost a failed
    // syscall per page. On the others it fails harmlessly if they hold files.
    let kept = emitted_folders(emitted);
    for path in dirs.iter().rev() {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        if !kept.contains(rel.to_string_lossy().replace('\\', "/").as_str()) {
            let _ = std::fs::remove_dir(path);
        }
    }
    removed
}

/// Every folder (relative, `/`-separated) that holds an emitted file, however deep.
fn emitted_folders(emitted: &HashMap<String, Stamp>) -> std::collections::HashSet<&str> {
    emitted
        .keys()
        .flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(dir: &Path, files: &[(&str, &str)]) -> OutputStats {
        let out = DiskOutput::open(dir, &dir.join("../cache")).unwrap();
        for (p, c) in files {
            out.put(p, c.as_bytes().to_vec()).unwrap();
        }
        out.commit().unwrap()
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
        let out = DiskOutput::open(&dir, &dir.join("../cache")).unwrap();
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
        let out = DiskOutput::open(&dir, &tmp.path().join("cache")).unwrap();
        assert!(out.fresh, "hidden entries are no site");
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
