//! Complete RFC 5322 messages of the email editions (`brief email --eml`),
//! built with mail-builder, which encodes headers (RFC 2047) and picks each
//! part's transfer encoding (7bit, quoted-printable or base64). Deterministic:
//! the date is the edition's, the Message-ID and the MIME boundary come from
//! the edition itself, so the same edition gives the same bytes. Pure: config
//! and rendered edition in, bytes out; no IO.

use chrono::{DateTime, FixedOffset};
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::url::URL;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::escape::percent_decode;
use crate::fingerprint::hash_of;
use crate::mailbox::Mailbox;

/// What a message says about its edition besides the two bodies.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub(crate) subject: String,
    pub(crate) date: DateTime<FixedOffset>,
    /// Names the edition in the Message-ID, e.g. `issue-2026-11-18`.
    pub(crate) id: String,
}

/// The sender, `[email] from`; a message cannot go without one.
pub(crate) fn sender(config: &Config) -> Result<Mailbox, Diagnostic> {
    if config.email.from.is_empty() {
        return Err(Diagnostic::error(
            "`--eml` needs a sender, and `[email] from` is not set",
        )
        .at(&config.path)
        .hint("add `from = \"Weekly Digest <digest@example.org>\"` under `[email]` in config.toml"));
    }
    // Checked when the config was read.
    Mailbox::parse(&config.email.from).map_err(|e| Diagnostic::error(e).at(&config.path))
}

/// The message: headers, then `multipart/alternative` with the plain text
/// first and the HTML last (the one a client prefers, RFC 2046 section 5.1.4).
pub(crate) fn message(
    config: &Config,
    from: &Mailbox,
    envelope: &Envelope,
    text: &str,
    html: &str,
) -> Vec<u8> {
    let to = if config.email.to.is_empty() {
        from.clone()
    } else {
        Mailbox::parse(&config.email.to).unwrap_or_else(|_| from.clone())
    };
    let list = list_domain(config);
    let mut builder = MessageBuilder::new()
        .from(address(from))
        .to(address(&to))
        .subject(envelope.subject.as_str())
        .date(Date::new(envelope.date.timestamp()))
        .message_id(MessageId::new(format!("{}@{list}", envelope.id)))
        // RFC 2919: the list's name, then its id in angle brackets.
        .header(
            "List-Id",
            Address::new_address(Some(config.title.as_str()), list.as_str()),
        );
    // A mailer's merge tag is left to the mailer, which adds its own header.
    if let Some(url) = crate::urls::openable_link(&config.email.manage_url) {
        // No List-Unsubscribe-Post (RFC 8058): manage_url is a page to manage
        // the subscription, not a one-click endpoint taking a POST, and
        // one-click needs a per-recipient URL and a DKIM signature, which
        // only the mailer that sends the message can add.
        builder = builder.header("List-Unsubscribe", URL::new(url));
    }
    let boundary = boundary(text, html);
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![
            MimePart::new("text/plain", text),
            MimePart::new("text/html", html),
        ],
    );
    builder
        .body(body)
        .write_to_vec()
        .expect("writing to memory cannot fail")
}

fn address(mailbox: &Mailbox) -> Address<'_> {
    Address::new_address(mailbox.name.as_deref(), mailbox.address.as_str())
}

/// The domain of the site's list ids (List-Id, and the right side of each
/// Message-ID): the base path's segments, then the host, e.g.
/// `digest.example.org` for `https://example.org/digest/`. RFC 2919 wants a
/// dot in it; a host without one (`localhost`) gets its unqualified namespace,
/// `.localhost`.
fn list_domain(config: &Config) -> String {
    let host = config.origin.split_once("://").map_or("", |(_, host)| host);
    // Without the port: `[::1]:1111` → `[::1]`, `localhost:1111` → `localhost`.
    let host = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => name,
        _ => host,
    };
    let atom = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .trim_matches(['.', '-'])
            .to_string()
    };
    let mut parts: Vec<String> = config
        .base_path
        .split('/')
        .filter(|s| !s.is_empty())
        .rev()
        // A segment as it reads (`my%20digest` is `my digest`, so `my-digest`).
        .map(|s| atom(&percent_decode(s).unwrap_or_else(|| s.to_string())))
        .filter(|s| !s.is_empty())
        .collect();
    parts.push(atom(host));
    let mut domain = parts.join(".");
    if !domain.contains('.') {
        domain.push_str(".localhost");
    }
    domain
}

/// A MIME boundary made from the bodies (so equal editions give equal bytes)
/// that neither body contains.
fn boundary(text: &str, html: &str) -> String {
    (0u32..)
        .map(|salt| format!("brief-{:016x}", hash_of(&(text, html, salt))))
        .find(|b| !text.contains(b.as_str()) && !html.contains(b.as_str()))
        .expect("some salt gives a boundary the bodies lack")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(base_url: &str) -> Config {
        Config::parse(
            &format!("base_url = \"{base_url}\""),
            Path::new("config.toml"),
        )
        .unwrap()
    }

    #[test]
    fn list_domains_put_the_base_path_before_the_host() {
        assert_eq!(list_domain(&config("https://example.org/")), "example.org");
        assert_eq!(
            list_domain(&config("https://Example.org/News/Digest/")),
            "digest.news.example.org"
        );
        assert_eq!(
            list_domain(&config("http://localhost:1111/")),
            "localhost.localhost"
        );
        assert_eq!(
            list_domain(&config("https://example.org/a%20b/")),
            "a-b.example.org",
            "a segment as it reads"
        );
        assert_eq!(
            list_domain(&config("https://example.org/d%C3%A9j%C3%A0/")),
            "d-j.example.org"
        );
    }

    #[test]
    fn the_boundary_follows_the_bodies() {
        let b = boundary("a", "b");
        assert_eq!(b, boundary("a", "b"));
        assert_ne!(b, boundary("a", "c"));
    }
}
