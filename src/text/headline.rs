//! A headline made from an insight's text, as an editor would: the first whole
//! sentence, without its final dot, when it is short enough
//! ([`HEADLINE_MAX`] characters). A longer sentence is shortened step by step
//! until it fits, each step keeping a sentence a reader can take in:
//!
//! 1. an opening phrase is dropped, keeping the main clause: "Blocked from …
//!    like OpenAI, China is strategically championing open-source AI" → "China
//!    is strategically championing open-source AI";
//! 2. asides are dropped: between dashes, in brackets, and between commas when
//!    they open like one ("…firms, facing severe chip restrictions, are…");
//! 3. the sentence ends at its last colon, semicolon, dash or comma that leaves
//!    a clause short enough;
//! 4. only when no such boundary exists, it is cut after a word, with "…".
//!
//! Punctuation inside quotes and brackets is never a boundary. Plain text in,
//! plain text out: see [`super::lead`] for the Markdown side.

use super::folded;
use super::lead::first_block;
use super::sentences::{first_sentence_end, is_abbreviation, is_closer};

/// The longest headline, in characters.
pub(crate) const HEADLINE_MAX: usize = 140;

/// A clause shorter than this (in characters) is no headline on its own.
const CLAUSE_MIN: usize = 30;

/// First words of a phrase that leads into the main clause: "While the U.S.
/// leads, …", "By limiting access, …", "Unable to compete, …".
const INTRO_WORDS: &[&str] = &[
    "according",
    "after",
    "against",
    "although",
    "amid",
    "as",
    "at",
    "because",
    "before",
    "beyond",
    "by",
    "compared",
    "despite",
    "during",
    "following",
    "for",
    "from",
    "given",
    "if",
    "in",
    "like",
    "once",
    "since",
    "though",
    "through",
    "to",
    "unable",
    "under",
    "unlike",
    "until",
    "when",
    "whereas",
    "whether",
    "while",
    "with",
    "without",
];

/// First words of an aside between commas: "…firms, facing X, are…".
const ASIDE_WORDS: &[&str] = &[
    "already",
    "although",
    "especially",
    "even",
    "including",
    "like",
    "not",
    "often",
    "particularly",
    "though",
    "unlike",
    "which",
    "while",
    "who",
    "whom",
    "whose",
];

/// Words that can open a main clause in lower case (anything capitalized can).
const SUBJECT_WORDS: &[&str] = &[
    "a", "all", "an", "both", "each", "every", "few", "he", "her", "his", "it", "its", "many",
    "most", "no", "one", "our", "she", "some", "such", "that", "the", "their", "these", "they",
    "this", "those", "we",
];

/// The headline for an insight whose Markdown body is `body`.
pub(crate) fn headline_of(body: &str) -> String {
    let block = first_block(body).map(|b| b.plain);
    let plain = one_line(block.as_deref().unwrap_or(body));
    let sentence = &plain[..first_sentence_end(&plain).unwrap_or(plain.len())];
    shorten(&without_stop(sentence))
}

/// Whether `title` is a headline that an earlier brief cut from `body`
/// mid-phrase: it ends with "…" and its words begin the body's text (case,
/// punctuation and Markdown marks aside). Import renews such a title; any
/// other is an editor's and stays.
pub(crate) fn is_cut_of(title: &str, body: &str) -> bool {
    let Some(stem) = title.trim_end().strip_suffix('…') else {
        return false;
    };
    let stem = folded(stem);
    !stem.is_empty() && folded(body).starts_with(&stem)
}

/// Whitespace runs (line breaks too) as single spaces, trimmed.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fits(text: &str) -> bool {
    text.chars().count() <= HEADLINE_MAX
}

/// The sentence without its final dot (kept after an abbreviation: "the U.S.")
/// or full stop (`。`, `۔`, `।`). Question and exclamation marks and ellipses stay: they
/// carry meaning.
fn without_stop(sentence: &str) -> String {
    let body = sentence.trim_end_matches(is_closer);
    let closers = &sentence[body.len()..];
    if let Some(before) = body.strip_suffix(['。', '۔', '।']) {
        return format!("{before}{closers}");
    }
    match body.strip_suffix('.') {
        Some(before) if !before.ends_with('.') && !ends_with_abbreviation(before) => {
            format!("{before}{closers}")
        }
        _ => sentence.to_string(),
    }
}

fn ends_with_abbreviation(before_dot: &str) -> bool {
    let word = before_dot.rsplit(char::is_whitespace).next().unwrap_or("");
    is_abbreviation(word.trim_start_matches(|c: char| !c.is_alphanumeric()))
}

/// `sentence` shortened to fit (see the module's steps).
fn shorten(sentence: &str) -> String {
    if fits(sentence) {
        return sentence.to_string();
    }
    let mut versions = vec![main_clause(sentence).unwrap_or_else(|| sentence.to_string())];
    for drop in [drop_dash_asides, drop_brackets, drop_comma_asides] {
        let last = versions.last().expect("one version at least");
        if fits(last) {
            break;
        }
        versions.push(drop(last));
    }
    match versions.last() {
        Some(shortest) if fits(shortest) => shortest.clone(),
        // A dropped aside may have held the only boundary: the fuller
        // versions are tried too, shortest first.
        _ => versions
            .iter()
            .rev()
            .find_map(|text| leading_clause(text))
            .unwrap_or_else(|| cut_after_word(&versions[0])),
    }
}

/// What kind of boundary a mark is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Comma,
    /// A colon, semicolon or dash: a stronger break than a comma.
    Break,
    Dash,
    /// A bracketed group, `(` to `)`.
    Brackets,
}

/// A boundary outside quotes and brackets: `text[start..end]` is its
/// punctuation (with the spaces around a dash, or a quote closing after a comma).
#[derive(Debug, Clone, Copy)]
struct Mark {
    start: usize,
    end: usize,
    kind: Kind,
}

/// The boundaries of `text` outside quotes and brackets, in order.
fn marks(text: &str) -> Vec<Mark> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut marks = Vec::new();
    let (mut brackets, mut double, mut single) = (0usize, false, false);
    let mut bracket_start = 0;
    // A quote closed together with the comma before it is not seen again.
    let mut skip = false;
    for (i, &(o, c)) in chars.iter().enumerate() {
        if std::mem::take(&mut skip) {
            continue;
        }
        let prev = i.checked_sub(1).and_then(at);
        let next = at(i + 1);
        let word_before = prev.is_some_and(|p| !p.is_whitespace());
        let space_after = next.is_none_or(char::is_whitespace);
        let quoted = double || single;
        match c {
            '(' | '[' | '（' if !quoted => {
                if brackets == 0 {
                    bracket_start = o;
                }
                brackets += 1;
            }
            ')' | ']' | '）' if !quoted && brackets > 0 => {
                brackets -= 1;
                if brackets == 0 {
                    let end = offset(i + 1);
                    marks.push(Mark {
                        start: bracket_start,
                        end,
                        kind: Kind::Brackets,
                    });
                }
            }
            '"' => double = !double,
            '“' | '「' | '『' => double = true,
            '”' | '」' | '』' => double = false,
            '‘' => single = true,
            '\'' | '’' if single && word_before && !next.is_some_and(char::is_alphanumeric) => {
                single = false
            }
            '\'' if !word_before && next.is_some_and(|n| !n.is_whitespace()) => single = true,
            _ if brackets > 0 => {}
            ',' => {
                // "sparks ingenuity,' US …": the quote closes the phrase the
                // comma ends, so the boundary is outside the quote.
                let closes = match next {
                    Some('"' | '”') if double => Some(1),
                    Some('\'' | '’') if single => Some(1),
                    _ => None,
                };
                let inside = quoted && closes.is_none();
                let after = i + 1 + closes.unwrap_or(0);
                if !inside && at(after).is_none_or(char::is_whitespace) {
                    if closes.is_some() {
                        (double, single, skip) = (false, false, true);
                    }
                    marks.push(Mark {
                        start: o,
                        end: offset(after),
                        kind: Kind::Comma,
                    });
                }
            }
            _ if quoted => {}
            // Chinese and Japanese punctuation takes no space after it; the
            // Arabic comma (U+060C) does.
            '，' | '\u{60c}' if c == '，' || space_after => marks.push(Mark {
                start: o,
                end: offset(i + 1),
                kind: Kind::Comma,
            }),
            ':' | ';' | '：' | '；' | '؛' if space_after || !c.is_ascii() => marks.push(Mark {
                start: o,
                end: offset(i + 1),
                kind: Kind::Break,
            }),
            '—' => marks.push(dash(text, o, offset(i + 1))),
            '–' | '-' if !word_before && space_after && next.is_some() => {
                marks.push(dash(text, o, offset(i + 1)))
            }
            _ => {}
        }
    }
    marks
}

/// A dash mark widened over the spaces around it.
fn dash(text: &str, start: usize, end: usize) -> Mark {
    let start = text[..start].trim_end().len();
    let end = text.len() - text[end..].trim_start().len();
    Mark {
        start,
        end,
        kind: Kind::Dash,
    }
}

fn first_word(text: &str) -> &str {
    let word = text.split_whitespace().next().unwrap_or("");
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// A participle opening a phrase: "Echoing …", "Blocked from …".
fn is_participle(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.chars().count() >= 6 && (lower.ends_with("ing") || lower.ends_with("ed"))
}

/// The main clause after an opening phrase, capitalized, if the sentence
/// opens with one: an intro word, a participle, or one word (`Ironically,`).
fn main_clause(sentence: &str) -> Option<String> {
    let opener = first_word(sentence).to_lowercase();
    let intro = INTRO_WORDS.contains(&opener.as_str()) || is_participle(&opener);
    marks(sentence)
        .into_iter()
        .filter(|m| m.kind == Kind::Comma)
        .filter(|m| intro || !sentence[..m.start].trim().contains(' '))
        .map(|m| sentence[m.end..].trim_start())
        .find(|rest| opens_main_clause(rest))
        .map(capitalized)
}

/// Whether `rest` can be a main clause: three words or more, opening with a
/// capitalized word or a determiner or pronoun (not the next item of a list).
fn opens_main_clause(rest: &str) -> bool {
    let word = first_word(rest);
    let subject = word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        || SUBJECT_WORDS.contains(&word.to_lowercase().as_str());
    subject && rest.split_whitespace().count() >= 3
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `text` with the asides between two dashes dropped: "tokens—the fuel of
/// LLMs—at a fraction" → "tokens at a fraction".
fn drop_dash_asides(text: &str) -> String {
    let dashes: Vec<Mark> = marks(text)
        .into_iter()
        .filter(|m| m.kind == Kind::Dash)
        .collect();
    let pairs = dashes.chunks_exact(2).map(|p| (p[0].start, p[1].end));
    splice_out(text, pairs)
}

/// `text` with bracketed groups dropped: "a market (\"involution\")" → "a market".
fn drop_brackets(text: &str) -> String {
    let groups = marks(text)
        .into_iter()
        .filter(|m| m.kind == Kind::Brackets)
        .map(|m| (text[..m.start].trim_end().len(), m.end));
    splice_out(text, groups)
}

/// `text` with asides between two commas dropped when the first word says it
/// is one: "firms, facing severe restrictions, are forced" → "firms are forced".
fn drop_comma_asides(text: &str) -> String {
    let commas: Vec<Mark> = marks(text)
        .into_iter()
        .filter(|m| m.kind == Kind::Comma)
        .collect();
    let asides = commas.windows(2).filter_map(|pair| {
        let word = first_word(&text[pair[0].end..]).to_lowercase();
        let aside = ASIDE_WORDS.contains(&word.as_str()) || is_participle(&word);
        aside.then_some((pair[0].start, pair[1].end))
    });
    splice_out(text, asides)
}

/// `text` without the given spans (in order; overlapping ones skipped), each
/// replaced by one space, with the spacing around punctuation tidied.
fn splice_out(text: &str, spans: impl Iterator<Item = (usize, usize)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end) in spans {
        if start < from {
            continue;
        }
        out.push_str(text[from..start].trim_end());
        out.push(' ');
        from = end;
    }
    out.push_str(text[from..].trim_start());
    // A span dropped before punctuation leaves "firms ," behind.
    for p in [" ,", " .", " ;", " :"] {
        out = out.replace(p, &p[1..]);
    }
    out.trim().to_string()
}

/// The longest leading clause that fits, ending at a colon, semicolon or dash
/// (not one closing an aside between dashes), else at a comma; `None` when no
/// boundary leaves a clause long enough.
fn leading_clause(text: &str) -> Option<String> {
    let all = marks(text);
    let dashes_before = |m: &Mark| {
        all.iter()
            .filter(|d| d.kind == Kind::Dash && d.start < m.start)
            .count()
    };
    let ends = |strong: bool| {
        all.iter()
            .rev()
            .filter(|m| match m.kind {
                Kind::Comma => !strong,
                Kind::Break => strong,
                Kind::Dash => strong && dashes_before(m) % 2 == 0,
                Kind::Brackets => false,
            })
            .map(|m| text[..m.start].trim_end())
            .find(|clause| clause.chars().count() >= CLAUSE_MIN && fits(clause))
    };
    ends(true)
        .or_else(|| ends(false))
        .map(|clause| clause.trim_end_matches(is_closing_mark).to_string())
}

fn is_closing_mark(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '，' | '；' | '：' | '\u{60c}' | '؛')
}

/// `text` cut after the last whole word that leaves room for "…".
fn cut_after_word(text: &str) -> String {
    let limit = text
        .char_indices()
        .nth(HEADLINE_MAX)
        .map_or(text.len(), |(i, _)| i);
    let cut = text[..limit]
        .rfind(char::is_whitespace)
        .map_or(&text[..limit], |i| &text[..i]);
    format!("{}…", cut.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_first_sentence_is_the_headline_without_its_dot() {
        assert_eq!(headline_of("China leads. It also serves."), "China leads");
        assert_eq!(
            headline_of("While the U.S. AI strategy pursues a 'winner-take-all' model leading to high profits, China's state-backed approach aims to commoditize AI. By spreading resources…"),
            "While the U.S. AI strategy pursues a 'winner-take-all' model leading to high profits, China's state-backed approach aims to commoditize AI"
        );
        assert_eq!(
            headline_of("Prices are $1.10 vs. $10 today"),
            "Prices are $1.10 vs. $10 today"
        );
        assert_eq!(headline_of("Is China winning? Maybe."), "Is China winning?");
        assert_eq!(
            headline_of("It is China's \"new oil.\" More."),
            "It is China's \"new oil\""
        );
        assert_eq!(
            headline_of("Chips are made in the U.S. The gap…"),
            "Chips are made in the U.S."
        );
        assert_eq!(
            headline_of("**Huawei** ships `Ascend`. More."),
            "Huawei ships Ascend"
        );
        assert_eq!(
            headline_of("See [the report](/r/)\nfor details."),
            "See the report for details"
        );
    }

    #[test]
    fn a_long_sentence_keeps_its_main_clause() {
        assert_eq!(
            headline_of("Blocked from accessing the most advanced chips and closed models from companies like OpenAI, China is strategically championing open-source AI. This could…"),
            "China is strategically championing open-source AI"
        );
        assert_eq!(
            headline_of("Echoing Don Valentine's VC wisdom that 'scarcity sparks ingenuity,' US restrictions on advanced chips are compelling Chinese firms to become hyper-efficient at optimizing older hardware."),
            "US restrictions on advanced chips are compelling Chinese firms to become hyper-efficient at optimizing older hardware"
        );
        assert_eq!(
            headline_of("While a global token shortage suggests rising costs, Chinese AI firms like DeepSeek are employing a counter-strategy: permanent, drastic price cuts."),
            "Chinese AI firms like DeepSeek are employing a counter-strategy: permanent, drastic price cuts"
        );
    }

    #[test]
    fn a_long_sentence_loses_its_asides() {
        assert_eq!(
            headline_of("Lenovo's CFO explains that Chinese AI firms, facing severe chip restrictions and a cutthroat domestic market (\"involution\"), are forced to innovate for extreme cost efficiency."),
            "Lenovo's CFO explains that Chinese AI firms are forced to innovate for extreme cost efficiency"
        );
    }

    #[test]
    fn else_it_ends_at_a_clause_boundary() {
        assert_eq!(
            headline_of("China is gaining a structural advantage in the global AI race by producing and exporting AI tokens—the computational fuel for LLMs—at a fraction of the cost of US alternatives and many other nations' offerings."),
            "China is gaining a structural advantage in the global AI race by producing and exporting AI tokens"
        );
        let semicolon = format!(
            "The market for accelerators is consolidating fast; {}.",
            "the rest of this clause goes on ".repeat(4)
        );
        assert_eq!(
            headline_of(&semicolon),
            "The market for accelerators is consolidating fast"
        );
        let comma = format!(
            "The market for accelerators in China is consolidating fast, {}.",
            "and the rest of this clause goes on ".repeat(4)
        );
        assert_eq!(
            headline_of(&comma),
            "The market for accelerators in China is consolidating fast"
        );
    }

    #[test]
    fn only_without_a_boundary_is_it_cut_with_an_ellipsis() {
        let text = format!("China {} today.", "keeps building chips ".repeat(10));
        let headline = headline_of(&text);
        assert!(headline.ends_with(" keeps…"), "{headline}");
        assert!(headline.chars().count() <= HEADLINE_MAX + 1, "{headline}");
        // A comma inside quotes is no boundary.
        let quoted = format!(
            "He said \"{}, and more\" {}.",
            "word ".repeat(20),
            "again ".repeat(10)
        );
        assert!(headline_of(&quoted).ends_with('…'));
    }

    #[test]
    fn chinese_and_japanese_headlines_end_at_their_full_stop() {
        assert_eq!(
            headline_of(
                "深度求索将API降价与华为芯片供应挂钩。如果昇腾芯片的产能跟不上，降价计划会推迟。"
            ),
            "深度求索将API降价与华为芯片供应挂钩"
        );
        assert_eq!(
            headline_of("「電力が足りない！」と社長は言った。背景には需要の急増がある。"),
            "「電力が足りない！」と社長は言った"
        );
        assert_eq!(
            headline_of("需求还在增长吗？答案是肯定的。"),
            "需求还在增长吗？"
        );
        // A long sentence ends at its last clause boundary that fits.
        let long = format!(
            "{}，{}；{}。",
            "甲".repeat(60),
            "乙".repeat(50),
            "丙".repeat(60)
        );
        assert_eq!(
            headline_of(&long),
            format!("{}，{}", "甲".repeat(60), "乙".repeat(50))
        );
    }

    #[test]
    fn arabic_hebrew_and_hindi_headlines_end_at_their_first_sentence() {
        assert_eq!(
            headline_of(
                "تربط ديب سيك تخفيضات الأسعار بإمدادات رقائق هواوي. إذا لم تواكب القدرة، تتأخر."
            ),
            "تربط ديب سيك تخفيضات الأسعار بإمدادات رقائق هواوي"
        );
        assert_eq!(headline_of("המחיר ירד. זה חשוב."), "המחיר ירד");
        assert_eq!(headline_of("कीमतें गिरीं। यह अहम है।"), "कीमतें गिरीं");
        // A long Arabic sentence ends at a comma.
        let clause = format!("كلمة {}", "طويلة ".repeat(20));
        let long = format!("{}، {}.", clause.trim_end(), "أخرى ".repeat(20));
        assert_eq!(headline_of(&long), clause.trim_end());
    }

    #[test]
    fn only_titles_cut_from_the_body_count_as_cut() {
        let body = "While the U.S. AI strategy pursues a *'winner-take-all'* model, China. More.";
        assert!(is_cut_of(
            "While the U.S. AI strategy pursues a 'winner-take-all'…",
            body
        ));
        assert!(!is_cut_of("While the U.S. AI strategy pursues", body));
        assert!(!is_cut_of("The U.S. strategy…", body));
        assert!(!is_cut_of("…", body));
    }

    #[test]
    fn every_headline_fits() {
        for text in [
            "x".repeat(500),
            format!("{}, {}.", "a ".repeat(100), "b ".repeat(100)),
            format!("By {}, {}.", "a ".repeat(100), "The b ".repeat(100)),
            "—".repeat(300),
            ",,,,, ,,,,, ''''' \"\"\" ((( ]]] ".repeat(10),
        ] {
            let headline = headline_of(&text);
            assert!(headline.chars().count() <= HEADLINE_MAX + 1, "{headline}");
        }
    }
}
