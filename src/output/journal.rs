//! The journal that makes a build recoverable wherever it is killed. It is
//! `.brief-journal` in the output directory (hidden, so never deployed), and it
//! says what a build was in the middle of:
//!
//! - a **commit**: the changed files are staged under `.brief-staging/`; the
//!   journal lists every deletion and every move, and is written (atomically,
//!   by rename) before the first of them. A build killed before that point left
//!   the old site (plus a staging area the next run drops); one killed after it
//!   leaves a site the next run completes by making the listed changes again:
//!   each is idempotent (a deletion of a file already gone, a move whose staged
//!   file is already gone, are done).
//! - a **first build**, written in place into an output with no site in it (see
//!   [`super::DiskOutput`]): each top-level file or folder is noted before it is
//!   made, so the next run removes what that build made and nothing else (see
//!   [`FirstBuild`]).
//!
//! [`recover`] is that next run's first step (`build` and `serve` call it, and
//! `deploy` calls it or [`refuse_unfinished`]). Every deletion and move checks
//! that the folders above the file are real folders of the output: a link in
//! their place is never followed. The journal protects against a killed
//! process; it does not make the files durable against a power cut (that would
//! take an fsync per file).

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use super::record::RECORD_FILE;
use super::STAGING_DIR;
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::lock::SiteLock;

pub const JOURNAL_FILE: &str = ".brief-journal";

const COMMIT: &str = "brief-journal 1 commit";
const FIRST_BUILD: &str = "brief-journal 1 first-build";

/// The changes of one commit, made in this order: deletions (so a page may
/// become a folder and a folder a page), moves, then the new record.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Commit {
    /// Stale files brief wrote, and (with `--force`) entries in the way.
    pub(crate) removes: Vec<String>,
    /// Staged files to move into place.
    pub(crate) places: Vec<String>,
    /// Whether a new ownership record is staged, to put in place last.
    pub record: bool,
}

/// How far a commit got: the truth for the summary line after a failure.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub(crate) placed: usize,
    pub(crate) to_place: usize,
    pub(crate) removed: usize,
    pub(crate) to_remove: usize,
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} changed files were put in place and {} of {} stale files removed",
            self.placed, self.to_place, self.removed, self.to_remove
        )
    }
}

impl Commit {
    pub(crate) fn is_empty(&self) -> bool {
        self.removes.is_empty() && self.places.is_empty() && !self.record
    }

    /// Writes the journal: from here on, a killed build is completed by the
    /// next run rather than dropped.
    pub(crate) fn begin(&self, dir: &Path) -> std::io::Result<()> {
        let mut text = String::with_capacity(64 + (self.removes.len() + self.places.len()) * 48);
        text.push_str(COMMIT);
        text.push('\n');
        for rel in &self.removes {
            text.push_str("- ");
            text.push_str(rel);
            text.push('\n');
        }
        for rel in &self.places {
            text.push_str("+ ");
            text.push_str(rel);
            text.push('\n');
        }
        if self.record {
            text.push_str("record\n");
        }
        let staged = dir.join(format!("{JOURNAL_FILE}.tmp"));
        std::fs::write(&staged, text)?;
        std::fs::rename(staged, dir.join(JOURNAL_FILE))
    }

    /// Makes the changes; every one that fails is an error, and the others are
    /// still made (the next run retries the rest).
    pub(crate) fn apply(&self, dir: &Path, errors: &mut Diagnostics) -> Progress {
        let staging = dir.join(STAGING_DIR);
        let mut folders = RealFolders::default();
        let removed = remove_files(dir, &self.removes, &mut folders, errors);
        let mut placed = 0;
        for rel in &self.places {
            let from = staging.join(rel);
            let dest = dir.join(rel);
            // Gone from the staging area: moved by an earlier, cut-short try.
            let moved = std::fs::symlink_metadata(&from).is_err()
                || folders
                    .check(dir, rel)
                    .and_then(|_| place(&from, &dest))
                    .map_err(|e| errors.push(Diagnostic::io("put in place", &dest, &e)))
                    .is_ok();
            placed += usize::from(moved);
        }
        if self.record {
            let from = staging.join(RECORD_FILE);
            if from.exists() {
                if let Err(e) = std::fs::rename(&from, dir.join(RECORD_FILE)) {
                    errors.push(Diagnostic::io("update", &dir.join(RECORD_FILE), &e));
                }
            }
        }
        Progress {
            placed,
            to_place: self.places.len(),
            removed,
            to_remove: self.removes.len(),
        }
    }

    /// The commit a journal's lines after the first describe; `None` if a
    /// line is not one brief writes. A path that leaves the output, or names
    /// a hidden entry (which brief never writes), is refused before anything
    /// is done: a journal is a file in the output, which anyone who shares
    /// the output may have written.
    fn parse(lines: std::str::Lines, journal: &Path) -> Result<Commit, Diagnostic> {
        let mut commit = Commit::default();
        for line in lines {
            let (list, rel) = match line.split_at_checked(2) {
                Some(("- ", rel)) => (&mut commit.removes, rel),
                Some(("+ ", rel)) => (&mut commit.places, rel),
                _ if line == "record" => {
                    commit.record = true;
                    continue;
                }
                _ => return Err(unreadable(journal)),
            };
            if super::check_relative(rel).is_err() {
                return Err(Diagnostic::error(format!(
                    "the journal of an earlier build names {rel:?}, which is not a file a build writes in the output: nothing was done"
                ))
                .at(journal)
                .hint("brief did not write this journal: delete it, then run `brief build` again"));
            }
            list.push(rel.to_string());
        }
        Ok(commit)
    }
}

/// The log of a first build written in place: the top-level entries it made.
/// The output held no site (no entry that is not hidden) when it began, and
/// brief never writes a hidden entry, so each of them, and all below it, is this
/// build's work. Noting each file instead would cost a `write` per file, a few
/// percent of a full build.
pub(crate) struct FirstBuild {
    file: std::fs::File,
    noted: Mutex<HashSet<String>>,
}

impl FirstBuild {
    /// Starts the log in `dir`; from here on a killed build is rolled back.
    pub(crate) fn start(dir: &Path) -> std::io::Result<FirstBuild> {
        let mut file = std::fs::File::options()
            .create(true)
            .truncate(true)
            .write(true)
            .open(dir.join(JOURNAL_FILE))?;
        file.write_all(format!("{FIRST_BUILD}\n").as_bytes())?;
        Ok(FirstBuild {
            file,
            noted: Mutex::default(),
        })
    }

    /// Notes the top-level entry of `rel` before anything of it is made. The
    /// lock is held while the line is written: another writer of the same
    /// entry must not go ahead before it is noted.
    pub(crate) fn note(&self, rel: &str) -> std::io::Result<()> {
        let top = rel.split('/').next().unwrap_or(rel);
        let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        if !noted.contains(top) {
            (&self.file).write_all(format!("{top}\n").as_bytes())?;
            noted.insert(top.to_string());
        }
        Ok(())
    }
}

/// Removes what a first build killed partway made: the top-level entries its
/// journal notes, each with everything below it (a link is removed, never
/// followed). Returns how many there were.
fn roll_back_first_build(dir: &Path, journal: &str, errors: &mut Diagnostics) -> usize {
    // A line is whole only if it ends the text: an entry is noted before it
    // is made, so a cut line has none.
    let noted = journal
        .split_inclusive('\n')
        .skip(1)
        .filter_map(|line| line.strip_suffix('\n'))
        .filter(|name| super::check_relative(name).is_ok() && !name.contains('/'));
    let mut removed = 0;
    for name in noted {
        let path = dir.join(name);
        let result = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => removed += 1,
            Err(e) => errors.push(Diagnostic::io("remove", &path, &e)),
        }
    }
    removed
}

/// Ends a build's journal once the output holds a whole site again (with the
/// half-written one of a commit killed while it wrote it), and drops the
/// staging area.
pub(crate) fn finish(dir: &Path) -> std::io::Result<()> {
    let _ = std::fs::remove_file(dir.join(format!("{JOURNAL_FILE}.tmp")));
    match std::fs::remove_file(dir.join(JOURNAL_FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => {
            let staging = dir.join(STAGING_DIR);
            if std::fs::symlink_metadata(&staging).is_ok() {
                std::fs::remove_dir_all(&staging)?;
            }
            Ok(())
        }
    }
}

/// What [`recover`] found in an output directory, and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// No build had been cut short there.
    Clean,
    /// A build killed while it moved files into place: now completed.
    Completed(Progress),
    /// A first build killed while it wrote in place: what it had made (this
    /// many top-level files and folders) is removed again.
    RolledBack { removed: usize },
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recovery::Clean => write!(f, "no build was cut short"),
            Recovery::Completed(p) => write!(
                f,
                "completed a build that was cut short while it replaced files ({} put in place, {} removed)",
                Count(p.placed, "file"), p.removed
            ),
            Recovery::RolledBack { removed } => write!(
                f,
                "rolled back a first build that was cut short ({removed} of the top-level files and folders it had made removed, with all they held)"
            ),
        }
    }
}

/// Completes or rolls back a build into `dir` that was killed partway, so the
/// output holds a whole site again (the new one, or, after a first build, none),
/// and drops a staging area left behind. Holding the site's lock proves that no
/// build is still running there. Fails, naming what could not be done, when a
/// change fails again (say a folder is read-only): `dir` then stays marked, so
/// `deploy` keeps refusing it and the next run tries again.
pub fn recover(dir: &Path, _lock: &SiteLock) -> Result<Recovery, Diagnostics> {
    let journal = dir.join(JOURNAL_FILE);
    let text = match std::fs::read_to_string(&journal) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            finish(dir).map_err(|e| Diagnostic::io("clear the staging area", dir, &e))?;
            return Ok(Recovery::Clean);
        }
        Err(e) => return Err(Diagnostic::io("read", &journal, &e).into()),
    };
    let mut lines = text.lines();
    let mut errors = Diagnostics::default();
    let recovery = match lines.next() {
        Some(COMMIT) => {
            let commit = Commit::parse(lines, &journal)?;
            Recovery::Completed(commit.apply(dir, &mut errors))
        }
        Some(FIRST_BUILD) => Recovery::RolledBack {
            removed: roll_back_first_build(dir, &text, &mut errors),
        },
        _ => return Err(unreadable(&journal).into()),
    };
    if errors.has_errors() {
        errors.push(
            Diagnostic::error(format!(
                "{} holds a build that was cut short, and it could not be {}",
                dir.display(),
                match recovery {
                    Recovery::RolledBack { .. } => "rolled back",
                    _ => "completed",
                }
            ))
            .hint("fix the cause above and run `brief build` again: it finishes the job first"),
        );
        return Err(errors);
    }
    finish(dir).map_err(|e| Diagnostic::io("remove", &journal, &e))?;
    Ok(recovery)
}

/// Fails when `dir` holds a build that was cut short and not yet recovered:
/// for `deploy`, which must never upload a half-replaced site.
pub fn refuse_unfinished(dir: &Path) -> Result<(), Diagnostic> {
    if std::fs::symlink_metadata(dir.join(JOURNAL_FILE)).is_err() {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "{} holds a build that was cut short: part old site, part new",
        dir.display()
    ))
    .hint("run `brief build`: it completes (or rolls back) that build first"))
}

fn unreadable(journal: &Path) -> Diagnostic {
    Diagnostic::error("the journal of an earlier build is not one brief can read")
        .at(journal)
        .hint("rebuild from scratch: delete the output directory and run `brief build`")
}

/// Deletes the files `rels` under `dir` (a file already gone counts as
/// deleted), then the folders that leaves empty. Returns how many are gone.
pub(crate) fn remove_files(
    dir: &Path,
    rels: &[String],
    folders: &mut RealFolders,
    errors: &mut Diagnostics,
) -> usize {
    let mut removed = 0;
    for rel in rels {
        let path = dir.join(rel);
        match folders.check(dir, rel).and_then(|_| remove_entry(&path)) {
            Ok(()) => removed += 1,
            Err(e) => errors.push(Diagnostic::io("remove", &path, &e)),
        }
    }
    let mut folders: Vec<&str> = rels
        .iter()
        .flat_map(|rel| rel.match_indices('/').map(|(at, _)| &rel[..at]))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // Deepest first, so a folder emptied of empty folders goes too. Fails,
    // harmlessly, on a folder that still holds something.
    folders.sort_unstable_by_key(|folder| std::cmp::Reverse(folder.matches('/').count()));
    for folder in folders {
        let _ = std::fs::remove_dir(dir.join(folder));
    }
    removed
}

/// Removes a file or link (never what a link points to); gone already is fine.
fn remove_entry(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Moves a staged file to `dest`, making its folders; an empty folder in the
/// way (a page that became a file, its old files already removed) goes first.
fn place(from: &Path, dest: &Path) -> std::io::Result<()> {
    super::make_parent(dest)?;
    match std::fs::rename(from, dest) {
        Err(e) if std::fs::symlink_metadata(dest).is_ok_and(|m| m.is_dir()) => {
            std::fs::remove_dir(dest).map_err(|_| e)?;
            std::fs::rename(from, dest)
        }
        other => other,
    }
}

/// The folders of an output already seen to be real folders, not links.
#[derive(Default)]
pub(crate) struct RealFolders {
    seen: HashSet<String>,
}

impl RealFolders {
    /// Fails when a folder above `rel` in `dir` is a link or a file: a write or
    /// deletion there would land outside the output (or fail halfway).
    pub(crate) fn check(&mut self, dir: &Path, rel: &str) -> std::io::Result<()> {
        for (at, _) in rel.match_indices('/') {
            let folder = &rel[..at];
            if self.seen.contains(folder) {
                continue;
            }
            match std::fs::symlink_metadata(dir.join(folder)) {
                Ok(meta) if meta.is_dir() => {
                    self.seen.insert(folder.to_string());
                }
                // Not made yet: nor is anything below it.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Ok(_) => {
                    return Err(std::io::Error::other(format!(
                        "{folder} is a link or a file, not a folder; brief never writes or deletes through a link inside the output"
                    )))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_journal_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let commit = Commit {
            removes: vec!["old/index.html".into()],
            places: vec!["index.html".into(), "a b/index.html".into()],
            record: true,
        };
        commit.begin(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(JOURNAL_FILE)).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(COMMIT));
        assert_eq!(Commit::parse(lines, Path::new("j")).unwrap(), commit);
        assert!(refuse_unfinished(dir.path()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn never_deletes_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, elsewhere) = (tmp.path().join("out"), tmp.path().join("elsewhere"));
        std::fs::create_dir_all(dir.join("real")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("index.html"), "keep").unwrap();
        std::fs::write(dir.join("real/index.html"), "stale").unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.join("linked")).unwrap();
        let mut errors = Diagnostics::default();
        let rels = [
            "linked/index.html".to_string(),
            "real/index.html".to_string(),
        ];
        let removed = remove_files(&dir, &rels, &mut RealFolders::default(), &mut errors);
        assert_eq!(removed, 1);
        assert!(errors
            .to_string()
            .contains("never writes or deletes through a link"));
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("index.html")).unwrap(),
            "keep"
        );
        assert!(!dir.join("real").exists(), "emptied folder removed");
    }
}
