//! Where and as whom a deploy runs: the target, endpoint and region from
//! `[deploy]`, `--target` and the environment (`AWS_ENDPOINT_URL` and
//! `AWS_REGION` override the config), the credentials from the environment
//! only, and what a failed request means for the user, with what to do.

use crate::config::{parse_endpoint, Config, Target};
use crate::error::{Diagnostic, Diagnostics};

use super::s3::{Failure, Store};

/// Where and as whom to deploy, from `[deploy]`, `--target` and the environment.
pub(super) struct Settings {
    pub(super) target: Target,
    endpoint: url::Url,
    /// AWS itself (no endpoint given): virtual-host URLs.
    aws: bool,
    region: String,
    pub(super) max_deletes: usize,
    credentials: rusty_s3::Credentials,
}

impl Settings {
    pub(super) fn resolve(
        config: &Config,
        target: Option<&Target>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, Diagnostics> {
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let section = config.deploy.as_ref();
        let target = match (target, section) {
            (Some(t), _) => t.clone(),
            (None, Some(d)) => d.target.clone().ok_or_else(|| {
                Diagnostic::error("`[deploy] target` is not set: brief does not know where to upload the site")
                    .at(&config.path)
                    .line(section_line(config))
                    .hint("add target = \"s3://my-bucket/\" (or \"s3://my-bucket/some/prefix/\") under [deploy], or pass --target")
            })?,
            (None, None) => return Err(no_deploy_section(config).into()),
        };
        let mut errors = Diagnostics::default();
        let endpoint = match env("AWS_ENDPOINT_URL") {
            Some(e) => parse_endpoint(&e)
                .map(Some)
                .map_err(|msg| {
                    errors.push(Diagnostic::error(format!(
                        "invalid AWS_ENDPOINT_URL {e:?}: {msg}"
                    )))
                })
                .unwrap_or(None),
            None => section.and_then(|d| d.endpoint.clone()),
        };
        let region = env("AWS_REGION")
            .or_else(|| section.and_then(|d| d.region.clone()))
            .unwrap_or_else(|| "us-east-1".into());
        let (key, secret) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"));
        let missing: Vec<&str> = [
            ("AWS_ACCESS_KEY_ID", &key),
            ("AWS_SECRET_ACCESS_KEY", &secret),
        ]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| *name)
        .collect();
        if !missing.is_empty() {
            errors.push(
                Diagnostic::error(format!("missing credentials: {} not set", missing.join(" and ")))
                    .hint("export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys); brief reads credentials from the environment only"),
            );
        }
        errors.into_result()?;
        let (key, secret) = (key.unwrap_or_default(), secret.unwrap_or_default());
        let credentials = match env("AWS_SESSION_TOKEN") {
            Some(token) => rusty_s3::Credentials::new_with_token(key, secret, token),
            None => rusty_s3::Credentials::new(key, secret),
        };
        let aws = endpoint.is_none();
        let endpoint = endpoint.unwrap_or_else(|| {
            url::Url::parse(&format!("https://s3.{region}.amazonaws.com")).expect("valid URL")
        });
        Ok(Settings {
            target,
            endpoint,
            aws,
            region,
            max_deletes: section.map_or(256, |d| d.max_deletes),
            credentials,
        })
    }

    pub(super) fn store(&self) -> Result<Store, Diagnostic> {
        // Dots in a bucket name break the TLS name of a virtual host.
        let virtual_host = self.aws && !self.target.bucket.contains('.');
        Store::new(
            self.endpoint.clone(),
            virtual_host,
            &self.target.bucket,
            &self.region,
            self.credentials.clone(),
        )
        .map_err(|e| {
            Diagnostic::error(format!("cannot use the endpoint {}: {e}", self.endpoint))
                .hint("check `[deploy] endpoint` or AWS_ENDPOINT_URL")
        })
    }

    /// What a failed request means for the user, with what to do about it.
    pub(super) fn explain(&self, failure: &Failure, doing: &str) -> Diagnostic {
        let bucket = &self.target.bucket;
        let endpoint = self.endpoint.as_str().trim_end_matches('/');
        match failure {
            Failure::Refused { code, message, .. } if code == "NoSuchBucket" => with_detail(
                Diagnostic::error(format!(
                    "cannot {doing}: the bucket {bucket:?} does not exist at {endpoint} (NoSuchBucket)"
                ))
                .hint("create the bucket, or fix `[deploy] target` (or --target); check `endpoint` and `region` too"),
                message,
            ),
            Failure::Refused { status, code, message } => {
                let hint = match code.as_str() {
                    "AccessDenied" | "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "ExpiredToken"
                    | "InvalidToken" | "TokenRefreshRequired" => {
                        "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN); \
                         the key needs to list, read, write and delete objects in the bucket"
                    }
                    "PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException" => {
                        "the bucket lives in another region: set `[deploy] region` or AWS_REGION to it"
                    }
                    _ => "see the store's message above",
                };
                with_detail(
                    Diagnostic::error(format!("cannot {doing}: {endpoint} answered {status} {code}"))
                        .hint(hint),
                    message,
                )
            }
            Failure::Unreachable { error } => Diagnostic::error(format!(
                "cannot {doing}: the store at {endpoint} does not answer: {error}"
            ))
            .hint("check `[deploy] endpoint` (or AWS_ENDPOINT_URL) and the network"),
            Failure::Garbled(error) => {
                Diagnostic::error(format!("cannot {doing}: {endpoint}: {error}"))
            }
        }
    }
}

/// `d` with the store's own words added to its message.
fn with_detail(mut d: Diagnostic, detail: &str) -> Diagnostic {
    if !detail.is_empty() {
        d.message = format!("{}: {detail}", d.message);
    }
    d
}

/// The line of the `[deploy]` header in the config.
fn section_line(config: &Config) -> usize {
    let text = std::fs::read_to_string(&config.path).unwrap_or_default();
    text.lines()
        .position(|l| l.trim() == "[deploy]")
        .map_or(1, |i| i + 1)
}

fn no_deploy_section(config: &Config) -> Diagnostic {
    Diagnostic::error("no `[deploy]` section: brief does not know where to upload the site")
        .at(&config.path)
        .hint(
            "add one to config.toml, for example:\n\
             \x20   [deploy]\n\
             \x20   target = \"s3://my-bucket/\"              # bucket, and an optional key prefix\n\
             \x20   # endpoint = \"https://s3.example.net\"   # any S3-compatible store; default AWS\n\
             \x20   # region = \"us-east-1\"\n\
             or pass --target s3://my-bucket/",
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(text: &str) -> Config {
        Config::parse(text, Path::new("config.toml")).unwrap()
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    const KEYS: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s")];

    #[test]
    fn the_environment_overrides_endpoint_and_region() {
        let c = config("[deploy]\ntarget = \"s3://b/x\"\nendpoint = \"http://127.0.0.1:1\"\nregion = \"eu-west-1\"");
        let s = Settings::resolve(&c, None, env(KEYS)).ok().unwrap();
        assert_eq!(
            (s.endpoint.as_str(), s.region.as_str(), s.aws),
            ("http://127.0.0.1:1/", "eu-west-1", false)
        );
        let mut vars = KEYS.to_vec();
        vars.extend([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"),
            ("AWS_REGION", "auto"),
        ]);
        let s = Settings::resolve(&c, None, env(&vars)).ok().unwrap();
        assert_eq!(
            (s.endpoint.as_str(), s.region.as_str()),
            ("http://127.0.0.1:2/", "auto")
        );
        let s = Settings::resolve(&config("[deploy]\ntarget = \"s3://b/\""), None, env(KEYS))
            .ok()
            .unwrap();
        assert_eq!(
            (s.endpoint.as_str(), s.aws),
            ("https://s3.us-east-1.amazonaws.com/", true)
        );
    }
}
