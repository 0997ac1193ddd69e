//! The interface between rendering and writing: a [`Sink`] takes a build's
//! files, and does nothing else. The output stage implements it (on disk, or in
//! memory for `serve` and `check`); `render` and the build's memory
//! (`crate::memory`) use it without knowing which one they have. What a build
//! remembers for the next one is not the sink's business: it lives in
//! `crate::memory`, which tells the sink only which files to keep.

use crate::error::Diagnostic;

/// Receives every file of a build: `path` is relative and `/`-separated.
pub(crate) trait Sink: Sync {
    /// Writes `bytes` as the file `path` of this build.
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic>;

    /// Makes `paths`, files the last build made, files of this build as they
    /// are, instead of writing them again (a render job that did not need to
    /// run). All or none: `false`, and nothing kept, when the sink no longer
    /// holds one of them or another file of this build already has its path;
    /// the job then renders, and `put` reports a real clash.
    fn keep(&self, paths: &[String]) -> bool;
}

/// The error of two files of one build with the same path.
pub(crate) fn clash(path: &str) -> Diagnostic {
    Diagnostic::error(format!("two pages want the same output file {path}"))
        .hint("two insights or topics probably share a slug")
}
