//! Helpers shared by every integration test: fixture sites copied into temp
//! dirs, the real binary, snapshots of directories and a look into HTML. Each
//! test file uses some of them, so the unused rest is allowed.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A site copied into a fresh temp dir (removed on drop).
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A copy of the fixture site `name`. A fixture built in place (`brief --root
    /// tests/fixtures/basic build`) has a build cache; copies start without one.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixture(name), dir.path());
        let _ = std::fs::remove_dir_all(dir.path().join(brief::CACHE_DIR));
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
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let target = dest.join(entry.path().strip_prefix(src).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (relative, `/`-separated path → bytes): equal
/// snapshots mean nothing under `dir` changed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
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
