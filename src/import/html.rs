//! An HTML email body as Markdown text, the raw format import reads: one line
//! per paragraph (never wrapped), links kept as `[text](url)`, emphasis, code
//! and headings as Markdown marks. `html2text` parses the HTML (with
//! html5ever, as a browser would) and lays out the text; this module only says
//! which marks to write.

use html2text::render::TextDecorator;

/// Paragraphs wrap at this width: wider than any insight, so each stays one line.
const WIDTH: usize = 1 << 20;

/// `html` as Markdown text. What the email hides (`display: none` in a
/// `style` attribute or a `<style>` rule: a preheader, a tracking block) is
/// left out, as a mail client shows it.
pub(crate) fn html_to_markdown(html: &str) -> String {
    html2text::config::with_decorator(Markdown::default())
        .use_doc_css()
        .no_table_borders()
        .string_from_read(html.as_bytes(), WIDTH)
        // Only a width too narrow for the text fails, and this one is not.
        .unwrap_or_default()
}

/// The marks: Markdown's. Link targets wait on a stack until the link ends.
#[derive(Debug, Clone, Default)]
struct Markdown {
    links: Vec<String>,
}

impl TextDecorator for Markdown {
    type Annotation = ();

    fn decorate_link_start(&mut self, url: &str) -> (String, ()) {
        self.links.push(url.to_string());
        ("[".into(), ())
    }

    fn decorate_link_end(&mut self) -> String {
        let url = self.links.pop().unwrap_or_default();
        format!("]({url})")
    }

    fn decorate_em_start(&self) -> (String, ()) {
        ("*".into(), ())
    }

    fn decorate_em_end(&self) -> String {
        "*".into()
    }

    fn decorate_strong_start(&self) -> (String, ()) {
        ("**".into(), ())
    }

    fn decorate_strong_end(&self) -> String {
        "**".into()
    }

    fn decorate_strikeout_start(&self) -> (String, ()) {
        ("~~".into(), ())
    }

    fn decorate_strikeout_end(&self) -> String {
        "~~".into()
    }

    fn decorate_code_start(&self) -> (String, ()) {
        ("`".into(), ())
    }

    fn decorate_code_end(&self) -> String {
        "`".into()
    }

    fn decorate_preformat_first(&self) {}

    fn decorate_preformat_cont(&self) {}

    fn decorate_image(&mut self, src: &str, title: &str) -> (String, ()) {
        (format!("![{title}]({src})"), ())
    }

    fn header_prefix(&self, level: usize) -> String {
        "#".repeat(level) + " "
    }

    fn quote_prefix(&self) -> String {
        "> ".into()
    }

    fn unordered_item_prefix(&self) -> String {
        "- ".into()
    }

    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }

    fn make_subblock_decorator(&self) -> Self {
        Markdown::default()
    }

    fn decorate_superscript_start(&self) -> (String, ()) {
        ("<sup>".into(), ())
    }

    fn decorate_superscript_end(&self) -> String {
        "</sup>".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_lines_with_markdown_marks() {
        let long = "long ".repeat(60);
        let html = format!(
            "<html><head><style>p {{ margin: 0 }}</style><title>T</title></head><body>\
             <p>First &amp; <b>bold</b>, <i>em</i> and <code>code</code>.</p>\
             <div>Second <a href=\"https://x.example/a\">link</a>.</div>\
             <p>{long}</p><ul><li>item</li></ul><script>alert(1)</script></body></html>"
        );
        let markdown = html_to_markdown(&html);
        let lines: Vec<&str> = markdown.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines,
            [
                "First & **bold**, *em* and `code`.",
                "Second [link](https://x.example/a).",
                long.trim(),
                "- item"
            ]
        );
    }

    /// A marketing email's preheader (hidden by an inline style) and a block
    /// hidden by the email's stylesheet are not text a reader sees.
    #[test]
    fn hidden_elements_are_left_out() {
        let html = "<html><head><style>.track { display: none }</style></head><body>\
                    <div style=\"display:none;max-height:0;overflow:hidden\">Preview text here</div>\
                    <p class=\"track\">Tracking block</p>\
                    <p>China ships chips.</p></body></html>";
        let markdown = html_to_markdown(html);
        let lines: Vec<&str> = markdown.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines, ["China ships chips."]);
    }
}
