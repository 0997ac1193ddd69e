//! The object store, as far as `deploy` needs it: list a prefix, read one small
//! object, read an object's metadata, put an object, delete a batch of objects.
//! Requests are signed by `rusty-s3` (AWS Signature V4, presigned URLs: brief
//! signs nothing by hand) and sent by `ureq`, a small blocking HTTP client, from
//! as many threads as the caller likes. Every request is retried with
//! exponential backoff on 5xx and 429 answers, timeouts, refused and reset
//! connections; what is still failing after the last attempt is a [`Failure`].
//!
//! Why not `object_store`: it does the same over S3, GCS and Azure, but is async
//! and brings tokio, reqwest and hyper into a command-line tool that needs six
//! S3 calls and a thread pool; `rusty-s3` is sans-IO (it builds and signs URLs
//! and parses S3's XML) and `ureq` is a few blocking calls.
//! This module knows HTTP and S3; what to upload is `deploy`'s business.

use std::time::Duration;

use rusty_s3::actions::{ListObjectsV2, ObjectIdentifier};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use ureq::http;

/// The user metadata holding the SHA-256 of an object's uncompressed content.
pub(crate) const SHA256_META: &str = "x-amz-meta-brief-sha256";

/// Tries per request (the first plus four retries, about 4 s of backoff).
const ATTEMPTS: u32 = 5;
/// Tries of a request whose answer timed out: a store that takes a connection
/// and never answers stays that way, and every try waits [`ANSWER_TIMEOUT`].
const ATTEMPTS_AFTER_TIMEOUT: u32 = 2;
/// How long an answer may take to start once a request is sent (S3 answers
/// within a second; an upload's answer comes after its body is sent, whose
/// own limit is longer).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// How long a signed request stays valid: long enough for every retry.
const SIGNED_FOR: Duration = Duration::from_secs(3600);
/// Keys per DeleteObjects request (S3's limit).
const DELETE_BATCH: usize = 1000;

/// A bucket on an S3-compatible store, with the credentials to use it.
pub(crate) struct Store {
    agent: ureq::Agent,
    bucket: Bucket,
    credentials: Credentials,
}

/// What a request that did not succeed ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The store answered with an error (`code` is S3's, e.g. `AccessDenied`).
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// No answer, after every attempt.
    Unreachable { error: String },
    /// An answer brief cannot read.
    Garbled(String),
}

/// One object of a listing.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub(crate) key: String,
    /// The ETag without quotes, lowercase: the MD5 of the bytes for an object
    /// uploaded in one piece without KMS encryption.
    pub(crate) etag: String,
    pub(crate) size: u64,
}

/// An object's metadata, as a HEAD request returns it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Stored {
    pub(crate) content_type: Option<String>,
    pub(crate) cache_control: Option<String>,
    pub(crate) content_encoding: Option<String>,
    pub(crate) sha256: Option<String>,
}

/// An object to put: its bytes as stored and the headers they go with.
pub(crate) struct Object<'a> {
    pub(crate) body: &'a [u8],
    pub(crate) content_type: &'a str,
    pub(crate) cache_control: &'a str,
    pub(crate) gzip: bool,
    /// Hex SHA-256 of the uncompressed content, kept as user metadata.
    pub(crate) sha256: &'a str,
}

/// A finished exchange.
struct Reply {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Store {
    /// A store at `endpoint`. Path-style URLs (`endpoint/bucket/key`) unless
    /// `virtual_host`, which AWS prefers (`bucket.endpoint/key`).
    pub(crate) fn new(
        endpoint: url::Url,
        virtual_host: bool,
        bucket: &str,
        region: &str,
        credentials: Credentials,
    ) -> Result<Store, String> {
        let style = if virtual_host {
            UrlStyle::VirtualHost
        } else {
            UrlStyle::Path
        };
        let bucket = Bucket::new(endpoint, style, bucket.to_string(), region.to_string())
            .map_err(|e| e.to_string())?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A presigned URL is valid for its own host only.
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(ANSWER_TIMEOUT))
            .timeout_recv_body(Some(Duration::from_secs(60)))
            .timeout_send_body(Some(Duration::from_secs(300)))
            .build();
        Ok(Store {
            agent: config.into(),
            bucket,
            credentials,
        })
    }

    /// Every object whose key starts with `prefix`, one paginated listing.
    pub(crate) fn list(&self, prefix: &str) -> Result<Vec<Listed>, Failure> {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = self.bucket.list_objects_v2(Some(&self.credentials));
            if !prefix.is_empty() {
                action.with_prefix(prefix);
            }
            action.with_max_keys(DELETE_BATCH);
            if let Some(token) = &token {
                action.with_continuation_token(token.as_str());
            }
            let url = action.sign(SIGNED_FOR);
            let reply = expect_ok(self.send(|| self.agent.get(url.as_str()).call())?)?;
            let text = String::from_utf8_lossy(&reply.body);
            let page = ListObjectsV2::parse_response(&text)
                .map_err(|e| Failure::Garbled(format!("a listing brief cannot read: {e}")))?;
            objects.extend(page.contents.into_iter().map(|c| {
                Listed {
                    etag: c
                        .etag
                        .unwrap_or_default()
                        .trim_matches('"')
                        .to_ascii_lowercase(),
                    size: c.size.unwrap_or(0),
                    key: c.key,
                }
            }));
            match page.next_continuation_token {
                Some(next) => token = Some(next),
                None => return Ok(objects),
            }
        }
    }

    /// The bytes of object `key`, or None if there is none.
    pub(crate) fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Failure> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), key)
            .sign(SIGNED_FOR);
        let reply = self.send(|| self.agent.get(url.as_str()).call())?;
        if reply.status == 404 {
            return Ok(None);
        }
        expect_ok(reply).map(|r| Some(r.body))
    }

    /// The metadata of object `key`, or None if there is none.
    pub(crate) fn head(&self, key: &str) -> Result<Option<Stored>, Failure> {
        let url = self
            .bucket
            .head_object(Some(&self.credentials), key)
            .sign(SIGNED_FOR);
        let reply = self.send(|| self.agent.head(url.as_str()).call())?;
        if reply.status == 404 {
            return Ok(None);
        }
        let reply = expect_ok(reply)?;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Some(Stored {
            content_type: header("content-type"),
            cache_control: header("cache-control"),
            content_encoding: header("content-encoding"),
            sha256: header(SHA256_META),
        }))
    }

    /// Puts `object` at `key`. The store checks the bytes against their MD5.
    pub(crate) fn put(&self, key: &str, object: &Object) -> Result<(), Failure> {
        use base64::Engine as _;
        use md5::Digest as _;
        let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(object.body));
        let mut headers = vec![
            ("cache-control", object.cache_control),
            ("content-md5", md5.as_str()),
            ("content-type", object.content_type),
            (SHA256_META, object.sha256),
        ];
        if object.gzip {
            headers.push(("content-encoding", "gzip"));
        }
        headers.sort_unstable();
        let mut action = self.bucket.put_object(Some(&self.credentials), key);
        for &(name, value) in &headers {
            action.headers_mut().insert(name, value);
        }
        let url = action.sign(SIGNED_FOR);
        let reply = self.send(|| {
            let mut request = self.agent.put(url.as_str());
            for &(name, value) in &headers {
                request = request.header(name, value);
            }
            request.send(object.body)
        })?;
        expect_ok(reply).map(drop)
    }

    /// Deletes `keys`, in batches of a thousand.
    pub(crate) fn delete(&self, keys: &[String]) -> Result<(), Failure> {
        for batch in keys.chunks(DELETE_BATCH) {
            let ids: Vec<ObjectIdentifier> = batch
                .iter()
                .map(|k| ObjectIdentifier::new(k.clone()))
                .collect();
            let mut action = self
                .bucket
                .delete_objects(Some(&self.credentials), ids.iter());
            // Quiet: the answer lists only the keys that failed.
            action.set_quiet(true);
            let url = action.sign(SIGNED_FOR);
            let (body, md5) = action.body_with_md5();
            let reply = expect_ok(self.send(|| {
                self.agent
                    .post(url.as_str())
                    .header("content-md5", md5.as_str())
                    .send(body.as_bytes())
            })?)?;
            let text = String::from_utf8_lossy(&reply.body);
            let answer = rusty_s3::actions::DeleteObjectsResponse::parse(&text)
                .map_err(|e| Failure::Garbled(format!("a delete answer brief cannot read: {e}")))?;
            if let Some(e) = answer.errors.first() {
                return Err(Failure::Refused {
                    status: 200,
                    code: e.code.clone(),
                    message: format!("{} ({})", e.message, e.key),
                });
            }
        }
        Ok(())
    }

    /// Sends a request made by `make`, retrying what may pass on a second try.
    fn send(
        &self,
        make: impl Fn() -> Result<http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply, Failure> {
        let mut delay = FIRST_BACKOFF;
        for attempt in 1..=ATTEMPTS {
            let outcome = make().and_then(|mut response| {
                let body = response.body_mut().read_to_vec()?;
                Ok(Reply {
                    status: response.status().as_u16(),
                    headers: response.headers().clone(),
                    body,
                })
            });
            let last = attempt == ATTEMPTS;
            match outcome {
                Ok(reply) if !transient_status(reply.status) || last => return Ok(reply),
                Err(e) if !transient_error(&e) => return Err(Failure::Garbled(e.to_string())),
                Err(e @ ureq::Error::Timeout(_)) if attempt >= ATTEMPTS_AFTER_TIMEOUT => {
                    return Err(Failure::Unreachable {
                        error: format!(
                            "{e} (tried {attempt} times, {} s each)",
                            ANSWER_TIMEOUT.as_secs()
                        ),
                    })
                }
                Err(e) if last => {
                    return Err(Failure::Unreachable {
                        error: format!("{e} (tried {ATTEMPTS} times)"),
                    })
                }
                _ => {
                    std::thread::sleep(delay);
                    delay *= 2;
                }
            }
        }
        unreachable!("the last attempt returns")
    }
}

/// 5xx (including S3's 503 SlowDown) and 429 pass with time.
fn transient_status(status: u16) -> bool {
    status >= 500 || status == 429
}

/// Connection refused or reset, timeouts, name lookup, broken answers.
fn transient_error(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::HostNotFound
            | ureq::Error::Protocol(_)
    )
}

/// `reply` if it is a success, else the store's error.
fn expect_ok(reply: Reply) -> Result<Reply, Failure> {
    if (200..300).contains(&reply.status) {
        return Ok(reply);
    }
    let (code, message) = error_of(&reply.body);
    let code = code.unwrap_or_else(|| {
        match reply.status {
            301 | 307 => "PermanentRedirect",
            403 => "AccessDenied",
            404 => "NotFound",
            _ => "",
        }
        .to_string()
    });
    Err(Failure::Refused {
        status: reply.status,
        code,
        message: message.unwrap_or_default(),
    })
}

/// The `Code` and `Message` of an S3 error document.
fn error_of(body: &[u8]) -> (Option<String>, Option<String>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let (mut code, mut message, mut open) = (None, None, Vec::new());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => open.push(e.local_name().as_ref().to_vec()),
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t.unescape().map(|s| s.into_owned()).ok();
                match open.last().map(Vec::as_slice) {
                    Some(b"Code") if open.len() == 2 => code = text,
                    Some(b"Message") if open.len() == 2 => message = text,
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => return (code, message),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_code_and_message_of_an_s3_error() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>x</BucketName></Error>"#;
        let (code, message) = error_of(body);
        assert_eq!(code.as_deref(), Some("NoSuchBucket"));
        assert_eq!(
            message.as_deref(),
            Some("The specified bucket does not exist")
        );
        assert_eq!(error_of(b""), (None, None));
    }

    #[test]
    fn an_error_without_a_document_is_named_by_its_status() {
        let reply = Reply {
            status: 403,
            headers: http::HeaderMap::new(),
            body: Vec::new(),
        };
        let Err(Failure::Refused { code, .. }) = expect_ok(reply) else {
            panic!("a 403 is an error")
        };
        assert_eq!(code, "AccessDenied");
    }
}
