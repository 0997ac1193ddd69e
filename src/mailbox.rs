//! Mailboxes an editor configures (`[email] from` and `to`): `Name <local@domain>`
//! or a bare `local@domain`. A deliberately small grammar, not RFC 5322's (no
//! comments, groups or quoted local parts): what a config value needs, checked
//! strictly because it becomes a message header. Encoding the name for a header
//! (RFC 2047 for non-ASCII, quoting for specials) is the message builder's job.
//! Pure, no IO; a leaf.

use crate::urls::is_host_name;

/// A display name (possibly empty) and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mailbox {
    pub(crate) name: Option<String>,
    pub(crate) address: String,
}

impl Mailbox {
    pub(crate) fn parse(value: &str) -> Result<Mailbox, String> {
        let value = value.trim();
        let (name, address) = match value.strip_suffix('>') {
            Some(head) => {
                let (name, address) = head
                    .rsplit_once('<')
                    .ok_or("a `>` without its `<`; write \"Name <local@domain>\"")?;
                (display_name(name)?, address.trim())
            }
            None => (None, value),
        };
        check_address(address)?;
        Ok(Mailbox {
            name,
            address: address.to_string(),
        })
    }
}

/// The name before `<…>`, its quotes taken off; `None` if there is none.
fn display_name(name: &str) -> Result<Option<String>, String> {
    let name = name.trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    if let Some(c) = name
        .chars()
        .find(|&c| matches!(c, '<' | '>' | '"' | '\\') || c.is_control())
    {
        return Err(format!("the name must not contain {c:?}"));
    }
    Ok((!name.is_empty()).then(|| name.to_string()))
}

/// `local@domain`: a dot-atom local part and a host name, ASCII only.
fn check_address(address: &str) -> Result<(), String> {
    let (local, domain) = address
        .rsplit_once('@')
        .ok_or_else(|| format!("{address:?} is not an address: it has no `@`"))?;
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let local_ok = local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(atext));
    if !local_ok {
        return Err(format!(
            "{local:?} is not a plain local part (letters, digits, dots and !#$%&'*+-/=?^_`{{|}}~)"
        ));
    }
    if !is_host_name(domain) {
        return Err(format!(
            "{domain:?} is not a domain name (write an international one in its xn-- form)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_named_and_bare_addresses() {
        let m = Mailbox::parse("Weekly Digest <digest@example.org>").unwrap();
        assert_eq!(m.name.as_deref(), Some("Weekly Digest"));
        assert_eq!(m.address, "digest@example.org");
        let m = Mailbox::parse("\"Digest, the\" <d.x+1@mail.example.org>").unwrap();
        assert_eq!(m.name.as_deref(), Some("Digest, the"));
        let m = Mailbox::parse(" editor@localhost ").unwrap();
        assert_eq!((m.name, m.address.as_str()), (None, "editor@localhost"));
        let m = Mailbox::parse("Zoë Ünal <z@example.org>").unwrap();
        assert_eq!(m.name.as_deref(), Some("Zoë Ünal"));
    }

    #[test]
    fn rejects_what_would_break_a_header() {
        for (bad, why) in [
            ("digest.example.org", "no `@`"),
            ("Digest digest@example.org>", "without its `<`"),
            ("Di<g>est <d@example.org>", "'<'"),
            ("Di\ngest <d@example.org>", "'\\n'"),
            ("<d..x@example.org>", "local part"),
            ("<d@exa mple.org>", "not a domain"),
            ("<d@bücher.example>", "xn--"),
            ("<d@example.org\r\nBcc: x@y.org>", "local part"),
        ] {
            let err = Mailbox::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }
}
