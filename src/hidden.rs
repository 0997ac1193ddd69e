//! Which entries are hidden: those whose name starts with a dot (`.git`,
//! `.drafts/`, `.brief-staging`, an editor's `.#lock` or `.swp` file). One rule
//! for every reader of the sources (content, themes, raw import files, mail
//! folders, the `serve` watcher), so what one skips no other reads; and for every
//! walk of an output (the build, `ping`, `deploy`), whose hidden entries are never
//! brief's pages: never written, uploaded or deleted remotely.

use std::ffi::OsStr;

/// Whether a file or folder named `name` is hidden. `.` and `..` (a path given
/// as `.`) are not names but places, and are not hidden.
pub(crate) fn is_hidden(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".") && name != b"." && name != b".."
}

/// Whether the `/`-separated relative path or storage key `path` passes
/// through a hidden entry. Stricter than [`is_hidden`]: a `.` or `..` segment
/// counts too, since such a path names no plain file of an output.
pub(crate) fn has_hidden_segment(path: &str) -> bool {
    path.split('/').any(|segment| segment.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_names_are_hidden_but_dot_places_are_not() {
        for name in [".git", ".a.md.swp", ".#a.md", ".drafts"] {
            assert!(is_hidden(OsStr::new(name)), "{name}");
        }
        for name in ["a.md", ".", "..", "a.", "4913"] {
            assert!(!is_hidden(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn a_path_with_any_dot_segment_is_hidden() {
        for path in [".git/config", "a/.b/c", "a/../b", "./a"] {
            assert!(has_hidden_segment(path), "{path}");
        }
        for path in ["a/b.c", "insights/x/index.html", "a./b"] {
            assert!(!has_hidden_segment(path), "{path}");
        }
    }
}
