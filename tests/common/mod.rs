//! Helpers shared by every integration test: fixture sites copied into temp
//! dirs, the real binary, snapshots of directories and a look into HTML. Each
//! test file uses some of them, so the unused rest is allowed.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

pub const BRIEF: &str = env!("CARGO_BIN_EXE_brief");

/// The repository: its sample digest, seeds and fixtures.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site under `tests/fixtures/`, in place (for runs that write nothing
/// into the site, such as a build with `--output` elsewhere).
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Runs the real binary on the site at `root`.
pub fn brief(root: &Path, args: &[&str]) -> Output {
    Command::new(BRIEF)
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("the brief binary runs")
}

/// Runs the real binary with `args`, its stdout a pipe whose reader has
/// gone (`brief … | head -1` after `head` has read its line).
pub fn brief_into_a_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(BRIEF)
        .args(args)
        .stdout(writer)
        .output()
        .expect("the brief binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An empty folder `name` under Cargo's temporary directory for integration
/// tests (`target/tmp/`), what an earlier run left there removed first. For a
/// site a whole test file shares through a `static`, which is never dropped:
/// a `TempDir` there stayed in /tmp after every run.
pub fn shared_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder in target/tmp");
    dir
}

/// A site copied into a fresh temp dir (removed on drop).
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A copy of the fixture site `name` (see [`copy_fixture`]).
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_fixture(name, dir.path());
        Site { dir }
    }

    /// A copy of the repository's own sample digest (`config.toml` and `content/`).
    pub fn sample() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::copy(repo().join("config.toml"), dir.path().join("config.toml")).unwrap();
        copy_dir(&repo().join("content"), &dir.path().join("content"));
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// The file name of an insight no other insight names in `related`: one
    /// that can go, or be renamed by hand, without breaking the build.
    pub fn unreferenced_insight(&self) -> String {
        let dir = self.path("content/insights");
        let texts: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        let mut names: Vec<&String> = texts
            .iter()
            .map(|(name, _)| name)
            .filter(|name| {
                let slug = format!("\"{}\"", name.trim_end_matches(".md"));
                !texts
                    .iter()
                    .any(|(other, text)| other != *name && text.contains(&slug))
            })
            .collect();
        names.sort();
        names
            .first()
            .expect("an insight nobody relates to")
            .to_string()
    }

    /// The modification time of each output file whose path `keep` accepts:
    /// what a rebuild rewrote shows as a changed time.
    pub fn modified(&self, keep: impl Fn(&str) -> bool) -> BTreeMap<String, SystemTime> {
        snapshot(&self.public())
            .into_keys()
            .filter(|p| keep(p))
            .map(|p| {
                let meta = std::fs::metadata(self.public().join(&p)).unwrap();
                (p, meta.modified().unwrap())
            })
            .collect()
    }

    pub fn brief(&self, args: &[&str]) -> Output {
        brief(self.root(), args)
    }

    /// Runs `brief build` and panics with its stderr if it fails.
    pub fn build(&self, args: &[&str]) -> String {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let out = self.brief(&all);
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        stdout(&out)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A file of the build cache kept for `public/` (`.brief-cache/<key>/name`).
    pub fn cache_file(&self, name: &str) -> PathBuf {
        let cache = self.path(brief::CACHE_DIR);
        let mut dirs: Vec<_> = std::fs::read_dir(&cache)
            .unwrap_or_else(|e| panic!("{}: {e}", cache.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        assert_eq!(dirs.len(), 1, "one output, one cache: {dirs:?}");
        dirs.pop().unwrap().join(name)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }
}

/// Copies the tree at `src` into `dest` (created if missing).
pub fn copy_dir(src: &Path, dest: &Path) {
    copy_tree(src, dest, |_| true);
}

/// Copies fixture site `name` into `dest` (created if missing), but brief's
/// build cache: tests build the fixtures in place (`brief --root
/// tests/fixtures/basic build -o <temp>`), so another test's build may be
/// writing, renaming or removing files in the cache while it is copied (a
/// file listed and gone before its copy failed a test), and a copy starts
/// without one.
pub fn copy_fixture(name: &str, dest: &Path) {
    copy_tree(&fixture(name), dest, |entry| {
        entry.file_name() != brief::CACHE_DIR
    });
}

/// Copies the entries under `src` that `wanted` keeps (a folder left out is
/// left out with everything in it).
fn copy_tree(src: &Path, dest: &Path, wanted: impl FnMut(&walkdir::DirEntry) -> bool) {
    let walk = walkdir::WalkDir::new(src).into_iter().filter_entry(wanted);
    for entry in walk {
        let entry = entry.unwrap();
        let target = dest.join(entry.path().strip_prefix(src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (relative, `/`-separated path → bytes), but brief's
/// own bookkeeping in it (the record of its files, a journal, a staging area):
/// equal snapshots mean no site output under `dir` changed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with(".brief-"))
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every value of `attr="…"` in `html`, as written (entities not decoded).
pub fn attr_values<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// Runs brief on the site at `root` where file permissions bind it. Root ignores
/// permission bits, and tests often run as root in containers: then the binary
/// runs as `nobody` (via util-linux `setpriv`), with the site made readable to
/// it (what is writable to all stays so).
#[cfg(unix)]
pub fn brief_unprivileged(root: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    let run = |cmd: &mut Command| {
        cmd.arg("--root")
            .arg(root)
            .args(args)
            .output()
            .expect("run brief (as nobody: util-linux setpriv)")
    };
    if !permissions_ignored() {
        return run(&mut Command::new(BRIEF));
    }
    let parent = root.parent().unwrap();
    let mode = std::fs::metadata(parent).unwrap().permissions().mode();
    if mode & 0o005 != 0o005 {
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(mode | 0o555)).unwrap();
    }
    for entry in walkdir::WalkDir::new(root).into_iter().map(Result::unwrap) {
        let mode = entry.metadata().unwrap().permissions().mode();
        let readable = if entry.file_type().is_dir() {
            0o555
        } else {
            0o444
        };
        std::fs::set_permissions(
            entry.path(),
            std::fs::Permissions::from_mode(mode | readable),
        )
        .unwrap();
    }
    run(Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(BRIEF))
}

/// Whether this process writes into a read-only folder (it runs as root).
#[cfg(unix)]
fn permissions_ignored() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let written = std::fs::write(dir.path().join("probe"), "").is_ok();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    written
}
