//! URL checks for values that pages, feeds and emails carry as links: the
//! site's `base_url` (split into origin and path) and links an editor configures
//! (`[email] manage_url`). Strict on purpose: a value that passes is written into
//! HTML attributes and XML as it is. Pure functions, no IO; a leaf.

use std::ops::Range;

/// Splits an absolute http(s) URL into origin and a path that starts and ends
/// with `/`. Strict: the URL is written into every page, feed and attribute, so
/// only characters a URL may carry as they are pass (no spaces or quotes), with
/// a host name (or `[IPv6]`) and an optional port.
pub(crate) fn split_base_url(url: &str) -> Result<(String, String), String> {
    let (origin, path) = split_http_url(url.trim())?;
    if path.contains('?') {
        return Err("it must not carry a query or fragment".into());
    }
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((origin, path))
}

/// Checks an absolute http(s) URL that brief passes on as it is (a WebSub hub):
/// the rules of [`split_base_url`], but a query is allowed.
pub(crate) fn check_http_url(url: &str) -> Result<(), String> {
    split_http_url(url).map(|_| ())
}

/// `scheme://host[:port]` and the rest (path and query, `/` at least) of an
/// absolute http(s) URL without user name, fragment or unsafe characters.
fn split_http_url(url: &str) -> Result<(String, &str), String> {
    check_url_chars(url)?;
    let hosted = host_span(url).ok_or_else(|| "it has no scheme".to_string())?;
    let scheme = &url[..hosted.start - "://".len()];
    if scheme != "http" && scheme != "https" {
        return Err(format!("the scheme must be http or https, not {scheme:?}"));
    }
    let host = &url[hosted.clone()];
    let path = match &url[hosted.end..] {
        "" => "/",
        path => path,
    };
    if host.contains('@') {
        return Err("it must not carry a user name or password".into());
    }
    if path.contains('#') {
        return Err("it must not carry a fragment".into());
    }
    if !is_host_and_port(host) {
        return Err(if host.is_empty() {
            "it has no host".into()
        } else {
            format!("{host:?} is not a host name")
        });
    }
    Ok((format!("{scheme}://{host}"), path))
}

/// A URL's characters: RFC 3986's unreserved and reserved ones (but `'`, which
/// ends attribute values too) and `%` starting a two-digit hex escape.
fn check_url_chars(url: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c);
    if let Some((at, c)) = url.char_indices().find(|&(_, c)| !allowed(c)) {
        let what = match c {
            ' ' => "a space".to_string(),
            '"' | '\'' => format!("a quote ({c})"),
            c if c.is_control() => format!("the control character {c:?}"),
            c => format!("{c:?}"),
        };
        let fix = if !c.is_ascii() && host_span(url).is_some_and(|host| host.contains(&at)) {
            "write the host name in its ASCII form (punycode, `xn--…`)".to_string()
        } else {
            let mut bytes = [0; 4];
            let encoded: String = c
                .encode_utf8(&mut bytes)
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect();
            format!("write it percent-encoded ({encoded})")
        };
        return Err(format!("it contains {what}; {fix}"));
    }
    let bad_escape = url.match_indices('%').any(|(i, _)| {
        let hex = url.get(i + 1..i + 3).unwrap_or("");
        hex.len() != 2 || !hex.chars().all(|c| c.is_ascii_hexdigit())
    });
    if bad_escape {
        return Err("a `%` must start an escape of two hex digits, such as %20".into());
    }
    Ok(())
}

/// Where the host (and port) of `url` is: from its `://` to its path, query
/// or fragment. `None` without a scheme.
fn host_span(url: &str) -> Option<Range<usize>> {
    let start = url.find("://")? + "://".len();
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    Some(start..end)
}

/// `example.org`, `localhost:1111`, `127.0.0.1`, `[::1]:8080`.
fn is_host_and_port(text: &str) -> bool {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (text, None),
    };
    let port_ok =
        port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok());
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ip) => ip.parse::<std::net::Ipv6Addr>().is_ok(),
        None => is_host_name(host),
    };
    port_ok && host_ok
}

/// An ASCII host name: dot-separated labels of letters, digits and inner
/// dashes (`example.org`, `localhost`, `127.0.0.1`).
pub(crate) fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A link a page may carry: http, https or mailto, written as a URL, or text
/// with no scheme at all (a mailer's merge tag such as `{{ unsubscribe_url }}`,
/// which the mailer replaces). The scheme is looked for as a browser does, past
/// spaces and control characters (`java\tscript:` is `javascript:`).
pub(crate) fn check_link(value: &str) -> Result<(), String> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let scheme = compact
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
    let Some(scheme) = scheme else {
        return Ok(());
    };
    if !["http", "https", "mailto"].contains(&scheme.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "the link's scheme must be http, https or mailto, not {scheme:?}"
        ));
    }
    check_url_chars(value.trim())
}

/// `link` when a browser or mail client can open it as it is (an http, https
/// or mailto URL, as [`check_link`] passed it); `None` for a mailer's merge tag
/// (`{{ unsubscribe_url }}`), which means something only inside a sent email.
pub(crate) fn openable_link(link: &str) -> Option<&str> {
    let lower = link.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        .then_some(link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_strictly() {
        for good in [
            "https://example.org/",
            "http://localhost:1111/",
            "http://127.0.0.1:8080/a/b%20c/",
            "http://[::1]:1111/",
            "https://sub.example-site.org/digest",
        ] {
            assert!(split_base_url(good).is_ok(), "{good}");
        }
        for (bad, why) in [
            ("https://example.org/my digest/", "a space"),
            ("https://example.org/\"onload=x/", "a quote"),
            ("https://example.org/'x/", "a quote"),
            ("https://exa mple.org/", "a space"),
            ("https://example.org/%zz/", "two hex digits"),
            ("https://user@example.org/", "user name"),
            ("https://example..org/", "not a host name"),
            ("https://example.org:99999/", "not a host name"),
            ("https://<x>/", "'<'"),
            ("https:///", "no host"),
            ("https://é.org/", "'é'"),
            ("https://exämple.org/", "punycode"),
            ("https://example.org/dïgest/", "percent-encoded (%C3%AF)"),
            ("https://example.org/my digest/", "percent-encoded (%20)"),
        ] {
            let err = split_base_url(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn hub_urls_keep_a_query_but_not_a_fragment() {
        for good in [
            "https://pubsubhubbub.appspot.com/",
            "http://127.0.0.1:8080/hub?site=1",
            "https://hub.example.org",
        ] {
            assert_eq!(check_http_url(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("hub.example.org", "no scheme"),
            ("ftp://hub.example.org/", "http or https"),
            ("https://hub.example.org/#top", "fragment"),
            ("https://hub example.org/", "a space"),
            ("https://user@hub.example.org/", "user name"),
        ] {
            let err = check_http_url(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
        assert!(split_base_url("https://example.org/?x=1").is_err());
    }

    #[test]
    fn manage_url_allows_web_and_mail_links_and_merge_tags_only() {
        for good in [
            "",
            "https://example.org/manage?id=1",
            "mailto:editor@example.org?subject=unsubscribe",
            "{{ unsubscribe_url }}",
            "*|UNSUB|*",
            "%unsubscribe_url%",
        ] {
            assert_eq!(check_link(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "https://example.org/a b",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_urls_are_openable_links() {
        assert_eq!(openable_link("https://ex.org/m"), Some("https://ex.org/m"));
        assert_eq!(openable_link("MAILTO:u@ex.org"), Some("MAILTO:u@ex.org"));
        assert_eq!(openable_link("{{ unsubscribe_url }}"), None);
        assert_eq!(openable_link(""), None);
    }
}
