//! `brief import`, `init` and `new`, driven through the real binary on temp sites
//! built from the repository's own config and the five seed files in content/raw/.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use brief::config::Config;
use brief::content::{insight_id, load_insights, parse_insight, Insight, INSIGHTS_DIR};

const BOILERPLATE: &[&str] = &[
    "We scan new podcasts and send you the top 5 insights daily.",
    "Get your free personalized podcast brief",
    "Related Insights",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

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

fn brief(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("brief runs")
}

fn import(root: &Path, paths: &[&Path]) -> Output {
    let mut args = vec!["import"];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    brief(root, &args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(root.join(INSIGHTS_DIR))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
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
        report.contains("1 files read, 2 insights seen, 1 new, 1 merged (1 near-duplicates)"),
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
        "1 files read, 11 insights seen, 11 new, 0 merged (0 near-duplicates), 3 skipped"
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
    let dir = parent.path().join("digest");
    let out = brief(parent.path(), &["init", dir.to_str().unwrap()]);
    assert_success(&out);
    assert_eq!(insights(&dir).len(), 1);

    let again = brief(parent.path(), &["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("non-empty directory"),
        "{}",
        stderr(&again)
    );
}

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
        .join("huaweis-ascend-ramps-up.md");
    let config = Config::load(site.path()).unwrap();
    let insight = parse_insight(&fs::read_to_string(&path).unwrap(), &path, &config).unwrap();
    assert_eq!(insight.title, "Huawei's \"Ascend\" ramps up");
    assert_eq!(insight.topics, ["huawei", "chips"]);
    assert_eq!(insight.day.to_string(), "2026-11-24");

    assert_success(&brief(site.path(), &args));
    assert!(site
        .path()
        .join(INSIGHTS_DIR)
        .join("huaweis-ascend-ramps-up-2.md")
        .exists());

    let unknown = brief(site.path(), &["new", "Other", "--topic", "huawie"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("did you mean \"huawei\""),
        "{}",
        stderr(&unknown)
    );
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
}
