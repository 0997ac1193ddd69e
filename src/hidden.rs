//! Which entries of the site's folders are not sources: hidden ones, whose name
//! starts with a dot (`.git`, `.drafts/`, `.brief-staging`, an editor's `.#lock`
//! or `.swp` file). One rule for every reader of the sources (content, themes,
//! raw import files, the `serve` watcher), so what one skips no other reads.

use std::ffi::OsStr;

/// Whether a file or folder named `name` is hidden. `.` and `..` (a path given
/// as `.`) are not names but places, and are not hidden.
pub(crate) fn is_hidden(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".") && name != b"." && name != b".."
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
}
