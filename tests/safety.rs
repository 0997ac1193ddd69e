//! Issue 13, "never lose an editor's files". Each way a build or an import lost
//! files is reproduced against the real binary and shown impossible: outputs
//! that are (through links) the site or its sources, outputs of unrelated files,
//! a rebuild killed at 30 points, a commit that fails halfway, two imports at
//! once, a first build that runs out of space, a link inside `public/`. And the
//! site lock's message. Nothing here is timed.

mod common;

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use brief::config::Config;
use brief::content::load_insights;
use brief::lock::SiteLock;
use common::{snapshot, stderr, Site, BRIEF};

/// Every file under the site root but its output `public/`, with its bytes:
/// what no build may change.
fn sources(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || e.file_name() != "public")
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Every file of an output with a hash of its bytes: the site and brief's
/// record of it, not a journal or staging area.
fn tree(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !name.starts_with(".brief-staging") && !name.starts_with(".brief-journal")
        })
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let mut hasher = DefaultHasher::new();
            std::fs::read(e.path()).unwrap().hash(&mut hasher);
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.to_string_lossy().into_owned(), hasher.finish())
        })
        .collect()
}

fn refused(site: &Site, args: &[&str], needle: &str) -> String {
    let out = site.brief(args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} was not refused:\n{err}"
    );
    assert!(err.contains(needle), "{args:?}: no {needle:?} in:\n{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    err
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The files of a fresh build of `site` (into a new folder): what any output
/// of it must hold.
fn fresh_build(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("fresh");
    site.build(&["--output", arg(&dir)]);
    snapshot(&dir)
}

// ---- 1. outputs that are the site or its sources, through links -------------

#[cfg(unix)]
#[test]
fn symlink_matrix_outputs_resolving_to_the_site_or_a_source_are_refused() {
    use std::os::unix::fs::symlink;
    let site = Site::fixture("basic");
    site.write(
        "themes/spare/templates/base.html",
        "{% block content %}{% endblock %}",
    );
    site.write("templates/unused.html", "<p>not used by any page</p>");
    site.write("static/notes.txt", "a static file");
    site.build(&[]);
    let root = site.root();
    std::fs::create_dir(root.join("sub")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let before = sources(root);
    let protected = [
        ".",
        "content",
        "themes",
        "templates",
        "static",
        ".brief-cache",
        "config.toml",
    ];
    for (i, target) in protected.iter().enumerate() {
        let link = outside.path().join(format!("link-{i}"));
        symlink(root.join(target), &link).unwrap();
        for out in [link, root.join(target), root.join("sub/up").join(target)] {
            refused(
                &site,
                &["build", "--output", arg(&out)],
                "refusing to build into",
            );
        }
        // `public` itself a link to it.
        let public = site.public();
        match std::fs::symlink_metadata(&public) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&public).unwrap(),
            _ => std::fs::remove_file(&public).unwrap(),
        }
        symlink(target, &public).unwrap();
        refused(&site, &["build"], "refusing to build into");
        assert_eq!(
            sources(root),
            before,
            "a refused build into {target} changed a source"
        );
    }
}

// ---- 2. outputs holding files brief did not write ---------------------------

#[test]
fn an_output_of_unrelated_files_is_refused_and_force_deletes_none_of_them() {
    let site = Site::fixture("basic");
    let out = site.path("out");
    site.write("out/notes.txt", "precious");
    site.write("out/drafts/plan.md", "mine");
    site.write("out/.git/HEAD", "ref: refs/heads/pages");
    let before = snapshot(&out);
    refused(
        &site,
        &["build", "--output", arg(&out)],
        "it holds files that brief did not write (drafts/plan.md, notes.txt) and no record of a brief build",
    );
    assert_eq!(snapshot(&out), before);

    site.build(&["--output", arg(&out), "--force"]);
    assert!(out.join("index.html").exists());
    // A rebuild needs no --force (the record says what is brief's) and removes
    // a stale page, but not the editor's files.
    std::fs::remove_file(site.path("content/insights/moe.md")).unwrap();
    site.build(&["--output", arg(&out)]);
    assert!(!out.join("insights/moe").exists(), "stale page removed");
    for (file, text) in [
        ("notes.txt", "precious"),
        ("drafts/plan.md", "mine"),
        (".git/HEAD", "ref: refs/heads/pages"),
    ] {
        assert_eq!(
            std::fs::read_to_string(out.join(file)).unwrap(),
            text,
            "{file}"
        );
    }
}

#[test]
fn a_file_an_editor_adds_to_public_is_kept_and_replaced_only_with_force() {
    let site = Site::fixture("basic");
    site.build(&[]);
    site.write("public/CNAME", "digest.example.org");
    std::fs::remove_file(site.path("content/insights/moe.md")).unwrap();
    site.build(&[]);
    assert_eq!(site.read("public/CNAME"), "digest.example.org");
    // Now the build wants to write a CNAME of its own.
    site.write("static/CNAME", "other.example.org");
    let before = snapshot(&site.public());
    refused(
        &site,
        &["build"],
        "refusing to replace 1 file brief did not write: CNAME",
    );
    assert_eq!(snapshot(&site.public()), before);
    site.build(&["--force"]);
    assert_eq!(site.read("public/CNAME"), "other.example.org");
}

// ---- 3. a rebuild killed, or failing, halfway -------------------------------

/// A temp dir on tmpfs where there is one: a rebuild that rewrites thousands
/// of files takes seconds on a disk that flushes each replaced file.
fn fast_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

const KILL_LOOP_INSIGHTS: usize = 1500;

/// A digest of tiny insights, five a day. `version` 0 or 1: the title (so
/// every page changes) and which insights there are (so pages go and come).
fn write_digest(root: &Path, version: usize) {
    let dir = root.join("content/insights");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        root.join("config.toml"),
        format!(
            "title = \"Kill loop {version}\"\nbase_url = \"https://example.org/\"\n\n\
             [[topics]]\nslug = \"chips\"\nname = \"Chips\"\nkeywords = [\"chip*\"]\n"
        ),
    )
    .unwrap();
    let wanted = version * 100..version * 100 + KILL_LOOP_INSIGHTS;
    for i in 0..KILL_LOOP_INSIGHTS + 100 {
        let path = dir.join(format!("i{i}.md"));
        if wanted.contains(&i) {
            let day = 1 + i / 5 % 28;
            let month = 1 + i / 140 % 12;
            let year = 2020 + i / 1680;
            let text = format!(
                "+++\ntitle = \"Insight {i}\"\ndate = {year}-{month:02}-{day:02}\ntopics = [\"chips\"]\n+++\nChip note {i}.\n"
            );
            std::fs::write(path, text).unwrap();
        } else {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn build_quietly(root: &Path, output: Option<&Path>) -> std::process::Child {
    let mut cmd = Command::new(BRIEF);
    cmd.arg("--root").arg(root).arg("build");
    if let Some(out) = output {
        cmd.arg("--output").arg(out);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd.spawn().expect("run brief")
}

fn finish(child: std::process::Child) {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_rebuild_killed_at_30_points_leaves_the_old_site_the_new_one_or_one_the_next_run_completes() {
    let tmp = fast_tempdir();
    let root = tmp.path().join("site");
    let public = root.join("public");
    let journal = public.join(brief::output::JOURNAL_FILE);
    // Version 0 built into public/, version 1 into a folder of its own: how
    // the two sites must look, and how long a whole build takes here, to
    // spread the kills over it.
    write_digest(&root, 0);
    finish(build_quietly(&root, None));
    write_digest(&root, 1);
    let started = Instant::now();
    let other = tmp.path().join("version-1");
    finish(build_quietly(&root, Some(&other)));
    let whole = started.elapsed();
    let sites = [tree(&public), tree(&other)];
    assert_ne!(sites[0], sites[1]);
    let mut current = 0;
    let mut seen = BTreeMap::<&str, usize>::new();
    for kill in 0..30u32 {
        let target = 1 - current;
        write_digest(&root, target);
        let mut child = build_quietly(&root, None);
        if kill % 2 == 0 {
            // Anywhere in the build: loading, rendering, staging, committing.
            std::thread::sleep(whole * (kill / 2) / 15);
        } else {
            // Inside the commit: once its journal is there, after a while.
            while !journal.exists() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_millis(
                [0, 1, 2, 4, 8, 16][kill as usize / 2 % 6],
            ));
        }
        let _ = child.kill();
        let _ = child.wait();
        let cut_short = journal.exists();
        let left = tree(&public);
        assert!(
            cut_short || left == sites[target] || left == sites[current],
            "kill {kill}: a mixed site and no journal"
        );
        // The next run: what `serve` does first, what `deploy` calls, or a build.
        match kill % 3 {
            0 => {
                let notes = brief::recover_default_output(&root);
                assert!(!notes.has_errors(), "{notes}");
            }
            1 => {
                let lock = SiteLock::acquire(&root).unwrap();
                brief::output::recover(&public, &lock).unwrap();
            }
            _ => finish(build_quietly(&root, None)),
        }
        let after = tree(&public);
        assert!(
            !journal.exists() && !public.join(".brief-staging").exists(),
            "kill {kill}: journal {} staging {}",
            journal.exists(),
            public.join(".brief-staging").exists()
        );
        let outcome = if after == sites[target] {
            current = target;
            if cut_short {
                "completed by the next run"
            } else {
                "new site"
            }
        } else {
            assert!(
                !cut_short,
                "kill {kill}: a cut-short commit was not completed"
            );
            assert!(
                after == sites[current],
                "kill {kill}: neither site after recovery"
            );
            "old site"
        };
        *seen.entry(outcome).or_default() += 1;
    }
    eprintln!("kill loop outcomes: {seen:?}");
}

#[cfg(unix)]
#[test]
fn a_commit_failing_halfway_says_what_changed_and_the_next_build_completes_it() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::fixture("basic");
    site.build(&[]);
    let set_mode = |rel: &str, dirs: u32, files: u32| {
        for entry in walkdir::WalkDir::new(site.path(rel)) {
            let entry = entry.unwrap();
            let mode = if entry.file_type().is_dir() {
                dirs
            } else {
                files
            };
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    // Every page changes; one folder of them cannot be written to.
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        &config.replace("Fixture Digest", "Renamed Digest"),
    );
    set_mode("public", 0o777, 0o666);
    set_mode("public/issues", 0o555, 0o666);
    let out = common::brief_unprivileged(site.root(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot put in place") && err.contains("issues"),
        "{err}"
    );
    assert!(!err.contains("nothing was changed"), "{err}");
    let line = err.lines().last().unwrap();
    assert!(
        line.contains("the build stopped while it replaced files: "),
        "{line}"
    );
    let placed: Vec<usize> = line
        .split("files: ")
        .nth(1)
        .unwrap()
        .split(' ')
        .take(3)
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(placed[0] > 0 && placed[0] < placed[1], "{line}");
    // Deploy refuses it, and so does the next build while the cause stays.
    assert!(brief::output::refuse_unfinished(&site.public()).is_err());
    let again = common::brief_unprivileged(site.root(), &["build"]);
    assert!(
        stderr(&again).contains("holds a build that was cut short"),
        "{}",
        stderr(&again)
    );
    assert_eq!(again.status.code(), Some(1));
    set_mode("public", 0o755, 0o644);
    let out = site.brief(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("completed a build that was cut short"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&site.public()), fresh_build(&site));
}

// ---- 4. two imports at once --------------------------------------------------

/// `n` insight lines of made-up words, far apart in wording, so none is a near
/// duplicate of another.
fn distinct_lines(n: usize) -> Vec<String> {
    let mut state: u64 = 13;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|_| {
            let words: Vec<String> = (0..14)
                .map(|_| {
                    (0..7)
                        .map(|_| char::from(b'a' + (next() % 26) as u8))
                        .collect()
                })
                .collect();
            format!("{}.", words.join(" "))
        })
        .collect()
}

#[test]
fn two_imports_at_once_lose_nothing() {
    let site = Site::fixture("basic");
    let raw = tempfile::tempdir().unwrap();
    let lines = distinct_lines(240);
    for name in ["first.txt", "second.txt"] {
        std::fs::write(raw.path().join(name), lines.join("\n\n")).unwrap();
    }
    let imports: Vec<_> = ["first.txt", "second.txt"]
        .map(|name| {
            Command::new(BRIEF)
                .arg("--root")
                .arg(site.root())
                .args(["import", "--date", "2026-01-05"])
                .arg(raw.path().join(name))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .into_iter()
        .collect();
    for import in imports {
        finish(import);
    }
    let config = Config::load(site.root()).unwrap();
    let imported: Vec<_> = load_insights(site.root(), &config)
        .unwrap()
        .into_iter()
        .filter(|i| i.day.to_string() == "2026-01-05")
        .collect();
    assert_eq!(imported.len(), lines.len(), "each line once");
    let both = imported
        .iter()
        .filter(|i| {
            i.sources.contains(&"first.txt".into()) && i.sources.contains(&"second.txt".into())
        })
        .count();
    assert_eq!(both, lines.len(), "insights carrying both sources");
}

/// An import killed while it writes a new insight's file (here by the kernel,
/// past a 4 KiB file-size limit), or refused the space for it, leaves no file
/// at all, never an empty or cut one that every later command would stop at
/// (or that would publish half the text): `check` passes, and the next import
/// writes the whole insight.
#[cfg(unix)]
#[test]
fn an_import_cut_short_while_writing_leaves_no_partial_file() {
    use std::os::unix::process::ExitStatusExt;
    let raw = tempfile::tempdir().unwrap();
    let long = distinct_lines(60).join(" ");
    assert!(long.len() > 5000, "longer than the limit");
    let file = raw.path().join("long.txt");
    std::fs::write(&file, &long).unwrap();
    for kill in [true, false] {
        let site = Site::fixture("basic");
        let before = sources(site.root());
        let script = format!(
            "{}ulimit -f 8; exec \"$0\" --root \"$1\" import --date 2026-01-05 \"$2\"",
            if kill { "" } else { "trap '' XFSZ; " }
        );
        let out = Command::new("sh")
            .args(["-c", &script, BRIEF, arg(site.root()), arg(&file)])
            .output()
            .unwrap();
        if kill {
            assert_eq!(out.status.signal(), Some(25), "{}", stderr(&out));
        } else {
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        }
        // Hidden files (the lock, a half-written copy) aside, nothing changed.
        let visible = |files: BTreeMap<PathBuf, Vec<u8>>| -> BTreeMap<PathBuf, Vec<u8>> {
            files
                .into_iter()
                .filter(|(path, _)| !path.to_string_lossy().contains("/."))
                .collect()
        };
        assert_eq!(
            visible(sources(site.root())),
            visible(before),
            "kill {kill}"
        );
        let check = site.brief(&["check"]);
        assert!(check.status.success(), "{}", stderr(&check));
        let again = site.brief(&["import", "--date", "2026-01-05", arg(&file)]);
        assert!(again.status.success(), "{}", stderr(&again));
        let whole = sources(site.root()).into_iter().any(|(path, bytes)| {
            path.extension().is_some_and(|e| e == "md")
                && String::from_utf8_lossy(&bytes).contains(&long)
        });
        assert!(whole, "kill {kill}: the next import writes the whole text");
    }
}

// ---- 5. a first build that runs out of space ---------------------------------

/// `brief build` under a 4 KiB file-size limit: pages past it fail to write,
/// as on a full disk. With SIGXFSZ ignored (dispositions survive `exec`) the
/// write fails with EFBIG; without, the kernel kills the build mid-write.
#[cfg(unix)]
fn build_with_small_disk(site: &Site, kill: bool) -> std::process::Output {
    let script = format!(
        "{}ulimit -f 8; exec \"$0\" --root \"$1\" build",
        if kill { "" } else { "trap '' XFSZ; " }
    );
    Command::new("sh")
        .args(["-c", &script, BRIEF, arg(site.root())])
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_first_build_that_runs_out_of_space_leaves_nothing_behind() {
    let site = Site::fixture("basic");
    let out = build_with_small_disk(&site, false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(!site.public().exists(), "the output it made is gone again");
}

#[cfg(unix)]
#[test]
fn a_first_build_killed_midway_is_rolled_back_by_the_next_run() {
    use std::os::unix::process::ExitStatusExt;
    let site = Site::fixture("basic");
    std::fs::create_dir_all(site.path("public/.git")).unwrap();
    site.write("public/.git/HEAD", "ref: refs/heads/pages");
    let out = build_with_small_disk(&site, true);
    assert_eq!(
        out.status.signal(),
        Some(25),
        "killed by SIGXFSZ: {}",
        stderr(&out)
    );
    assert!(brief::output::refuse_unfinished(&site.public()).is_err());
    let lock = SiteLock::acquire(site.root()).unwrap();
    let recovery = brief::output::recover(&site.public(), &lock).unwrap();
    drop(lock);
    assert!(
        matches!(recovery, brief::output::Recovery::RolledBack { removed } if removed > 0),
        "{recovery:?}"
    );
    let left: Vec<_> = std::fs::read_dir(site.public())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [".git"], "only what was there before");
    site.build(&[]);
    assert_eq!(snapshot(&site.public()), {
        let mut expected = fresh_build(&site);
        expected.insert(".git/HEAD".into(), b"ref: refs/heads/pages".to_vec());
        expected
    });
}

/// The journal is a file in the output, which anyone sharing the output (a
/// committed `public/`) can write: a journal naming a path outside it, or a
/// hidden entry brief never writes, is refused before anything is done (by
/// `build` here; `serve` recovers the same way), and every file stays.
#[test]
fn a_planted_journal_never_deletes_or_moves_outside_the_output() {
    let site = Site::fixture("basic");
    site.build(&[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let precious = elsewhere.path().join("precious.txt");
    std::fs::write(&precious, "keep").unwrap();
    std::fs::create_dir_all(site.path("public/.git")).unwrap();
    site.write("public/.git/HEAD", "ref: refs/heads/pages");
    for line in [
        "- ../config.toml".to_string(),
        format!("- {}", precious.display()),
        "- .git/HEAD".to_string(),
        "+ ../content/insights/moe.md".to_string(),
    ] {
        site.write(
            "public/.brief-journal",
            &format!("brief-journal 1 commit\n- index.html\n{line}\n"),
        );
        let before = snapshot(&site.public());
        let sources_before = sources(site.root());
        // Twice: the refused journal stays, and is refused again.
        for _ in 0..2 {
            let out = site.brief(&["build"]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{line}: {err}");
            assert!(
                err.contains("which is not a file a build writes in the output"),
                "{line}: {err}"
            );
        }
        assert_eq!(
            snapshot(&site.public()),
            before,
            "{line}: public/ untouched"
        );
        assert_eq!(sources(site.root()), sources_before, "{line}");
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep");
    }
}

// ---- 6. a link inside public/ -------------------------------------------------

#[cfg(unix)]
#[test]
fn a_folder_link_inside_public_is_never_written_or_deleted_through() {
    let site = Site::fixture("basic");
    site.build(&[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("issues");
    common::copy_dir(&site.path("public/issues"), &moved);
    std::fs::remove_dir_all(site.path("public/issues")).unwrap();
    std::os::unix::fs::symlink(&moved, site.path("public/issues")).unwrap();
    let outside = snapshot(elsewhere.path());
    let before = snapshot(&site.public());
    // Refused whether or not a page below it changes: a build that found them
    // unchanged through the link once removed it and left the pages missing.
    refused(
        &site,
        &["build"],
        "refusing to write through 1 link in the output directory: issues",
    );
    let moe = site.read("content/insights/moe.md");
    site.write(
        "content/insights/moe.md",
        &moe.replace("Mixture of experts", "Sparse experts"),
    );
    refused(&site, &["build"], "refusing to write through 1 link");
    assert_eq!(snapshot(&site.public()), before);
    assert_eq!(snapshot(elsewhere.path()), outside);

    // --force replaces the link itself, never what it points to.
    site.build(&["--force"]);
    let meta = std::fs::symlink_metadata(site.path("public/issues")).unwrap();
    assert!(meta.is_dir(), "a real folder now");
    assert_eq!(snapshot(elsewhere.path()), outside);
    assert_eq!(snapshot(&site.public()), fresh_build(&site));
}

// ---- the site lock -------------------------------------------------------------

#[test]
fn a_second_writer_waits_then_fails_naming_the_first_and_changes_nothing() {
    let site = Site::fixture("basic");
    let raw = tempfile::tempdir().unwrap();
    std::fs::write(raw.path().join("raw.txt"), distinct_lines(3).join("\n")).unwrap();
    let lock = SiteLock::acquire(site.root()).unwrap();
    let before = sources(site.root());
    let writers: Vec<_> = [
        vec!["build"],
        vec!["new", "A new insight"],
        vec!["import", arg(&raw.path().join("raw.txt"))],
    ]
    .into_iter()
    .map(|args| {
        Command::new(BRIEF)
            .arg("--root")
            .arg(site.root())
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    })
    .collect();
    // Readers do not wait.
    let check = site.brief(&["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    let message = format!(
        "another brief (pid {}) is running on this site",
        std::process::id()
    );
    for writer in writers {
        let out = writer.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(&message), "{}", stderr(&out));
    }
    assert_eq!(sources(site.root()), before);
    assert!(!site.public().exists());
    drop(lock);
    site.build(&[]);
}
