//! Writing one file of the build: its folders first, then the file. Pages
//! mostly have a folder of their own, but an issue's page and both files of its
//! email edition share one, and so do a month's archive feeds: the folders
//! made so far are remembered, so a file beside another skips its `mkdir`
//! (4,400 failed calls at 10k insights).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Default)]
pub(super) struct Folders(Mutex<HashSet<PathBuf>>);

impl Folders {
    /// Creates (or truncates) `path` and its folders, writes `bytes`, and
    /// returns the file's metadata for its stamp.
    pub(super) fn write_file(
        &self,
        path: &Path,
        bytes: &[u8],
    ) -> std::io::Result<std::fs::Metadata> {
        if let Some(parent) = path.parent().filter(|p| !self.made(p)) {
            super::make_parent(path)?;
            self.lock().insert(parent.to_path_buf());
        }
        let mut file = std::fs::File::create(path)?;
        file.write_all(bytes)?;
        file.metadata()
    }

    fn made(&self, folder: &Path) -> bool {
        self.lock().contains(folder)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<PathBuf>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
