//! The build's memory: what one build keeps so that the next redoes only what
//! changed. For each render job, the fingerprint of its inputs and the files it
//! made; the rendered Markdown bodies, by a hash of everything their rendering
//! reads; pieces of generated files (the search index's cards and words); the
//! content files as read and parsed.
//!
//! One [`Memory`], of three kinds: on disk for `build` ([`DiskMemory`]: the
//! manifest and the body cache in the output's `.brief-cache/<key>/`), in RAM
//! for `serve` (a [`Recall`] handed from one rebuild to the next), and none for
//! `check` and `email`, which build once. The stages get it as an argument:
//! `render` asks it before each job and body and tells it what it made; the
//! pipeline hands `content` the files it knows. It writes no file of the site:
//! a reused job's files are kept by the [`Sink`], the only writer.

mod body_cache;
mod disk;
mod manifest;

use std::any::Any;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::content::KnownFiles;
use crate::markdown::Rendered;
use crate::sink::Sink;
pub(crate) use disk::DiskMemory;
pub(crate) use manifest::Stamp;

/// The build cache in the site root (safe to delete; keep it out of git): each
/// output directory's manifest and rendered bodies (`<key>/`), the site lock and
/// `ping`'s memory of the feeds it announced.
pub const CACHE_DIR: &str = ".brief-cache";

/// Render job → what a build made of it.
type Jobs = HashMap<String, JobRecord>;

/// One render job of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JobRecord {
    /// A hash of everything the job read.
    fingerprint: u64,
    /// The files it made. Shared, so a reused job's record is carried over
    /// without copying them.
    paths: Arc<[String]>,
    /// On disk, the stamp each file had when written, in `paths` order. `None`
    /// in RAM, and for a job this build ran (the output has their stamps).
    stamps: Option<Arc<[Stamp]>>,
}
/// Hash of a body's rendering inputs → the rendered body.
type Bodies = HashMap<u64, Arc<Rendered>>;
/// Hash of what a fragment of a file depends on → the fragment, of whatever
/// type the stage that made it uses (see [`Memory::fragment`]).
type Fragments = HashMap<u64, Arc<dyn Any + Send + Sync>>;

/// What one build leaves for the next.
#[derive(Default)]
pub(crate) struct Recall {
    jobs: Jobs,
    bodies: Bodies,
    fragments: Fragments,
    files: KnownFiles,
}

/// The memory of one build: what the last one left, and what this one keeps.
pub(crate) struct Memory {
    kind: Kind,
    previous: Arc<Recall>,
    /// For a memory that keeps nothing (`check`): the build cache whose slug
    /// record (see `moved`) says what each insight was called in the last build.
    slug_record: Option<PathBuf>,
    jobs: Mutex<Jobs>,
    bodies: Mutex<Bodies>,
    fragments: Mutex<Fragments>,
    files: Mutex<KnownFiles>,
}

enum Kind {
    /// `check` and `email`: one build, nothing to keep.
    Nothing,
    /// `serve`: everything, for the next rebuild in the same process.
    InMemory,
    /// `build`: jobs and bodies, in the build cache of an output directory.
    Disk(Arc<disk::Disk>),
}

impl Memory {
    /// A memory that keeps nothing.
    pub(crate) fn nothing() -> Memory {
        Memory::with(Kind::Nothing, Arc::default())
    }

    /// `serve`'s memory, reusing what it can of the `previous` build. Its maps
    /// start at the sizes of `previous`'s, which they will most likely reach:
    /// growing them again at every rebuild was a twentieth of a rebuild.
    pub(crate) fn in_memory(previous: Arc<Recall>) -> Memory {
        Memory::with(Kind::InMemory, previous)
    }

    fn with(kind: Kind, previous: Arc<Recall>) -> Memory {
        let keeps = !matches!(kind, Kind::Nothing);
        let size = |n: usize| if keeps { n } else { 0 };
        Memory {
            jobs: Mutex::new(HashMap::with_capacity(size(previous.jobs.len()))),
            bodies: Mutex::new(HashMap::with_capacity(size(previous.bodies.len()))),
            fragments: Mutex::new(HashMap::with_capacity(size(previous.fragments.len()))),
            files: Mutex::default(),
            kind,
            previous,
            slug_record: None,
        }
    }

    /// This memory, reading the slugs of the last build from the record in the
    /// build cache `cache` (`check`, which keeps nothing, still names them).
    pub(crate) fn with_slug_record(mut self, cache: Option<PathBuf>) -> Memory {
        self.slug_record = cache;
        self
    }

    /// The slug each insight (by id) had in the last build: `serve` remembers
    /// its last build's files; `build` and `check` read the record that the
    /// last build into the output left. Read when asked (only an error asks).
    pub(crate) fn former_slugs(&self) -> HashMap<String, String> {
        let cache = match &self.kind {
            Kind::InMemory => {
                let insights = self.previous.files.values().map(|file| file.insight());
                return insights.map(|i| (i.id.clone(), i.slug.clone())).collect();
            }
            Kind::Disk(disk) => Some(disk.cache.as_path()),
            Kind::Nothing => self.slug_record.as_deref(),
        };
        cache.map(crate::moved::former_slugs).unwrap_or_default()
    }

    /// What this build leaves for the next (`serve`).
    pub(crate) fn into_recall(self) -> Recall {
        Recall {
            jobs: into_inner(self.jobs),
            bodies: into_inner(self.bodies),
            fragments: into_inner(self.fragments),
            files: into_inner(self.files),
        }
    }

    /// Reuses render job `job` when the last build ran it from inputs with the
    /// same `fingerprint` and its files are intact: `sink` keeps them, and the
    /// job need not run. Anything unexpected (a file touched, missing, or already
    /// made by another job) means no.
    pub(crate) fn reuse(&self, job: &str, fingerprint: u64, sink: &dyn Sink) -> bool {
        let Some(record) = self.previous.jobs.get(job) else {
            return false;
        };
        let intact = match &self.kind {
            Kind::Disk(disk) => disk.intact(record),
            // The sink holds the last build's files itself, untouchable.
            Kind::InMemory | Kind::Nothing => true,
        };
        if record.fingerprint != fingerprint || !intact || !sink.keep(&record.paths) {
            return false;
        }
        self.remember(job, record.clone());
        true
    }

    /// Told after `job` ran and made `paths`, so a later build can reuse it.
    pub(crate) fn rendered(&self, job: &str, fingerprint: u64, paths: Vec<String>) {
        if self.keeps() {
            let record = JobRecord {
                fingerprint,
                paths: paths.into(),
                stamps: None,
            };
            self.remember(job, record);
        }
    }

    fn remember(&self, job: &str, record: JobRecord) {
        lock(&self.jobs).insert(job.to_string(), record);
    }

    /// Told the keys of every body this build may show (see [`Memory::body`]),
    /// before the first is asked for: a disk memory starts writing its body
    /// cache, unless the last one holds exactly these.
    pub(crate) fn expect_bodies(&self, keys: &[u64]) {
        if let Kind::Disk(disk) = &self.kind {
            disk.expect_bodies(keys, &self.previous);
        }
    }

    /// A Markdown body by `key`, a hash of everything its rendering reads: the
    /// one an earlier build rendered, else `render`'s; either way kept for the
    /// next build (on disk, written to the body cache at once, not held).
    pub(crate) fn body(&self, key: u64, render: impl FnOnce() -> Rendered) -> Arc<Rendered> {
        let body = (self.previous.bodies.get(&key).cloned()).unwrap_or_else(|| Arc::new(render()));
        self.keep_body(key, &body);
        body
    }

    fn keep_body(&self, key: u64, body: &Arc<Rendered>) {
        match &self.kind {
            Kind::InMemory => {
                lock(&self.bodies).insert(key, Arc::clone(body));
            }
            Kind::Disk(disk) => disk.keep_body(key, body),
            Kind::Nothing => {}
        }
    }

    /// Told once the build has rendered: the bodies of `keys` that no page
    /// needed (those pages were reused) are kept as the last build left them.
    pub(crate) fn bodies_complete(&self, keys: &[u64]) {
        if !self.keeps() {
            return;
        }
        let kept = |key: &u64| match &self.kind {
            Kind::InMemory => lock(&self.bodies).contains_key(key),
            // The disk memory writes each key once anyway.
            _ => false,
        };
        for key in keys {
            if let Some(body) = self.previous.bodies.get(key).filter(|_| !kept(key)) {
                self.keep_body(*key, body);
            }
        }
        if let Kind::Disk(disk) = &self.kind {
            disk.close_bodies();
        }
    }

    /// A piece of a generated file (the search index's cards of a span of
    /// days, or their words) by `key`, a hash of everything it depends on: the
    /// one an earlier build made, else `make`'s; either way kept for the next
    /// build. The memory does not know what pieces are: the stage that made one
    /// names its type, and a piece of another type under the same key is no
    /// piece. Only `serve` keeps them.
    pub(crate) fn fragment<T: Any + Send + Sync>(
        &self,
        key: u64,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        let kept = self.previous.fragments.get(&key).cloned();
        let fragment = kept
            .and_then(|kept| kept.downcast().ok())
            .unwrap_or_else(|| Arc::new(make()));
        if matches!(self.kind, Kind::InMemory) {
            lock(&self.fragments).insert(key, Arc::clone(&fragment) as Arc<dyn Any + Send + Sync>);
        }
        fragment
    }

    /// The content files as the last build read them, for `content` to read
    /// only changed ones; `None` when this memory keeps no files (only `serve`'s
    /// does: a new process reads every file anyway).
    pub(crate) fn known_files(&self) -> Option<&KnownFiles> {
        matches!(self.kind, Kind::InMemory).then_some(&self.previous.files)
    }

    /// Told of the content files of this build (see [`Memory::known_files`]).
    pub(crate) fn keep_files(&self, files: KnownFiles) {
        *lock(&self.files) = files;
    }

    fn keeps(&self) -> bool {
        !matches!(self.kind, Kind::Nothing)
    }
}

/// The value behind a mutex (a poisoned one still holds its value).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn into_inner<T>(mutex: Mutex<T>) -> T {
    mutex.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostic;

    /// A sink holding the files of the last build, as `serve`'s does.
    #[derive(Default)]
    struct Files {
        previous: HashMap<String, String>,
        now: Mutex<HashMap<String, String>>,
    }

    impl Sink for Files {
        fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
            let text = String::from_utf8(bytes).unwrap();
            lock(&self.now).insert(path.to_string(), text);
            Ok(())
        }

        fn keep(&self, paths: &[String]) -> bool {
            let mut now = lock(&self.now);
            for path in paths {
                now.insert(path.clone(), self.previous[path].clone());
            }
            true
        }
    }

    fn build(
        previous: Recall,
        files: HashMap<String, String>,
        jobs: &[(&str, u64, &str)],
    ) -> (Recall, HashMap<String, String>, Vec<bool>) {
        let memory = Memory::in_memory(Arc::new(previous));
        let sink = Files {
            previous: files,
            ..Files::default()
        };
        let mut reused = Vec::new();
        for &(job, fingerprint, text) in jobs {
            let hit = memory.reuse(job, fingerprint, &sink);
            if !hit {
                let path = format!("{job}/index.html");
                sink.put(&path, text.as_bytes().to_vec()).unwrap();
                memory.rendered(job, fingerprint, vec![path]);
            }
            reused.push(hit);
        }
        (memory.into_recall(), into_inner(sink.now), reused)
    }

    #[test]
    fn reuses_only_jobs_whose_inputs_are_unchanged() {
        let jobs = [("a", 1, "A1"), ("b", 1, "B1")];
        let (first, files, reused) = build(Recall::default(), HashMap::new(), &jobs);
        assert_eq!(reused, [false, false]);
        let jobs = [("a", 1, "A2"), ("b", 2, "B2")];
        let (second, files, reused) = build(first, files, &jobs);
        assert_eq!(reused, [true, false]);
        assert_eq!(files["a/index.html"], "A1");
        assert_eq!(files["b/index.html"], "B2");
        // Jobs that are gone leave nothing behind.
        let (third, _, _) = build(second, files, &[("b", 2, "B3")]);
        assert_eq!(third.jobs.len(), 1);
    }

    #[test]
    fn fragments_are_found_by_key_and_type() {
        let made = || b"made".to_vec();
        let first = Memory::in_memory(Arc::default());
        first.fragment(7, || b"cards".to_vec());
        first.fragment(9, || b"other cards".to_vec());
        let second = Memory::in_memory(Arc::new(first.into_recall()));
        assert_eq!(
            *second.fragment(7, || "another type".to_string()),
            "another type"
        );
        assert_eq!(second.fragment(7, made)[..], *b"cards");
        assert_eq!(second.fragment(8, made)[..], *b"made");
        // Only what this build kept is left for the next.
        let third = Memory::in_memory(Arc::new(second.into_recall()));
        assert_eq!(third.fragment(9, made)[..], *b"made");
        assert_eq!(third.fragment(7, made)[..], *b"cards");
    }

    #[test]
    fn a_memory_of_nothing_keeps_nothing() {
        let memory = Memory::nothing();
        memory.rendered("a", 1, vec!["a/index.html".into()]);
        assert!(!memory.reuse("a", 1, &Files::default()));
        assert!(memory.known_files().is_none());
        assert!(memory.into_recall().jobs.is_empty());
    }
}
