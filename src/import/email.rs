//! Emails as raw insight files: one message (`.eml`), a mailbox of many (mbox),
//! or a Maildir folder. MIME, transfer encodings (quoted-printable, base64) and
//! charsets are `mail-parser`'s job; an HTML-only message is turned into
//! Markdown text by [`super::html`], one line per paragraph, as the raw format
//! wants. This module
//! finds messages and takes their text, date and Message-ID; what a message's
//! text holds is [`super::raw`]'s business.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::mailbox::mbox::MessageIterator;
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::html::html_to_markdown;
use crate::hidden::is_hidden;

/// One message, read.
#[derive(Debug)]
pub(crate) struct Letter {
    pub(crate) text: String,
    /// The `Date:` header, when it has a valid one.
    pub(crate) date: Option<DateTime<FixedOffset>>,
    /// The `Message-ID:` header without its angle brackets.
    pub(crate) message_id: Option<String>,
}

/// Why a message gives no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// No header block: not an email at all.
    NotAnEmail,
    /// Neither a text/plain nor a text/html part (only attachments, say).
    NoText,
    /// A charset that cannot be decoded, or bytes that are not in it.
    Charset(String),
    /// The message ends before its MIME structure or encoding does.
    Truncated,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NotAnEmail => f.write_str("it is not an email (no header lines)"),
            Problem::NoText => f.write_str("it has no text part (text/plain or text/html)"),
            Problem::Charset(name) => write!(f, "its text cannot be decoded from charset {name:?}"),
            Problem::Truncated => {
                f.write_str("it is truncated (it ends before its last part does)")
            }
        }
    }
}

impl Problem {
    /// A message without text is passed over like an empty file; the others
    /// lose text the editor meant to import, and fail the run.
    pub(crate) fn is_error(&self) -> bool {
        *self != Problem::NoText
    }
}

/// The letters of the message in `bytes`: its own text, date and Message-ID,
/// or, when it forwards other messages as attachments, theirs (see
/// [`letters_in`]).
pub(crate) fn read_message(bytes: &[u8]) -> Result<Vec<Letter>, Problem> {
    if !has_header_block(bytes) {
        return Err(if looks_like_headers(bytes) {
            Problem::Truncated
        } else {
            Problem::NotAnEmail
        });
    }
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or(Problem::NotAnEmail)?;
    if message.parts[0].headers.is_empty() {
        return Err(Problem::NotAnEmail);
    }
    if is_truncated(&message, bytes) {
        return Err(Problem::Truncated);
    }
    letters_in(&message)
}

/// A message's letters. One that forwards others as attachments
/// (`message/rfc822`, a mail client's "Forward as attachment") is read as the
/// messages it forwards, each with its own date and Message-ID (a forward of a
/// forward to the end): they are the raw insight files, and the forwarder's
/// note ("FYI, see below") is not an insight. A forwarded message without a
/// date or Message-ID takes the forward's.
fn letters_in(message: &Message) -> Result<Vec<Letter>, Problem> {
    let forwarded: Vec<&Message> = message
        .attachments()
        .filter_map(MessagePart::message)
        .collect();
    if forwarded.is_empty() {
        return letter_of(message).map(|letter| vec![letter]);
    }
    let mut letters = Vec::new();
    for inner in forwarded {
        letters.extend(letters_in(inner)?);
    }
    for letter in &mut letters {
        letter.date = letter.date.or_else(|| message.date().and_then(to_chrono));
        letter.message_id = letter.message_id.take().or_else(|| message_id_of(message));
    }
    Ok(letters)
}

/// The text, date and Message-ID of `message` itself.
fn letter_of(message: &Message) -> Result<Letter, Problem> {
    let part = message.text_part(0).ok_or(Problem::NoText)?;
    let mut text = part_text(part)?;
    // A plain part that only points at the HTML one ("View this email in your
    // browser: …"), as some mailers send: the HTML part is the email.
    let html = message.html_part(0).filter(|html| {
        matches!(part.body, PartType::Text(_)) && matches!(html.body, PartType::Html(_))
    });
    if let Some(Ok(from_html)) = html.map(part_text) {
        if is_a_stub(&text, &from_html) {
            text = from_html;
        }
    }
    Ok(Letter {
        text,
        date: message.date().and_then(to_chrono),
        message_id: message_id_of(message),
    })
}

/// Whether `plain` is a stub beside `html`, the same email's HTML part as
/// text: a small part of its letters, and hundreds fewer.
fn is_a_stub(plain: &str, html: &str) -> bool {
    let letters = |text: &str| text.chars().filter(|c| c.is_alphanumeric()).count();
    let (plain, html) = (letters(plain), letters(html));
    plain * 4 < html && html - plain > 300
}

/// The `Message-ID:` header without its angle brackets, if any.
fn message_id_of(message: &Message) -> Option<String> {
    message
        .message_id()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
}

/// The text of a text/plain or text/html part, decoded, or why it cannot be.
fn part_text(part: &MessagePart) -> Result<String, Problem> {
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .unwrap_or("us-ascii");
    // mail-parser falls back to lossy UTF-8 for a charset it does not know,
    // and decodes bad bytes as U+FFFD: either way the text is not what was sent.
    let undecodable = || Problem::Charset(charset.to_string());
    if charset_decoder(charset.as_bytes()).is_none() && !is_utf8_name(charset) {
        return Err(undecodable());
    }
    let text = match &part.body {
        PartType::Text(text) => text.to_string(),
        PartType::Html(html) => html_to_markdown(html),
        _ => return Err(Problem::NoText),
    };
    if part.is_encoding_problem {
        return Err(Problem::Truncated);
    }
    if text.contains(char::REPLACEMENT_CHARACTER) {
        return Err(undecodable());
    }
    Ok(text)
}

fn is_utf8_name(charset: &str) -> bool {
    let name = charset.trim().to_ascii_lowercase();
    matches!(name.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii")
}

/// Whether the header block ends (with an empty line) before the bytes do.
fn has_header_block(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"\n\n").is_some()
        || memchr::memmem::find(bytes, b"\n\r\n").is_some()
}

/// Whether `bytes` start like a header line (`Name: value`).
fn looks_like_headers(bytes: &[u8]) -> bool {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(b"");
    first.iter().position(|&b| b == b':').is_some_and(|colon| {
        colon > 0
            && first[..colon]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    })
}

/// Whether a multipart part of `message` lacks its closing boundary line.
fn is_truncated(message: &Message, bytes: &[u8]) -> bool {
    message.parts.iter().any(|part| {
        let Some(content_type) = part.content_type() else {
            return false;
        };
        if !content_type.ctype().eq_ignore_ascii_case("multipart") {
            return false;
        }
        content_type.attribute("boundary").is_some_and(|boundary| {
            let closing = format!("--{boundary}--");
            memchr::memmem::find(bytes, closing.as_bytes()).is_none()
        })
    })
}

fn to_chrono(date: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    if !date.is_valid() {
        return None;
    }
    let offset = i32::from(date.tz_hour) * 3600 + i32::from(date.tz_minute) * 60;
    let offset = FixedOffset::east_opt(if date.tz_before_gmt { -offset } else { offset })?;
    DateTime::from_timestamp(date.to_timestamp(), 0).map(|utc| utc.with_timezone(&offset))
}

/// Whether a file starting with `start` is an mbox: its first line is a
/// `From ` separator.
pub(crate) fn is_mbox(start: &[u8]) -> bool {
    start.starts_with(b"From ")
}

/// The messages of an mbox, in order; the last is marked truncated when the
/// file ends mid-line (an mbox ends every message with a line break).
pub(crate) fn mbox_messages(bytes: &[u8]) -> Vec<Result<Vec<u8>, Problem>> {
    let mut messages: Vec<Result<Vec<u8>, Problem>> = MessageIterator::new(bytes)
        .map(|m| {
            m.map(|m| m.unwrap_contents())
                .map_err(|_| Problem::Truncated)
        })
        .collect();
    if !bytes.ends_with(b"\n") {
        if let Some(last) = messages.last_mut() {
            *last = Err(Problem::Truncated);
        }
    }
    messages
}

/// Headers every message has one of; a text whose first lines merely look
/// like `Name: value` is not taken for a message without one.
const MESSAGE_HEADERS: [&str; 8] = [
    "from",
    "date",
    "message-id",
    "subject",
    "received",
    "return-path",
    "mime-version",
    "delivered-to",
];

/// Whether `start` (a file's first bytes) begins like one email message:
/// header lines (`Name: value`, or a folded line starting with a space or a
/// tab) up to a blank line, among them one of [`MESSAGE_HEADERS`]. The last
/// line of `start` may be cut, so it is not judged.
pub(crate) fn starts_like_message(start: &[u8]) -> bool {
    let text = String::from_utf8_lossy(start);
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    let mut known = false;
    for (n, line) in lines.iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            return known;
        }
        if line.starts_with([' ', '\t']) {
            if n == 0 {
                return false;
            }
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        known |= MESSAGE_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h));
    }
    known
}

/// Whether `dir` is a Maildir: it holds `cur/` and `new/`.
pub(crate) fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// The message files of a Maildir (`cur/` then `new/`; `tmp/` holds messages
/// still being delivered), sorted by name, hidden files left out.
pub(crate) fn maildir_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for sub in ["cur", "new"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !is_hidden(&e.file_name()))
            .map(|e| e.path())
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// A Maildir message's stable name: its file name without the `:2,FLAGS` info
/// a mail client changes when it reads or flags the message.
pub(crate) fn maildir_unique_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.split_once([':', '!']) {
        Some((unique, _)) => unique.to_string(),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADERS: &str = "From: a@b.example\r\nDate: Wed, 18 Nov 2026 23:30:00 -0500\r\nMessage-ID: <x1@b.example>\r\n";

    #[test]
    fn a_message_is_told_by_its_headers() {
        let message = format!("{HEADERS}Subject: Hi\r\n\tfolded\r\n\r\nBody: not a header\r\n");
        assert!(starts_like_message(message.as_bytes()));
        assert!(
            starts_like_message(b"Received: from x\nX-Long: cut her"),
            "cut in its headers"
        );
        for text in [
            "China: chips are scarce.\nExport rules tighten.\n",
            "Note: one\nAuthor: two\n\nbody\n",
            "DeepSeek cut prices again.\n",
            " From: folded first\n\n",
        ] {
            assert!(!starts_like_message(text.as_bytes()), "{text:?}");
        }
    }

    /// The one letter of a message that forwards nothing.
    fn only_letter(raw: &str) -> Letter {
        let mut letters = read_message(raw.as_bytes()).unwrap();
        assert_eq!(letters.len(), 1);
        letters.remove(0)
    }

    /// A brief as the scanning service mails it, sent on `day` of November.
    fn brief(day: u32, text: &str) -> String {
        format!(
            "From: brief@scanner.example\r\nDate: {day} Nov 2026 07:30:00 +0000\r\n\
             Message-ID: <brief-{day}@scanner.example>\r\nContent-Type: text/plain\r\n\r\n{text}\r\n"
        )
    }

    /// A message from an editor: a note, then `attached` messages forwarded
    /// as attachments.
    fn forward(attached: &[String]) -> String {
        let mut raw = String::from(
            "From: editor@b.example\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\
             Message-ID: <fwd@b.example>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
             --b1\r\nContent-Type: text/plain\r\n\r\nFYI, see the forwarded brief below.\r\n",
        );
        for message in attached {
            raw.push_str("--b1\r\nContent-Type: message/rfc822\r\n\r\n");
            raw.push_str(message);
            raw.push_str("\r\n");
        }
        raw.push_str("--b1--\r\n");
        raw
    }

    /// "Forward as attachment": the forwarded messages are the raw insight
    /// files, each with its own date and Message-ID (a forward of a forward
    /// too); the forwarders' notes are not insights.
    #[test]
    fn forwarded_messages_are_read_in_place_of_the_notes_around_them() {
        let read = |raw: &str| -> Vec<(String, String, String)> {
            read_message(raw.as_bytes())
                .unwrap()
                .into_iter()
                .map(|l| {
                    (
                        l.text.trim_end().to_string(),
                        l.date.unwrap().to_rfc3339(),
                        l.message_id.unwrap(),
                    )
                })
                .collect()
        };
        let one = forward(&[brief(21, "China ships chips.")]);
        let expected = (
            "China ships chips.".to_string(),
            "2026-11-21T07:30:00+00:00".to_string(),
            "brief-21@scanner.example".to_string(),
        );
        assert_eq!(read(&one), std::slice::from_ref(&expected));
        // A forward of that forward reads the brief inside.
        assert_eq!(read(&forward(&[one])), std::slice::from_ref(&expected));
        // Two briefs forwarded at once are two letters, each dated by itself.
        let two = forward(&[
            brief(21, "China ships chips."),
            brief(22, "Chips ship late."),
        ]);
        assert_eq!(
            read(&two),
            [
                expected,
                (
                    "Chips ship late.".to_string(),
                    "2026-11-22T07:30:00+00:00".to_string(),
                    "brief-22@scanner.example".to_string(),
                )
            ]
        );
    }

    /// Some mailers send a plain part that only points at the HTML one: the
    /// HTML part is then the email; a plain part with the text is kept.
    #[test]
    fn a_plain_part_that_only_points_at_the_html_gives_way_to_it() {
        let body = "China ships chips to every province this quarter. ".repeat(12);
        let message = |plain: &str| {
            format!(
                "{HEADERS}MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n\
                 --a\r\nContent-Type: text/plain\r\n\r\n{plain}\r\n\
                 --a\r\nContent-Type: text/html\r\n\r\n<p>{body}</p>\r\n--a--\r\n"
            )
        };
        let stub = only_letter(&message(
            "View this email in your browser: https://x.example/v",
        ));
        assert_eq!(stub.text.trim(), body.trim());
        let full = only_letter(&message(&format!("Plain: {body}")));
        assert!(full.text.starts_with("Plain: "), "{}", full.text);
    }

    #[test]
    fn reads_plain_text_date_and_message_id() {
        let raw = format!("{HEADERS}Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nLes march=E9s r=E9agissent.\r\n");
        let letter = only_letter(&raw);
        assert_eq!(letter.text.trim_end(), "Les marchés réagissent.");
        assert_eq!(letter.message_id.as_deref(), Some("x1@b.example"));
        assert_eq!(
            letter.date.unwrap().to_rfc3339(),
            "2026-11-18T23:30:00-05:00"
        );
    }

    #[test]
    fn an_html_only_message_becomes_markdown_lines() {
        let raw = format!("{HEADERS}Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+T25lLjwvcD48cD5Ud28uPC9wPg==\r\n");
        let text = only_letter(&raw).text;
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, ["One.", "Two."]);
    }

    #[test]
    fn bad_messages_say_why() {
        let problem = |raw: &str| read_message(raw.as_bytes()).unwrap_err();
        assert_eq!(problem("just some text\nno headers\n"), Problem::NotAnEmail);
        assert_eq!(
            problem(&format!("{HEADERS}Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n")),
            Problem::NoText
        );
        assert_eq!(
            problem(&format!(
                "{HEADERS}Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla'\r\n"
            )),
            Problem::Charset("x-klingon".into())
        );
        assert_eq!(
            problem(
                &format!("{HEADERS}Content-Type: text/plain; charset=utf-8\r\n\r\ncaf\u{e9}\r\n")
                    .replace('\u{e9}', "\u{fffd}")
            ),
            Problem::Charset("utf-8".into())
        );
        assert_eq!(
            problem(&format!("{HEADERS}Content-Type: multipart/alternative; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nHalf a mess")),
            Problem::Truncated
        );
        assert_eq!(
            problem("From: a@b.example\r\nSubject: cut"),
            Problem::Truncated
        );
    }

    #[test]
    fn mbox_messages_in_order_and_a_cut_last_one() {
        let mbox = "From a@b Wed Nov 18 07:30:00 2026\nSubject: one\n\nOne.\n>From here on.\n\nFrom a@b Thu Nov 19 07:30:00 2026\nSubject: two\n\nTwo.\n";
        let messages = mbox_messages(mbox.as_bytes());
        assert_eq!(messages.len(), 2);
        let first = String::from_utf8(messages[0].clone().unwrap()).unwrap();
        assert!(first.contains("One.\nFrom here on.\n"), "{first}");
        let cut = mbox_messages(&mbox.as_bytes()[..mbox.len() - 3]);
        assert!(cut[0].is_ok());
        assert_eq!(cut[1], Err(Problem::Truncated));
    }

    #[test]
    fn maildir_names_lose_their_flags() {
        assert_eq!(
            maildir_unique_name(Path::new("cur/1732000000.M1P2.host:2,S")),
            "1732000000.M1P2.host"
        );
        assert_eq!(
            maildir_unique_name(Path::new("new/17.M1.host")),
            "17.M1.host"
        );
    }
}
