//! Pure Markdown → HTML for insight bodies: pulldown-cmark, links resolved once
//! against the insight's own URL, raw HTML and script URLs neutralised, and fenced
//! code highlighted by syntect with CSS classes. Syntax and theme sets load lazily,
//! once, and only when a code block (or the stylesheet) needs them.

use std::sync::OnceLock;

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::config::MarkdownConfig;
use crate::escape::escape_html;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Rendered body plus the internal links it holds, so `check` can verify them.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The HTML as a Tera string marked safe. A body shows on four pages or so,
    /// and Tera copies a `&str` into every value made from it; this one is shared.
    html: tera::Value,
    /// The body as plain text (for summaries, search and feeds' descriptions).
    pub text: String,
    pub internal_links: Vec<InternalLink>,
    /// The body as an email's text, when made with the rendering (in the same
    /// pass, by the render stage); not kept in the body cache.
    pub(crate) email_text: Option<String>,
}

impl Rendered {
    pub(crate) fn new(html: &str, text: String, internal_links: Vec<InternalLink>) -> Rendered {
        Rendered {
            html: tera::Value::safe_string(html),
            text,
            internal_links,
            email_text: None,
        }
    }

    pub fn html(&self) -> &str {
        self.html.as_str().unwrap_or_default()
    }

    /// The HTML as the template value every page that shows it shares.
    pub(crate) fn html_value(&self) -> &tera::Value {
        &self.html
    }
}

/// A link or image in a body that points into the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The site path it resolves to, without the base path; fragment and query dropped.
    pub path: String,
    /// The fragment (after `#`), if any, so `check` can look for the anchor.
    pub(crate) fragment: Option<String>,
    /// Byte offset of the link in the body, so `check` can name its line.
    pub offset: usize,
}

/// Where a body is rendered: the base path of the site and the site path of the
/// page that owns it (`/insights/<slug>/`).
pub struct LinkBase<'a> {
    pub base_path: &'a str,
    pub page_path: &'a str,
}

/// The Markdown dialect of insight bodies, shared by every reader of them.
pub(crate) fn parser_options(config: &MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    if config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

pub fn render(body: &str, base: &LinkBase, config: &MarkdownConfig) -> Rendered {
    render_seeing(body, base, config, &mut |_| {})
}

/// What a table is put in (closed after it).
const TABLE_BOX: &str = "<div class=\"table-box\" tabindex=\"0\">\n";

/// [`render`], handing `seen` each Markdown event of `body` as parsed: for
/// what else is made of a body's events (its email text), in the same pass.
pub(crate) fn render_seeing(
    body: &str,
    base: &LinkBase,
    config: &MarkdownConfig,
    seen: &mut dyn FnMut(&Event),
) -> Rendered {
    let options = parser_options(config);
    let mut internal_links = Vec::new();
    let mut text = PlainText::new(body, config);
    let mut code: Option<(String, String)> = None;
    let mut events = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        text.see(&event);
        seen(&event);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, buf)) = code.as_mut() {
                    buf.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let (lang, text) = code.take().unwrap_or_default();
                events.push(Event::Html(highlight_block(&lang, &text).into()));
            }
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                    *dest_url = resolve_link(dest_url, base, range.start, &mut internal_links);
                }
                events.push(Event::Start(tag));
            }
            // In a box that scrolls when the table is wider than the page,
            // which a keyboard can focus to scroll.
            Event::Start(Tag::Table(alignments)) => {
                events.push(Event::Html(TABLE_BOX.into()));
                events.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            // Bodies come from scraped text: unless the site opts in, HTML is shown as text.
            Event::Html(raw) | Event::InlineHtml(raw) if !config.unsafe_html => {
                events.push(Event::Text(raw));
            }
            other => events.push(other),
        }
    }
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    Rendered::new(&html_out, text.finish(), internal_links)
}

/// The plain text of a body, as [`render`] makes it ([`Rendered::text`]),
/// without rendering it: for readers of every body at once (search), which
/// cannot keep them all rendered.
pub(crate) fn plain_text(body: &str, config: &MarkdownConfig) -> String {
    let mut text = PlainText::new(body, config);
    for event in Parser::new_ext(body, parser_options(config)) {
        text.see(&event);
    }
    text.finish()
}

/// A body's plain text, gathered from its Markdown events: the words of its
/// text and inline code, and raw HTML shown as text; not code blocks. One
/// block or line ends in one space.
struct PlainText {
    text: String,
    in_code_block: bool,
    unsafe_html: bool,
}

impl PlainText {
    fn new(body: &str, config: &MarkdownConfig) -> PlainText {
        PlainText {
            // Room for the whole body up front: the text is the body less its
            // marks (grown by doubling, a third of its room went unused).
            text: String::with_capacity(body.len()),
            in_code_block: false,
            unsafe_html: config.unsafe_html,
        }
    }

    fn see(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
            Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
            Event::Text(t) | Event::Code(t) if !self.in_code_block => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item)
                if !self.text.ends_with(' ') && !self.text.is_empty() =>
            {
                self.text.push(' ');
            }
            Event::Html(raw) | Event::InlineHtml(raw) if !self.unsafe_html => {
                self.text.push_str(raw);
            }
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        self.text.truncate(self.text.trim_end().len());
        self.text
    }
}

/// Resolves a link destination against the page: site-relative and relative links
/// become base-path-prefixed absolute paths; script-bearing schemes become `#`.
pub(crate) fn resolve_link<'a>(
    dest: &CowStr<'a>,
    base: &LinkBase,
    offset: usize,
    internal: &mut Vec<InternalLink>,
) -> CowStr<'a> {
    let dest_str = dest.as_ref();
    if dest_str.is_empty() || dest_str.starts_with("//") {
        return dest.clone();
    }
    if let Some(scheme) = url_scheme(dest_str) {
        let safe = matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto" | "tel" | "ftp"
        );
        return if safe {
            dest.clone()
        } else {
            CowStr::Borrowed("#")
        };
    }
    let (path, suffix) = match dest_str.find(['#', '?']) {
        Some(i) => (&dest_str[..i], &dest_str[i..]),
        None => (dest_str, ""),
    };
    let site_path = if path.is_empty() {
        base.page_path.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        join_relative(base.page_path, path)
    };
    internal.push(InternalLink {
        path: site_path.clone(),
        fragment: suffix
            .split_once('#')
            .map(|(_, f)| f.to_string())
            .filter(|f| !f.is_empty()),
        offset,
    });
    CowStr::from(format!(
        "{}{}{}",
        base.base_path,
        site_path.trim_start_matches('/'),
        suffix
    ))
}

/// `javascript` in `javascript:alert(1)`; `None` for paths. Browsers ignore
/// embedded tabs and newlines in schemes, so those are stripped first.
pub(crate) fn url_scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = &cleaned[..colon];
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    (valid && !scheme.contains('/')).then(|| scheme.to_string())
}

/// Joins a relative path onto the directory of `page` (which ends in `/`),
/// folding `.` and `..` segments; never climbs above the site root.
pub(crate) fn join_relative(page: &str, relative: &str) -> String {
    let mut segments: Vec<&str> = page.split('/').filter(|s| !s.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            seg => segments.push(seg),
        }
    }
    let mut joined = format!("/{}", segments.join("/"));
    let ends_dir = relative.ends_with('/')
        || relative.ends_with("/.")
        || relative.ends_with("..")
        || relative == ".";
    if ends_dir && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn theme_set() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// The `<pre>` element of a fenced block, highlighted by syntect with CSS
/// classes; a language syntect does not know, or code it cannot parse, is
/// escaped as plain text. syntect costs about 0.3 M instructions per line, far
/// more than everything else a body costs; rendered bodies are cached between
/// builds by the build's memory (`memory`), so only new and edited ones pay it.
fn highlight_block(lang: &str, code: &str) -> String {
    let lang_attr = html_escape_attr(lang);
    let syntax = (!lang.is_empty())
        .then(|| syntax_set().find_syntax_by_token(lang))
        .flatten();
    let inner = match syntax {
        Some(syntax) => {
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, syntax_set(), CLASS_STYLE);
            let ok = LinesWithEndings::from(code).all(|line| {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .is_ok()
            });
            if ok {
                generator.finalize()
            } else {
                escape_html(code)
            }
        }
        None => escape_html(code),
    };
    // `tabindex`: a block wider than the page scrolls, and a keyboard can
    // scroll only what it can focus.
    if lang.is_empty() {
        format!("<pre class=\"code\" tabindex=\"0\"><code>{inner}</code></pre>\n")
    } else {
        format!("<pre class=\"code\" data-lang=\"{lang_attr}\" tabindex=\"0\"><code class=\"language-{lang_attr}\">{inner}</code></pre>\n")
    }
}

/// The stylesheet for highlighted code: the light theme under
/// `prefers-color-scheme: light` and the dark one under `… dark`. Each
/// theme only under its own scheme: a light rule more specific than any
/// dark one (`.hl-storage.hl-type` against `.hl-storage`) would otherwise
/// win in the dark too, dark grey on the dark background.
pub(crate) fn highlight_css(light: &str, dark: &str) -> Result<String, String> {
    let css_of = |name: &str| {
        let theme = theme_set().themes.get(name).ok_or_else(|| {
            let mut known: Vec<&str> = theme_set().themes.keys().map(String::as_str).collect();
            known.sort_unstable();
            format!(
                "unknown highlight theme {name:?}; known themes: {}",
                known.join(", ")
            )
        })?;
        let css = css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())?;
        let background = theme
            .settings
            .background
            .map_or([255; 3], |c| [c.r, c.g, c.b]);
        Ok::<_, String>(readable_on(&css, background))
    };
    let light_css = css_of(light)?;
    let dark_css = css_of(dark)?;
    Ok(format!(
        "/* Generated by brief from the highlight themes {light:?} and {dark:?}. */\n@media (prefers-color-scheme: light) {{\n{light_css}\n}}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
    ))
}

/// Contrast a text colour of highlighted code keeps with the theme's
/// background: WCAG AA's 4.5:1, with room for a page's code background a
/// shade off the theme's own (the default theme's light one is #f4f3ef).
const CODE_CONTRAST: f64 = 5.0;

/// `css`, a highlight theme's stylesheet, with each text colour that reads
/// at less than [`CODE_CONTRAST`] on `background` darkened (on a light
/// background) or lightened (on a dark one) until it does: some bundled
/// themes' greens and blues are too faint to read (InspiredGitHub's
/// `#62a35c` is 2.7:1 on the default theme's code).
fn readable_on(css: &str, background: [u8; 3]) -> String {
    let bg = luminance(background);
    let toward = if bg > 0.5 { [0; 3] } else { [255; 3] };
    let mut out = String::with_capacity(css.len());
    for line in css.split_inclusive('\n') {
        // syntect writes one declaration a line: ` color: #rrggbb;`.
        let fixed = line
            .trim()
            .strip_prefix("color: #")
            .and_then(|rest| rest.strip_suffix(';'))
            .filter(|hex| hex.len() == 6)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .map(|rgb| {
                let colour = [(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8];
                let [r, g, b] = legible(colour, bg, toward);
                format!(" color: #{r:02x}{g:02x}{b:02x};\n")
            });
        out.push_str(fixed.as_deref().unwrap_or(line));
    }
    out
}

/// `colour`, moved toward `toward` (black or white) in steps of 5 % until it
/// reads at [`CODE_CONTRAST`] on a background of luminance `bg`.
fn legible(colour: [u8; 3], bg: f64, toward: [u8; 3]) -> [u8; 3] {
    let mut moved = colour;
    let mut share = 0.0;
    while contrast(luminance(moved), bg) < CODE_CONTRAST && share < 1.0 {
        share += 0.05;
        moved = mix(colour, toward, share);
    }
    moved
}

/// `from` moved `share` of the way to `to`.
fn mix(from: [u8; 3], to: [u8; 3], share: f64) -> [u8; 3] {
    let channel =
        |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
    [
        channel(from[0], to[0]),
        channel(from[1], to[1]),
        channel(from[2], to[2]),
    ]
}

/// WCAG's relative luminance of an sRGB colour.
fn luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG's contrast ratio of two luminances.
fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// A fence's language as an attribute value: escaped, and without the spaces
/// and control characters (NUL included) that have no place in one.
fn html_escape_attr(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    escape_html(&clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_at(body: &str, base_path: &str) -> Rendered {
        let base = LinkBase {
            base_path,
            page_path: "/insights/me/",
        };
        render(body, &base, &MarkdownConfig::default())
    }

    /// Search reads bodies' text through `plain_text`, pages through
    /// `render`: the two must agree on every kind of Markdown, with raw HTML
    /// shown as text or passed through, and with smart punctuation.
    #[test]
    fn plain_text_is_the_text_render_makes() {
        let bodies = [
            "One *line* with `code`, a [link](../x/) and ![an image](/a.png).",
            "First paragraph.\n\nSecond, with a hard  \nbreak and a soft\nbreak.",
            "- a list\n- of **items**\n\n1. and\n2. numbers",
            "> A quote \"here\" -- and there...\n\n| a | b |\n| - | - |\n| c | d |",
            "Before code:\n\n```rust\nfn main() {}\n```\n\n    indented code\n\nafter.",
            "Raw <b>html</b> and <script>alert(1)</script> inline.\n\n<div>block</div>",
            "A footnote[^1] and ~~struck~~ and - [x] a task.\n\n[^1]: The note.",
            "Trailing spaces and breaks   \n\n\n",
            "",
        ];
        for unsafe_html in [false, true] {
            for smart_punctuation in [false, true] {
                let config = MarkdownConfig {
                    unsafe_html,
                    smart_punctuation,
                };
                let base = LinkBase {
                    base_path: "/",
                    page_path: "/insights/me/",
                };
                for body in bodies {
                    let rendered = render(body, &base, &config);
                    assert_eq!(plain_text(body, &config), rendered.text, "{body:?}");
                }
            }
        }
    }

    #[test]
    fn escapes_raw_html_by_default() {
        let r = render_at("Hi <script>alert(1)</script> & bye", "/");
        assert!(
            r.html()
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; bye"),
            "{}",
            r.html()
        );
        assert!(!r.html().contains("<script>"));
    }

    #[test]
    fn resolves_relative_and_site_links_against_the_insight() {
        let r = render_at(
            "[a](../other/) [b](/insights/x/#top) [c](https://e.org/) [d](#f)",
            "/digest/",
        );
        assert!(
            r.html().contains("href=\"/digest/insights/other/\""),
            "{}",
            r.html()
        );
        assert!(
            r.html().contains("href=\"/digest/insights/x/#top\""),
            "{}",
            r.html()
        );
        assert!(r.html().contains("href=\"https://e.org/\""));
        assert!(r.html().contains("href=\"/digest/insights/me/#f\""));
        let paths: Vec<&str> = r.internal_links.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["/insights/other/", "/insights/x/", "/insights/me/"]);
        assert_eq!(r.internal_links[1].fragment.as_deref(), Some("top"));
        assert_eq!(r.internal_links[2].offset, 57);
    }

    #[test]
    fn neutralises_script_urls() {
        let r = render_at("[x](javascript:alert(1)) [y](JaVa\tScRiPt:alert(1))", "/");
        assert!(
            !r.html().to_lowercase().contains("javascript"),
            "{}",
            r.html()
        );
    }

    #[test]
    fn highlights_fenced_code_with_classes() {
        let r = render_at("```rust\nfn main() {}\n```\n", "/");
        assert!(r.html().contains("data-lang=\"rust\""), "{}", r.html());
        assert!(r.html().contains("class=\"hl-"), "{}", r.html());
        let r = render_at("```nosuchlang\n<b>\n```\n", "/");
        assert!(r.html().contains("&lt;b&gt;"), "{}", r.html());
    }

    /// A block that may be wider than the page can be focused, to scroll it
    /// by keyboard: code itself, a table in a box of its own.
    #[test]
    fn code_and_tables_can_be_scrolled_by_keyboard() {
        let r = render_at(
            "```rust\nfn x() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "/",
        );
        assert!(
            r.html()
                .contains("<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\">"),
            "{}",
            r.html()
        );
        assert!(
            r.html()
                .contains("<div class=\"table-box\" tabindex=\"0\">\n<table>"),
            "{}",
            r.html()
        );
        assert!(r.html().contains("</table>\n</div>"), "{}", r.html());
    }

    #[test]
    fn faint_code_colours_are_made_legible_and_others_kept() {
        let css =
            ".a {\n color: #62a35c;\n}\n.b {\n color: #323232;\n background-color: #ffffff;\n}\n";
        let fixed = readable_on(css, [255; 3]);
        assert!(!fixed.contains("#62a35c"), "{fixed}");
        assert!(
            fixed.contains(" color: #323232;\n background-color: #ffffff;"),
            "{fixed}"
        );
        let green = fixed
            .lines()
            .find(|l| l.starts_with(" color: #") && !l.contains("323232"))
            .unwrap();
        let hex = u32::from_str_radix(&green[9..15], 16).unwrap();
        let rgb = [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8];
        assert!(contrast(luminance(rgb), 1.0) >= CODE_CONTRAST, "{green}");
        // On a dark background, a dark colour is lightened.
        let dark = readable_on(" color: #323232;\n", [0x1f, 0x20, 0x25]);
        assert_ne!(dark, " color: #323232;\n");
    }

    #[test]
    fn generates_light_and_dark_css() {
        let css = highlight_css("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains(".hl-"));
        // Every rule is inside one of the two schemes' blocks.
        let light = css.find("@media (prefers-color-scheme: light) {").unwrap();
        let dark = css.find("@media (prefers-color-scheme: dark) {").unwrap();
        assert!(!css[..light].contains(".hl-"), "{css}");
        assert!(light < dark);
        assert!(highlight_css("nope", "base16-ocean.dark")
            .unwrap_err()
            .contains("known themes"));
    }

    /// The config checks theme names against its own list: syntect's.
    #[test]
    fn the_configs_highlight_themes_are_syntects() {
        let mut known: Vec<&str> = theme_set().themes.keys().map(String::as_str).collect();
        known.sort_unstable();
        assert_eq!(known, crate::config::HIGHLIGHT_THEMES);
    }
}
