//! The memory of the last good build: its files and, for each render job, the
//! fingerprint of the job's inputs and the files it wrote. A rebuild renders
//! into a [`MemoSink`], which hands a job whose fingerprint has not changed its
//! old files (see [`Sink::reuse`]), so an edit of one insight re-renders only the
//! pages that show it. Files are shared (`Arc`), so reuse copies no bytes. The
//! rendered Markdown bodies, the search index's files of cards and the parsed
//! content files are kept too, so only edited files are read and parsed, and only
//! edited bodies and cards render again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::content::KnownFiles;
use crate::error::Diagnostic;
use crate::markdown::Rendered;
use crate::output::{check_relative, Sink};

/// Output path → bytes. An `Arc<Vec<u8>>` rather than `Arc<[u8]>`: a rendered
/// file moves in without being copied (the largest are megabytes at 10k).
pub(super) type Files = HashMap<String, Arc<Vec<u8>>>;
/// Render job → (input fingerprint, files it wrote). The paths are shared, so
/// a reused job's record is carried over without copying them.
type Jobs = HashMap<String, (u64, Arc<[String]>)>;
/// Hash of a body's rendering inputs → the rendered body.
type Bodies = HashMap<u64, Arc<Rendered>>;
/// Hash of what a fragment of a file shows → the fragment (see [`Sink::cached_fragment`]).
type Fragments = HashMap<u64, Arc<[u8]>>;

/// One complete build as served.
#[derive(Default)]
pub(super) struct Memo {
    pub(super) files: Files,
    jobs: Jobs,
    bodies: Bodies,
    fragments: Fragments,
    content: KnownFiles,
}

pub(super) struct MemoSink {
    previous: Arc<Memo>,
    files: Mutex<Files>,
    jobs: Mutex<Jobs>,
    bodies: Mutex<Bodies>,
    fragments: Mutex<Fragments>,
    content: Mutex<KnownFiles>,
}

impl MemoSink {
    /// A sink reusing what it can of `previous`. Its maps start at the sizes of
    /// `previous`'s, which they will most likely reach: growing them again at
    /// every rebuild was a twentieth of a rebuild.
    pub(super) fn new(previous: Arc<Memo>) -> MemoSink {
        MemoSink {
            files: Mutex::new(HashMap::with_capacity(previous.files.len())),
            jobs: Mutex::new(HashMap::with_capacity(previous.jobs.len())),
            bodies: Mutex::new(HashMap::with_capacity(previous.bodies.len())),
            fragments: Mutex::new(HashMap::with_capacity(previous.fragments.len())),
            content: Mutex::default(),
            previous,
        }
    }

    pub(super) fn into_memo(self) -> Memo {
        Memo {
            files: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
            jobs: self.jobs.into_inner().unwrap_or_else(|e| e.into_inner()),
            bodies: self.bodies.into_inner().unwrap_or_else(|e| e.into_inner()),
            fragments: self
                .fragments
                .into_inner()
                .unwrap_or_else(|e| e.into_inner()),
            content: self.content.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }

    fn remember(&self, job: &str, fingerprint: u64, paths: Arc<[String]>) {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(job.to_string(), (fingerprint, paths));
    }
}

impl Sink for MemoSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        check_relative(path)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if files.insert(path.to_string(), Arc::new(bytes)).is_some() {
            return Err(
                Diagnostic::error(format!("two pages want the same output file {path}"))
                    .hint("two insights or topics probably share a slug"),
            );
        }
        Ok(())
    }

    fn reuse(&self, job: &str, fingerprint: u64) -> bool {
        let Some((old, paths)) = self.previous.jobs.get(job) else {
            return false;
        };
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        // Anything unexpected (a file missing, or already written by another job):
        // render afresh, and let `put` report a real clash.
        let reusable = *old == fingerprint
            && paths
                .iter()
                .all(|p| self.previous.files.contains_key(p) && !files.contains_key(p));
        if !reusable {
            return false;
        }
        for path in paths.iter() {
            files.insert(path.clone(), Arc::clone(&self.previous.files[path]));
        }
        drop(files);
        self.remember(job, fingerprint, Arc::clone(paths));
        true
    }

    fn rendered(&self, job: &str, fingerprint: u64, paths: Vec<String>) {
        self.remember(job, fingerprint, paths.into());
    }

    fn cached_body(&self, key: u64) -> Option<Arc<Rendered>> {
        self.previous.bodies.get(&key).cloned()
    }

    fn keep_body(&self, key: u64, body: &Arc<Rendered>) {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::clone(body));
    }

    fn cached_fragment(&self, key: u64) -> Option<Arc<[u8]>> {
        self.previous.fragments.get(&key).cloned()
    }

    fn keep_fragment(&self, key: u64, fragment: &Arc<[u8]>) {
        self.fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::clone(fragment));
    }

    fn known_files(&self) -> Option<&KnownFiles> {
        Some(&self.previous.content)
    }

    fn keep_files(&self, files: KnownFiles) {
        *self.content.lock().unwrap_or_else(|e| e.into_inner()) = files;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(previous: Arc<Memo>, jobs: &[(&str, u64, &str)]) -> (Memo, Vec<bool>) {
        let sink = MemoSink::new(previous);
        let mut reused = Vec::new();
        for &(job, fingerprint, text) in jobs {
            let hit = sink.reuse(job, fingerprint);
            if !hit {
                let path = format!("{job}/index.html");
                sink.put(&path, text.as_bytes().to_vec()).unwrap();
                sink.rendered(job, fingerprint, vec![path]);
            }
            reused.push(hit);
        }
        (sink.into_memo(), reused)
    }

    #[test]
    fn reuses_only_jobs_whose_inputs_are_unchanged() {
        let (first, reused) = build(Arc::default(), &[("a", 1, "A1"), ("b", 1, "B1")]);
        assert_eq!(reused, [false, false]);
        let (second, reused) = build(Arc::new(first), &[("a", 1, "A2"), ("b", 2, "B2")]);
        assert_eq!(reused, [true, false]);
        assert_eq!(&*second.files["a/index.html"], b"A1");
        assert_eq!(&*second.files["b/index.html"], b"B2");
        // Jobs that are gone leave their files behind.
        let (third, _) = build(Arc::new(second), &[("b", 2, "B3")]);
        assert_eq!(third.files.len(), 1);
    }
}
