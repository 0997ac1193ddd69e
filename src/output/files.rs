//! Writing one file of the build: its folders first, then the file. Pages
//! mostly have a folder of their own, but an issue's page and both files of its
//! email edition share one, and so do a month's archive feeds: the folders
//! made so far are remembered, so a file beside another skips its `mkdir`
//! (4,400 failed calls at 10k insights). They are remembered by a hash of
//! their path, not the path: 130,000 folder names at 100k insights took 10 MB
//! of the build's peak memory. A hash that matches by chance costs one retry,
//! never a missing folder (see [`Folders::write_file`]). On Unix, folders and
//! files are made by paths relative to the folder the build writes into,
//! opened once: the kernel no longer walks the output's own path twice per
//! file (a tenth of the build's kernel time at 10k insights), and every write
//! lands in the folder that was checked, even if its path is renamed away
//! during the build.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub(super) struct Folders {
    base: base::Base,
    /// The hashes of the folders made so far.
    made: Mutex<HashSet<u64>>,
}

impl Folders {
    /// Files written into `folder`, which exists.
    pub(super) fn at(folder: &Path) -> std::io::Result<Folders> {
        Ok(Folders {
            base: base::Base::open(folder)?,
            made: Mutex::default(),
        })
    }

    /// Where `rel` is written.
    pub(super) fn path_of(&self, rel: &str) -> PathBuf {
        self.base.path.join(rel)
    }

    /// Creates (or truncates) `rel` (a `/`-separated path) and its folders,
    /// writes `bytes`, and returns the file's metadata for its stamp.
    pub(super) fn write_file(&self, rel: &str, bytes: &[u8]) -> std::io::Result<std::fs::Metadata> {
        let parent = rel.rsplit_once('/').map(|(parent, _)| parent);
        if let Some(parent) = parent {
            let hash = folder_hash(parent);
            if !self.lock().contains(&hash) {
                self.make_folder(parent)?;
                self.lock().insert(hash);
            }
        }
        let mut file = match (self.base.create(rel), parent) {
            // The folder was taken for made because another's hash is the
            // same: it is made now.
            (Err(e), Some(parent)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.make_folder(parent)?;
                self.base.create(rel)?
            }
            (file, _) => file?,
        };
        file.write_all(bytes)?;
        file.metadata()
    }

    /// Most pages have a folder of their own whose parent exists: one `mkdir`
    /// instead of `create_dir_all`'s `stat` first (17k fewer calls at 10k
    /// insights). A missing parent is made the same way, inside the base, and
    /// the folder is then tried once more: a parent that exists but leads
    /// nowhere (a dangling link) fails, it is not retried forever.
    fn make_folder(&self, rel: &str) -> std::io::Result<()> {
        match self.base.mkdir(rel) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match rel.rsplit_once('/') {
                Some((parent, _)) => {
                    self.make_folder(parent)?;
                    existing_is_fine(self.base.mkdir(rel))
                }
                None => Err(e),
            },
            result => existing_is_fine(result),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<u64>> {
        self.made.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What [`Folders`] remember a made folder by.
fn folder_hash(folder: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(folder.as_bytes())
}

/// A folder already there is the folder wanted; a file in the way fails the
/// write that follows, naming the path.
fn existing_is_fine(made: std::io::Result<()>) -> std::io::Result<()> {
    match made {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        result => result,
    }
}

/// The folder a build writes into, and the two calls made in it.
#[cfg(unix)]
mod base {
    use std::fs::File;
    use std::os::fd::OwnedFd;
    use std::path::{Path, PathBuf};

    use rustix::fs::{Mode, OFlags};

    pub(super) struct Base {
        pub(super) path: PathBuf,
        fd: OwnedFd,
    }

    impl Base {
        pub(super) fn open(path: &Path) -> std::io::Result<Base> {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Ok(Base {
                path: path.to_path_buf(),
                fd: rustix::fs::open(path, flags, Mode::empty())?,
            })
        }

        pub(super) fn mkdir(&self, rel: &str) -> std::io::Result<()> {
            Ok(rustix::fs::mkdirat(
                &self.fd,
                rel,
                Mode::from_raw_mode(0o777),
            )?)
        }

        /// As `File::create` does: write only, created or truncated, mode 0666
        /// less the umask.
        pub(super) fn create(&self, rel: &str) -> std::io::Result<File> {
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
            let fd = rustix::fs::openat(&self.fd, rel, flags, Mode::from_raw_mode(0o666))?;
            Ok(File::from(fd))
        }
    }
}

/// Elsewhere, by whole paths.
#[cfg(not(unix))]
mod base {
    use std::fs::File;
    use std::path::{Path, PathBuf};

    pub(super) struct Base {
        pub(super) path: PathBuf,
    }

    impl Base {
        pub(super) fn open(path: &Path) -> std::io::Result<Base> {
            Ok(Base {
                path: path.to_path_buf(),
            })
        }

        pub(super) fn mkdir(&self, rel: &str) -> std::io::Result<()> {
            std::fs::create_dir(self.path.join(rel))
        }

        pub(super) fn create(&self, rel: &str) -> std::io::Result<File> {
            File::create(self.path.join(rel))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_files_and_their_folders_inside_the_base() {
        let tmp = tempfile::tempdir().unwrap();
        let folders = Folders::at(tmp.path()).unwrap();
        folders.write_file("index.html", b"home").unwrap();
        folders
            .write_file("issues/2026-11-18/index.html", b"a")
            .unwrap();
        folders
            .write_file("issues/2026-11-18/email.txt", b"b")
            .unwrap();
        let meta = folders
            .write_file("topics/ai/page/2/index.html", b"c")
            .unwrap();
        assert_eq!(meta.len(), 1);
        for (rel, text) in [
            ("index.html", "home"),
            ("issues/2026-11-18/email.txt", "b"),
            ("topics/ai/page/2/index.html", "c"),
        ] {
            assert_eq!(std::fs::read_to_string(tmp.path().join(rel)).unwrap(), text);
        }
        // Written again: truncated, not appended to.
        folders.write_file("index.html", b"x").unwrap();
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("index.html")).unwrap(),
            "x"
        );
    }

    #[test]
    fn a_folder_taken_for_made_by_its_hash_is_made_when_missing() {
        let tmp = tempfile::tempdir().unwrap();
        let folders = Folders::at(tmp.path()).unwrap();
        // As if another folder's hash were the same as this one's.
        folders.lock().insert(folder_hash("issues/2026-11-19"));
        folders
            .write_file("issues/2026-11-19/index.html", b"a")
            .unwrap();
        let written = tmp.path().join("issues/2026-11-19/index.html");
        assert_eq!(std::fs::read_to_string(written).unwrap(), "a");
    }

    #[test]
    #[cfg(unix)]
    fn writes_land_in_the_folder_opened_even_if_it_is_moved() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let folders = Folders::at(&out).unwrap();
        let moved = tmp.path().join("moved");
        std::fs::rename(&out, &moved).unwrap();
        std::fs::create_dir(&out).unwrap();
        folders.write_file("insights/a/index.html", b"a").unwrap();
        assert!(moved.join("insights/a/index.html").is_file());
        assert!(!out.join("insights").exists());
    }

    #[test]
    #[cfg(unix)]
    fn a_dangling_link_in_the_way_fails_instead_of_looping() {
        let tmp = tempfile::tempdir().unwrap();
        let folders = Folders::at(tmp.path()).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("gone"), tmp.path().join("topics")).unwrap();
        assert!(folders
            .write_file("topics/ai/page/2/index.html", b"x")
            .is_err());
        assert!(!tmp.path().join("gone").exists());
    }

    #[test]
    fn a_file_in_the_way_of_a_folder_fails_the_write_and_stays() {
        let tmp = tempfile::tempdir().unwrap();
        let folders = Folders::at(tmp.path()).unwrap();
        std::fs::write(tmp.path().join("search"), "a file").unwrap();
        assert!(folders.write_file("search/index.html", b"x").is_err());
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("search")).unwrap(),
            "a file"
        );
    }
}
