//! The memory of `build`, on disk in the output's build cache
//! (`.brief-cache/<key>/` in the site root, never in the deployable output): the
//! job records of [`manifest`](super::manifest) and the bodies of
//! [`body_cache`](super::body_cache). A job is reused only while its files in the
//! output are exactly as the last build left them. The pipeline saves the memory
//! once the output's commit succeeded, and drops the last manifest before the
//! commit replaces files it vouches for; failing to keep either only slows the
//! next build down.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use ahash::AHashSet;
use rayon::prelude::*;

use super::body_cache::{self, BODY_CACHE_FILE};
use super::manifest::{self, Manifest, Stamp, MANIFEST_FILE};
use super::{lock, JobRecord, Kind, Memory, Recall};
use crate::markdown::Rendered;

/// What only the disk kind of [`Memory`] knows.
pub(super) struct Disk {
    /// The output directory whose files the manifest lists.
    output: PathBuf,
    /// Its build cache.
    pub(super) cache: PathBuf,
    /// The last build's manifest as read.
    previous_text: String,
    /// Writes this build's bodies to a temporary file while pages render; the
    /// result says whether there is one to install once the build is committed.
    body_writer: Mutex<Option<JoinHandle<bool>>>,
    /// The way to it, until every body has been handed over.
    body_stream: Mutex<Option<BodyStream>>,
}

/// Bodies for the body cache writer, keyed.
type Batch = Vec<(u64, Arc<Rendered>)>;

/// Bodies handed to the writer at a time: sent one by one, each woke the
/// writer, and the rendering threads queued for the sender's lock.
const BATCH: usize = 256;

/// The bodies on their way to the body cache writer.
struct BodyStream {
    sender: SyncSender<Batch>,
    batch: Batch,
}

impl BodyStream {
    fn send(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // A writer that failed has hung up: its cache is not installed.
        let _ = self.sender.send(batch);
    }
}

impl Disk {
    /// Whether each file of `record` is still in the output exactly as the last
    /// build wrote it (renaming keeps the mtime).
    pub(super) fn intact(&self, record: &JobRecord) -> bool {
        let Some(stamps) = &record.stamps else {
            return false;
        };
        let mut files = record.paths.iter().zip(stamps.iter());
        stamps.len() == record.paths.len()
            && files.all(|(path, &stamp)| manifest::unchanged(&self.output.join(path), stamp))
    }

    /// Starts writing the body cache, unless the last one holds exactly the
    /// bodies of `keys`: 16 MB at 10k insights, written by a thread of its
    /// own as bodies are rendered (see [`Disk::keep_body`]).
    pub(super) fn expect_bodies(&self, keys: &[u64], previous: &Recall) {
        let unchanged = keys.len() == previous.bodies.len()
            && keys.iter().all(|k| previous.bodies.contains_key(k));
        if unchanged {
            return;
        }
        // Bounded, so bodies wait in the queue only as long as the disk is slower.
        let (sender, batches) = std::sync::mpsc::sync_channel::<Batch>(8);
        let (cache, staged) = (self.cache.clone(), self.staged_bodies());
        let writer = std::thread::spawn(move || {
            let write = || -> std::io::Result<()> {
                std::fs::create_dir_all(&cache)?;
                let mut writer = body_cache::Writer::create(&staged)?;
                // A body rendered twice (a use the render jobs did not count)
                // is written once.
                let mut written = AHashSet::new();
                for (key, body) in batches.into_iter().flatten() {
                    if written.insert(key) {
                        writer.add(key, &body)?;
                    }
                }
                writer.finish()
            };
            write().is_ok()
        });
        *lock(&self.body_writer) = Some(writer);
        *lock(&self.body_stream) = Some(BodyStream {
            sender,
            batch: Vec::with_capacity(BATCH),
        });
    }

    /// Hands `body` to the body cache being written.
    pub(super) fn keep_body(&self, key: u64, body: &Arc<Rendered>) {
        let mut stream = lock(&self.body_stream);
        if let Some(stream) = stream.as_mut() {
            stream.batch.push((key, Arc::clone(body)));
            if stream.batch.len() == BATCH {
                stream.send();
            }
        }
    }

    /// Ends the body cache: every body has been handed to [`Disk::keep_body`].
    pub(super) fn close_bodies(&self) {
        if let Some(mut stream) = lock(&self.body_stream).take() {
            stream.send();
        }
    }

    /// Where [`Disk::expect_bodies`] writes the body cache.
    fn staged_bodies(&self) -> PathBuf {
        self.cache.join(format!("{BODY_CACHE_FILE}.tmp"))
    }

    /// Waits for the body cache writer; true if it wrote a file to install.
    fn body_cache_written(&self) -> bool {
        // A build that failed before its last body hangs up here, so that the
        // writer ends.
        self.close_bodies();
        let writer = lock(&self.body_writer).take();
        writer.is_some_and(|w| w.join().unwrap_or(false))
    }
}

/// The memory of a build into an output directory.
pub(crate) struct DiskMemory {
    memory: Memory,
    disk: Arc<Disk>,
}

impl DiskMemory {
    /// The memory the last build into `output` left in `cache`, its build cache
    /// (empty if there is none usable).
    pub(crate) fn open(cache: &Path, output: &Path) -> DiskMemory {
        let previous_text = Manifest::read(cache);
        let Manifest { jobs } = Manifest::parse(&previous_text);
        let previous = Recall {
            jobs,
            bodies: body_cache::load(cache),
            ..Recall::default()
        };
        let disk = Arc::new(Disk {
            output: output.to_path_buf(),
            cache: cache.to_path_buf(),
            previous_text,
            body_writer: Mutex::new(None),
            body_stream: Mutex::new(None),
        });
        DiskMemory {
            memory: Memory::with(Kind::Disk(Arc::clone(&disk)), Arc::new(previous)),
            disk,
        }
    }

    /// The memory the stages use.
    pub(crate) fn memory(&self) -> &Memory {
        &self.memory
    }

    /// Every file the last build's manifest lists: what brief owns in an output
    /// built before outputs kept a record of their files.
    pub(crate) fn files_on_record(&self) -> impl Iterator<Item = &String> {
        let jobs = self.memory.previous.jobs.values();
        jobs.flat_map(|record| record.paths.iter())
    }

    /// This build's manifest, given every file of the build with the stamp of
    /// each file written (`None`: kept as the last build left it); `None` when
    /// it is the last build's, so a build that changed nothing writes nothing.
    pub(crate) fn manifest(&self, files: &HashMap<String, Option<Stamp>>) -> Option<String> {
        let jobs = lock(&self.memory.jobs);
        // Sorted by `text_of`: a manifest has a line per page (170k at 100k
        // insights), so its lines are made in parallel.
        let lines: Vec<(String, String)> = jobs
            .par_iter()
            .filter_map(|(job, record)| {
                let files = stamped(record, files)?;
                Some((
                    job.clone(),
                    manifest::line(job, record.fingerprint, &files)?,
                ))
            })
            .collect();
        let text = manifest::text_of(lines);
        (text != self.disk.previous_text).then_some(text)
    }

    /// Removes the last build's manifest, before a commit replaces files it
    /// vouches for: a commit cut short then leaves no manifest that would have
    /// the next build reuse them.
    pub(crate) fn forget_manifest(&self) {
        // Where it cannot go, the stamps of replaced files no longer match it.
        let _ = std::fs::remove_file(self.disk.cache.join(MANIFEST_FILE));
    }

    /// Keeps this build's memory for the next, once its files are committed:
    /// the body cache written while it rendered, and `manifest` (see
    /// [`DiskMemory::manifest`]). Each file is written beside its final name,
    /// so the rename never crosses file systems.
    pub(crate) fn save(self, manifest: Option<String>) {
        let disk = &self.disk;
        if disk.body_cache_written() {
            let _ = body_cache::install(&disk.cache, &disk.staged_bodies());
        }
        if let Some(text) = manifest {
            // Without a manifest the next build renders everything: no error.
            let staged = disk.cache.join(format!("{MANIFEST_FILE}.tmp"));
            let _ = std::fs::create_dir_all(&disk.cache)
                .and_then(|_| std::fs::write(&staged, text))
                .and_then(|_| std::fs::rename(staged, disk.cache.join(MANIFEST_FILE)));
        }
        // Every page's record: its freeing was the last thing a build waited for.
        crate::drop_elsewhere(self);
    }

    /// Drops this build's memory: the build failed, and the last one's stays.
    pub(crate) fn abort(self) {
        if self.disk.body_cache_written() {
            let _ = std::fs::remove_file(self.disk.staged_bodies());
        }
    }
}

/// `record`'s files with their stamps: those it kept from the last build, or,
/// for a job this build ran, those the output gave the files it wrote
/// (`files`). `None` if one is missing.
fn stamped<'a>(
    record: &'a JobRecord,
    files: &HashMap<String, Option<Stamp>>,
) -> Option<Vec<(&'a str, Stamp)>> {
    let paths = record.paths.iter().map(String::as_str);
    match &record.stamps {
        Some(stamps) => Some(paths.zip(stamps.iter().copied()).collect()),
        None => paths
            .map(|path| Some((path, (*files.get(path)?)?)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostic;
    use crate::sink::Sink;

    /// An output that keeps whatever it is asked to.
    struct Output;

    impl Sink for Output {
        fn put(&self, _path: &str, _bytes: Vec<u8>) -> Result<(), Diagnostic> {
            Ok(())
        }

        fn keep(&self, _paths: &[String]) -> bool {
            true
        }
    }

    #[test]
    fn reuses_a_job_only_while_its_files_are_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("out"), tmp.path().join("cache"));
        std::fs::create_dir(&out).unwrap();
        let first = DiskMemory::open(&cache, &out);
        std::fs::write(out.join("a.html"), "A").unwrap();
        first.memory().rendered("a", 1, vec!["a.html".into()]);
        let stamp = Stamp::of(&std::fs::metadata(out.join("a.html")).unwrap());
        let manifest = first.manifest(&HashMap::from([("a.html".into(), Some(stamp))]));
        assert!(manifest.is_some(), "a first build has a manifest to keep");
        first.save(manifest);

        let second = DiskMemory::open(&cache, &out);
        assert!(!second.memory().reuse("a", 2, &Output), "other inputs");
        assert!(second.memory().reuse("a", 1, &Output));
        let kept = HashMap::from([("a.html".into(), None)]);
        assert_eq!(second.manifest(&kept), None, "nothing changed");
        second.save(None);

        std::fs::write(out.join("a.html"), "AB").unwrap();
        let third = DiskMemory::open(&cache, &out);
        assert!(!third.memory().reuse("a", 1, &Output), "the file changed");
    }

    /// Bodies go to the cache as they are rendered; the cache is installed
    /// with the build, and a build that fails before its last body (an error
    /// found before any page) still ends the writer and installs nothing.
    #[test]
    fn the_body_cache_streams_and_a_failed_build_ends_it() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, cache) = (tmp.path().join("out"), tmp.path().join("cache"));
        let body = || Rendered::new("<p>x</p>", "x".into(), Vec::new());
        let failed = DiskMemory::open(&cache, &out);
        failed.memory().expect_bodies(&[1, 2]);
        failed.memory().body(1, body);
        failed.abort();
        assert!(!cache.join(BODY_CACHE_FILE).exists());

        let first = DiskMemory::open(&cache, &out);
        first.memory().expect_bodies(&[1, 2]);
        first.memory().body(1, body);
        first.memory().body(1, body);
        first.memory().bodies_complete(&[1, 2]);
        first.save(None);
        assert_eq!(
            body_cache::load(&cache).len(),
            1,
            "rendered once, kept once"
        );

        // Bodies no page asked for are carried over from the last cache.
        let second = DiskMemory::open(&cache, &out);
        second.memory().expect_bodies(&[1, 3]);
        second.memory().body(3, body);
        second.memory().bodies_complete(&[1, 3]);
        second.save(None);
        let mut keys: Vec<u64> = body_cache::load(&cache).into_keys().collect();
        keys.sort_unstable();
        assert_eq!(keys, [1, 3]);
    }
}
