//! A deterministic synthetic digest for benchmarks and tests.
//!
//! `cargo run --release --example gen_corpus -- --insights N --out DIR [--raw DIR]
//! [--hugo DIR] [--zola DIR] [--seed S] [--distinct-code]` writes a complete brief site to `DIR` (`config.toml`
//! with 20 topics and `content/insights/*.md`): about five insights a day, each
//! 60-120 words in one or two paragraphs with 1-3 topics, sometimes a fenced code
//! block, a list, emphasis, links to earlier insights (relative `../slug/` and
//! site-relative `/insights/slug/`) and `related` slugs. `--raw DIR` also writes
//! the same insights as raw insight files in the scanning service's format (one
//! file per day, boilerplate lines, repeated sightings, `Related Insights`
//! markers) for the importer benchmark; `--hugo DIR` writes an equivalent Hugo site
//! (same pages, `topics` and `issues` taxonomies, full-content RSS) and `--zola
//! DIR` its Zola 0.22 counterpart, so the three tools can be timed on one corpus. Code blocks are drawn from four snippets, as a
//! digest that quotes the same code again and again would; `--distinct-code`
//! makes every block differ from every other (a comment naming its insight), as
//! real bodies do, so that no cache of highlighted blocks can help. The same arguments always give the same bytes: the
//! only randomness is a seeded SplitMix64, and the newest day is fixed.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};

/// The newest day of every corpus: fixed, so output never depends on the clock.
const LAST_DAY: (i32, u32, u32) = (2026, 11, 30);

const BOILERPLATE_HEAD: &str = "Get your free personalized podcast brief";
const BOILERPLATE_TAGLINE: &str = "We scan new podcasts and send you the top 5 insights daily.";
const RELATED_MARKER: &str = "Related Insights";

/// `(slug, name, keywords)` of the 20 configured topics.
const TOPICS: [(&str, &str, &[&str]); 20] = [
    ("chips", "Chips", &["chip*", "semiconductor*", "gpu*"]),
    ("energy", "Energy & Power", &["energy", "power", "grid"]),
    ("pricing", "Pricing", &["price*", "cost*", "token*"]),
    (
        "open-source",
        "Open source",
        &["open-source", "open weights"],
    ),
    ("robotics", "Robotics", &["robot*", "humanoid*", "embodied"]),
    ("china", "China", &["china", "chinese", "beijing"]),
    ("regulation", "Regulation", &["regulat*", "law*", "policy"]),
    ("agents", "Agents", &["agent*", "autonom*"]),
    (
        "data-centers",
        "Data centers",
        &["data center*", "cluster*"],
    ),
    (
        "funding",
        "Funding",
        &["funding", "investor*", "valuation*"],
    ),
    ("talent", "Talent", &["talent", "hiring", "researcher*"]),
    (
        "healthcare",
        "Healthcare",
        &["health*", "clinical", "drug*"],
    ),
    (
        "education",
        "Education",
        &["education", "student*", "teach*"],
    ),
    ("security", "Security", &["security", "attack*", "defen*"]),
    ("cloud", "Cloud", &["cloud", "hyperscaler*"]),
    ("models", "Models", &["model*", "llm*", "frontier"]),
    ("hardware", "Hardware", &["hardware", "device*", "memory"]),
    ("startups", "Startups", &["startup*", "founder*"]),
    ("media", "Media", &["media", "podcast*", "content"]),
    (
        "geopolitics",
        "Geopolitics",
        &["export control*", "sanction*", "tariff*"],
    ),
];

const SUBJECTS: &[&str] = &[
    "DeepSeek",
    "Huawei",
    "NVIDIA",
    "the administration",
    "Beijing",
    "a leading open-source lab",
    "every large hyperscaler",
    "the biggest chip designer",
    "a prominent venture investor",
    "one humanoid robot maker",
    "the European Commission",
    "a new cohort of startups",
    "the largest cloud provider",
    "the national grid operator",
    "each frontier lab",
    "the typical enterprise buyer",
    "a major hospital network",
    "a university research group",
    "the defense ministry",
    "a legacy media company",
];

const VERBS: &[&str] = &[
    "is quietly shifting",
    "has started to rethink",
    "is betting heavily on",
    "keeps underestimating",
    "is racing to secure",
    "now treats",
    "is doubling down on",
    "has begun to price in",
    "is openly questioning",
    "is restructuring around",
    "wants to control",
    "is slowly abandoning",
];

const OBJECTS: &[&str] = &[
    "cheap inference capacity",
    "domestic semiconductor supply",
    "open weights as soft power",
    "long-term energy contracts",
    "humanoid robots for factory work",
    "agentic workflows in the enterprise",
    "export controls on advanced GPUs",
    "token prices that fall every quarter",
    "sovereign data center clusters",
    "talent pipelines from top universities",
    "clinical trials run with language models",
    "security reviews of model weights",
    "memory bandwidth as the real bottleneck",
    "tariffs on critical hardware",
    "valuations detached from revenue",
    "podcast-scale media distribution",
];

const CLAUSES: &[&str] = &[
    "because margins on training runs keep shrinking",
    "while competitors are still arguing about benchmarks",
    "even though the short-term cost is high",
    "which changes the economics of every downstream product",
    "as the policy window narrows before the next election",
    "since customers care more about latency than about raw capability",
    "and that decision will be hard to reverse",
    "so the real contest moves to distribution and trust",
    "despite warnings from its own engineers",
    "which most analysts have not yet noticed",
];

const OPENERS: &[&str] = &[
    "In practice,",
    "The overlooked point is that",
    "Meanwhile,",
    "Put simply,",
    "Over the next two years,",
    "According to several founders,",
    "The numbers suggest that",
    "Crucially,",
];

const LIST_ITEMS: &[&str] = &[
    "inference cost per million tokens",
    "time to first deployment",
    "share of domestic hardware",
    "power usage effectiveness",
    "developer adoption of the open weights",
    "procurement cycles in the public sector",
    "retention of senior researchers",
    "latency at the edge",
];

/// `(info string, code, line comment)` of the fenced blocks some bodies carry.
const CODE_BLOCKS: &[(&str, &str, &str)] = &[
    (
        "rust",
        "fn cost_per_token(total: f64, tokens: u64) -> f64 {\n    total / tokens as f64\n}",
        "//",
    ),
    (
        "python",
        "def cost_per_token(total, tokens):\n    return total / max(tokens, 1)\n\nprint(cost_per_token(1.10, 1_000_000))",
        "#",
    ),
    (
        "javascript",
        "const perToken = (total, tokens) => total / Math.max(tokens, 1);\nconsole.log(perToken(10, 1e6));",
        "//",
    ),
    (
        "bash",
        "curl -s https://example.org/api/prices | jq '.models[] | .price'",
        "#",
    ),
];

/// SplitMix64: tiny, fast and good enough for text; fixed seed → fixed corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }
}

/// One generated insight, kept until every output format is written.
struct Insight {
    slug: String,
    title: String,
    day: NaiveDate,
    topics: Vec<usize>,
    sources: Vec<String>,
    related: Vec<String>,
    weight: Option<i64>,
    /// The Markdown body of the content file.
    body: String,
    /// The same insight as one line of plain prose, as raw files carry it.
    raw: String,
}

/// What to generate and where.
pub struct Options {
    pub insights: usize,
    pub out: PathBuf,
    pub raw: Option<PathBuf>,
    pub hugo: Option<PathBuf>,
    pub zola: Option<PathBuf>,
    pub seed: u64,
    /// Every code block distinct (see the module docs).
    pub distinct_code: bool,
}

/// Writes the site and the optional raw, Hugo and Zola copies.
pub fn run(options: &Options) -> std::io::Result<()> {
    let insights = generate(options.insights, options.seed, options.distinct_code);
    write_site(&options.out, &insights)?;
    if let Some(dir) = &options.raw {
        write_raw(dir, &insights, options.seed)?;
    }
    if let Some(dir) = &options.hugo {
        write_hugo(dir, &insights)?;
    }
    if let Some(dir) = &options.zola {
        write_zola(dir, &insights)?;
    }
    Ok(())
}

// ---- the corpus ----------------------------------------------------------------

/// `n` insights, oldest first, 3-7 a day (five on average) up to [`LAST_DAY`].
fn generate(n: usize, seed: u64, distinct_code: bool) -> Vec<Insight> {
    let mut rng = Rng(seed);
    let per_day: Vec<usize> = {
        let mut counts = Vec::new();
        let mut left = n;
        while left > 0 {
            let c = rng.range(3, 7).min(left);
            counts.push(c);
            left -= c;
        }
        counts
    };
    let (y, m, d) = LAST_DAY;
    let last = NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date");
    let first = last - Days::new(per_day.len().saturating_sub(1) as u64);
    let mut insights: Vec<Insight> = Vec::with_capacity(n);
    for (offset, &count) in per_day.iter().enumerate() {
        let day = first + Days::new(offset as u64);
        for _ in 0..count {
            let insight = generate_one(&mut rng, day, &insights, distinct_code);
            insights.push(insight);
        }
    }
    insights
}

fn generate_one(
    rng: &mut Rng,
    day: NaiveDate,
    earlier: &[Insight],
    distinct_code: bool,
) -> Insight {
    let index = earlier.len();
    let title_sentence = sentence(rng, false);
    let title = title_sentence.trim_end_matches('.').to_string();
    let slug = format!("{}-{index}", slug_words(&title, 6));
    let target_words = rng.range(60, 120);
    let mut prose = vec![title_sentence];
    while word_count(&prose) < target_words {
        prose.push(sentence(rng, true));
    }
    let raw = prose.join(" ");
    let body = decorate(rng, &prose, earlier, distinct_code);
    let topic_count = rng.range(1, 3);
    let topics = pick_distinct(rng, TOPICS.len(), topic_count);
    let sources = (0..rng.range(1, 3))
        .map(|_| format!("{:03}_{:016x}.txt", rng.range(0, 999), rng.next()))
        .collect();
    let related = if !earlier.is_empty() && rng.chance(20) {
        (0..rng.range(1, 2))
            .map(|_| earlier_slug(rng, earlier))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let weight = rng.chance(10).then(|| rng.range(1, 5) as i64);
    Insight {
        slug,
        title,
        day,
        topics,
        sources,
        related,
        weight,
        body,
        raw,
    }
}

/// `k` distinct indices below `n`, ascending.
fn pick_distinct(rng: &mut Rng, n: usize, k: usize) -> Vec<usize> {
    let mut picked = Vec::with_capacity(k);
    while picked.len() < k {
        let i = rng.range(0, n - 1);
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    picked
}

/// Mostly recent insights, as editors link what they wrote lately.
fn earlier_slug(rng: &mut Rng, earlier: &[Insight]) -> String {
    let back = rng.range(1, earlier.len().min(200));
    earlier[earlier.len() - back].slug.clone()
}

fn sentence(rng: &mut Rng, long: bool) -> String {
    let mut s = String::new();
    if long && rng.chance(40) {
        s.push_str(rng.pick(OPENERS));
        s.push(' ');
        s.push_str(rng.pick(SUBJECTS));
    } else {
        s.push_str(&capitalize(rng.pick(SUBJECTS)));
    }
    write!(s, " {} {}", rng.pick(VERBS), rng.pick(OBJECTS)).expect("write to String");
    if long && rng.chance(70) {
        write!(s, ", {}", rng.pick(CLAUSES)).expect("write to String");
    }
    s.push('.');
    s
}

/// Markdown around the prose: paragraphs, emphasis, links, a list, a code block.
fn decorate(rng: &mut Rng, prose: &[String], earlier: &[Insight], distinct_code: bool) -> String {
    let mut sentences: Vec<String> = prose.to_vec();
    if sentences.len() > 2 && rng.chance(30) {
        let i = rng.range(1, sentences.len() - 1);
        sentences[i] = emphasize(rng, &sentences[i]);
    }
    if !earlier.is_empty() && rng.chance(25) {
        let target = earlier_slug(rng, earlier);
        let href = if rng.chance(50) {
            format!("../{target}/")
        } else {
            format!("/insights/{target}/")
        };
        sentences.push(format!("See also [this earlier analysis]({href})."));
    }
    let split = if sentences.len() > 3 && rng.chance(50) {
        sentences.len() / 2
    } else {
        sentences.len()
    };
    let mut body = sentences[..split].join(" ");
    body.push_str("\n\n");
    if split < sentences.len() {
        body.push_str(&sentences[split..].join(" "));
        body.push_str("\n\n");
    }
    if rng.chance(15) {
        body.push_str("What to watch:\n\n");
        for i in pick_distinct(rng, LIST_ITEMS.len(), 3) {
            writeln!(body, "- {}", LIST_ITEMS[i]).expect("write to String");
        }
        body.push('\n');
    }
    if rng.chance(8) {
        let (lang, code, comment) = rng.pick(CODE_BLOCKS);
        writeln!(body, "```{lang}\n{code}").expect("write to String");
        if distinct_code {
            writeln!(body, "{comment} from insight {}", earlier.len()).expect("write to String");
        }
        writeln!(body, "```\n").expect("write to String");
    }
    body.truncate(body.trim_end().len());
    body.push('\n');
    body
}

/// Wraps one word of the sentence in `**`, `*` or backticks.
fn emphasize(rng: &mut Rng, sentence: &str) -> String {
    let words: Vec<&str> = sentence.split(' ').collect();
    let i = rng.range(0, words.len().saturating_sub(2));
    let mark = rng.pick(&["**", "*", "`"]);
    words
        .iter()
        .enumerate()
        .map(|(n, w)| {
            if n == i {
                format!("{mark}{w}{mark}")
            } else {
                (*w).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn word_count(sentences: &[String]) -> usize {
    sentences.iter().map(|s| s.split_whitespace().count()).sum()
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// The first `max` words of `text` as a lowercase, dash-joined slug.
fn slug_words(text: &str, max: usize) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max)
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

// ---- brief site ----------------------------------------------------------------

fn write_site(dir: &Path, insights: &[Insight]) -> std::io::Result<()> {
    let content = dir.join("content/insights");
    fs::create_dir_all(&content)?;
    fs::write(dir.join("config.toml"), site_config())?;
    for insight in insights {
        fs::write(
            content.join(format!("{}.md", insight.slug)),
            content_file(insight, ""),
        )?;
    }
    Ok(())
}

fn site_config() -> String {
    let mut config = String::from(
        "title = \"Synthetic Digest\"\n\
         description = \"A generated insight digest for benchmarks\"\n\
         base_url = \"https://example.org/\"\n\
         language = \"en\"\n",
    );
    for (slug, name, keywords) in TOPICS {
        let keywords: Vec<String> = keywords.iter().map(|k| format!("{k:?}")).collect();
        write!(
            config,
            "\n[[topics]]\nslug = \"{slug}\"\nname = \"{name}\"\ndescription = \"Insights about {}.\"\nkeywords = [{}]\n",
            name.to_lowercase(),
            keywords.join(", ")
        )
        .expect("write to String");
    }
    config
}

/// A content file; `extra` is appended to the front matter (Hugo's taxonomy key).
fn content_file(insight: &Insight, extra: &str) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let topics: Vec<String> = insight
        .topics
        .iter()
        .map(|&t| TOPICS[t].0.to_string())
        .collect();
    // The id the importer would give the insight: the hash of its raw text.
    let mut out = format!(
        "+++\nid = \"{}\"\ntitle = {:?}\ndate = {}\ntopics = [{}]\nsources = [{}]\n",
        brief::content::insight_id(&insight.raw),
        insight.title,
        insight.day,
        list(&topics),
        list(&insight.sources)
    );
    if !insight.related.is_empty() {
        writeln!(out, "related = [{}]", list(&insight.related)).expect("write to String");
    }
    if let Some(w) = insight.weight {
        writeln!(out, "weight = {w}").expect("write to String");
    }
    out.push_str(extra);
    out.push_str("+++\n");
    out.push_str(&insight.body);
    out
}

// ---- raw insight files ---------------------------------------------------------

/// One raw file per day, named with its date so the importer dates it; some
/// files repeat an earlier day's insight word for word, some mark the rest of
/// the day as `Related Insights` of the first.
fn write_raw(dir: &Path, insights: &[Insight], seed: u64) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut rng = Rng(seed ^ 0x5eed_5eed);
    let mut start = 0;
    while start < insights.len() {
        let day = insights[start].day;
        let end = start
            + insights[start..]
                .iter()
                .take_while(|i| i.day == day)
                .count();
        let mut lines: Vec<&str> = insights[start..end]
            .iter()
            .map(|i| i.raw.as_str())
            .collect();
        if start > 0 && rng.chance(30) {
            lines.push(&insights[rng.range(0, start - 1)].raw);
        }
        let mut text = format!("{BOILERPLATE_HEAD}\n\n{BOILERPLATE_TAGLINE}\n\n");
        let blank = if rng.chance(50) { "\n" } else { "" };
        for (n, line) in lines.iter().enumerate() {
            write!(text, "{line}\n{blank}").expect("write to String");
            if n == 0 && lines.len() > 1 && rng.chance(15) {
                write!(text, "{RELATED_MARKER}\n{blank}").expect("write to String");
            }
        }
        fs::write(dir.join(format!("{day}_{:016x}.txt", rng.next())), text)?;
        start = end;
    }
    Ok(())
}

// ---- Hugo site -----------------------------------------------------------------

/// Hugo's counterpart of [`write_site`]: the same content files (Hugo reads the
/// TOML front matter as is) plus an `issues` taxonomy holding the day, so Hugo
/// renders one page per daily issue, one per topic (paginated), one per insight,
/// full-content RSS for the site and each term, a sitemap and robots.txt.
fn write_hugo(dir: &Path, insights: &[Insight]) -> std::io::Result<()> {
    let peer = Peer {
        config: ("hugo.toml", HUGO_CONFIG),
        templates: ("layouts", HUGO_LAYOUTS),
        section_index: None,
    };
    peer.write(dir, insights, |insight| {
        format!("issues = [\"{}\"]\n", insight.day)
    })
}

/// A peer generator's site: its config file, its templates and, for Zola, the
/// insights section's `_index.md`. The content files are brief's, with the
/// peer's own front matter appended by the caller.
struct Peer {
    config: (&'static str, &'static str),
    templates: (&'static str, &'static [(&'static str, &'static str)]),
    section_index: Option<&'static str>,
}

impl Peer {
    fn write(
        &self,
        dir: &Path,
        insights: &[Insight],
        extra: impl Fn(&Insight) -> String,
    ) -> std::io::Result<()> {
        let content = dir.join("content/insights");
        fs::create_dir_all(&content)?;
        fs::write(dir.join(self.config.0), self.config.1)?;
        let (templates_dir, templates) = self.templates;
        for (path, text) in templates {
            let path = dir.join(templates_dir).join(path);
            fs::create_dir_all(path.parent().expect("templates have a parent"))?;
            fs::write(path, text)?;
        }
        if let Some(index) = self.section_index {
            fs::write(content.join("_index.md"), index)?;
        }
        for insight in insights {
            fs::write(
                content.join(format!("{}.md", insight.slug)),
                content_file(insight, &extra(insight)),
            )?;
        }
        Ok(())
    }
}

const HUGO_CONFIG: &str = r#"baseURL = "https://example.org/"
title = "Synthetic Digest"
languageCode = "en"
paginate = 20
rssLimit = 20
enableRobotsTXT = true
disableKinds = []

[taxonomies]
topic = "topics"
issue = "issues"

[markup.highlight]
noClasses = false
"#;

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "_default/baseof.html",
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 200 }}{{ end }}">
<meta property="og:title" content="{{ .Title }}"><meta property="og:url" content="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}"><link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | relURL }}">
</head><body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "issues/" | relURL }}">Issues</a> <a href="{{ "topics/" | relURL }}">Topics</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"#,
    ),
    (
        "_default/single.html",
        r#"{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .Params.issues }} · <a href="{{ printf "issues/%s/" (urlize .) | relURL }}">issue</a>{{ end }}</p>
{{ .Content }}
<ul class="topics">{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ with .Params.related }}<h2>Related</h2><ul>{{ range . }}{{ with site.GetPage (printf "/insights/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>{{ end }}
</article>{{ end }}
"#,
    ),
    (
        "_default/list.html",
        r#"{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2 January 2006" }}</time>{{ .Content }}</article>{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
"#,
    ),
    (
        "_default/terms.html",
        r#"{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
"#,
    ),
    (
        "index.html",
        r#"{{ define "main" }}{{ $recent := first 15 site.RegularPages }}
{{ range first 5 $recent }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ .Content }}</article>{{ end }}
<h2>Recent</h2><ul>{{ range after 5 $recent }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
<h2>Topics</h2><ul>{{ range site.Taxonomies.topics.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul>{{ end }}
"#,
    ),
    (
        "_default/rss.xml",
        r#"{{- printf "<?xml version=\"1.0\" encoding=\"utf-8\"?>" | safeHTML }}
<rss version="2.0"><channel><title>{{ .Title }} · {{ site.Title }}</title><link>{{ .Permalink }}</link>
<description>{{ site.Title }}</description>
{{ range first site.Config.Services.RSS.Limit .Pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
{{ range .Params.topics }}<category>{{ . }}</category>{{ end }}<description>{{ .Content | html }}</description></item>
{{ end }}</channel></rss>
"#,
    ),
];

// ---- Zola site -----------------------------------------------------------------

/// Zola's counterpart of [`write_hugo`], page for page: the same content files
/// (Zola ignores brief's own front-matter keys) with `topics` and `issues`
/// under `[taxonomies]` and the related slugs under `[extra]`; an `insights`
/// section paginated by 20 with its feed, one page per daily issue and per
/// topic (paginated by 20, each with a full-content RSS feed), the site feed,
/// a sitemap and robots.txt.
fn write_zola(dir: &Path, insights: &[Insight]) -> std::io::Result<()> {
    let peer = Peer {
        config: ("config.toml", ZOLA_CONFIG),
        templates: ("templates", ZOLA_TEMPLATES),
        section_index: Some(ZOLA_SECTION),
    };
    peer.write(dir, insights, zola_front_matter)
}

/// The tables Zola reads; they close brief's front matter, after its keys.
fn zola_front_matter(insight: &Insight) -> String {
    let quoted = |items: Vec<&str>| {
        items
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let topics = quoted(insight.topics.iter().map(|&t| TOPICS[t].0).collect());
    let related = quoted(insight.related.iter().map(String::as_str).collect());
    format!(
        "[taxonomies]\ntopics = [{topics}]\nissues = [\"{}\"]\n[extra]\nrelated = [{related}]\n",
        insight.day
    )
}

const ZOLA_CONFIG: &str = r#"base_url = "https://example.org"
title = "Synthetic Digest"
default_language = "en"
generate_feeds = true
feed_filenames = ["rss.xml"]
feed_limit = 20
taxonomies = [
    { name = "topics", feed = true, paginate_by = 20 },
    { name = "issues", feed = true, paginate_by = 20 },
]

[markdown.highlighting]
theme = "github-light"
"#;

const ZOLA_SECTION: &str = r#"+++
title = "Insights"
sort_by = "date"
paginate_by = 20
generate_feeds = true
+++
"#;

const ZOLA_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">{% block head %}{% endblock %}
<link rel="stylesheet" href="{{ get_url(path="style.css") }}"><link rel="alternate" type="application/rss+xml" href="{{ get_url(path="rss.xml") }}">
</head><body><header><a href="{{ get_url(path="/") }}">{{ config.title }}</a>
<nav><a href="{{ get_url(path="issues/") }}">Issues</a> <a href="{{ get_url(path="topics/") }}">Topics</a></nav></header>
<main>{% block main %}{% endblock %}</main></body></html>
"#,
    ),
    (
        "page.html",
        r#"{% extends "base.html" %}{% import "macros.html" as macros %}
{% block head %}{{ macros::head(title=page.title, description=page.content | striptags | truncate(length=200), url=page.permalink) }}{% endblock %}
{% block main %}<article><h1>{{ page.title }}</h1>
<p><time datetime="{{ page.date | date(format="%Y-%m-%d") }}">{{ page.date | date(format="%-d %B %Y") }}</time>
{% for issue in page.taxonomies.issues %} · <a href="{{ get_taxonomy_url(kind="issues", name=issue) }}">issue</a>{% endfor %}</p>
{{ page.content | safe }}
<ul class="topics">{% for topic in page.taxonomies.topics %}<li><a href="{{ get_taxonomy_url(kind="topics", name=topic) }}">{{ topic }}</a></li>{% endfor %}</ul>
{% if page.extra.related %}<h2>Related</h2><ul>{% for slug in page.extra.related %}{% set other = get_page(path="insights/" ~ slug ~ ".md") %}<li><a href="{{ other.permalink }}">{{ other.title }}</a></li>{% endfor %}</ul>{% endif %}
</article>{% endblock %}
"#,
    ),
    (
        "macros.html",
        r#"{% macro head(title, description, url) %}<title>{{ title }} · {{ config.title }}</title>
<meta name="description" content="{{ description }}">
<meta property="og:title" content="{{ title }}"><meta property="og:url" content="{{ url }}">{% endmacro %}
{% macro list(pages) %}{% for page in pages %}<article><h2><a href="{{ page.permalink }}">{{ page.title }}</a></h2>
<time>{{ page.date | date(format="%-d %B %Y") }}</time>{{ page.content | safe }}</article>{% endfor %}{% endmacro %}
{% macro pagination(paginator) %}{% if paginator.number_pagers > 1 %}<ul class="pagination">
<li><a href="{{ paginator.first }}">«</a></li>{% if paginator.previous %}<li><a href="{{ paginator.previous }}">‹</a></li>{% endif %}
<li>{{ paginator.current_index }} of {{ paginator.number_pagers }}</li>
{% if paginator.next %}<li><a href="{{ paginator.next }}">›</a></li>{% endif %}<li><a href="{{ paginator.last }}">»</a></li></ul>{% endif %}{% endmacro %}
"#,
    ),
    (
        "section.html",
        r#"{% extends "base.html" %}{% import "macros.html" as macros %}{% block head %}{{ macros::head(title=section.title, description=config.title, url=current_url) }}{% endblock %}
{% block main %}<h1>{{ section.title }}</h1>
{{ macros::list(pages=paginator.pages) }}
{{ macros::pagination(paginator=paginator) }}{% endblock %}
"#,
    ),
    (
        "taxonomy_single.html",
        r#"{% extends "base.html" %}{% import "macros.html" as macros %}{% block head %}{{ macros::head(title=term.name, description=config.title, url=current_url) }}{% endblock %}
{% block main %}<h1>{{ term.name }}</h1>
{{ macros::list(pages=paginator.pages) }}
{{ macros::pagination(paginator=paginator) }}{% endblock %}
"#,
    ),
    (
        "taxonomy_list.html",
        r#"{% extends "base.html" %}{% import "macros.html" as macros %}
{% block head %}{{ macros::head(title=taxonomy.name, description=config.title, url=current_url) }}{% endblock %}
{% block main %}<h1>{{ taxonomy.name }}</h1><ul>
{% for term in terms | sort(attribute="page_count") | reverse %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "index.html",
        r#"{% extends "base.html" %}{% import "macros.html" as macros %}
{% block head %}{{ macros::head(title=config.title, description=config.title, url=config.base_url) }}{% endblock %}
{% block main %}{% set insights = get_section(path="insights/_index.md") %}{% set recent = insights.pages | slice(end=15) %}
{% for page in recent | slice(end=5) %}<article><h2><a href="{{ page.permalink }}">{{ page.title }}</a></h2>{{ page.content | safe }}</article>{% endfor %}
<h2>Recent</h2><ul>{% for page in recent | slice(start=5) %}<li><a href="{{ page.permalink }}">{{ page.title }}</a></li>{% endfor %}</ul>
<h2>Topics</h2><ul>{% set topics = get_taxonomy(kind="topics") %}{% for term in topics.items | sort(attribute="page_count") | reverse %}<li><a href="{{ term.permalink }}">{{ term.name }}</a></li>{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "rss.xml",
        r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{% if term %}{{ term.name }} · {% elif section %}{{ section.title }} · {% endif %}{{ config.title }}</title><link>{{ feed_url }}</link>
<description>{{ config.title }}</description>
{% for page in pages %}<item><title>{{ page.title }}</title><link>{{ page.permalink }}</link><guid>{{ page.permalink }}</guid>
<pubDate>{{ page.date | date(format="%a, %d %b %Y %H:%M:%S %z") }}</pubDate>
{% for topic in page.taxonomies.topics %}<category>{{ topic }}</category>{% endfor %}<description>{{ page.content }}</description></item>
{% endfor %}</channel></rss>
"#,
    ),
];
