//! An insight's lead: the first sentence of its Markdown body, read as plain
//! text, and the body that follows it. Import makes a headline from the lead;
//! wherever an insight is shown under a headline that *is* its lead, the lead is
//! not repeated, and the body goes on from the next sentence ([`rest_start`]).
//! The body stays Markdown kept verbatim: the lead is found in the text a reader
//! sees (emphasis marks, code ticks and link targets left out), then mapped back
//! to a place in the Markdown where no emphasis, link or code span is open.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::folded_chars;
use super::sentences::first_sentence_end;

/// The first block of text of a Markdown body (a paragraph, heading or list
/// item), as plain text, with the places where the Markdown can be cut.
#[derive(Debug, Default)]
pub(crate) struct FirstBlock {
    /// The text a reader sees: Markdown marks removed, line breaks as spaces.
    pub(crate) plain: String,
    /// Whether the block is a paragraph at the top of the body (not inside a
    /// list or quote): the only kind of block a lead can be cut from.
    top_paragraph: bool,
    /// Where the block ends in the Markdown.
    end: usize,
    /// (offset in `plain`, offset in the Markdown) pairs where no inline
    /// container (emphasis, link, code span) is open.
    cuts: Vec<(usize, usize)>,
    /// Text outside any inline container whose Markdown is the plain text
    /// itself: any offset inside is a cut.
    runs: Vec<Run>,
}

#[derive(Debug)]
struct Run {
    plain: usize,
    source: usize,
    len: usize,
}

/// Where `body` goes on after its lead sentence (the body's length for a body
/// of one sentence), when `title` is that sentence, or the whole first
/// paragraph: the same words, whatever the case, punctuation, whitespace or
/// Markdown marks. (A paragraph of two sentences is a title when they were read
/// as one: Chinese and Japanese text before brief knew their full stops.)
/// `None` when the title is not the lead (a hand-written headline, a clause of
/// a long sentence) or the lead cannot be cut out cleanly (it ends inside
/// emphasis or a link): then the whole body is shown under the title.
pub(crate) fn rest_start(title: &str, body: &str) -> Option<usize> {
    rest_start_of_literal_lead(title, body).unwrap_or_else(|| rest_start_parsed(title, body))
}

/// [`rest_start`] read off the body's first line without parsing it, when
/// the line starts with prose in which Markdown could see no mark (letters,
/// digits, spaces and [`is_literal`] punctuation) up to the word after the
/// lead sentence: there the plain text is the Markdown itself, and each stop
/// up to the lead's is judged as in the whole text (a stop's judge reads the
/// word after it, no further). Most bodies under an imported headline start
/// so, and each is spared a parse of its first block on every build. `None`
/// when that cannot be told: the block is parsed.
fn rest_start_of_literal_lead(title: &str, body: &str) -> Option<Option<usize>> {
    // A letter (or any character outside ASCII) opens a paragraph; an ASCII
    // digit, space or mark may open a list, a code block or another block.
    let first = *body.as_bytes().first()?;
    if first.is_ascii() && !first.is_ascii_alphabetic() {
        return None;
    }
    // A setext underline or a table's delimiter row under this line makes
    // it no paragraph, but the rest that starts on it no paragraph either
    // (same line below, same cells): `starts_paragraph` answers `None`.
    let line = body.split('\n').next().unwrap_or(body);
    let end = first_sentence_end(line)?;
    let after = line[end..].trim_start();
    let judged = &line[..line.len() - after.len() + after.find(char::is_whitespace)?];
    let marked = |c: char| c.is_ascii() && !c.is_ascii_alphanumeric() && !is_literal(c);
    if judged.contains(marked) || !same_words(title, &line[..end]) {
        return None;
    }
    let rest = body[end..].trim_start();
    Some(starts_paragraph(rest).then(|| body.len() - rest.len()))
}

/// Whether Markdown never reads `c` as a mark inside a line of a paragraph
/// (without smart punctuation, which the plain text is read without).
fn is_literal(c: char) -> bool {
    matches!(
        c,
        ' ' | ',' | '.' | ';' | ':' | '\'' | '"' | '?' | '(' | ')' | '%' | '$' | '/' | '-' | '+'
    )
}

/// [`rest_start`], from the parsed first block.
fn rest_start_parsed(title: &str, body: &str) -> Option<usize> {
    let block = first_block(body)?;
    if !block.top_paragraph {
        return None;
    }
    let plain = block.plain.trim_end();
    let first_end = first_sentence_end(plain).unwrap_or(plain.len());
    let lead_end = [first_end, plain.len()]
        .into_iter()
        .find(|&end| same_words(title, &plain[..end]))?;
    let cut = if lead_end == plain.len() {
        block.end
    } else {
        block.source_offset(lead_end)?
    };
    let rest = body[cut..].trim_start();
    // Cut inside a paragraph, the rest must still read as a paragraph: a rest
    // starting `2. Then…` or `- …` would turn into a list.
    if cut < block.end && !starts_paragraph(rest) {
        return None;
    }
    Some(body.len() - rest.len())
}

/// Whether `a` and `b` have the same letters and digits in the same order,
/// ignoring case: punctuation, spaces and Markdown marks do not count.
fn same_words(a: &str, b: &str) -> bool {
    // Compared as they are folded, not as two folded copies: every insight
    // of a site pays for this on every build. ASCII text (most of it) folds
    // byte by byte, without Unicode case tables.
    if a.is_ascii() && b.is_ascii() {
        return same_items(folded_ascii(a), folded_ascii(b));
    }
    same_items(folded_chars(a), folded_chars(b))
}

/// Whether `a` is not empty and yields what `b` does.
fn same_items<T: PartialEq>(a: impl Iterator<Item = T>, b: impl Iterator<Item = T>) -> bool {
    let mut a = a.peekable();
    a.peek().is_some() && a.eq(b)
}

/// [`folded_chars`] of ASCII text, as bytes.
fn folded_ascii(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
}

fn starts_paragraph(markdown: &str) -> bool {
    // A block's kind is settled by its own lines, which end at the first blank
    // line: parsing only those spares a parse of the whole rest (Markdown's
    // block pass reads all of its input first). Only lines that make no block
    // at all (link definitions) need what follows.
    let first = markdown
        .find("\n\n")
        .map_or(markdown, |end| &markdown[..end]);
    if is_one_line_of_prose(first) {
        return true;
    }
    match Parser::new_ext(first, options()).next() {
        Some(event) => matches!(event, Event::Start(Tag::Paragraph)),
        None if first.len() == markdown.len() => true,
        None => starts_paragraph(markdown[first.len()..].trim_start_matches('\n')),
    }
}

/// Whether `lines` (a block's lines) are one line starting with a letter: always
/// a paragraph, since every other block starts with a mark (`#`, `>`, `-`, a
/// digit, `<`, `[`, a fence, indentation) or needs a second line (a setext
/// underline, a table's delimiter row). Most rests are such a line, and
/// answering without a parser spares each insight a parser's set-up on every
/// build.
fn is_one_line_of_prose(lines: &str) -> bool {
    lines
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphabetic)
        && !lines.trim_end().contains('\n')
}

/// The extensions the renderer turns on that change block structure, without
/// smart punctuation, which would make the plain text differ from the Markdown.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// The first block of text of `body`; `None` when it has none (empty, or only
/// code blocks, HTML and rules).
pub(crate) fn first_block(body: &str) -> Option<FirstBlock> {
    first_block_parsing(body, settled_prefix(body))
}

/// [`first_block`] of `body`, parsing `parsed` (`body` or a start of it).
fn first_block_parsing(body: &str, parsed: &str) -> Option<FirstBlock> {
    let mut block = FirstBlock::default();
    let mut started = false;
    // Block containers open around the text (a list, its item, a quote).
    let mut containers = 0usize;
    // Inline containers open around the text (emphasis, links, images).
    let mut inline = 0usize;
    let mut skipping = false;
    for (event, range) in Parser::new_ext(parsed, options()).into_offset_iter() {
        if !started {
            match &event {
                Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                    skipping = true;
                    continue;
                }
                Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                    skipping = false;
                    continue;
                }
                _ if skipping => continue,
                Event::Start(Tag::Paragraph) => {
                    block.top_paragraph = containers == 0;
                    started = true;
                    continue;
                }
                Event::Start(Tag::Heading { .. }) => {
                    started = true;
                    continue;
                }
                Event::Start(tag) if is_block(tag) => {
                    containers += 1;
                    continue;
                }
                Event::End(_) | Event::Rule | Event::Html(_) | Event::TaskListMarker(_) => continue,
                // Text right inside a list item of a tight list.
                _ => started = true,
            }
        }
        let ends_block = match &event {
            Event::Start(tag) => is_block(tag),
            Event::End(tag) => is_block_end(*tag),
            _ => false,
        };
        if ends_block {
            block.end = match event {
                Event::End(_) => range.end,
                _ => range.start,
            };
            break;
        }
        let before = block.plain.len();
        if inline == 0 {
            block.cuts.push((before, range.start));
        }
        match event {
            Event::Start(_) => inline += 1,
            Event::End(_) => inline = inline.saturating_sub(1),
            Event::Text(text) => {
                if inline == 0 && body.get(range.clone()) == Some(&*text) {
                    block.runs.push(Run {
                        plain: before,
                        source: range.start,
                        len: text.len(),
                    });
                }
                block.plain.push_str(&text);
            }
            Event::Code(text) => block.plain.push_str(&text),
            Event::SoftBreak | Event::HardBreak => block.plain.push(' '),
            _ => {}
        }
        if inline == 0 {
            block.cuts.push((block.plain.len(), range.end));
        }
        block.end = range.end;
    }
    started.then_some(block)
}

/// The start of `body` that settles its first block: through the first blank
/// line when the body starts with prose, else the whole body. A parser reads
/// all of its input's blocks before its first event, and most bodies go on
/// for paragraphs and code after the first; every insight pays for this on
/// every build. A block starting with a letter is decided by its own lines,
/// which end at the first blank one, and by the link and footnote definitions
/// anywhere in the body (`[x]: …`, `[^1]: …`, which make `[x]` a link): a
/// body with a definition after the blank line is parsed whole.
fn settled_prefix(body: &str) -> &str {
    if !body.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return body;
    }
    match memchr::memmem::find(body.as_bytes(), b"\n\n") {
        // Through the line's own `\n`, so that offsets at the block's end are
        // the ones the whole body gives.
        Some(blank) if !body[blank..].contains("]:") => &body[..=blank],
        _ => body,
    }
}

impl FirstBlock {
    /// Where in the Markdown the plain text's offset `at` falls, if no inline
    /// container is open there.
    fn source_offset(&self, at: usize) -> Option<usize> {
        let inside_run = self
            .runs
            .iter()
            .find(|run| run.plain < at && at < run.plain + run.len)
            .map(|run| run.source + (at - run.plain));
        // At an edge between events, the furthest cut: past closing marks.
        inside_run.or_else(|| {
            self.cuts
                .iter()
                .filter(|(plain, _)| *plain == at)
                .map(|(_, source)| *source)
                .max()
        })
    }
}

/// Tags that open a block rather than inline text.
fn is_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
    )
}

fn is_block_end(tag: TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `settled_prefix` is only a shortcut: every body built from these
    /// pieces has the same first block, parsed from the prefix or whole.
    #[test]
    fn the_settled_prefix_gives_the_first_block_of_the_whole_body() {
        const PIECES: &[&str] = &[
            "China leads. Huawei follows.",
            "A [link][x] and [^1] and *open",
            "emphasis* ends.",
            "Title\n===",
            "a | b\n--|--\n1 | 2",
            "- a list",
            "1. one",
            "```python\nx = 1\n\ny = 2\n```",
            "[x]: /defined/",
            "[^1]: A note.",
            "    indented",
            "> quoted",
            "<div>\nhtml\n</div>",
            "line with a break  ",
            "",
            "\n",
            "é accents",
            "Ends ]: oddly",
        ];
        let mut checked = 0;
        for a in PIECES {
            for b in PIECES {
                for c in PIECES {
                    for glue in ["\n", "\n\n", "\n\n\n"] {
                        let body = format!("{a}{glue}{b}\n\n{c}\n");
                        let whole = first_block_parsing(&body, &body);
                        let fast = first_block(&body);
                        assert_eq!(format!("{fast:?}"), format!("{whole:?}"), "{body:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }

    /// Reading the lead off a literal first line is only a shortcut: for
    /// titles and bodies made of these pieces (abbreviations, quotes, marks
    /// right after a stop, underlines, tables, lists), `rest_start` answers
    /// as the parse does.
    #[test]
    fn the_lead_read_off_a_literal_line_is_the_parsed_one() {
        const SENTENCES: &[&str] = &[
            "China leads.",
            "The U.S. lags.",
            "Prices fell 2.5x in Q3.",
            "\"Cheap chips,\" he said.",
            "It works (mostly).",
            "Who pays?",
            "Wow!",
            "Huawei *ships* more.",
            "See [this](/x/) now.",
            "A `code` span.",
            "Fish &amp; chips.",
            "Costs $1.10 per chip.",
            "e.g. this one.",
            "Vol. 2 is out.",
            "中文句子。",
            "Ünïcode leads.",
            "China leads. Huawei follows.",
            "China *leads. Huawei* follows.",
            "See [this. Then](/x/) ok.",
            "Made in the U.S. A**rmy** grows.",
            "Fish &amp; chips. Then more.",
        ];
        const GLUES: &[&str] = &[
            " ",
            "  ",
            "\n",
            " *",
            "\n===\n",
            "\n--|--\n",
            "\n\n- ",
            "![",
        ];
        let mut checked = 0;
        let mut shortcuts = 0;
        for a in SENTENCES {
            for glue in GLUES {
                for b in SENTENCES {
                    let body = format!("{a}{glue}{b} And more text.\n");
                    let first = a.split(". ").next().unwrap_or(a);
                    for title in [first, a, b, "Made in the U.S.", "China"] {
                        let parsed = rest_start_parsed(title, &body);
                        assert_eq!(rest_start(title, &body), parsed, "{title:?} / {body:?}");
                        checked += 1;
                        shortcuts +=
                            usize::from(rest_start_of_literal_lead(title, &body).is_some());
                    }
                }
            }
        }
        assert!(checked > 4_000 && shortcuts > 200, "{checked} {shortcuts}");
    }

    fn rest_after_lead<'b>(title: &str, body: &'b str) -> Option<&'b str> {
        rest_start(title, body).map(|at| &body[at..])
    }

    #[test]
    fn the_rest_follows_the_lead_sentence() {
        let body = "While the U.S. AI strategy pursues profits, China commoditizes AI. By spreading resources, it limits profits.\n";
        assert_eq!(
            rest_after_lead(
                "While the U.S. AI strategy pursues profits, China commoditizes AI",
                body
            ),
            Some("By spreading resources, it limits profits.\n")
        );
    }

    #[test]
    fn a_title_of_the_whole_first_paragraph_is_not_shown_again() {
        // Imported before brief knew the Chinese full stop: both sentences
        // became the title.
        let body =
            "深度求索将API降价与华为芯片供应挂钩。如果产能跟不上，计划会推迟。\n\n第二段。\n";
        assert_eq!(
            rest_after_lead(
                "深度求索将API降价与华为芯片供应挂钩。如果产能跟不上，计划会推迟。",
                body
            ),
            Some("第二段。\n")
        );
        assert_eq!(
            rest_after_lead("深度求索将API降价与华为芯片供应挂钩", body),
            Some("如果产能跟不上，计划会推迟。\n\n第二段。\n")
        );
        // Words of the paragraph that stop short of its end are no lead.
        assert_eq!(
            rest_after_lead("深度求索将API降价与华为芯片供应挂钩。如果产能", body),
            None
        );
    }

    #[test]
    fn a_one_sentence_insight_has_an_empty_rest() {
        assert_eq!(rest_after_lead("China leads", "China leads.\n"), Some(""));
        // A lead that is the whole first paragraph: the rest is the next one.
        assert_eq!(
            rest_after_lead("China leads", "China leads.\n\nSecond *paragraph*.\n"),
            Some("Second *paragraph*.\n")
        );
    }

    #[test]
    fn case_punctuation_whitespace_and_markdown_do_not_matter() {
        let body = "**China's** pause on `H200` orders is\nnot a ban. It is a [move](/x/).";
        assert_eq!(
            rest_after_lead("China’s pause on H200 orders is not a ban", body),
            Some("It is a [move](/x/).")
        );
        assert_eq!(
            rest_after_lead("CHINA'S PAUSE ON H200 ORDERS IS NOT A BAN!", body),
            Some("It is a [move](/x/).")
        );
    }

    #[test]
    fn a_lead_ending_in_emphasis_cuts_after_the_closing_marks() {
        assert_eq!(
            rest_after_lead("China leads", "**China leads.** Huawei *follows*."),
            Some("Huawei *follows*.")
        );
        assert_eq!(
            rest_after_lead(
                "It is China's \"new oil\"",
                "It is China's \"new oil.\" Startups follow."
            ),
            Some("Startups follow.")
        );
    }

    #[test]
    fn other_titles_keep_the_whole_body() {
        let body = "China leads in open source. It attracts talent.";
        assert_eq!(rest_after_lead("China's open-source bet", body), None);
        assert_eq!(rest_after_lead("China leads", body), None);
        assert_eq!(rest_after_lead("", body), None);
        // A lead that ends inside emphasis cannot be cut out cleanly.
        assert_eq!(
            rest_after_lead("China leads", "*China leads. Huawei follows.*"),
            None
        );
        // Only a paragraph at the top: not a list item or a quote.
        assert_eq!(
            rest_after_lead("China leads", "- China leads. Huawei follows."),
            None
        );
        assert_eq!(rest_after_lead("China leads", "> China leads. More."), None);
        // The rest would turn into a list.
        assert_eq!(
            rest_after_lead("Steps follow", "Steps follow. 2. Then more."),
            None
        );
    }

    #[test]
    fn the_rest_is_read_as_a_paragraph_by_its_first_block() {
        assert!(starts_paragraph("Then more.\n\n- a list later"));
        assert!(starts_paragraph("Then more\nover two lines."));
        assert!(!starts_paragraph("Then more\n===\n\nText."), "a heading");
        assert!(!starts_paragraph("2. Then\n\nmore."));
        assert!(!starts_paragraph("```\ncode\n\nmore code\n```"));
        // A link definition makes no block: what follows it decides.
        assert!(starts_paragraph("[a]: /x\n\nText."));
        assert!(!starts_paragraph("[a]: /x\n\n- item"));
        assert!(starts_paragraph("[a]: /x"));
        assert!(!starts_paragraph("[a]: /x\n\n    indented code"));
    }

    #[test]
    fn one_line_of_prose_is_a_paragraph_as_the_parser_says() {
        let by_parser = |text: &str| {
            matches!(
                Parser::new_ext(text, options()).next(),
                Some(Event::Start(Tag::Paragraph))
            )
        };
        let lines = [
            "Then more.",
            "then more.\n",
            "Then *more* <b>x</b> `c` [l](/x).\n",
            "Tables | need | rows",
            "Ab\n===",
            "Ab\n---",
            "Ab\n|-|-|",
            "A | b\n--|--",
            "x\n- item",
            "Zed\r\n",
        ];
        for text in lines {
            if is_one_line_of_prose(text) {
                assert!(by_parser(text), "{text:?}");
            }
        }
        assert!(is_one_line_of_prose("Then more.\n"));
        assert!(
            !is_one_line_of_prose("Ab\n==="),
            "a second line goes to the parser"
        );
        assert!(!is_one_line_of_prose("1. Then"));
        assert!(!is_one_line_of_prose(""));
    }

    #[test]
    fn plain_text_of_the_first_block() {
        let plain = |body: &str| first_block(body).map(|b| b.plain);
        assert_eq!(
            plain("```\ncode\n```\n\n## *Huawei* ships [`Ascend`](/a/).\n\nMore."),
            Some("Huawei ships Ascend.".to_string())
        );
        assert_eq!(plain("- one\n- two"), Some("one".to_string()));
        assert_eq!(plain(""), None);
        assert_eq!(plain("---\n"), None);
    }
}
