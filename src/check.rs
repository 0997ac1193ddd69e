//! `brief check`: the build pipeline rendered into memory, then everything a
//! reader would trip over verified without writing a byte. Config, content and
//! template errors come from the pipeline itself; this module adds what only the
//! finished site shows: every internal link and asset reference in every page,
//! feed and index resolves to a produced file (and anchor), feeds are well-formed,
//! and no insight is dated in the future. A broken link written in Markdown is
//! reported once, at its line in the content file, not on every page showing it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use quick_xml::events::Event;

use crate::config::Config;
use crate::count::Count;
use crate::error::{line_col, Diagnostic, Diagnostics};
use crate::escape::{percent_decode, unescape_html};
use crate::hints::closest;
use crate::markdown::{join_relative, url_scheme, InternalLink};
use crate::memory::Memory;
use crate::moved::Moves;
use crate::output::{Files, MemoryOutput};
use crate::render::{Renderer, SEARCH_CARDS, SEARCH_MANIFEST};
use crate::site::insight_path;

/// What a check found, and how much it looked at.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Diagnostics,
    pub(crate) files: usize,
    pub(crate) links: usize,
}

impl Report {
    pub fn passed(&self) -> bool {
        !self.diagnostics.has_errors()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.diagnostics.error_count();
        let warnings = self.diagnostics.0.len() - errors;
        write!(
            f,
            "{}, {} ({} and {} checked)",
            Count(errors, "error"),
            Count(warnings, "warning"),
            Count(self.files, "file"),
            Count(self.links, "link")
        )
    }
}

/// Checks the site under `root`; nothing is written.
/// The error of rendering the latest weekly edition, if its templates fail: a
/// build makes no weekly edition (`brief email --week` does), so without this
/// a broken `email_week.*` would first fail in a mailer's job. A site with no
/// insights has no week to render.
fn weekly_edition_error(renderer: &crate::render::Renderer) -> Option<Diagnostic> {
    let week = crate::week::select(renderer.site, None, None).ok()?;
    renderer.week_edition(&week).err()
}

pub fn check(root: &Path, drafts: bool) -> Report {
    let mut report = Report::default();
    let config = match crate::load_config(root, drafts) {
        Ok(c) => c,
        Err(errors) => {
            report.diagnostics = errors;
            return report;
        }
    };
    let output = MemoryOutput::default();
    let mut bodies = Vec::new();
    let mut draft_pages = HashSet::new();
    let mut moved = Diagnostics::default();
    let cache = crate::default_cache_dir(root);
    let memory = Memory::nothing().with_slug_record(cache.clone());
    let mut weekly = None;
    let rendered =
        crate::render_site_inspect(root, &config, drafts, &memory, &output, false, &mut |r| {
            weekly = weekly_edition_error(r);
            bodies = body_sources(r);
            draft_pages = r
                .site
                .drafts_left_out
                .iter()
                .map(|s| insight_path(s))
                .collect();
            // What the next build into `public/` would warn of, until it has.
            if let Some(cache) = &cache {
                moved = Moves::since_last_build(cache, &r.site.insights).warnings;
            }
        });
    let mut diagnostics = match rendered {
        Ok((_, mut warnings)) => {
            warnings.extend(moved);
            warnings.0.extend(weekly);
            warnings
        }
        Err(errors) => {
            report.diagnostics = errors;
            return report;
        }
    };
    let files = output.into_files();
    let site = RenderedSite::new(&config, root, &files, draft_pages);
    let now = chrono::Utc::now().fixed_offset();
    let mut reported = HashSet::new();
    for body in &bodies {
        future_date(body, &now, &mut diagnostics);
        report.links += body.links.len();
        for (link, line, col) in &body.links {
            if let Some(problem) = site.resolve(&link.path, link.fragment.as_deref()) {
                reported.insert(link.path.clone());
                diagnostics.push(
                    problem
                        .into_diagnostic(&link.path, &site)
                        .at(&body.path)
                        .line_col(*line, *col),
                );
            }
        }
    }
    report.links += site.check_files(&reported, &mut diagnostics);
    report.files = files.len();
    report.diagnostics = diagnostics.sorted();
    report
}

/// The Markdown links of one insight, located in its content file.
struct BodySource {
    path: PathBuf,
    date: DateTime<FixedOffset>,
    date_line: usize,
    links: Vec<(InternalLink, usize, usize)>,
}

/// The links of every body, as rendering found them.
fn body_sources(r: &Renderer) -> Vec<BodySource> {
    r.site
        .insights
        .iter()
        .enumerate()
        .map(|(i, insight)| BodySource {
            path: insight.path.clone(),
            date: insight.date,
            date_line: insight.key_lines.date,
            links: r
                .internal_links(i)
                .iter()
                .map(|link| {
                    let (line, col) = line_col(&insight.body, link.offset);
                    (link.clone(), line + insight.key_lines.body - 1, col)
                })
                .collect(),
        })
        .collect()
}

fn future_date(body: &BodySource, now: &DateTime<FixedOffset>, out: &mut Diagnostics) {
    if body.date > *now {
        out.push(
            Diagnostic::warning(format!(
                "dated {}, in the future: it is published now, in the newest issue and the feeds",
                body.date.to_rfc3339()
            ))
            .at(&body.path)
            .line(body.date_line)
            .hint("fix the date, or set `draft = true` until it is due"),
        );
    }
}

/// Why a link does not resolve.
enum Problem {
    NoFile,
    NoAnchor(String),
    OutsideBasePath(String),
}

impl Problem {
    /// Distinguishes problems with the same written URL (on different pages).
    fn key(&self) -> String {
        match self {
            Problem::NoFile => "file".into(),
            Problem::NoAnchor(f) => format!("#{f}"),
            Problem::OutsideBasePath(_) => "base".into(),
        }
    }

    fn into_diagnostic(self, target: &str, site: &RenderedSite) -> Diagnostic {
        match self {
            Problem::NoFile if site.is_draft_page(target) => Diagnostic::error(format!(
                "broken link to {target}: that insight is a draft, and drafts are not built"
            ))
            .hint("publish it (`draft = false`), or build and check with --drafts to preview both"),
            Problem::NoFile => {
                let d = Diagnostic::error(format!("broken link to {target}: no page or file there"));
                match site.nearest_page(target) {
                    Some(best) => d.hint(format!("did you mean {best}?")),
                    None if !target.ends_with('/') => d.hint(
                        "files such as images go in the site's static/ folder and are linked as /name.ext",
                    ),
                    None => d,
                }
            }
            Problem::NoAnchor(fragment) => {
                Diagnostic::error(format!("broken link to {target}#{fragment}: that page has no id=\"{fragment}\""))
            }
            Problem::OutsideBasePath(base) => Diagnostic::error(format!(
                "link to {target} is outside the site's base path {base}"
            ))
            .hint("build links with `site.urls`, `url` values or `site.base_path` so they carry the base path"),
        }
    }
}

/// The rendered site (in memory), indexed for link resolution.
struct RenderedSite<'a> {
    config: &'a Config,
    root: &'a Path,
    files: &'a Files,
    /// `id` attributes of each HTML page.
    ids: HashMap<&'a str, HashSet<String>>,
    /// The site paths of the pages of drafts left out of the build.
    draft_pages: HashSet<String>,
}

impl<'a> RenderedSite<'a> {
    fn new(
        config: &'a Config,
        root: &'a Path,
        files: &'a Files,
        draft_pages: HashSet<String>,
    ) -> Self {
        let ids = files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| {
                let html = String::from_utf8_lossy(bytes);
                let ids = attribute_values(&html, "id")
                    .map(|(_, v)| unescape_html(v))
                    .collect();
                (path.as_str(), ids)
            })
            .collect();
        RenderedSite {
            config,
            root,
            files,
            ids,
            draft_pages,
        }
    }

    /// Whether `site_path` is the page of a draft left out of the build.
    fn is_draft_page(&self, site_path: &str) -> bool {
        let page = site_path.strip_suffix("index.html").unwrap_or(site_path);
        self.draft_pages.contains(page)
    }

    /// The produced file a site path (no base path) names, if any: a folder means
    /// its `index.html`, and static hosts serve `/x` as `/x/` too.
    fn file_for(&self, site_path: &str) -> Option<&'a str> {
        let decoded = percent_decode(site_path)?;
        let rel = decoded.trim_start_matches('/');
        let candidates = if rel.is_empty() || rel.ends_with('/') {
            vec![format!("{rel}index.html")]
        } else {
            vec![rel.to_string(), format!("{rel}/index.html")]
        };
        candidates
            .into_iter()
            .find_map(|c| self.files.get_key_value(&c).map(|(k, _)| k.as_str()))
    }

    fn resolve(&self, site_path: &str, fragment: Option<&str>) -> Option<Problem> {
        let Some(file) = self.file_for(site_path) else {
            return Some(Problem::NoFile);
        };
        let fragment = fragment.filter(|f| !f.is_empty())?;
        let ids = self.ids.get(file)?;
        let found = percent_decode(fragment).is_some_and(|wanted| ids.contains(&wanted));
        (!found).then(|| Problem::NoAnchor(fragment.to_string()))
    }

    /// The closest produced page to a broken site path, as a site path.
    fn nearest_page(&self, target: &str) -> Option<String> {
        let pages = self
            .files
            .keys()
            .filter_map(|f| f.strip_suffix("index.html"))
            .map(|dir| format!("/{dir}"));
        let pages: Vec<String> = pages.collect();
        closest(target, pages.iter().map(String::as_str)).map(str::to_string)
    }

    /// Verifies every link in every page, feed and index; returns how many links
    /// were looked at. Links already reported at their Markdown source are skipped,
    /// and a broken link on many pages (a template's) is reported once.
    fn check_files(&self, reported: &HashSet<String>, out: &mut Diagnostics) -> usize {
        let mut broken: BTreeMap<(String, String), Broken> = BTreeMap::new();
        let mut count = 0;
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort();
        let insights = self.search_insights_url();
        for file in paths {
            let text = String::from_utf8_lossy(&self.files[file]);
            let links = if file.starts_with(SEARCH_CARDS) {
                Some(search_card_links(&text, &insights))
            } else {
                links_in(file, &text)
            };
            let links = match links {
                Some(Ok(links)) => links,
                Some(Err(d)) => {
                    out.push(d.at(self.output_path(file)));
                    continue;
                }
                None => continue,
            };
            count += links.len();
            for (offset, url) in links {
                let Some((path, problem)) = self.problem_with(&url, file) else {
                    continue;
                };
                // As the body wrote it, or as a page escaped it (`%E6%97%A5`).
                let decoded = percent_decode(&path);
                if reported.contains(&path) || decoded.is_some_and(|p| reported.contains(&p)) {
                    continue;
                }
                let (line, col) = line_col(&text, offset);
                broken
                    .entry((url.clone(), problem.key()))
                    .or_insert_with(|| Broken {
                        path,
                        problem,
                        places: Vec::new(),
                    })
                    .places
                    .push((file.clone(), line, col));
            }
        }
        for ((url, _), b) in broken {
            out.push(self.broken_diagnostic(&url, b));
        }
        count
    }

    /// Where the search manifest says insight pages are (a result's link is
    /// this plus the card's slug), as the search script reads it.
    fn search_insights_url(&self) -> String {
        self.files
            .get(SEARCH_MANIFEST)
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(bytes).ok())
            .and_then(|manifest| manifest["insights"].as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The site path a link names and what is wrong with it, if anything.
    fn problem_with(&self, url: &str, file: &str) -> Option<(String, Problem)> {
        // A mailer's merge tag (`{{ unsubscribe_url }}`), which the email
        // editions link as the site asks: the mailer fills it in when sending.
        let manage = &self.config.email.manage_url;
        if url == manage.as_str() && crate::urls::openable_link(manage).is_none() {
            return None;
        }
        match self.classify(url, file)? {
            Target::Site(path, fragment) => {
                let problem = self.resolve(&path, fragment.as_deref())?;
                Some((path, problem))
            }
            Target::OutsideBase(path) => Some((
                path,
                Problem::OutsideBasePath(self.config.base_path.clone()),
            )),
        }
    }

    fn broken_diagnostic(&self, url: &str, b: Broken) -> Diagnostic {
        let (file, line, col) = &b.places[0];
        let mut d = b
            .problem
            .into_diagnostic(&b.path, self)
            .at(self.output_path(file))
            .line_col(*line, *col);
        d.message.push_str(&format!(" (written as {url:?}"));
        if b.places.len() > 1 {
            d.message
                .push_str(&format!(", and on {} more pages", b.places.len() - 1));
        }
        d.message.push(')');
        if d.hint.is_none() {
            d = d.hint(format!(
                "the link comes from the template {}",
                template_of(file)
            ));
        }
        d
    }

    /// The name of rendered `file` in messages: where `build` writes it by
    /// default. `check` renders into memory, so the file it found a broken link
    /// in is on no disk; naming it by the default output directory (rather than
    /// by a `--output` that `check` does not take) points the user at the same
    /// page of their usual `brief build`.
    fn output_path(&self, file: &str) -> PathBuf {
        self.root.join(crate::OUTPUT_DIR).join(file)
    }

    /// What an URL found in `file` points at; `None` for external and
    /// unverifiable links (other sites, `mailto:`, a bare `#`).
    fn classify(&self, url: &str, file: &str) -> Option<Target> {
        let url = url.trim();
        if url.is_empty() || url == "#" || url.starts_with("data:") {
            return None;
        }
        let (rest, fragment) = match url.split_once('#') {
            Some((r, f)) => (r, Some(f.to_string())),
            None => (url, None),
        };
        let rest = rest.split('?').next().unwrap_or("");
        if rest.is_empty() {
            return Some(Target::Site(site_path_of(file), fragment));
        }
        let absolute = if url_scheme(rest).is_some() {
            rest.to_string()
        } else if let Some(no_scheme) = rest.strip_prefix("//") {
            format!("https://{no_scheme}")
        } else {
            String::new()
        };
        if !absolute.is_empty() {
            return self.own_path(&absolute).map(|p| Target::Site(p, fragment));
        }
        if rest.starts_with('/') {
            let base = &self.config.base_path;
            return Some(match rest.strip_prefix(base.as_str()) {
                Some(p) => Target::Site(format!("/{p}"), fragment),
                None if rest == base.trim_end_matches('/') => Target::Site("/".into(), fragment),
                None => Target::OutsideBase(rest.to_string()),
            });
        }
        Some(Target::Site(join_relative(&page_dir(file), rest), fragment))
    }
}

impl RenderedSite<'_> {
    /// The site path of an absolute URL under `base_url` (either scheme).
    fn own_path(&self, absolute: &str) -> Option<String> {
        let base = self.config.base_url.as_str();
        let under = |url: &str| {
            url.strip_prefix(base)
                .or_else(|| (url == base.trim_end_matches('/')).then_some(""))
                .map(|p| format!("/{p}"))
        };
        under(absolute).or_else(|| swap_scheme(absolute).and_then(|a| under(&a)))
    }
}

enum Target {
    /// A site path (without the base path) and an optional fragment.
    Site(String, Option<String>),
    /// A root-relative path that misses the base path.
    OutsideBase(String),
}

/// One broken link and every output file (and line, column) it appears in.
struct Broken {
    path: String,
    problem: Problem,
    places: Vec<(String, usize, usize)>,
}

/// The links of an output file by its kind; `None` for files without links
/// (CSS, scripts, images); `Some(Err)` for a malformed feed or index.
fn links_in(file: &str, text: &str) -> Option<Result<Vec<(usize, String)>, Diagnostic>> {
    match file.rsplit('.').next()? {
        "html" => Some(Ok(html_links(text))),
        "xml" => Some(xml_links(text, file)),
        "json" => Some(json_links(text)),
        "txt" => Some(Ok(text_links(text))),
        _ => None,
    }
}

/// `http://` ↔ `https://`: the same site behind either scheme.
fn swap_scheme(url: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix("http://") {
        Some(format!("https://{rest}"))
    } else {
        url.strip_prefix("https://")
            .map(|rest| format!("http://{rest}"))
    }
}

/// The site path of the folder a file is served from: relative links start there.
fn page_dir(file: &str) -> String {
    match file.rsplit_once('/') {
        Some((dir, _)) => format!("/{dir}/"),
        None => "/".into(),
    }
}

/// The site path that serves `file`: `/x/` for `x/index.html`.
fn site_path_of(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

/// The template that renders an output file, for hints about links it holds.
fn template_of(file: &str) -> String {
    let parts: Vec<&str> = file.split('/').collect();
    let template = match parts.as_slice() {
        ["index.html"] => "index.html",
        ["404.html"] => "404.html",
        ["issues", "index.html"] | ["issues", "page", ..] => "issues.html",
        ["issues", ..] => "issue.html",
        ["topics", "index.html"] => "topics.html",
        ["topics", _, .., "index.html"] => "topic.html",
        ["insights", ..] => "insight.html",
        ["search", ..] => "search.html",
        ["subscribe", ..] => "subscribe.html",
        _ => return "built into brief (feeds, sitemap and indexes)".to_string(),
    };
    format!("{template} (or base.html and the templates it includes)")
}

/// `(offset, value)` of every `name="…"` (or `'…'`) attribute in `html`. The
/// HTML is brief's own output: text escapes `<`, so an attribute is in a tag when
/// the nearest `<` or `>` before it is a `<` (text may hold `href="…"` verbatim).
fn attribute_values<'h>(html: &'h str, name: &str) -> impl Iterator<Item = (usize, &'h str)> {
    let mut from = 0;
    let needle = format!("{name}=");
    std::iter::from_fn(move || loop {
        let at = from + html[from..].find(&needle)?;
        from = at + needle.len();
        let preceded = html[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace)
            && html[..at]
                .rfind(['<', '>'])
                .is_some_and(|i| html.as_bytes()[i] == b'<');
        let quote = html[from..].chars().next()?;
        if !preceded || (quote != '"' && quote != '\'') {
            continue;
        }
        let start = from + 1;
        let Some(len) = html[start..].find(quote) else {
            continue;
        };
        from = start + len + 1;
        return Some((start, &html[start..start + len]));
    })
}

fn html_links(html: &str) -> Vec<(usize, String)> {
    let mut links: Vec<(usize, String)> = ["href", "src"]
        .iter()
        .flat_map(|name| attribute_values(html, name))
        .map(|(at, v)| (at, unescape_html(v)))
        .collect();
    links.sort();
    links
}

/// Links in a robots.txt-like file: `Sitemap: URL` lines.
fn text_links(text: &str) -> Vec<(usize, String)> {
    let mut offset = 0;
    let mut links = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some((key, value)) = line.split_once(':') {
            if key.trim().eq_ignore_ascii_case("sitemap") {
                links.push((offset + key.len() + 1, value.trim().to_string()));
            }
        }
        offset += line.len();
    }
    links
}

/// Parses an XML file strictly and returns its links: `href` attributes, the text
/// of `<link>` and `<loc>`, and links inside HTML carried in `<description>`,
/// `<content>` or `<summary>`. Offsets of embedded HTML point at its element.
fn xml_links(xml: &str, file: &str) -> Result<Vec<(usize, String)>, Diagnostic> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut links = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let (line, col) = line_col(xml, reader.error_position() as usize);
            Diagnostic::error(format!("not well-formed XML: {e}")).line_col(line, col)
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if root.is_none() {
                    root = Some(name.clone());
                } else if stack.is_empty() {
                    return Err(Diagnostic::error(format!(
                        "not well-formed XML: a second root element <{name}>"
                    ))
                    .line_col(line_col(xml, at).0, line_col(xml, at).1));
                }
                for attr in e.attributes().flatten() {
                    // `xmlUrl` and `htmlUrl`: the feeds and pages OPML lists.
                    if matches!(attr.key.as_ref(), b"href" | b"xmlUrl" | b"htmlUrl") {
                        let value = attr
                            .unescape_value()
                            .map_err(|e| Diagnostic::error(format!("not well-formed XML: {e}")))?;
                        links.push((at, value.into_owned()));
                    }
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(name);
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(ref t) => {
                let text = t
                    .unescape()
                    .map_err(|e| Diagnostic::error(format!("not well-formed XML: {e}")))?;
                xml_text_links(stack.last(), &text, at, &mut links);
            }
            Event::CData(ref t) => {
                let text = String::from_utf8_lossy(t.as_ref()).into_owned();
                xml_text_links(stack.last(), &text, at, &mut links);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(Diagnostic::error(format!(
            "not well-formed XML: <{}> is never closed",
            stack.join("> <")
        )));
    }
    let expected = match file.rsplit('/').next() {
        Some("rss.xml") => Some("rss"),
        Some("atom.xml") => Some("feed"),
        Some("sitemap.xml") => Some("urlset"),
        Some("opml.xml") => Some("opml"),
        _ => None,
    };
    match (expected, root.as_deref()) {
        (Some(want), Some(got)) if want != got => Err(Diagnostic::error(format!(
            "the root element is <{got}>, not <{want}>"
        ))),
        (_, None) => Err(Diagnostic::error("not well-formed XML: no root element")),
        _ => Ok(links),
    }
}

fn xml_text_links(element: Option<&String>, text: &str, at: usize, out: &mut Vec<(usize, String)>) {
    match element.map(String::as_str) {
        Some("link" | "loc") => out.push((at, text.trim().to_string())),
        Some("description" | "content" | "content:encoded" | "summary") => {
            out.extend(html_links(text).into_iter().map(|(_, url)| (at, url)));
        }
        _ => {}
    }
}

/// The links a search result shows for each card of a cards file: the
/// manifest's `insights` URL plus the card's slug (`[title, slug, …]`), as the
/// search script builds them.
fn search_card_links(text: &str, insights: &str) -> Result<Vec<(usize, String)>, Diagnostic> {
    let value = parse_json(text)?;
    let cards = value["docs"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(cards
        .iter()
        .filter_map(|card| card[1].as_str())
        .map(|slug| (0, format!("{insights}{slug}/")))
        .collect())
}

/// Parses a JSON file and returns the URLs it holds: `url`-like keys and links
/// inside `content_html`.
fn json_links(text: &str) -> Result<Vec<(usize, String)>, Diagnostic> {
    let mut links = Vec::new();
    collect_json_links(&parse_json(text)?, &mut links);
    Ok(links)
}

fn parse_json(text: &str) -> Result<serde_json::Value, Diagnostic> {
    serde_json::from_str(text)
        .map_err(|e| Diagnostic::error(format!("invalid JSON: {e}")).line_col(e.line(), e.column()))
}

fn collect_json_links(value: &serde_json::Value, out: &mut Vec<(usize, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    (
                        "url" | "home_page_url" | "feed_url" | "next_url" | "image" | "icon",
                        Some(url),
                    ) => out.push((0, url.to_string())),
                    ("content_html", Some(html)) => {
                        out.extend(html_links(html).into_iter().map(|(_, url)| (0, url)))
                    }
                    _ => collect_json_links(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                collect_json_links(v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_attribute_values_in_tags_only() {
        let html =
            r#"<a href="/x/">a</a> data-href="/no/" <img src='/i.png'> href=&quot;/t/&quot;"#;
        let links: Vec<String> = html_links(html).into_iter().map(|(_, u)| u).collect();
        assert_eq!(links, ["/x/", "/i.png"]);
    }

    #[test]
    fn rejects_malformed_xml_with_a_line() {
        let e = xml_links("<rss>\n<channel>\n</rss>", "rss.xml").unwrap_err();
        assert!(e.message.contains("not well-formed"), "{}", e.message);
        assert_eq!(e.line, Some(3));
        assert!(xml_links("<feed/>", "rss.xml").is_err());
        let links = xml_links(
            "<rss><link>https://e.org/a/</link><description>&lt;a href=\"/b/\"&gt;</description></rss>",
            "rss.xml",
        )
        .unwrap();
        let urls: Vec<&str> = links.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(urls, ["https://e.org/a/", "/b/"]);
    }

    #[test]
    fn follows_opml_outlines_and_json_feed_pages() {
        let opml = r#"<opml version="2.0"><body><outline type="rss" xmlUrl="https://e.org/rss.xml" htmlUrl="https://e.org/"/></body></opml>"#;
        let links = xml_links(opml, "opml.xml").unwrap();
        let urls: Vec<&str> = links.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(urls, ["https://e.org/rss.xml", "https://e.org/"]);
        assert!(xml_links("<rss/>", "opml.xml").is_err());
        let links = json_links(r#"{"next_url": "https://e.org/feeds/archive/recent/feed.json"}"#);
        assert_eq!(
            links.unwrap()[0].1,
            "https://e.org/feeds/archive/recent/feed.json"
        );
    }

    #[test]
    fn follows_search_results_to_insight_pages() {
        let cards = r#"{"keys":[5,1],"docs":[["A","a-slug","2026-11-18",[0],"Text."],["B","b","2026-11-18",[],""]]}"#;
        let links = search_card_links(cards, "/digest/insights/").unwrap();
        let urls: Vec<&str> = links.iter().map(|(_, u)| u.as_str()).collect();
        assert_eq!(urls, ["/digest/insights/a-slug/", "/digest/insights/b/"]);
        assert!(search_card_links("{", "/insights/").is_err());
    }

    #[test]
    fn page_dirs_and_templates() {
        assert_eq!(page_dir("insights/a/index.html"), "/insights/a/");
        assert_eq!(page_dir("rss.xml"), "/");
        assert_eq!(site_path_of("404.html"), "/404.html");
        assert_eq!(site_path_of("a/index.html"), "/a/");
        assert!(template_of("issues/page/2/index.html").starts_with("issues.html"));
        assert!(template_of("issues/2026-11-18/index.html").starts_with("issue.html"));
        assert!(template_of("topics/chips/index.html").starts_with("topic.html"));
        assert!(template_of("subscribe/index.html").starts_with("subscribe.html"));
    }
}
