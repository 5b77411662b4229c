//! Building a client: the token, the base URL, timeouts, retries, the user agent, and the
//! refusal to send a token over plain `http://` to a remote host.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::Error;
use crate::generated::Client;
use crate::retry::RetryPolicy;
use crate::token::Token;

/// Prolific's API, where a client sends requests unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.prolific.com";
/// The variable holding the API token, as Prolific's own CLI reads it.
pub const TOKEN_VARIABLE: &str = "PROLIFIC_TOKEN";
/// The variable that overrides the base URL, as Prolific's own CLI reads it.
pub const URL_VARIABLE: &str = "PROLIFIC_URL";

/// The `Referer` every request carries unless [`ClientBuilder::referer`] gives another: this
/// library and its version, as Prolific asks the libraries many accounts use to name
/// themselves.
pub const DEFAULT_REFERER: &str = concat!(
    "https://crates.io/crates/prolific-sdk/",
    env!("CARGO_PKG_VERSION")
);

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most bytes of one response body a client reads unless told otherwise: 32 MiB. Prolific
/// does not page its participant-group lists; a page of 1,000 groups is about 0.5 MB, and one
/// of 100,000 members about 8 MB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// What the hooks (sdk/src/hooks.rs) read on every request: the generated client carries it
/// as its "inner" value. Its `Debug` shows the `Authorization` value as `Sensitive`.
///
/// `pub` only because the generated client's constructors name it; this module is private
/// and the fields are crate-only, so users neither name nor build it.
#[derive(Clone, Debug)]
pub struct Config {
    /// `Token <token>`, marked sensitive.
    pub(crate) auth: HeaderValue,
    /// `prolific-sdk-rust/<version>`, then the application's name if given.
    pub(crate) user_agent: HeaderValue,
    /// The library that sends the request, as Prolific asks libraries to say
    /// ([`DEFAULT_REFERER`] unless the application gives its own).
    pub(crate) referer: HeaderValue,
    /// The total time one attempt may take.
    pub(crate) timeout: Duration,
    /// When and how long to wait before sending a request again.
    pub(crate) retry: RetryPolicy,
    /// The most bytes of one response body the client reads.
    pub(crate) max_response_bytes: usize,
    /// The HTTP client of pre-signed transfers (`transfer.rs`): no default header, no total
    /// timeout, only a stall timeout.
    pub(crate) transfer: reqwest::Client,
    /// Whether a pre-signed link may be `http://` to a host that is not loopback.
    pub(crate) allow_insecure_http: bool,
}

/// How a [`Client`] is made. The type itself is generated from the spec, with one method per
/// operation (listed below), each returning a request builder whose `send()` authenticates,
/// retries what is safe to retry, and returns the SDK's [`Error`]. Cloning is cheap: clones
/// share one connection pool.
impl Client {
    /// A client of `https://api.prolific.com` with the given API token and default settings.
    pub fn new(token: impl Into<Token>) -> Result<Self, Error> {
        Self::builder().token(token).build()
    }

    /// A client configured like Prolific's own CLI: the token from `PROLIFIC_TOKEN`
    /// (required), the base URL from `PROLIFIC_URL` (optional).
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_variables(|name| std::env::var(name).ok()).build()
    }

    /// A builder for every setting: base URL, token, timeouts, retries, HTTP client, user agent,
    /// the response size cap.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }
}

/// Settings for a [`Client`]; [`build`](ClientBuilder::build) checks them all.
#[derive(Default)]
pub struct ClientBuilder {
    token: Option<Token>,
    /// Which variable the token came from, to name it in errors.
    token_variable: Option<&'static str>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_delays: Option<(Duration, Duration)>,
    max_response_bytes: Option<usize>,
    http_client: Option<reqwest::Client>,
    app_name: Option<String>,
    referer: Option<String>,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    /// The API token (required).
    pub fn token(mut self, token: impl Into<Token>) -> Self {
        self.token = Some(token.into());
        self.token_variable = None;
        self
    }

    /// The base URL, e.g. a local mock's [default: `https://api.prolific.com`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long connecting may take [default: 10 s]. Applies only to the HTTP client the
    /// builder makes, not to one given with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take in all, from sending to the end of the body [default: 30 s].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a request may be sent again after a transient failure [default: 2];
    /// 0 disables retries. A request that may have been processed is never sent again unless
    /// its method is idempotent.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The waits between attempts [default: 500 ms, 30 s]: the first retry waits up to `first`
    /// (a random part of it: full jitter), each next one up to twice the one before, never more
    /// than `longest`. A `Retry-After` longer than `longest` is not waited for: the call ends
    /// with the answer that asked for it. Short waits suit tests against a local server.
    pub fn retry_delays(mut self, first: Duration, longest: Duration) -> Self {
        self.retry_delays = Some((first, longest));
        self
    }

    /// The most bytes of one response body the client reads [default:
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 32 MiB]. A longer body ends the call with an
    /// [`Error::Decode`] that names the cap, and memory stays within it.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Sends through this `reqwest::Client` (proxies, TLS roots, ...). The SDK still sets the
    /// `Authorization` and `User-Agent` headers and the total timeout on every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The application's name (and version), appended to the `User-Agent`, e.g. `my-study/1.2`.
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// The `Referer` of every request, instead of [`DEFAULT_REFERER`]: for an application that
    /// wraps this SDK as a library of its own, say. A URL, such as the library's page.
    pub fn referer(mut self, referer: impl Into<String>) -> Self {
        self.referer = Some(referer.into());
        self
    }

    /// Allows an `http://` base URL on a host that is not loopback. The token then travels in
    /// clear text: only for a trusted network.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The builder `from_env` starts from; `lookup` reads a variable.
    pub(crate) fn from_variables(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut builder = Self::default();
        if let Some(token) = lookup(TOKEN_VARIABLE) {
            builder.token = Some(Token::new(token));
        }
        builder.token_variable = Some(TOKEN_VARIABLE);
        builder.base_url = lookup(URL_VARIABLE).filter(|url| !url.trim().is_empty());
        builder
    }

    /// Checks every setting and makes the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let auth = self.auth()?;
        let base_url = self.checked_base_url()?;
        let user_agent = self.user_agent()?;
        let referer = self.checked_referer()?;
        let retry = self.retry_policy()?;
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?,
        };
        // Its own client: a custom `http_client`'s default headers must not reach a storage
        // host, and no total timeout may cut a large file short.
        let transfer = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .read_timeout(crate::transfer::STALL_TIMEOUT)
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        let config = Config {
            auth,
            user_agent,
            referer,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            retry,
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            transfer,
            allow_insecure_http: self.allow_insecure_http,
        };
        Ok(Client::new_with_client(&base_url, http, config))
    }

    fn retry_policy(&self) -> Result<RetryPolicy, Error> {
        let default = RetryPolicy::default();
        let (base_delay, max_delay) = self
            .retry_delays
            .unwrap_or((default.base_delay, default.max_delay));
        if base_delay > max_delay {
            return Err(Error::Config(format!(
                "the first retry delay ({base_delay:?}) is longer than the longest                  ({max_delay:?}); give retry_delays a first delay no longer than the longest"
            )));
        }
        Ok(RetryPolicy {
            max_retries: self.max_retries.unwrap_or(default.max_retries),
            base_delay,
            max_delay,
            ..default
        })
    }

    fn auth(&self) -> Result<HeaderValue, Error> {
        let source = match self.token_variable {
            Some(variable) => variable.to_string(),
            None => "the API token".to_string(),
        };
        let token = match &self.token {
            None if self.token_variable.is_some() => {
                return Err(Error::Config(format!(
                    "{source} is not set; create a token in Prolific's settings and set {source}"
                )));
            }
            None => {
                return Err(Error::Config(
                    "no API token; pass one to Client::new or ClientBuilder::token".to_string(),
                ));
            }
            Some(token) if token.is_blank() => {
                return Err(Error::Config(format!(
                    "{source} is empty; create a token in Prolific's settings and use it"
                )));
            }
            Some(token) => token,
        };
        token.header_value().ok_or_else(|| {
            Error::Config(format!(
                "{source} holds characters an HTTP header cannot carry; copy the token again"
            ))
        })
    }

    /// The base URL without its trailing slash (the generated paths start with one). An
    /// `http://` URL is refused unless its host is loopback or insecure HTTP was allowed.
    fn checked_base_url(&self) -> Result<String, Error> {
        let given = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL).trim();
        let name = if self.token_variable.is_some() && self.base_url.is_some() {
            URL_VARIABLE
        } else {
            "the base URL"
        };
        let url = reqwest::Url::parse(given).map_err(|e| {
            Error::Config(format!(
                "{name} `{given}` is not a URL ({e}); use e.g. {DEFAULT_BASE_URL}"
            ))
        })?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) || self.allow_insecure_http => {}
            "http" => {
                return Err(Error::Config(format!(
                    "refusing {name} `{given}`: over http:// the API token would travel in clear \
                     text; use https://, or allow_insecure_http(true) on a trusted network"
                )));
            }
            other => {
                return Err(Error::Config(format!(
                    "{name} `{given}` has the scheme `{other}`; use https://"
                )));
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "{name} `{given}` has a query or fragment; give only scheme, host, port and path"
            )));
        }
        Ok(given.trim_end_matches('/').to_string())
    }

    fn checked_referer(&self) -> Result<HeaderValue, Error> {
        let Some(given) = &self.referer else {
            return Ok(HeaderValue::from_static(DEFAULT_REFERER));
        };
        if given.trim().is_empty() {
            return Err(Error::Config(
                "the referer is empty; leave it out for the SDK's own, or give your library's URL"
                    .to_string(),
            ));
        }
        HeaderValue::from_str(given.trim()).map_err(|_| {
            Error::Config(format!(
                "the referer `{}` cannot go in a header; use visible ASCII, such as a URL",
                given.escape_debug()
            ))
        })
    }

    fn user_agent(&self) -> Result<HeaderValue, Error> {
        let mut agent = format!("prolific-sdk-rust/{}", crate::VERSION);
        if let Some(app) = &self.app_name {
            if app.trim().is_empty() {
                return Err(Error::Config(
                    "the application name is empty; give a name like `my-study/1.2`".to_string(),
                ));
            }
            agent.push(' ');
            agent.push_str(app.trim());
        }
        HeaderValue::from_str(&agent).map_err(|_| {
            Error::Config(format!(
                "the application name `{}` cannot go in a header; use visible ASCII",
                self.app_name.as_deref().unwrap_or_default().escape_debug()
            ))
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("http_client", &self.http_client.is_some())
            .field("app_name", &self.app_name)
            .field("referer", &self.referer)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

/// `localhost`, or an address in 127.0.0.0/8 or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(variables: &[(&str, &str)]) -> Result<Client, Error> {
        let variables: Vec<(String, String)> = variables
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ClientBuilder::from_variables(|name| {
            variables
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .build()
    }

    fn config_error(result: Result<Client, Error>) -> String {
        match result {
            Err(Error::Config(message)) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn the_environment_gives_token_and_url_like_prolifics_cli() {
        let client = from(&[
            ("PROLIFIC_TOKEN", "t"),
            ("PROLIFIC_URL", "http://127.0.0.1:9/"),
        ])
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        let client = from(&[("PROLIFIC_TOKEN", "t")]).unwrap();
        assert_eq!(client.base_url(), "https://api.prolific.com");
    }

    #[test]
    fn a_missing_or_empty_token_names_the_variable() {
        assert_eq!(
            config_error(from(&[])),
            "PROLIFIC_TOKEN is not set; create a token in Prolific's settings and set PROLIFIC_TOKEN"
        );
        assert!(
            config_error(from(&[("PROLIFIC_TOKEN", " ")])).starts_with("PROLIFIC_TOKEN is empty")
        );
        assert!(config_error(Client::builder().build()).starts_with("no API token"));
        assert!(config_error(Client::new("")).starts_with("the API token is empty"));
    }

    #[test]
    fn plain_http_is_refused_unless_loopback_or_allowed() {
        let with = |url: &str| Client::builder().token("t").base_url(url).build();
        let refused = config_error(with("http://api.example.com"));
        assert!(
            refused.starts_with("refusing the base URL `http://api.example.com`"),
            "{refused}"
        );
        for loopback in [
            "http://127.0.0.1:8080",
            "http://127.3.2.1",
            "http://[::1]:80",
            "http://LOCALHOST:1",
        ] {
            assert!(with(loopback).is_ok(), "{loopback}");
        }
        assert!(
            Client::builder()
                .token("t")
                .base_url("http://10.0.0.1")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        assert!(config_error(with("ftp://x")).contains("scheme `ftp`"));
        assert!(config_error(with("not a url")).contains("is not a URL"));
        assert!(config_error(with("https://x/?a=1")).contains("query"));
        let from_env = config_error(from(&[
            ("PROLIFIC_TOKEN", "t"),
            ("PROLIFIC_URL", "http://x.org"),
        ]));
        assert!(
            from_env.starts_with("refusing PROLIFIC_URL `http://x.org`"),
            "{from_env}"
        );
    }

    #[test]
    fn the_user_agent_names_the_sdk_and_the_application() {
        let agent = |app: Option<&str>| {
            let mut builder = Client::builder();
            if let Some(app) = app {
                builder = builder.app_name(app);
            }
            builder
                .user_agent()
                .map(|v| v.to_str().unwrap().to_string())
        };
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(agent(None).unwrap(), format!("prolific-sdk-rust/{version}"));
        assert_eq!(
            agent(Some("my-study/1.2")).unwrap(),
            format!("prolific-sdk-rust/{version} my-study/1.2")
        );
        assert!(agent(Some("bad\nname")).is_err());
        assert!(agent(Some(" ")).is_err());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder().token("s3cr3t");
        assert!(!format!("{builder:?}").contains("s3cr3t"));
        let client = Client::new("s3cr3t").unwrap();
        assert!(!format!("{client:?}").contains("s3cr3t"));
        assert!(!format!("{client:#?}").contains("s3cr3t"));
    }
}
