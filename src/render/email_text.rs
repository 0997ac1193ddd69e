//! A Markdown body as plain text for the email edition (`email.txt`, which the
//! `wrap` filter fills to 72 columns): paragraphs, list items and code kept
//! apart, and every link's absolute URL written out, since a text email has no
//! other way to carry it. Reads the body with the same Markdown dialect and link
//! rules as [`crate::markdown`]; writes nothing.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::config::MarkdownConfig;
use crate::markdown::{self, InternalLink, LinkBase};

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
    let mut text = EmailText::new(body, base, origin);
    for event in Parser::new_ext(body, markdown::parser_options(config)) {
        text.see(&event);
    }
    text.finish()
}

/// [`plain_text`] gathered from a body's Markdown events one by one: so that
/// rendering a body, which reads its events anyway, makes its email text in
/// the same pass instead of a second parse.
pub(crate) struct EmailText<'b> {
    out: String,
    /// The absolute URL of each link or image open around the text.
    links: Vec<String>,
    in_code: bool,
    /// What resolving a link records, not needed here: the rendering records
    /// the body's internal links.
    internal: Vec<InternalLink>,
    base: &'b LinkBase<'b>,
    origin: &'b str,
}

impl<'b> EmailText<'b> {
    /// Ready for the events of `body`, its links resolved against `base` and
    /// made absolute with `origin`.
    pub(crate) fn new(body: &str, base: &'b LinkBase<'b>, origin: &'b str) -> EmailText<'b> {
        EmailText {
            out: String::with_capacity(body.len() + 64),
            links: Vec::new(),
            in_code: false,
            internal: Vec::new(),
            base,
            origin,
        }
    }

    pub(crate) fn see(&mut self, event: &Event) {
        let out = &mut self.out;
        match event {
            Event::Text(t) if self.in_code => {
                for line in t.lines() {
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(t)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
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
                let resolved = markdown::resolve_link(dest_url, self.base, 0, &mut self.internal);
                self.internal.clear();
                self.links.push(absolute(&resolved, self.origin));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                let url = self.links.pop().unwrap_or_default();
                if !url.is_empty() && url != "#" && !out.ends_with(&url) {
                    out.push_str(&format!(" <{url}>"));
                }
            }
            _ => {}
        }
    }

    pub(crate) fn finish(self) -> String {
        tidy(&self.out)
    }
}

/// `url` as a mail client can follow it: root-relative and protocol-relative
/// URLs made absolute.
fn absolute(url: &str, origin: &str) -> String {
    format!("{}{url}", super::feeds::absolute_prefix(url, origin))
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
        // A mail client has no page to resolve a protocol-relative link against.
        assert_eq!(
            text("[cdn](//cdn.example/x)"),
            "cdn <https://cdn.example/x>"
        );
    }

    #[test]
    fn made_with_the_rendering_it_is_the_same_text() {
        let base = LinkBase {
            base_path: "/digest/",
            page_path: "/insights/a/",
        };
        let bodies = [
            "One [two](../b/) three.\n\nSee <https://e.com/x>.\n\n- a\n- b",
            "Run:\n\n```rust\nlet x = 1;\n```\n\n[bad](javascript:alert(1)) ![i](/img.png)",
            "| a | b |\n|---|---|\n| [c](/insights/c/) | d |\n\n> quoted \"smart\" -- text\n\n---",
            "Note[^1] <b>raw</b> and `code`.\n\n[^1]: A [foot](#top) note.\n\n1. x\n2. [y][r]\n\n[r]: ../y/",
            "",
        ];
        for config in [
            MarkdownConfig::default(),
            MarkdownConfig {
                smart_punctuation: true,
                unsafe_html: true,
            },
        ] {
            for body in bodies {
                let mut email = EmailText::new(body, &base, "https://ex.org");
                markdown::render_seeing(body, &base, &config, &mut |event| email.see(event));
                assert_eq!(
                    email.finish(),
                    plain_text(body, &base, "https://ex.org", &config),
                    "{body:?}"
                );
            }
        }
    }

    #[test]
    fn indents_code_and_drops_script_links() {
        let out = text("Run:\n\n```\nlet x = 1;\n```\n\n[bad](javascript:alert(1))");
        assert_eq!(out, "Run:\n\n    let x = 1;\n\nbad");
    }
}
