//! The email edition of a daily issue: the plain text of insight bodies with
//! absolute links (what `email.txt` wraps at 72 columns), and [`edition`], which
//! renders a site through the one pipeline and picks one issue's edition for
//! `brief email`. The pages themselves are rendered by `render` from the
//! `email.html` and `email.txt` templates, like every other page.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use chrono::NaiveDate;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::config::{Config, MarkdownConfig};
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkBase};
use crate::output::Sink;

/// Which file of an edition to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
}

impl Format {
    fn file_name(self) -> &'static str {
        match self {
            Format::Text => "email.txt",
            Format::Html => "email.html",
        }
    }
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
                let resolved = markdown::resolve_link(&dest_url, base, &mut unused);
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

/// Keeps only the email editions of a render; every other page is dropped as
/// soon as it is made, so memory holds the editions and nothing else.
#[derive(Default)]
struct EditionSink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for EditionSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        if path.starts_with("issues/") && path.contains("/email.") {
            let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
            files.insert(path.to_string(), bytes);
        }
        Ok(())
    }
}

/// Renders the site under `root` and returns the email edition of the issue
/// dated `date` (default: the latest issue), with the render's warnings.
pub fn edition(
    root: &Path,
    date: Option<NaiveDate>,
    format: Format,
) -> Result<(Vec<u8>, Diagnostics), Diagnostics> {
    let config = Config::load(root)?;
    let sink = EditionSink::default();
    let (_, warnings) = crate::render(root, &config, false, &sink, false)?;
    let mut files = sink.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let dates: Vec<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("issues/")?.strip_suffix("/email.txt"))
        .map(str::to_string)
        .collect();
    let wanted = match date {
        Some(d) => d.to_string(),
        None => dates.last().cloned().ok_or_else(|| {
            Diagnostic::error("the site has no issues yet, so there is no email edition")
                .at(&config.path)
                .hint("add insights with `brief import FILES` or `brief new \"Title\"`")
        })?,
    };
    let path = format!("issues/{wanted}/{}", format.file_name());
    match files.remove(&path) {
        Some(bytes) => Ok((bytes, warnings)),
        None => Err(missing_issue(&wanted, &dates).into()),
    }
}

fn missing_issue(wanted: &str, dates: &[String]) -> Diagnostic {
    let recent: Vec<&str> = dates.iter().rev().take(5).map(String::as_str).collect();
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
