//! One authenticated HTTP(S) connection to a server, and why a request
//! failed in the words the user is told.

use std::time::Duration;

use http::{Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kizuna_core::Error;
use kizuna_core::domain::sync::DavProblem;
use libdav::dav::{RequestError, WebDavClient};
use rustls_platform_verifier::ConfigVerifierExt;
use tower_http::auth::AddAuthorization;

/// The HTTP client every request goes through.
pub(crate) type Http = AddAuthorization<Client<HttpsConnector<HttpConnector>, String>>;

/// How long one request may take before the server counts as not answering.
const REQUEST_TIME: Duration = Duration::from_secs(30);

/// How many writes (or deletions, or fetches) are on their way to the
/// server at once: a server far away answers each after a round trip, and
/// thousands of cards one after another would take minutes.
pub(crate) const IN_FLIGHT: usize = 4;
/// How long connecting may take.
const CONNECT_TIME: Duration = Duration::from_secs(10);

/// A server, with the user's name and password.
#[derive(Clone)]
pub struct Connection {
    pub(crate) webdav: WebDavClient<Http>,
}

pub(crate) fn problem(problem: DavProblem, detail: impl std::fmt::Display) -> Error {
    Error::Dav {
        problem,
        detail: detail.to_string(),
    }
}

impl Connection {
    /// A connection to `server` (`https://…`; `http://` only to this
    /// computer), signing in as `user`. Nothing is sent yet.
    pub fn new(server: &str, user: &str, password: &str) -> Result<Connection, Error> {
        let uri = parse_address(server)?;
        let tls = rustls::ClientConfig::with_platform_verifier()
            .map_err(|e| problem(DavProblem::Certificate, e))?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIME));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        let client = AddAuthorization::basic(client, user, password);
        Ok(Connection {
            webdav: WebDavClient::new(uri, client),
        })
    }

    /// The server's address as given.
    pub fn base(&self) -> &Uri {
        &self.webdav.base_url
    }

    /// The same user on the server at `address` (where discovery led), or
    /// this one when `None`.
    pub fn at(&self, address: Option<&str>) -> Result<Connection, Error> {
        let mut webdav = self.webdav.clone();
        if let Some(address) = address {
            webdav.base_url = parse_address(address)?;
        }
        Ok(Connection { webdav })
    }

    /// Asks the server who the user is (a PROPFIND of the address given):
    /// a wrong password, a web page or an unreachable server is told here,
    /// before discovery goes further.
    pub(crate) async fn probe(&self) -> Result<(), Error> {
        self.probe_uri(self.webdav.base_url.clone()).await
    }

    /// The same, asked of a collection on the server (an address book):
    /// where the sync goes, whatever address the user typed.
    pub(crate) async fn probe_collection(&self, collection: &str) -> Result<(), Error> {
        let uri = libdav::dav::make_relative_url(self.webdav.base_url.clone(), collection)
            .map_err(|e| problem(DavProblem::BadAddress, e))?;
        self.probe_uri(uri).await
    }

    async fn probe_uri(&self, uri: Uri) -> Result<(), Error> {
        let request = Request::builder()
            .method(Method::from_bytes(b"PROPFIND").map_err(|e| problem(DavProblem::BadAddress, e))?)
            .uri(uri)
            .header("Depth", "0")
            .header("Content-Type", "application/xml; charset=utf-8")
            .body(
                r#"<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>"#
                    .to_owned(),
            )
            .map_err(|e| problem(DavProblem::BadAddress, e))?;
        let (head, _) = timed(self.webdav.request_raw(request))
            .await?
            .map_err(|e| transport(&e))?;
        match head.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Err(problem(DavProblem::WrongPassword, head.status))
            }
            StatusCode::MULTI_STATUS => Ok(()),
            // A redirect is followed by discovery (the well-known address).
            status if status.is_redirection() => Ok(()),
            status => Err(problem(DavProblem::NotDavServer, status)),
        }
    }
}

/// The address as a URI: `https://` (or `http://` for this computer, as a
/// server for tests and for a Radicale of one's own), with a host.
fn parse_address(server: &str) -> Result<Uri, Error> {
    let server = server.trim();
    let with_scheme = if server.contains("://") {
        server.to_owned()
    } else {
        format!("https://{server}")
    };
    let uri: Uri = with_scheme
        .parse()
        .map_err(|e| problem(DavProblem::BadAddress, e))?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| problem(DavProblem::BadAddress, "no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1") => Ok(uri),
        _ => Err(problem(
            DavProblem::BadAddress,
            "only https:// (or http:// to this computer)",
        )),
    }
}

/// A request that takes longer than [`REQUEST_TIME`] counts as unanswered.
pub(crate) async fn timed<T>(future: impl Future<Output = T>) -> Result<T, Error> {
    tokio::time::timeout(REQUEST_TIME, future)
        .await
        .map_err(|_| problem(DavProblem::Unreachable, "no answer in 30 s"))
}

/// What went wrong below HTTP, told apart by what caused it.
pub(crate) fn transport(error: &RequestError<hyper_util::client::legacy::Error>) -> Error {
    // libdav's error names its cause without making it the source: the
    // chain is walked from the client's own error.
    let root: &(dyn std::error::Error + 'static) = match error {
        RequestError::Client(e) => e,
        RequestError::Http(e) => e.as_ref(),
    };
    let mut chain = Vec::new();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(root);
    while let Some(e) = cause {
        chain.push(e.to_string());
        let tls = e.downcast_ref::<rustls::Error>().is_some()
            || e.downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
        if tls {
            return problem(DavProblem::Certificate, chain.join(": "));
        }
        cause = e.source();
    }
    let detail = chain.join(": ");
    // A TLS failure can arrive wrapped where its type is out of reach;
    // rustls names it "invalid peer certificate".
    if detail.contains("invalid peer certificate") {
        return problem(DavProblem::Certificate, detail);
    }
    // hyper-util reports a failed name lookup as a "dns error" over the
    // resolver's "failed to lookup address information".
    if detail.contains("dns error") || detail.contains("lookup address") {
        return problem(DavProblem::NoSuchServer, detail);
    }
    problem(DavProblem::Unreachable, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(address: &str) -> Option<DavProblem> {
        match parse_address(address) {
            Err(Error::Dav { problem, .. }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn addresses_are_https_or_this_computer() {
        assert_eq!(
            parse_address("dav.example.jp")
                .expect("address")
                .scheme_str(),
            Some("https"),
            "the scheme may be left out"
        );
        assert!(parse_address("https://dav.example.jp/dav/").is_ok());
        assert!(parse_address("http://127.0.0.1:5232/").is_ok());
        assert_eq!(
            refused("http://dav.example.jp/"),
            Some(DavProblem::BadAddress),
            "no password in the clear over the network"
        );
        assert_eq!(refused("https://"), Some(DavProblem::BadAddress));
        assert_eq!(refused("dav example"), Some(DavProblem::BadAddress));
        assert_eq!(
            refused("ftp://dav.example.jp"),
            Some(DavProblem::BadAddress)
        );
    }
}
