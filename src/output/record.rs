//! The ownership record: `.brief-files` in the output directory lists every file
//! the last complete build put there, one relative path a line, sorted. brief
//! deletes only files it lists: a file it did not write (an editor's notes, a
//! `CNAME`, a whole unrelated folder given as `--output`) is never touched.
//!
//! It lives in the output itself, not the build cache, so the record travels
//! with the site: a fresh clone of a repository that commits `public/` has no
//! `.brief-cache/` but can build at once. It is hidden, like everything brief
//! keeps in the output, so no deploy ships it, and it holds no times or sizes,
//! so equal builds give equal bytes. It is rewritten only when the set of files
//! changes, so a rebuild that changes nothing writes nothing. [`owner`] reads it
//! before a build writes anything: an output with no site in it, one that is
//! brief's, or one of files brief did not write, refused unless forced.

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;

use super::plan::{some_of, Listing};
use crate::error::Diagnostic;
use crate::hidden::is_hidden;

pub(crate) const RECORD_FILE: &str = ".brief-files";

/// First line of a record, also what a reader who opens it learns.
const HEADER: &str = "brief-files 1: what the last build wrote here; brief deletes no other file";

/// The files of the last build in `dir`, or `None` when there is no readable
/// record. What `deploy` should upload, and all that `build` may delete.
fn built_files(dir: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(RECORD_FILE)).ok()?;
    let mut lines = text.lines();
    (lines.next()? == HEADER).then(|| lines.map(str::to_string).collect())
}

/// The files brief wrote in an output directory.
#[derive(Debug, Default)]
pub(crate) struct Owned {
    pub(crate) files: HashSet<String>,
    /// They come from the record itself (not from an old manifest, or none).
    pub(crate) recorded: bool,
}

/// Who owns the files in the output `dir`: `None` when it holds no site (no
/// entry that is not hidden), so a build may write in place; else the files
/// brief wrote there. An output that holds files and no record of a brief
/// build is refused, naming some of them, unless `force` (then brief owns none
/// of them, so it deletes none of them). `on_record`: see [`owned_files`].
pub(crate) fn owner<'a>(
    dir: &Path,
    on_record: impl Iterator<Item = &'a String>,
    force: bool,
) -> Result<Option<Owned>, Diagnostic> {
    if holds_no_site(dir) {
        return Ok(None);
    }
    match owned_files(dir, on_record) {
        Some(owned) => Ok(Some(owned)),
        None if force => Ok(Some(Owned::default())),
        None => Err(foreign_output(dir)),
    }
}

/// Whether `dir` has no entries but hidden ones (`.git` and the like, which a
/// build never touches).
fn holds_no_site(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .is_ok_and(|mut entries| entries.all(|e| e.is_ok_and(|e| is_hidden(&e.file_name()))))
}

/// The refusal of an output directory that holds files and no record of a build.
fn foreign_output(dir: &Path) -> Diagnostic {
    let found = Listing::of(dir).into_sorted();
    Diagnostic::error(format!(
        "refusing to build into {}: it holds files that brief did not write ({}) and no record of a brief build",
        dir.display(),
        some_of(&found)
    ))
    .hint(
        "build into a new or empty folder; or pass --force to build here anyway: the build then \
         replaces the files it writes and keeps every other file (brief never deletes a file it did not write)",
    )
}

/// The files brief owns in `dir`: its record, or, in an output built by a brief
/// from before records, `on_record`, the files that build's manifest lists in
/// the build's memory (`None`: no record of any build).
fn owned_files<'a>(dir: &Path, on_record: impl Iterator<Item = &'a String>) -> Option<Owned> {
    if let Some(files) = built_files(dir) {
        return Some(Owned {
            files: files.into_iter().collect(),
            recorded: true,
        });
    }
    let files: HashSet<String> = on_record.cloned().collect();
    (!files.is_empty()).then_some(Owned {
        files,
        recorded: false,
    })
}

/// The record of `files`, sorted (in parallel: 170k paths at 100k insights).
pub(crate) fn text_of<'a>(files: impl Iterator<Item = &'a String>) -> String {
    let mut files: Vec<&String> = files.collect();
    files.par_sort_unstable();
    let size = HEADER.len() + 1 + files.iter().map(|f| f.len() + 1).sum::<usize>();
    let mut text = String::with_capacity(size);
    text.push_str(HEADER);
    text.push('\n');
    for file in files {
        text.push_str(file);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_sorted_and_rejects_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = ["b/index.html".to_string(), "a.css".to_string()];
        std::fs::write(dir.path().join(RECORD_FILE), text_of(files.iter())).unwrap();
        assert_eq!(built_files(dir.path()).unwrap(), ["a.css", "b/index.html"]);
        std::fs::write(dir.path().join(RECORD_FILE), "a.css\n").unwrap();
        assert!(built_files(dir.path()).is_none(), "no header, no record");
        assert!(owned_files(dir.path(), std::iter::empty()).is_none());
    }
}
