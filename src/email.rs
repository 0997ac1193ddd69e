//! The email editions: the plain text of insight bodies with absolute links
//! (what `email.txt` wraps at 72 columns), and [`edition`], which models a site
//! and renders one edition for `brief email`: a daily issue's, or a week's
//! (see [`crate::week`]), as text, HTML or a complete message ([`crate::eml`]).
//! The daily editions are also files of every build, rendered by `render` from
//! the `email.html` and `email.txt` templates like every other page.

use std::path::Path;

use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::config::{Config, MarkdownConfig};
use crate::eml::{self, Envelope};
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkBase};
use crate::output::Sink;
use crate::render::{issue_title, Renderer};
use crate::week::{self, IsoWeek};

/// What `brief email` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    /// A complete RFC 5322 message holding both.
    Eml,
}

/// Which edition `brief email` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The issue of a day; default: the latest.
    Day(Option<NaiveDate>),
    /// A week (default: the latest with insights), of one topic or all.
    Week {
        week: Option<IsoWeek>,
        topic: Option<String>,
    },
}

/// An edition's two bodies.
#[derive(Debug, Clone)]
pub(crate) struct Edition {
    pub html: String,
    pub text: String,
}

/// A Markdown body as plain text for an email: paragraphs separated by blank
/// lines, list items on their own lines, code indented by four spaces (which the
/// `wrap` filter leaves alone), and each link's absolute URL in angle brackets
/// after its text, since a text email has no other way to carry it.
pub(crate) fn plain_text(
    body: &str,
    base: &LinkBase,
    origin: &str,
    config: &MarkdownConfig,
) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut links: Vec<String> = Vec::new();
    let mut in_code = false;
    let mut unused = Vec::new();
    for event in Parser::new_ext(body, markdown::parser_options(config)) {
        match event {
            Event::Text(t) if in_code => {
                for line in t.lines() {
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push('\n');
            }
            Event::Start(Tag::Item) => out.push_str("- "),
            Event::End(TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => out.push('\n'),
            Event::End(TagEnd::TableCell) => out.push_str("  "),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::List(_) | TagEnd::Table,
            ) => out.push_str("\n\n"),
            Event::Rule => out.push_str("----\n\n"),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let resolved = markdown::resolve_link(&dest_url, base, 0, &mut unused);
                links.push(absolute(&resolved, origin));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let url = links.pop().unwrap_or_default();
                if !url.is_empty() && url != "#" && !out.ends_with(&url) {
                    out.push_str(&format!(" <{url}>"));
                }
            }
            _ => {}
        }
    }
    tidy(&out)
}

fn absolute(url: &str, origin: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{origin}{url}")
    } else {
        url.to_string()
    }
}

/// Trims trailing spaces and folds runs of blank lines into one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        blank = if line.is_empty() { blank + 1 } else { 0 };
        if blank < 2 {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Rendering an edition writes no page.
struct NoPages;

impl Sink for NoPages {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// Models the site under `root` (drafts left out) and renders the edition
/// `which` in `format`, with the warnings of loading the site.
pub fn edition(
    root: &Path,
    which: &Which,
    format: Format,
) -> Result<(Vec<u8>, Diagnostics), Diagnostics> {
    let config = Config::load(root)?;
    // Before rendering: a message without a sender is refused at once.
    let from = match format {
        Format::Eml => Some(eml::sender(&config)?),
        _ => None,
    };
    let ((edition, envelope), warnings) =
        crate::with_renderer(root, &config, false, &NoPages, |r| {
            match which {
                Which::Day(date) => daily(r, *date),
                Which::Week { week, topic } => weekly(r, *week, topic.as_deref()),
            }
            .map_err(Diagnostics::from)
        })?;
    let bytes = match (format, from) {
        (Format::Eml, Some(from)) => {
            eml::message(&config, &from, &envelope, &edition.text, &edition.html)
        }
        (Format::Html, _) => edition.html.into_bytes(),
        _ => edition.text.into_bytes(),
    };
    Ok((bytes, warnings))
}

/// The edition of the issue dated `date` (default: the latest).
fn daily(r: &Renderer, date: Option<NaiveDate>) -> Result<(Edition, Envelope), Diagnostic> {
    let site = r.site;
    let n = match date {
        None => site.issues.len().checked_sub(1).ok_or_else(|| {
            Diagnostic::error("the site has no issues yet, so there is no email edition")
                .at(&site.config.path)
                .hint("add insights with `brief import FILES` or `brief new \"Title\"`")
        })?,
        Some(day) => site
            .issues
            .binary_search_by_key(&day, |issue| issue.date)
            .map_err(|_| missing_issue(day, r))?,
    };
    let issue = &site.issues[n];
    let envelope = Envelope {
        subject: issue_title(site, n),
        date: site.config.timezone.midnight(issue.date),
        id: format!("issue-{}", issue.date),
    };
    Ok((r.issue_edition(n)?, envelope))
}

/// The edition of `wanted` (default: the latest week with insights), of
/// `topic` or of the whole site. Dated its newest day with an insight.
fn weekly(
    r: &Renderer,
    wanted: Option<IsoWeek>,
    topic: Option<&str>,
) -> Result<(Edition, Envelope), Diagnostic> {
    let config = r.site.config;
    let week = week::select(r.site, wanted, topic)?;
    let id = match week.topic {
        Some(t) => format!("week-{}-{}", week.id, config.topics[t].slug),
        None => format!("week-{}", week.id),
    };
    let envelope = Envelope {
        subject: week.title(config),
        date: config.timezone.midnight(week.last_day),
        id,
    };
    Ok((r.week_edition(&week)?, envelope))
}

fn missing_issue(wanted: NaiveDate, r: &Renderer) -> Diagnostic {
    let recent: Vec<String> = r
        .site
        .issues
        .iter()
        .rev()
        .take(5)
        .map(|issue| issue.date.to_string())
        .collect();
    let hint = if recent.is_empty() {
        "the site has no issues yet".to_string()
    } else {
        format!(
            "the latest issues are dated {}; run `brief email` without a date for the latest",
            recent.join(", ")
        )
    };
    Diagnostic::error(format!("no issue is dated {wanted}")).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(body: &str) -> String {
        let base = LinkBase {
            base_path: "/digest/",
            page_path: "/insights/a/",
        };
        plain_text(body, &base, "https://ex.org", &MarkdownConfig::default())
    }

    #[test]
    fn keeps_paragraphs_and_makes_links_absolute() {
        let out = text("One [two](../b/) three.\n\nSee <https://e.com/x>.\n\n- a\n- b");
        assert_eq!(
            out,
            "One two <https://ex.org/digest/insights/b/> three.\n\nSee https://e.com/x.\n\n- a\n- b"
        );
    }

    #[test]
    fn indents_code_and_drops_script_links() {
        let out = text("Run:\n\n```\nlet x = 1;\n```\n\n[bad](javascript:alert(1))");
        assert_eq!(out, "Run:\n\n    let x = 1;\n\nbad");
    }
}
