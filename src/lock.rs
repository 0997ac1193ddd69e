//! The site lock. Every command that writes to a site (`build`, `import`, `new`,
//! `rename` and `deploy`) holds it while it runs, so two of
//! them never interleave: two imports at once would each read the content, and
//! the second to write would drop what the first added. Reading commands
//! (`check`, `serve`, `email`) never take it and never wait for it.
//!
//! It is an advisory lock (`flock` on Unix, `LockFileEx` on Windows, through
//! `std::fs::File::lock`, stable since Rust 1.89, so no crate is needed) on
//! `.brief-cache/lock` in the site root. The system drops it when the process
//! ends, however it ends, so a killed brief never leaves a stale lock behind.
//! While held, the file holds the holder's process id, for the message a second
//! writer gets; it is emptied again on release, so a site's files are the same
//! after a run as before it. The lock is not re-entrant: a process that holds it
//! must not ask for it again. A site on a read-only file system gets no lock
//! file (nothing can write there), so it can still be built elsewhere. This
//! module writes nothing else and knows nothing of what the holder does.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Diagnostic;
use crate::memory::CACHE_DIR;

/// The lock file, in the build cache of the site root.
pub(crate) const LOCK_FILE: &str = "lock";

/// How long a second writer waits for the first before giving up: long enough
/// for a quick `new` or a small import to finish, short enough to be noticed.
const WAIT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(25);

/// Proof that this process holds the lock of a site; released on drop.
#[derive(Debug)]
pub struct SiteLock {
    /// `None` on a read-only file system, where no lock file can be made and
    /// no other writer can change the site either.
    file: Option<File>,
}

impl SiteLock {
    /// Takes the lock of the site at `root`, waiting a few seconds for another
    /// brief that holds it. Fails with "another brief (pid N) is running on this
    /// site" when that one does not finish in time.
    pub fn acquire(root: &Path) -> Result<SiteLock, Diagnostic> {
        let path = lock_path(root);
        let Some(file) = open(&path)? else {
            return Ok(SiteLock { file: None });
        };
        let deadline = Instant::now() + WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(SiteLock::holding(file)),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(POLL)
                }
                Err(TryLockError::WouldBlock) => return Err(busy(&path)),
                Err(TryLockError::Error(e)) => {
                    return Err(Diagnostic::io("lock the site", &path, &e))
                }
            }
        }
    }

    /// Takes the lock of the site at `root` only if it is free now: `None` while
    /// another brief holds it.
    pub(crate) fn try_acquire(root: &Path) -> Result<Option<SiteLock>, Diagnostic> {
        let path = lock_path(root);
        let Some(file) = open(&path)? else {
            return Ok(Some(SiteLock { file: None }));
        };
        match file.try_lock() {
            Ok(()) => Ok(Some(SiteLock::holding(file))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(Diagnostic::io("lock the site", &path, &e)),
        }
    }

    /// Notes this process's id in the lock file. A lock file this user may only
    /// read (a site built by someone else) still locks; it just names no pid.
    fn holding(mut file: File) -> SiteLock {
        let _ = file
            .set_len(0)
            .and_then(|_| write!(file, "{}", std::process::id()));
        SiteLock { file: Some(file) }
    }
}

impl Drop for SiteLock {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            // Emptied before the lock goes, so the next holder never shows this pid.
            let _ = file.set_len(0);
            let _ = file.unlock();
        }
    }
}

fn lock_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(LOCK_FILE)
}

/// Opens (creating if needed) the lock file, read-write if this user may;
/// `None` when the site is on a read-only file system.
fn open(path: &Path) -> Result<Option<File>, Diagnostic> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let writable = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    match writable {
        Ok(file) => Ok(Some(file)),
        Err(e) => match File::open(path) {
            Ok(file) => Ok(Some(file)),
            Err(_) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => Ok(None),
            Err(_) => Err(Diagnostic::io("lock the site", path, &e)
                .hint("brief needs to write the site's .brief-cache/ folder")),
        },
    }
}

/// The message of a second writer that waited in vain.
fn busy(path: &Path) -> Diagnostic {
    let pid = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok());
    let who = match pid {
        Some(pid) => format!("another brief (pid {pid})"),
        None => "another brief".to_string(),
    };
    Diagnostic::error(format!("{who} is running on this site")).hint(format!(
        "nothing was changed (this one waited {} s for it); run this again once it is done",
        WAIT.as_secs()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_fails_naming_the_first() {
        let site = tempfile::tempdir().unwrap();
        let first = SiteLock::acquire(site.path()).unwrap();
        assert!(SiteLock::try_acquire(site.path()).unwrap().is_none());
        let message = busy(&lock_path(site.path())).to_string();
        assert!(
            message.contains(&format!(
                "another brief (pid {}) is running on this site",
                std::process::id()
            )),
            "{message}"
        );
        drop(first);
        assert_eq!(
            std::fs::read_to_string(lock_path(site.path())).unwrap(),
            "",
            "emptied on release"
        );
        assert!(SiteLock::try_acquire(site.path()).unwrap().is_some());
    }
}
