//! `brief import`, `init` and `new`, driven through the real binary on temp sites
//! built from the repository's own config and the five seed files in content/raw/.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use brief::config::Config;
use brief::content::{insight_id, load_insights, parse_insight, Insight, INSIGHTS_DIR};
use common::{brief, repo, stderr, stdout, BRIEF};

const BOILERPLATE: &[&str] = &[
    "We scan new podcasts and send you the top 5 insights daily.",
    "Get your free personalized podcast brief",
    "Related Insights",
];

fn seeds_dir() -> PathBuf {
    repo().join("content/raw")
}

fn seed(n: usize) -> PathBuf {
    let mut seeds: Vec<PathBuf> = fs::read_dir(seeds_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    seeds.swap_remove(n)
}

/// A temp site with the repository's config.toml and no content yet.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(repo().join("config.toml"), dir.path().join("config.toml")).unwrap();
    dir
}

fn import(root: &Path, paths: &[&Path]) -> Output {
    let mut args = vec!["import"];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    brief(root, &args)
}

fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn insights(root: &Path) -> Vec<Insight> {
    let config = Config::load(root).unwrap();
    load_insights(root, &config).unwrap()
}

fn by_text<'a>(insights: &'a [Insight], start: &str) -> &'a Insight {
    insights
        .iter()
        .find(|i| i.body.starts_with(start))
        .unwrap_or_else(|| panic!("no insight starts with {start:?}"))
}

/// Every file under content/insights/ with its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    common::snapshot(&root.join(INSIGHTS_DIR))
}

/// Insight lines of a raw file: (role is related, text).
fn raw_lines(path: &Path) -> Vec<(bool, String)> {
    let text = fs::read_to_string(path).unwrap();
    let mut related = false;
    let mut lines = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line == "Related Insights" {
            related = true;
        } else if !BOILERPLATE.contains(&line) {
            lines.push((related, line.to_string()));
        }
    }
    lines
}

#[test]
fn five_seeds_make_39_insights_from_55_lines() {
    let site = site();
    let out = import(site.path(), &[&seeds_dir()]);
    assert_success(&out);
    assert!(
        stdout(&out).contains(
            "5 files read, 55 insights seen, 39 new, 16 merged (0 near-duplicates), 0 skipped"
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(snapshot(site.path()).len(), 39);
    assert_eq!(insights(site.path()).len(), 39);
}

#[test]
fn no_boilerplate_line_becomes_an_insight() {
    let site = site();
    assert_success(&import(site.path(), &[&seeds_dir()]));
    let all = insights(site.path());
    let ids: HashSet<&str> = all.iter().map(|i| i.id.as_str()).collect();
    for line in BOILERPLATE {
        assert!(
            !ids.contains(insight_id(line).as_str()),
            "{line:?} became an insight"
        );
    }
    // And every insight is one of the seeds' insight lines, verbatim.
    let raw: HashSet<String> = (0..5)
        .flat_map(|n| raw_lines(&seed(n)))
        .map(|(_, text)| text)
        .collect();
    assert_eq!(raw.len(), 39);
    for insight in &all {
        assert!(
            raw.contains(insight.body.trim()),
            "{:?} is not a seed line",
            insight.body
        );
    }
}

#[test]
fn an_insight_seen_in_four_files_lists_four_sources() {
    let site = site();
    assert_success(&import(site.path(), &[&seeds_dir()]));
    let all = insights(site.path());
    let four = by_text(&all, "China is compensating for its deficit");
    assert_eq!(
        four.sources,
        [
            "2026-11-18_000_7253d8bbe40a356c.txt",
            "2026-11-20_002_72bf4c8f45ceeef0.txt",
            "2026-11-21_003_b02d7023532ff452.txt",
            "2026-11-22_004_1eccdf378eaf440d.txt",
        ]
    );
    // Its date is its first sighting's.
    assert_eq!(four.day.to_string(), "2026-11-18");
}

#[test]
fn related_insights_link_the_lead_both_ways() {
    let site = site();
    assert_success(&import(site.path(), &[&seeds_dir()]));
    let all = insights(site.path());
    let slug_of = |text: &str| {
        let id = insight_id(text);
        all.iter().find(|i| i.id == id).unwrap().slug.clone()
    };
    let mut files_with_marker = 0;
    for n in 0..5 {
        let lines = raw_lines(&seed(n));
        let (related, leads): (Vec<_>, Vec<_>) =
            lines.iter().partition(|(is_related, _)| *is_related);
        if related.is_empty() {
            continue;
        }
        files_with_marker += 1;
        assert_eq!(leads.len(), 1);
        let lead = all.iter().find(|i| i.slug == slug_of(&leads[0].1)).unwrap();
        let expected: Vec<String> = related.iter().map(|(_, text)| slug_of(text)).collect();
        assert_eq!(lead.related, expected, "related of {}", lead.slug);
        for slug in &expected {
            let other = all.iter().find(|i| &i.slug == slug).unwrap();
            assert!(
                other.related.contains(&lead.slug),
                "{slug} does not list {}",
                lead.slug
            );
        }
    }
    assert_eq!(files_with_marker, 2);
}

#[test]
fn reimport_changes_no_byte() {
    let site = site();
    assert_success(&import(site.path(), &[&seeds_dir()]));
    let before = snapshot(site.path());
    let again = import(site.path(), &[&seeds_dir()]);
    assert_success(&again);
    assert!(
        stdout(&again).contains("0 new, 0 merged (0 near-duplicates)"),
        "{}",
        stdout(&again)
    );
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
    assert_eq!(snapshot(site.path()), before);
}

#[test]
fn hand_edits_survive_reimport() {
    let site = site();
    assert_success(&import(site.path(), &[&seed(0)]));
    let path = by_text(&insights(site.path()), "China is compensating")
        .path
        .clone();
    let text = fs::read_to_string(&path).unwrap();
    let title_line = text.lines().find(|l| l.starts_with("title = ")).unwrap();
    let edited = text
        .replacen(
            title_line,
            "# Checked against the transcript.\ntitle = \"China's asymmetric answer to the chip deficit\"",
            1,
        )
        .replace(
            "performance like the US.",
            "performance like the US. (Edited.)",
        );
    assert_ne!(edited, text);
    fs::write(&path, &edited).unwrap();

    assert_success(&import(site.path(), &[&seeds_dir()]));
    let after = fs::read_to_string(&path).unwrap();
    assert!(after.contains("# Checked against the transcript.\ntitle = \"China's asymmetric answer to the chip deficit\"\n"));
    assert!(
        after.ends_with("performance like the US. (Edited.)\n"),
        "{after}"
    );
    // Only `sources` grew: the rest of the file is byte for byte the edited one.
    let grown = after.replace(
        "\"2026-11-18_000_7253d8bbe40a356c.txt\", \"2026-11-20_002_72bf4c8f45ceeef0.txt\", \"2026-11-21_003_b02d7023532ff452.txt\", \"2026-11-22_004_1eccdf378eaf440d.txt\"",
        "\"2026-11-18_000_7253d8bbe40a356c.txt\"",
    );
    // The 003 file lists it under `Related Insights`, so `related` grew too.
    let grown = grown.replace(
        "related = [\"chinese-firms-like-deepseq-leveraging-low\"]",
        "related = []",
    );
    assert_eq!(grown, edited);

    let before = snapshot(site.path());
    assert_success(&import(site.path(), &[&seeds_dir()]));
    assert_eq!(snapshot(site.path()), before);
}

#[test]
fn headlines_are_whole_sentences_or_clauses_never_cut_when_a_boundary_exists() {
    let site = site();
    assert_success(&import(site.path(), &[&seeds_dir()]));
    let all = insights(site.path());
    for insight in &all {
        assert!(!insight.title.ends_with('…'), "cut: {}", insight.title);
        assert!(
            insight.title.chars().count() <= 140,
            "long: {}",
            insight.title
        );
        assert!(
            !insight.title.ends_with('.'),
            "stop kept: {}",
            insight.title
        );
        let slug = &insight.slug;
        assert!(
            slug.len() <= 50 && slug.split('-').count() <= 12,
            "slug: {slug}"
        );
    }
    let us = by_text(&all, "While the U.S. AI strategy pursues");
    assert_eq!(us.title, "While the U.S. AI strategy pursues a 'winner-take-all' model leading to high profits, China's state-backed approach aims to commoditize AI");
    assert_eq!(us.slug, "us-ai-strategy-pursues-winner-take-all-model");
    // A lead sentence as the headline: the body goes on from the next sentence.
    assert_eq!(
        us.body_after_lead().unwrap(),
        "By spreading resources across many players to create a low-cost, replicable model for export, it structurally limits the potential for monopoly profits to accrue to shareholders.\n"
    );
    // Too long a sentence: its main clause, and then the whole body is shown.
    let blocked = by_text(&all, "Blocked from accessing");
    assert_eq!(
        blocked.title,
        "China is strategically championing open-source AI"
    );
    assert_eq!(blocked.body_after_lead(), None);
}

/// Chinese and Japanese put no space after a full stop: the headline is still
/// the first sentence, and the page shows each sentence once.
#[test]
fn chinese_and_japanese_headlines_are_their_first_sentence_shown_once() {
    let site = site();
    let raw = site.path().join("raw-2026-11-20.txt");
    fs::write(
        &raw,
        "深度求索将进一步的API降价与华为芯片供应挂钩。如果昇腾芯片的产能跟不上，降价计划可能会推迟到明年第二季度。\n\
         日本の電力会社は長期契約を見直し始めている。背景には需要の急増がある。\n",
    )
    .unwrap();
    assert_success(&import(site.path(), &[&raw]));
    let all = insights(site.path());
    let zh = by_text(&all, "深度求索");
    assert_eq!(zh.title, "深度求索将进一步的API降价与华为芯片供应挂钩");
    assert_eq!(
        zh.body_after_lead().unwrap(),
        "如果昇腾芯片的产能跟不上，降价计划可能会推迟到明年第二季度。\n"
    );
    let ja = by_text(&all, "日本の");
    assert_eq!(ja.title, "日本の電力会社は長期契約を見直し始めている");
    let out = tempfile::tempdir().unwrap();
    assert_success(&brief(
        site.path(),
        &["build", "--output", out.path().to_str().unwrap()],
    ));
    let page =
        fs::read_to_string(out.path().join(format!("insights/{}/index.html", zh.slug))).unwrap();
    let article = &page[page.find("<article").unwrap()..page.find("</article>").unwrap()];
    assert_eq!(article.matches("华为芯片供应挂钩").count(), 1, "{article}");
    assert_eq!(
        article.matches("降价计划可能会推迟").count(),
        1,
        "{article}"
    );
}

#[test]
fn a_title_an_earlier_import_cut_is_renewed_once_and_hand_titles_never() {
    let site = site();
    assert_success(&import(site.path(), &[&seed(0)]));
    let all = insights(site.path());
    let cut = by_text(&all, "DeepSeek explicitly stated").path.clone();
    let hand = by_text(&all, "China is compensating").path.clone();
    let set_title = |path: &Path, title: &str| {
        let text = fs::read_to_string(path).unwrap();
        let line = text.lines().find(|l| l.starts_with("title = ")).unwrap();
        let text = text.replacen(line, &format!("title = \"{title}\"  # note"), 1);
        fs::write(path, text).unwrap();
    };
    set_title(
        &cut,
        "DeepSeek explicitly stated its already low API prices will drop further once…",
    );
    set_title(&hand, "China's asymmetric chip answer…");

    let out = import(site.path(), &[&seed(0)]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("retitled content/insights/"),
        "{}",
        stdout(&out)
    );
    let renewed = fs::read_to_string(&cut).unwrap();
    assert!(renewed.contains("title = \"DeepSeek explicitly stated its already low API prices will drop further once domestic chip production from Huawei ramps up\"  # note\n"), "{renewed}");
    assert!(fs::read_to_string(&hand)
        .unwrap()
        .contains("title = \"China's asymmetric chip answer…\"  # note\n"));
    let before = snapshot(site.path());
    let again = import(site.path(), &[&seed(0)]);
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
    assert_eq!(snapshot(site.path()), before);
}

/// One file writes `ü` as `u` and a combining mark, another as one letter:
/// the same insight, merged by its id (not as a near duplicate).
#[test]
fn accents_written_either_way_are_one_insight() {
    let site = site();
    let composed = site.path().join("2026-11-20.txt");
    let decomposed = site.path().join("2026-11-21.txt");
    fs::write(&composed, "Zürich banks weigh café chains as rates fall.\n").unwrap();
    fs::write(
        &decomposed,
        "Zu\u{308}rich banks weigh cafe\u{301} chains as rates fall.\n",
    )
    .unwrap();
    let out = import(site.path(), &[&composed, &decomposed]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("2 insights seen, 1 new, 1 merged (0 near-duplicates)"),
        "{}",
        stdout(&out)
    );
    let all = insights(site.path());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].sources, ["2026-11-20.txt", "2026-11-21.txt"]);
}

#[test]
fn a_near_duplicate_merges_and_is_reported_while_a_different_insight_does_not() {
    let site = site();
    assert_success(&import(site.path(), &[&seeds_dir()]));
    let original = "Huawei could surprise the market within 2-3 years";
    let variant = "The real long-term threat to NVIDIA's dominance may not be a known competitor but a black swan: Huawei. Leveraging non-public lithography and huge state investment, Huawei could surprise the market within 2–3 years by producing high-volume, low-cost, specialised AI chips, fundamentally altering the competitive landscape.";
    let different = "Huawei's Ascend roadmap depends on domestic memory makers catching up: high-bandwidth memory, not lithography, is now the binding constraint on Chinese accelerators.";
    let raw = site.path().join("2026-11-23_variants.txt");
    fs::write(&raw, format!("{variant}\n\n{different}\n")).unwrap();

    let out = import(site.path(), &[&raw]);
    assert_success(&out);
    let report = stdout(&out);
    assert!(
        report.contains("1 file read, 2 insights seen, 1 new, 1 merged (1 near-duplicate)"),
        "{report}"
    );
    assert!(report.contains("near-duplicate"), "{report}");
    assert!(report.contains(variant), "the new text is shown: {report}");
    assert!(
        report.contains("within 2-3 years by producing high-volume, low-cost, specialized"),
        "the kept text is shown: {report}"
    );

    let all = insights(site.path());
    assert_eq!(all.len(), 40);
    let kept = all.iter().find(|i| i.body.contains(original)).unwrap();
    assert!(kept
        .sources
        .contains(&"2026-11-23_variants.txt".to_string()));
    assert!(
        kept.body.contains("massive state investment"),
        "the kept text is unchanged"
    );
    let new = by_text(&all, "Huawei's Ascend roadmap");
    assert_eq!(new.sources, ["2026-11-23_variants.txt"]);
    assert_eq!(new.day.to_string(), "2026-11-23");
}

#[test]
fn a_mixed_folder_imports_the_seed_and_names_the_other_files() {
    let site = site();
    let raw = site.path().join("raw");
    fs::create_dir(&raw).unwrap();
    fs::copy(seed(0), raw.join("2026-11-18_seed.txt")).unwrap();
    fs::write(raw.join("empty.txt"), "").unwrap();
    fs::write(
        raw.join("binary.txt"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    fs::write(
        raw.join("latin1.txt"),
        b"Les march\xe9s chinois r\xe9agissent.\n",
    )
    .unwrap();

    let out = import(site.path(), &[&raw]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "skipping a bad file fails the run"
    );
    let warnings = stderr(&out);
    for name in ["empty.txt", "binary.txt", "latin1.txt"] {
        assert!(
            warnings
                .lines()
                .any(|l| l.contains(name) && l.contains("warning")),
            "{name} not named:\n{warnings}"
        );
    }
    assert!(stdout(&out).contains(
        "1 file read, 11 insights seen, 11 new, 0 merged (0 near-duplicates), 3 skipped"
    ));
    assert_eq!(insights(site.path()).len(), 11);
}

#[test]
fn dry_run_writes_nothing_and_says_what_it_would_do() {
    let site = site();
    let out = brief(
        site.path(),
        &["import", "--dry-run", seeds_dir().to_str().unwrap()],
    );
    assert_success(&out);
    assert!(
        stdout(&out).contains("would create content/insights/"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("39 new, 16 merged"),
        "{}",
        stdout(&out)
    );
    assert!(!site.path().join(INSIGHTS_DIR).exists());
}

#[test]
fn dates_come_from_the_flag_the_name_or_the_mtime_and_never_move() {
    let site = site();
    let undated = site.path().join("undated.txt");
    fs::copy(seed(2), &undated).unwrap();
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_600); // 2026-01-01 UTC
    fs::File::options()
        .write(true)
        .open(&undated)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_success(&import(site.path(), &[&undated]));
    assert_eq!(
        by_text(&insights(site.path()), "Lenovo's CFO")
            .day
            .to_string(),
        "2026-01-01"
    );

    // A dated name and --date: the earlier sighting keeps its date.
    assert_success(&brief(
        site.path(),
        &["import", "--date", "2025-06-30", seed(0).to_str().unwrap()],
    ));
    let all = insights(site.path());
    assert_eq!(by_text(&all, "Lenovo's CFO").day.to_string(), "2026-01-01");
    assert_eq!(
        by_text(&all, "DeepSeek explicitly stated").day.to_string(),
        "2025-06-30"
    );
    assert_success(&import(site.path(), &[&seed(1)]));
    assert_eq!(
        by_text(&insights(site.path()), "AI lab DeepSeek")
            .day
            .to_string(),
        "2026-11-19"
    );

    let bad = brief(
        site.path(),
        &["import", "--date", "18/11/2026", seed(0).to_str().unwrap()],
    );
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a malformed --date is a usage error"
    );
}

#[test]
fn init_scaffolds_a_loadable_site_and_refuses_a_non_empty_dir() {
    let parent = tempfile::tempdir().unwrap();
    // The next steps it prints can be pasted: a path with a space is quoted.
    let dir = parent.path().join("my digest");
    let out = brief(parent.path(), &["init", dir.to_str().unwrap()]);
    assert_success(&out);
    assert_eq!(insights(&dir).len(), 1);
    let quoted = format!("`brief --root '{}' serve`", dir.display());
    assert!(stdout(&out).contains(&quoted), "{}", stdout(&out));

    let again = brief(parent.path(), &["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("non-empty directory"),
        "{}",
        stderr(&again)
    );
}

/// A folder with hidden files only (a new git repository: `.git`, its own
/// `.gitignore`) takes a site; brief adds the lines its `.gitignore` lacks and
/// keeps the editor's, once.
#[test]
fn init_keeps_a_gitignore_that_is_there_and_adds_what_it_lacks() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("digest");
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::write(dir.join(".gitignore"), "# mine\n*.log\n/public/").unwrap();
    let out = brief(parent.path(), &["init", dir.to_str().unwrap()]);
    assert_success(&out);
    assert_eq!(insights(&dir).len(), 1);
    assert_eq!(
        fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "# mine\n*.log\n/public/\n/.brief-cache/\n"
    );
    // A file written with `\r\n` gets its lines with `\r\n` too.
    let windows = parent.path().join("windows");
    fs::create_dir_all(&windows).unwrap();
    fs::write(windows.join(".gitignore"), "*.log\r\n").unwrap();
    assert_success(&brief(parent.path(), &["init", windows.to_str().unwrap()]));
    assert_eq!(
        fs::read_to_string(windows.join(".gitignore")).unwrap(),
        "*.log\r\n/public/\r\n/.brief-cache/\r\n"
    );
    let fresh = parent.path().join("fresh");
    assert_success(&brief(parent.path(), &["init", fresh.to_str().unwrap()]));
    assert_eq!(
        fs::read_to_string(fresh.join(".gitignore")).unwrap(),
        "/public/\n/.brief-cache/\n"
    );
}

/// A reader that has gone (`brief init | head -1`) ends the report quietly:
/// no panic, no backtrace, and the work done.
#[test]
fn a_closed_stdout_ends_the_report_quietly() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("digest");
    let out = common::brief_into_a_closed_pipe(&["init", dir.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(dir.join("config.toml").is_file());
}

#[test]
fn init_refuses_a_file_and_a_dangling_link_naming_them() {
    let parent = tempfile::tempdir().unwrap();
    let file = parent.path().join("notes.txt");
    fs::write(&file, "an editor's notes").unwrap();
    let mut cases = vec![(file.clone(), "it is a file, not a folder")];
    #[cfg(unix)]
    {
        let link = parent.path().join("gone");
        std::os::unix::fs::symlink(parent.path().join("nowhere"), &link).unwrap();
        cases.push((link, "it is a link to something that does not exist"));
    }
    for (target, why) in cases {
        let out = brief(parent.path(), &["init", target.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "an editor's notes");
    assert!(!parent.path().join("nowhere").exists());
}

/// `new` names the file as import does: the headline's meaningful words,
/// at most six of them and 50 characters (stop words left out).
#[test]
fn new_writes_an_insight_that_parses_with_a_unique_slug() {
    let site = site();
    let args = [
        "new",
        "Huawei's \"Ascend\" ramps up",
        "--date",
        "2026-11-24",
        "--topic",
        "huawei",
        "--topic",
        "chips",
    ];
    let out = brief(site.path(), &args);
    assert_success(&out);
    let path = site
        .path()
        .join(INSIGHTS_DIR)
        .join("huaweis-ascend-ramps.md");
    let config = Config::load(site.path()).unwrap();
    let insight = parse_insight(&fs::read_to_string(&path).unwrap(), &path, &config).unwrap();
    assert_eq!(insight.title, "Huawei's \"Ascend\" ramps up");
    assert_eq!(insight.topics, ["huawei", "chips"]);
    assert_eq!(insight.day.to_string(), "2026-11-24");

    assert_success(&brief(site.path(), &args));
    assert!(site
        .path()
        .join(INSIGHTS_DIR)
        .join("huaweis-ascend-ramps-2.md")
        .exists());

    let long = "Chinese hyperscalers are quietly rebuilding their inference stacks around domestic accelerators because export controls made supply unpredictable";
    assert_success(&brief(site.path(), &["new", long]));
    assert!(site
        .path()
        .join(INSIGHTS_DIR)
        .join("chinese-hyperscalers-quietly-rebuilding-inference.md")
        .exists());

    let unknown = brief(site.path(), &["new", "Other", "--topic", "huawie"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("did you mean \"huawei\""),
        "{}",
        stderr(&unknown)
    );

    // An empty title is a usage error, as a missing one is.
    let untitled = brief(site.path(), &["new", "  "]);
    assert_eq!(untitled.status.code(), Some(2), "{}", stderr(&untitled));
    assert!(stderr(&untitled).contains("the title is empty"));

    // A date the next build would refuse is refused here, nothing written.
    let before = snapshot(site.path());
    let year_zero = brief(site.path(), &["new", "Other", "--date", "0000-01-01"]);
    assert_eq!(year_zero.status.code(), Some(1));
    assert!(
        stderr(&year_zero).contains("--date 0000-01-01 is outside the years 1 to 9999"),
        "{}",
        stderr(&year_zero)
    );
    assert_eq!(snapshot(site.path()), before);
}

#[test]
fn yaml_front_matter_is_left_alone_with_a_warning() {
    let site = site();
    let lines = raw_lines(&seed(0));
    let dir = site.path().join(INSIGHTS_DIR);
    fs::create_dir_all(&dir).unwrap();
    let yaml = format!(
        "---\ntitle: Kept as written\ndate: 2026-11-01\n---\n{}\n",
        lines[0].1
    );
    fs::write(dir.join("by-hand.md"), &yaml).unwrap();

    let out = import(site.path(), &[&seed(0)]);
    assert_success(&out);
    assert!(
        stderr(&out).contains("by-hand.md: warning: not updated: YAML front matter"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("10 new, 1 merged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(fs::read_to_string(dir.join("by-hand.md")).unwrap(), yaml);
    // Again: the merge is still the editor's to make, and the closing line
    // says so rather than that content holds every source.
    let again = import(site.path(), &[&seed(0)]);
    assert_success(&again);
    assert!(
        stdout(&again).ends_with("nothing written: 1 file with YAML front matter needs the sources and related insights above added by hand\n"),
        "{}",
        stdout(&again)
    );
}

fn email_fixtures() -> PathBuf {
    repo().join("tests/fixtures/email")
}

fn email_fixture(n: usize) -> PathBuf {
    let mut emls: Vec<PathBuf> = fs::read_dir(email_fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    emls.sort();
    emls.swap_remove(n)
}

/// What makes two imports the same: each insight's id, title, day, topics,
/// related slugs and body (sources differ: file names or Message-IDs).
fn signature(root: &Path) -> Vec<String> {
    let mut all: Vec<String> = insights(root)
        .iter()
        .map(|i| {
            format!(
                "{} {:?} {} {:?} {:?} {:?}",
                i.id, i.title, i.day, i.topics, i.related, i.body
            )
        })
        .collect();
    all.sort();
    all
}

fn imported_from_text() -> Vec<String> {
    let text = site();
    assert_success(&import(text.path(), &[&seeds_dir()]));
    signature(text.path())
}

#[test]
fn emails_of_every_encoding_give_the_same_39_insights_as_the_text_files() {
    let expected = imported_from_text();
    assert_eq!(expected.len(), 39);
    let emails = site();
    let paths: Vec<PathBuf> = (0..5).map(email_fixture).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let out = import(emails.path(), &refs);
    assert_success(&out);
    assert!(
        stdout(&out).contains("5 files read (5 emails), 55 insights seen, 39 new, 16 merged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(signature(emails.path()), expected);
    // An .eml's source is its file name; its date its Date: header.
    let all = insights(emails.path());
    let lead = by_text(&all, "AI lab DeepSeek");
    assert_eq!(lead.sources, ["2026-11-19_001_d50d2e78a039cc7b.eml"]);
    assert_eq!(lead.day.to_string(), "2026-11-19");
}

#[test]
fn one_mbox_of_all_five_gives_the_same_insights_and_reimports_idempotently() {
    let mbox = site();
    let file = email_fixtures().join("seeds.mbox");
    let out = import(mbox.path(), &[&file]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("1 file read (5 emails), 55 insights seen, 39 new"),
        "{}",
        stdout(&out)
    );
    assert_eq!(signature(mbox.path()), imported_from_text());
    let all = insights(mbox.path());
    let four = by_text(&all, "China is compensating for its deficit");
    assert_eq!(
        four.sources,
        [
            "seed-000@scanner.example",
            "seed-002@scanner.example",
            "seed-003@scanner.example",
            "seed-004@scanner.example"
        ]
    );
    let before = snapshot(mbox.path());
    let again = import(mbox.path(), &[&file]);
    assert_success(&again);
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
    assert_eq!(snapshot(mbox.path()), before);
}

#[test]
fn a_maildir_is_read_as_a_mailbox_without_its_tmp_folder() {
    let site = site();
    let maildir = site.path().join("Mail/digest");
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    for n in 0..5 {
        let sub = if n < 3 { "cur" } else { "new" };
        let name = format!("17630000{n}.M{n}P1.host:2,S");
        fs::copy(email_fixture(n), maildir.join(sub).join(name)).unwrap();
    }
    // A message still being delivered is not read.
    fs::write(maildir.join("tmp/1763.M9.host"), "Subject: half\n").unwrap();
    let out = import(site.path(), &[&site.path().join("Mail")]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("5 files read (5 emails)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(signature(site.path()), imported_from_text());
    let all = insights(site.path());
    assert_eq!(
        by_text(&all, "AI lab DeepSeek").sources,
        ["seed-001@scanner.example"]
    );
    // Reading a message renames it (cur/…:2,S → :2,RS): same Message-ID, nothing new.
    let before = snapshot(site.path());
    let cur = maildir.join("cur");
    fs::rename(
        cur.join("176300000.M0P1.host:2,S"),
        cur.join("176300000.M0P1.host:2,RS"),
    )
    .unwrap();
    let again = import(site.path(), &[&maildir]);
    assert!(
        stdout(&again).contains("nothing to change"),
        "{}",
        stdout(&again)
    );
    assert_eq!(snapshot(site.path()), before);
}

/// A message as an mbox entry: its `From ` line, the message, a blank line.
fn mbox_entry(message: &str) -> String {
    format!("From sender@scanner.example Mon Nov 23 07:30:00 2026\n{message}\n")
}

#[test]
fn bad_messages_are_skipped_by_name_and_the_rest_imports() {
    let site = site();
    let good = fs::read_to_string(email_fixtures().join("seeds.mbox")).unwrap();
    let headers = "From: a@scanner.example\nDate: Mon, 23 Nov 2026 07:30:00 +0000\n";
    let no_text = format!("{headers}Message-ID: <picture@x>\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n");
    let charset = format!("{headers}Message-ID: <klingon@x>\nContent-Type: text/plain; charset=x-klingon\n\nQapla' batlh.\n");
    let whole = fs::read_to_string(email_fixture(2)).unwrap();
    let cut = &whole[..whole.len() * 2 / 3];
    let mbox = format!(
        "{good}{}{}{}",
        mbox_entry(&no_text),
        mbox_entry(&charset),
        mbox_entry(cut).trim_end()
    );
    let path = site.path().join("box.mbox");
    fs::write(&path, mbox).unwrap();

    let out = import(site.path(), &[&path]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an undecodable message fails the run"
    );
    let warnings = stderr(&out);
    for (n, why) in [
        (6, "it has no text part"),
        (7, "its text cannot be decoded from charset \"x-klingon\""),
        (8, "it is truncated"),
    ] {
        assert!(
            warnings.lines().any(|l| l.contains("box.mbox")
                && l.contains("warning")
                && l.contains(&format!("message {n}: {why}"))),
            "message {n} not named:\n{warnings}"
        );
    }
    assert!(
        stdout(&out).contains("1 file read (5 emails), 55 insights seen, 39 new"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("3 skipped"), "{}", stdout(&out));
    assert_eq!(insights(site.path()).len(), 39);
}

#[test]
fn an_email_is_dated_by_its_date_header_in_the_sites_zone_unless_date_is_given() {
    let site = site();
    let config = fs::read_to_string(site.path().join("config.toml")).unwrap();
    fs::write(
        site.path().join("config.toml"),
        config.replace("timezone = \"UTC\"", "timezone = \"Asia/Shanghai\""),
    )
    .unwrap();
    let eml = site.path().join("late.eml");
    fs::write(
        &eml,
        "From: a@scanner.example\nDate: Wed, 18 Nov 2026 19:30:00 -0500\nMessage-ID: <late@x>\nContent-Type: text/plain; charset=utf-8\n\nHuawei ships its Ascend chips to a new customer. It is a first.\n",
    )
    .unwrap();
    assert_success(&import(site.path(), &[&eml]));
    let all = insights(site.path());
    let late = by_text(&all, "Huawei ships");
    // 19:30 in New York is 08:30 the next day in Shanghai.
    assert_eq!(late.day.to_string(), "2026-11-19");
    assert_eq!(late.sources, ["late.eml"]);

    let other = site.path().join("other.eml");
    let text = fs::read_to_string(&eml).unwrap();
    let text = text.replace("<late@x>", "<other@x>").replace(
        "Huawei ships its Ascend chips to a new customer. It is a first.",
        "SMIC ships 5 nm wafers in volume, a year ahead of plan.",
    );
    fs::write(&other, text).unwrap();
    assert_success(&brief(
        site.path(),
        &["import", "--date", "2026-12-01", other.to_str().unwrap()],
    ));
    let dated = by_text(&insights(site.path()), "SMIC ships")
        .day
        .to_string();
    assert_eq!(dated, "2026-12-01");
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_huge_files_are_refused_without_reading_them() {
    let site = site();
    let fifo = site.path().join("pipe.txt");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let big = site.path().join("big.txt");
    fs::File::create(&big)
        .unwrap()
        .set_len(brief::import::MAX_INPUT_BYTES + 1)
        .unwrap();
    let out = import(
        site.path(),
        &[&fifo, Path::new("/dev/zero"), &big, &seed(0)],
    );
    assert_eq!(out.status.code(), Some(1));
    let warnings = stderr(&out);
    for (name, why) in [
        ("pipe.txt", "not a regular file"),
        ("/dev/zero", "not a regular file"),
        ("big.txt", "larger than 16 MiB"),
    ] {
        assert!(
            warnings
                .lines()
                .any(|l| l.contains(name) && l.contains(why)),
            "{name}: {why} not said:\n{warnings}"
        );
    }
    assert!(
        stdout(&out).contains("1 file read, 11 insights seen, 11 new"),
        "{}",
        stdout(&out)
    );
    // In a folder, a FIFO named like a raw file is named too, and not opened.
    let dir = site.path().join("raw");
    fs::create_dir(&dir).unwrap();
    fs::rename(&fifo, dir.join("pipe.txt")).unwrap();
    // A link to a folder of raw files is named as well, not passed over.
    std::os::unix::fs::symlink(seeds_dir(), dir.join("seeds")).unwrap();
    let out = import(site.path(), &[&dir]);
    let warnings = stderr(&out);
    assert!(
        warnings.contains("pipe.txt: warning: skipped: not a regular file"),
        "{warnings}"
    );
    assert!(
        warnings.contains("seeds: warning: skipped: not a regular file (a link"),
        "{warnings}"
    );
}

#[test]
fn importing_the_site_root_reads_raw_files_only() {
    let site = site();
    let root = site.path();
    let raw = root.join("raw");
    fs::create_dir(&raw).unwrap();
    fs::copy(seed(0), raw.join("2026-11-18_seed.txt")).unwrap();
    assert_success(&import(root, &[&raw]));
    assert_success(&brief(root, &["build"]));
    assert!(root.join("public/index.html").exists());
    // Text in every folder of the site that is not raw input.
    for junk in [
        "public/notes.txt",
        "out/.brief-files",
        "out/issue.txt",
        "content/notes.md",
        "themes/mine/readme.txt",
        "templates/email.txt",
        "static/robots.txt",
        ".brief-cache/x.txt",
    ] {
        let path = root.join(junk);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "Junk that is no insight. It must not be imported.\n").unwrap();
    }
    let before = snapshot(root);
    let out = Command::new(BRIEF)
        .current_dir(root)
        .args(["import", "."])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        stdout(&out).contains("1 file read, 11 insights seen, 0 new"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("nothing to change"),
        "{}",
        stdout(&out)
    );
    assert_eq!(snapshot(root), before);
    // Named outright, the output is refused with a word.
    let out = import(root, &[&root.join("public")]);
    assert!(stderr(&out).contains("public: warning: skipped: the site's own content, output or build cache is not raw input"), "{}", stderr(&out));
}

#[test]
fn every_content_file_that_cannot_be_written_is_reported_and_fails_the_run() {
    // Permissions do not stop root (the CI user), so writes are made to fail
    // by what lies in the way: a file where content/insights/ should be…
    let site = site();
    fs::create_dir(site.path().join("content")).unwrap();
    fs::write(site.path().join(INSIGHTS_DIR), "not a folder").unwrap();
    let out = import(site.path(), &[&seed(0)]);
    assert_eq!(out.status.code(), Some(1));
    let errors = stderr(&out);
    assert_eq!(
        errors
            .lines()
            .filter(|l| l.contains("error: cannot write the new insight"))
            .count(),
        11,
        "{errors}"
    );
    assert!(
        errors.contains("error: 11 content files could not be written"),
        "{errors}"
    );
    assert!(
        !stdout(&out).contains("nothing to change"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains(
            "created 0 files and updated 0 files in content/insights/; 11 could not be written"
        ),
        "{}",
        stdout(&out)
    );

    // …and a folder where an update writes its copy before renaming it.
    let site = self::site();
    assert_success(&import(site.path(), &[&seed(0)]));
    let grown = by_text(&insights(site.path()), "China is compensating")
        .path
        .clone();
    let name = grown.file_name().unwrap().to_string_lossy().into_owned();
    fs::create_dir(grown.with_file_name(format!(".{name}.brief-tmp"))).unwrap();
    let before = fs::read_to_string(&grown).unwrap();
    let out = import(site.path(), &[&seeds_dir()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .lines()
            .any(|l| l.contains(&name) && l.contains("error: cannot update")),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(&grown).unwrap(),
        before,
        "the file is unharmed"
    );
    assert_eq!(insights(site.path()).len(), 39, "the others were written");
}

/// A path that names nothing (a typo) is not "content already holds every
/// insight": the run says it read nothing, names the path and exits 1.
#[test]
fn a_path_that_names_nothing_is_said_to_be_unread() {
    let site = site();
    let missing = site.path().join("raw/2026-11-18.txt");
    let out = import(site.path(), &[&missing]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2026-11-18.txt: warning: skipped: cannot read the file"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).ends_with("nothing imported: no file named could be read (see above)\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).ends_with("error: nothing was imported (see above)\n"),
        "{}",
        stderr(&out)
    );
    // An empty folder holds nothing to import: said so, and no error.
    let empty = site.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let out = import(site.path(), &[&empty]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("nothing imported: no raw insight file"),
        "{}",
        stdout(&out)
    );
    // A link to a folder, named, is read as the folder: no warning.
    #[cfg(unix)]
    {
        let link = site.path().join("seeds-link");
        std::os::unix::fs::symlink(seeds_dir(), &link).unwrap();
        let out = import(site.path(), &[&link]);
        assert_success(&out);
        assert_eq!(stderr(&out), "");
    }
}

/// An editor forwards two briefs at once as attachments, with a note: the
/// import is what importing the two briefs gives (their insights, dates and
/// related links), and the note is no insight.
#[test]
fn briefs_forwarded_as_attachments_import_as_the_briefs_themselves() {
    let direct = site();
    assert_success(&import(
        direct.path(),
        &[&email_fixture(2), &email_fixture(3)],
    ));
    let forwarded = site();
    let mut message = String::from(
        "From: editor@digest.example\nDate: Mon, 23 Nov 2026 09:00:00 +0000\n\
         Message-ID: <fwd@digest.example>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"fw\"\n\n\
         --fw\nContent-Type: text/plain\n\nFYI, the two briefs below.\n",
    );
    for n in [2, 3] {
        message.push_str("--fw\nContent-Type: message/rfc822\n\n");
        message.push_str(&fs::read_to_string(email_fixture(n)).unwrap());
        message.push('\n');
    }
    message.push_str("--fw--\n");
    let file = forwarded.path().join("forward.eml");
    fs::write(&file, message).unwrap();
    let out = import(forwarded.path(), &[&file]);
    assert_success(&out);
    assert!(
        stdout(&out).contains("1 file read (2 emails)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(signature(forwarded.path()), signature(direct.path()));
    let all = insights(forwarded.path());
    assert!(all.iter().all(|i| !i.title.starts_with("FYI")));
}
