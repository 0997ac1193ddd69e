//! `brief rename`, driven through the real binary on a temp site imported from
//! the seeds in content/raw/.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use brief::config::Config;
use brief::content::{load_insights, Insight, INSIGHTS_DIR};
use common::{brief, repo, snapshot, stderr, stdout};

const OLD: &str = "ai-lab-deepseek-delayed-major-model";
const NEW: &str = "deepseek-delays-model-release-huawei-hardware";

/// A temp site holding the 39 insights of the seeds.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("config.toml"), dir.path().join("config.toml")).unwrap();
    let raw = repo().join("content/raw");
    let out = brief(dir.path(), &["import", raw.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

fn insights(root: &Path) -> Vec<Insight> {
    load_insights(root, &Config::load(root).unwrap()).unwrap()
}

fn file(root: &Path, slug: &str) -> PathBuf {
    root.join(INSIGHTS_DIR).join(format!("{slug}.md"))
}

#[test]
fn rename_moves_the_file_keeps_an_alias_and_rewrites_related_keeping_formatting() {
    let site = site();
    let root = site.path();
    let referrers: Vec<PathBuf> = insights(root)
        .into_iter()
        .filter(|i| i.related.iter().any(|r| r == OLD))
        .map(|i| i.path)
        .collect();
    assert_eq!(referrers.len(), 10);
    // One referrer laid out by hand: one slug per line, with comments.
    let hand = &referrers[0];
    let original = fs::read_to_string(hand).unwrap();
    let related_line = original
        .lines()
        .find(|l| l.starts_with("related = "))
        .unwrap();
    let by_hand = original.replacen(
        related_line,
        &format!("# Checked by hand.\nrelated = [\n    \"{OLD}\",  # the lead\n]"),
        1,
    );
    fs::write(hand, &by_hand).unwrap();
    // Another in single quotes (a literal string), which it keeps.
    let literal = &referrers[1];
    let text = fs::read_to_string(literal).unwrap();
    let line = text.lines().find(|l| l.starts_with("related = ")).unwrap();
    let in_single_quotes = text.replacen(line, &format!("related = ['{OLD}']"), 1);
    fs::write(literal, &in_single_quotes).unwrap();

    let out = brief(root, &["rename", OLD, NEW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!file(root, OLD).exists());
    let renamed = fs::read_to_string(file(root, NEW)).unwrap();
    assert!(
        renamed.contains(&format!("\naliases = [\"/insights/{OLD}/\"]\n+++\n")),
        "{renamed}"
    );
    assert_eq!(
        fs::read_to_string(hand).unwrap(),
        by_hand.replace(
            &format!("\"{OLD}\",  # the lead"),
            &format!("\"{NEW}\",  # the lead")
        )
    );
    assert_eq!(
        fs::read_to_string(literal).unwrap(),
        in_single_quotes.replace(&format!("['{OLD}']"), &format!("['{NEW}']"))
    );
    let all = insights(root);
    assert!(all.iter().all(|i| !i.related.iter().any(|r| r == OLD)));
    assert_eq!(
        all.iter()
            .filter(|i| i.related.iter().any(|r| r == NEW))
            .count(),
        10
    );
    let moved = all.iter().find(|i| i.slug == NEW).unwrap();
    assert_eq!(moved.aliases, [format!("/insights/{OLD}/")]);
    let build = brief(root, &["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(root
        .join(format!("public/insights/{NEW}/index.html"))
        .exists());

    // Renamed back, the alias of the slug it returns to stays first (the
    // address it was first published at, its feed id; it writes no
    // redirect), and the other is added.
    let back = brief(root, &["rename", NEW, OLD]);
    assert!(back.status.success(), "{}", stderr(&back));
    let again = insights(root);
    let back = again.iter().find(|i| i.slug == OLD).unwrap();
    assert_eq!(
        back.aliases,
        [format!("/insights/{OLD}/"), format!("/insights/{NEW}/")]
    );
}

#[test]
fn dry_run_shows_every_change_and_writes_nothing() {
    let site = site();
    let before = snapshot(site.path());
    let out = brief(site.path(), &["rename", OLD, NEW, "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(shown.contains(&format!(
        "would rename content/insights/{OLD}.md → content/insights/{NEW}.md\n  + aliases = [\"/insights/{OLD}/\"]\n"
    )), "{shown}");
    assert_eq!(
        shown.matches("would update content/insights/").count(),
        10,
        "{shown}"
    );
    assert!(
        shown.contains(&format!("  + related = [\"{NEW}\"]")),
        "{shown}"
    );
    assert!(shown.contains("nothing was written"), "{shown}");
    assert_eq!(snapshot(site.path()), before);
}

#[test]
fn a_slug_key_is_set_and_the_file_keeps_its_name() {
    let site = site();
    let root = site.path();
    let path = file(root, OLD);
    let keyed = fs::read_to_string(&path).unwrap().replacen(
        "+++\n",
        &format!("+++\nslug = \"{OLD}\"  # kept short\n"),
        1,
    );
    let kept = file(root, "kept-name");
    fs::write(&kept, keyed).unwrap();
    fs::remove_file(&path).unwrap();
    let out = brief(root, &["rename", OLD, NEW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let now = fs::read_to_string(&kept).unwrap();
    assert!(
        now.starts_with(&format!("+++\nslug = \"{NEW}\"  # kept short\n")),
        "{now}"
    );
    assert!(!file(root, NEW).exists());
}

#[test]
fn unknown_taken_and_invalid_slugs_are_refused_with_nothing_changed() {
    let site = site();
    let root = site.path();
    // A slug another insight keeps as an alias is taken too.
    let other = file(root, "us-china-divergent-ai-strategies");
    let with_alias = fs::read_to_string(&other).unwrap().replacen(
        "+++\n",
        "+++\naliases = [\"/insights/old-divergent/\"]\n",
        1,
    );
    fs::write(&other, with_alias).unwrap();
    let before = snapshot(root);
    for (args, status, says) in [
        (
            vec!["rename", "no-such-slug", NEW],
            1,
            "no insight has the slug \"no-such-slug\"",
        ),
        (
            vec!["rename", "ai-lab-deepseek-delayed-major", NEW],
            1,
            &format!("did you mean \"{OLD}\"") as &str,
        ),
        (
            vec!["rename", OLD, "us-china-divergent-ai-strategies"],
            1,
            "the slug \"us-china-divergent-ai-strategies\" is taken",
        ),
        (
            vec!["rename", OLD, "old-divergent"],
            1,
            "the slug \"old-divergent\" is taken",
        ),
        (
            vec!["rename", OLD, "Not A Slug"],
            2,
            "the new slug \"Not A Slug\" is not a valid URL segment",
        ),
        (vec!["rename", OLD, OLD], 2, "already called"),
        (vec!["rename", OLD], 2, "NEW-SLUG"),
    ] {
        let out = brief(root, &args);
        assert_eq!(
            out.status.code(),
            Some(status),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert_eq!(snapshot(root), before, "{args:?} changed the site");
    }
}

#[test]
fn a_referrer_with_yaml_front_matter_refuses_the_rename_before_any_write() {
    let site = site();
    let root = site.path();
    let referrer = insights(root)
        .into_iter()
        .find(|i| i.related.iter().any(|r| r == OLD))
        .unwrap();
    let yaml = format!(
        "---\ntitle: By hand\ndate: 2026-11-19\nrelated:\n  - {OLD}\n---\n{}",
        referrer.body
    );
    fs::write(&referrer.path, yaml).unwrap();
    let before = snapshot(root);
    let out = brief(root, &["rename", OLD, NEW]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: YAML front matter is not edited by rename"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(root), before);
}

/// A renamed insight keeps its old URL as a redirect, so the old slug stays
/// taken: an insight imported or made with `new` under the same headline
/// gets `-2`, never the file and page the redirect needs (the build would
/// refuse both), and so a new id too.
#[test]
fn a_renamed_insights_old_slug_is_not_given_to_a_new_insight() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    fs::copy(repo().join("config.toml"), root.join("config.toml")).unwrap();
    let raw = tempfile::tempdir().unwrap();
    let write_raw = |name: &str, text: &str| {
        let path = raw.path().join(name);
        fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let first = write_raw("a1.txt", "Alpha beta gamma insight. One two three four.\n");
    let second = write_raw(
        "a2.txt",
        "Alpha beta gamma insight. Eight nine ten eleven.\n",
    );
    let run = |args: &[&str]| {
        let out = brief(root, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    run(&["import", &first]);
    run(&["rename", "alpha-beta-gamma-insight", "renamed-one"]);
    run(&["import", &second]);
    assert!(file(root, "alpha-beta-gamma-insight-2").exists());
    assert!(!file(root, "alpha-beta-gamma-insight").exists());
    run(&["new", "Hello world"]);
    run(&["rename", "hello-world", "hi-world"]);
    run(&["new", "Hello world"]);
    assert!(file(root, "hello-world-2").exists());
    assert!(!file(root, "hello-world").exists());
    run(&["check"]);
    run(&["build"]);
}

/// A renamed insight keeps its feed entries' ids (Atom `id`, RSS `guid`,
/// JSON Feed `id`): the address it was first published at, which still
/// redirects to it. A new id would show it to every subscriber again.
#[test]
fn a_renamed_insight_keeps_its_feed_ids_through_two_renames() {
    let site = site();
    let root = site.path();
    let feeds = ["atom.xml", "rss.xml", "feed.json"];
    let read_feeds = || -> String {
        feeds
            .iter()
            .map(|f| fs::read_to_string(root.join("public/topics/deepseek").join(f)).unwrap())
            .collect()
    };
    let build = || {
        let out = brief(root, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    build();
    let first = format!("https://brief.example.org/insights/{OLD}/");
    let ids = |text: &str| {
        [
            format!("<id>{first}</id>"),
            format!("<guid isPermaLink=\"true\">{first}</guid>"),
            format!("\"id\": \"{first}\""),
        ]
        .iter()
        .filter(|id| text.contains(id.as_str()))
        .count()
    };
    assert_eq!(ids(&read_feeds()), 3, "{}", read_feeds());
    // Every topic feed's entries, in order: a rename moves none of them (a
    // day's insights are in their issue's order, not their slugs').
    let entries = || -> Vec<String> {
        let topics = fs::read_dir(root.join("public/topics")).unwrap();
        let mut all: Vec<String> = Vec::new();
        for topic in topics {
            let atom = topic.unwrap().path().join("atom.xml");
            if let Ok(text) = fs::read_to_string(&atom) {
                all.extend(
                    text.lines()
                        .filter(|l| l.contains("<id>"))
                        .map(str::to_string),
                );
            }
        }
        all
    };
    let before = entries();
    // Back to the first slug at the end: the id is still its first address.
    let last = "deepseek-waits-for-huawei";
    for (from, to) in [(OLD, NEW), (NEW, last), (last, OLD)] {
        let out = brief(root, &["rename", from, to]);
        assert!(out.status.success(), "{}", stderr(&out));
        build();
        let text = read_feeds();
        assert_eq!(ids(&text), 3, "{text}");
        assert_eq!(entries(), before, "renamed to {to}");
        // The entry links the insight where it is now.
        assert!(text.contains(&format!("/insights/{to}/")), "{text}");
    }
    // Both later addresses redirect to it; its own page is its page.
    for slug in [NEW, last] {
        let page = fs::read_to_string(root.join(format!("public/insights/{slug}/index.html")));
        assert!(page.unwrap().contains("http-equiv=\"refresh\""), "{slug}");
    }
    let own = fs::read_to_string(root.join(format!("public/insights/{OLD}/index.html"))).unwrap();
    assert!(!own.contains("http-equiv=\"refresh\""));
    let check = brief(root, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

/// Windows line endings stay on every line of every file a rename edits;
/// an insight whose `related` names itself follows its own rename.
#[test]
fn a_rename_keeps_crlf_line_endings_and_renames_a_self_reference() {
    let site = site();
    let root = site.path();
    let referrer = insights(root)
        .into_iter()
        .find(|i| i.related.iter().any(|r| r == OLD))
        .unwrap()
        .path;
    let crlf = fs::read_to_string(&referrer).unwrap().replace('\n', "\r\n");
    fs::write(&referrer, &crlf).unwrap();
    let renamed = file(root, OLD);
    let text = fs::read_to_string(&renamed).unwrap();
    let line = text.lines().find(|l| l.starts_with("related = [")).unwrap();
    let with_itself = line.replacen('[', &format!("[\"{OLD}\", "), 1);
    fs::write(&renamed, text.replacen(line, &with_itself, 1)).unwrap();
    let out = brief(root, &["rename", OLD, NEW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let edited = fs::read_to_string(&referrer).unwrap();
    assert_eq!(
        edited.matches('\n').count(),
        edited.matches("\r\n").count(),
        "{edited:?}"
    );
    assert_eq!(edited.replace(NEW, OLD), crlf, "only the slug changed");
    let moved = fs::read_to_string(file(root, NEW)).unwrap();
    assert!(
        moved.contains(&format!("related = [\"{NEW}\", ")),
        "{moved}"
    );
    let build = brief(root, &["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
}

/// Two insights with one slug: which one is meant cannot be told, so the
/// rename is refused, naming both files, with nothing changed.
#[test]
fn a_slug_two_insights_share_is_not_renamed() {
    let site = site();
    let root = site.path();
    let other = file(root, "us-china-divergent-ai-strategies");
    let text = fs::read_to_string(&other).unwrap();
    fs::write(
        &other,
        text.replacen("+++\n", &format!("+++\nslug = \"{OLD}\"\n"), 1),
    )
    .unwrap();
    let before = snapshot(root);
    let out = brief(root, &["rename", OLD, NEW]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("two insights have the slug \"{OLD}\"")),
        "{err}"
    );
    assert!(err.contains("us-china-divergent-ai-strategies.md"), "{err}");
    assert_eq!(snapshot(root), before);
}

/// A rename stopped after writing the new file leaves both files: `check`
/// says so, and how to finish, rather than hinting at a new id (which would
/// make one insight two); the same rename run again finishes it.
#[test]
fn a_rename_stopped_halfway_is_named_by_check_and_finished_by_running_it_again() {
    let site = site();
    let root = site.path();
    let text = fs::read_to_string(file(root, OLD)).unwrap();
    let renamed = text.replacen(
        "+++\n",
        &format!("+++\naliases = [\"/insights/{OLD}/\"]\n"),
        1,
    );
    fs::write(file(root, NEW), renamed).unwrap();
    let out = brief(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("by a `brief rename` that was stopped before it removed this file"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: finish it: run `brief rename {OLD} {NEW}` again"
        )),
        "{err}"
    );
    assert!(!err.contains("change the `id`"), "{err}");

    // Edited since the stop, the old file is not the new one's copy:
    // finishing would delete the edit, so the rename is refused.
    let old_text = fs::read_to_string(file(root, OLD)).unwrap();
    fs::write(
        file(root, OLD),
        format!("{old_text}An editor's later line.\n"),
    )
    .unwrap();
    let before = snapshot(root);
    let refused = brief(root, &["rename", OLD, NEW]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is taken"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(snapshot(root), before, "nothing changed");
    let edited = stderr(&brief(root, &["check"]));
    assert!(
        edited.contains("and this file was edited since"),
        "{edited}"
    );
    assert!(edited.contains("hint: keep one"), "{edited}");
    fs::write(file(root, OLD), &old_text).unwrap();

    let written = fs::read_to_string(file(root, NEW)).unwrap();
    let again = brief(root, &["rename", OLD, NEW]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!file(root, OLD).exists());
    assert_eq!(fs::read_to_string(file(root, NEW)).unwrap(), written);
    let left = insights(root)
        .into_iter()
        .filter(|i| i.related.iter().any(|r| r == OLD))
        .count();
    assert_eq!(left, 0, "every reference now names {NEW}");
    let check = brief(root, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
}
