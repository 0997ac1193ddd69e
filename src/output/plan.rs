//! What a commit must change, worked out before anything changes: which staged
//! files move into place, which stale files go, and whether something brief did
//! not write stands in the way. Stale means listed in the ownership record and
//! not produced by this build; a file brief did not write is never stale. What
//! is in the way is refused, so a refused build changes nothing:
//!
//! - a file brief did not write where the build writes one (replaced with
//!   `--force`);
//! - a link (or any entry that is neither file nor folder) where the build
//!   writes a file or needs a folder: brief never writes or deletes through a
//!   link inside the output (with `--force` the link itself is replaced, and
//!   the files below it are written into a real folder; what it points to is
//!   left alone);
//! - a file brief did not write where the build needs a folder, or inside a
//!   folder that a file replaces (refused even with `--force`: brief never
//!   deletes a file it did not write).
//!
//! Pure but for the directory walk of [`Listing`], which runs on its own thread
//! while the build renders.

use std::collections::HashSet;
use std::path::Path;

use super::journal::Commit;
use super::Emitted;
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::hidden::is_hidden;

/// The non-hidden entries under an output directory, relative and
/// `/`-separated. Hidden entries at any level (`.git`, `.well-known`, brief's
/// own staging area, record and journal) are never listed, so never touched.
/// Links are listed, never followed. Walking ten thousand folders is a fifth of
/// a rebuild's CPU, so it runs while the build renders.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    files: Vec<String>,
    /// Links, and anything else that is neither a file nor a folder.
    others: Vec<String>,
}

impl Listing {
    pub(crate) fn of(dir: &Path) -> Listing {
        let mut listing = Listing::default();
        let walker = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| !is_hidden(e.file_name()));
        for entry in walker.flatten() {
            let kind = entry.file_type();
            if kind.is_dir() {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if kind.is_file() {
                listing.files.push(rel);
            } else {
                listing.others.push(rel);
            }
        }
        listing
    }

    /// Every entry listed, sorted.
    pub(crate) fn into_sorted(self) -> Vec<String> {
        let mut entries = self.files;
        entries.extend(self.others);
        entries.sort();
        entries
    }
}

/// What `put` found at the place of a file it staged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InTheWay {
    /// A different file that brief did not write.
    ForeignFile,
    /// A folder (a page there became a file).
    Folder,
}

/// Everything the plan weighs.
pub(crate) struct Inputs<'a> {
    pub(crate) listing: Listing,
    /// Files brief wrote in the output before this build (its record).
    pub(crate) owned: &'a HashSet<String>,
    /// Every file of this build.
    pub(crate) emitted: &'a Emitted,
    /// The files of this build that are staged (they changed).
    pub(crate) staged: &'a [String],
    pub(crate) in_the_way: Vec<(String, InTheWay)>,
    pub(crate) force: bool,
}

/// The commit, and the unchanged files (below a link that `--force` replaces)
/// to copy into the staging area before it starts.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) commit: Commit,
    pub(crate) copies: Vec<String>,
}

/// Works out the commit, or refuses it, naming what is in the way.
pub(crate) fn plan(inputs: Inputs) -> Result<Plan, Diagnostics> {
    let Inputs {
        listing,
        owned,
        emitted,
        staged,
        in_the_way,
        force,
    } = inputs;
    let mut needed: Option<HashSet<&str>> = None;
    let mut is_needed_folder = |rel: &str| {
        needed
            .get_or_insert_with(|| folders_of(emitted))
            .contains(rel)
    };
    let mut removes = Vec::new();
    let mut blocking = Vec::new();
    for rel in listing.files.iter().filter(|f| !emitted.contains_key(*f)) {
        if owned.contains(rel) {
            removes.push(rel.clone());
        } else if is_needed_folder(rel) {
            blocking.push(rel.clone());
        }
    }
    let links: Vec<&String> = listing
        .others
        .iter()
        .filter(|o| emitted.contains_key(*o) || is_needed_folder(o))
        .collect();
    let mut foreign = Vec::new();
    for (rel, kind) in in_the_way {
        match kind {
            InTheWay::ForeignFile => foreign.push(rel),
            InTheWay::Folder => {
                let inside = format!("{rel}/");
                let entries = listing.files.iter().chain(&listing.others);
                blocking.extend(
                    entries
                        .filter(|e| e.starts_with(&inside) && !owned.contains(*e))
                        .cloned(),
                );
            }
        }
    }
    let mut refusals = Diagnostics::default();
    refuse(
        &mut refusals,
        blocking,
        "file",
        |files| format!("in the way of a folder (or a file) this build needs: {files} brief did not write"),
        "move them out of the output directory; brief never deletes a file it did not write, not even with --force",
    );
    if !force {
        refuse(
            &mut refusals,
            foreign,
            "file",
            |files| format!("refusing to replace {files} brief did not write"),
            "move them out of the output directory, or pass --force to let this build replace them (other files brief did not write are still kept)",
        );
        refuse(
            &mut refusals,
            links.iter().map(|link| link.to_string()).collect(),
            "link",
            |links| format!("refusing to write through {links} in the output directory"),
            "brief never writes or deletes through a link inside the output: remove it, or pass --force to replace the link itself (what it points to is left alone)",
        );
    }
    refusals.into_result()?;
    let copies = unchanged_below(&links, emitted, staged);
    let mut removes_first: Vec<String> = links.into_iter().cloned().collect();
    removes_first.extend(removes);
    let mut places = staged.to_vec();
    places.extend(copies.iter().cloned());
    Ok(Plan {
        commit: Commit {
            removes: removes_first,
            places,
            record: false,
        },
        copies,
    })
}

/// Files of this build at or below `links` that were not staged (they were
/// found unchanged, through the link): they must be written anew once the link
/// is replaced by a real folder.
fn unchanged_below(links: &[&String], emitted: &Emitted, staged: &[String]) -> Vec<String> {
    if links.is_empty() {
        return Vec::new();
    }
    let staged: HashSet<&str> = staged.iter().map(String::as_str).collect();
    let mut copies: Vec<String> = emitted
        .keys()
        .filter(|path| !staged.contains(path.as_str()))
        .filter(|path| {
            links.iter().any(|link| {
                path.strip_prefix(link.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        })
        .cloned()
        .collect();
    copies.sort();
    copies
}

/// Every folder (relative, `/`-separated) that holds a file of this build.
fn folders_of(emitted: &Emitted) -> HashSet<&str> {
    emitted
        .keys()
        .flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at]))
        .collect()
}

/// Adds the refusal of `paths` unless there are none: `what` says what is
/// wrong with "N `noun`s", and the first few paths follow.
fn refuse(
    refusals: &mut Diagnostics,
    mut paths: Vec<String>,
    noun: &str,
    what: impl FnOnce(String) -> String,
    hint: &str,
) {
    if paths.is_empty() {
        return;
    }
    paths.sort();
    let counted = Count(paths.len(), noun).to_string();
    refusals.push(Diagnostic::error(format!("{}: {}", what(counted), some_of(&paths))).hint(hint));
}

/// The first few of `paths`, then how many more.
pub(crate) fn some_of<S: AsRef<str>>(paths: &[S]) -> String {
    const SHOWN: usize = 3;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str]) -> HashSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    fn emitted(paths: &[&str]) -> Emitted {
        paths.iter().map(|p| (p.to_string(), None)).collect()
    }

    fn listing(files: &[&str], others: &[&str]) -> Listing {
        Listing {
            files: files.iter().map(|p| p.to_string()).collect(),
            others: others.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn removes_only_stale_files_brief_wrote() {
        let owned = set(&["index.html", "old/index.html"]);
        let emitted = emitted(&["index.html", "new/index.html"]);
        let staged = ["new/index.html".to_string()];
        let plan = plan(Inputs {
            listing: listing(&["index.html", "old/index.html", "notes.txt"], &[]),
            owned: &owned,
            emitted: &emitted,
            staged: &staged,
            in_the_way: vec![],
            force: false,
        })
        .unwrap();
        assert_eq!(plan.commit.removes, ["old/index.html"]);
        assert_eq!(plan.commit.places, ["new/index.html"]);
    }

    #[test]
    fn refuses_links_and_foreign_files_in_the_way_unless_forced() {
        let owned = set(&["index.html"]);
        let emitted = emitted(&["index.html", "issues/a/index.html", "CNAME"]);
        let staged = ["CNAME".to_string()];
        let inputs = |force| Inputs {
            listing: listing(&["index.html", "CNAME"], &["issues"]),
            owned: &owned,
            emitted: &emitted,
            staged: &staged,
            in_the_way: vec![("CNAME".to_string(), InTheWay::ForeignFile)],
            force,
        };
        let refused = plan(inputs(false)).unwrap_err().to_string();
        assert!(
            refused.contains("refusing to replace 1 file brief did not write: CNAME"),
            "{refused}"
        );
        assert!(
            refused.contains("refusing to write through 1 link in the output directory: issues"),
            "{refused}"
        );
        let forced = plan(inputs(true)).unwrap();
        assert_eq!(forced.commit.removes, ["issues"], "the link itself goes");
        assert_eq!(forced.copies, ["issues/a/index.html"]);
        assert_eq!(forced.commit.places, ["CNAME", "issues/a/index.html"]);
    }

    #[test]
    fn never_deletes_a_foreign_file_for_a_folder_even_when_forced() {
        let owned = set(&["a/index.html"]);
        let emitted = emitted(&["a", "notes/index.html"]);
        let staged = ["a".to_string(), "notes/index.html".to_string()];
        let refused = plan(Inputs {
            listing: listing(&["a/index.html", "a/mine.txt", "notes"], &[]),
            owned: &owned,
            emitted: &emitted,
            staged: &staged,
            in_the_way: vec![("a".to_string(), InTheWay::Folder)],
            force: true,
        })
        .unwrap_err()
        .to_string();
        assert!(refused.contains("in the way of a folder (or a file) this build needs: 2 files brief did not write: a/mine.txt, notes"), "{refused}");
    }
}
