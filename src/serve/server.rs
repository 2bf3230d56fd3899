//! The HTTP side of `serve`: axum on a single-threaded tokio runtime of its own thread.
//!
//! Connections are accepted here rather than by `axum::serve`, which offers no way to limit how
//! long a client may take over its request headers: without that limit, a client that opens
//! connections and never finishes a request holds each one forever.
//!
//! Requests are answered from [`SiteState`] alone, so a request can only get a key of the
//! in-memory map: there is no file system path to escape from. Paths are still checked before
//! the lookup, so that `..`, `%2e%2e`, encoded slashes and the like get a clear 400 rather than
//! depending on the map's contents.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use percent_encoding::percent_decode_str;
use tokio::sync::broadcast::error::RecvError;

use super::state::{AppState, ErrorBox, Served, SiteState, with_overlay};

/// The live-reload script, printed into every page by the templates (`live_reload`).
pub(crate) const SCRIPT_PATH: &str = "/__lemma/livereload.js";
/// The Server-Sent Events stream the script listens to.
pub(crate) const EVENTS_PATH: &str = "/__lemma/events";

const SCRIPT: &str = include_str!("livereload.js");

/// Serves `state` on `listener` from a new thread, until the process ends. A connection whose
/// client has not sent a request's headers within `header_timeout` is closed.
pub(crate) fn spawn(
    listener: std::net::TcpListener,
    state: AppState,
    header_timeout: Duration,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Made here, inside the runtime, so that a failure is `serve`'s error, not a server thread
    // gone quiet.
    let listener = {
        let _inside = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    std::thread::Builder::new()
        .name("lemma-http".into())
        .spawn(move || runtime.block_on(serve(listener, router(state), header_timeout)))?;
    Ok(())
}

/// Accepts connections until the process ends, each served on a task of its own.
async fn serve(listener: tokio::net::TcpListener, app: Router, header_timeout: Duration) {
    let service = TowerToHyperService::new(app);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, most likely: wait for connections to close.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = service.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            // A connection that fails (a timeout, a reset, a bad request) concerns its client only.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .fallback(site_file)
        .with_state(state)
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// One `reload` event per rebuild, after a comment that opens the stream at once.
async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.reload.subscribe();
    let hello = stream::once(async { Ok(Event::default().comment("lemma")) });
    let reloads = stream::unfold(receiver, |mut receiver| async move {
        let data: Arc<str> = match receiver.recv().await {
            Ok(message) => message,
            Err(RecvError::Lagged(_)) => "*".into(),
            Err(RecvError::Closed) => return None,
        };
        let event = Event::default().event("reload").data(&*data);
        Some((Ok(event), receiver))
    });
    Sse::new(hello.chain(reloads)).keep_alive(KeepAlive::default())
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// An output file of the site.
    File(String),
    /// Elsewhere (the base path, a folder's URL with its slash).
    Redirect(String),
    NotFound,
    /// A path no link of the site can produce: dot segments, encoded slashes, bad encoding.
    Refused(&'static str),
}

/// Resolves the raw (still percent-encoded) request path against the site.
pub(crate) fn resolve(raw: &str, site: &SiteState) -> Target {
    let path = match decode(raw) {
        Ok(path) => path,
        Err(reason) => return Target::Refused(reason),
    };
    let Some(rest) = path.strip_prefix(&site.base_path_decoded) else {
        if path == "/" || format!("{path}/") == site.base_path_decoded {
            return Target::Redirect(site.base_path.clone());
        }
        return Target::NotFound;
    };
    if rest.is_empty() || rest.ends_with('/') {
        let index = format!("{rest}index.html");
        return if site.contains(&index) {
            Target::File(index)
        } else {
            Target::NotFound
        };
    }
    if site.contains(rest) {
        Target::File(rest.to_string())
    } else if site.contains(&format!("{rest}/index.html")) {
        Target::Redirect(format!("{raw}/"))
    } else {
        Target::NotFound
    }
}

/// The decoded path, or why it is refused.
fn decode(raw: &str) -> Result<String, &'static str> {
    if !raw.starts_with('/') {
        return Err("the path must start with /");
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err("encoded slashes are not allowed in paths");
    }
    let path = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "the path is not UTF-8")?;
    if path.contains(['\\', '\0']) {
        return Err("backslashes and NUL are not allowed in paths");
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err("`.` and `..` are not allowed in paths");
    }
    Ok(path.into_owned())
}

async fn site_file(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD\n",
        )
            .into_response();
    }
    // A request waits for the site to start, then for its page; an edit can make the page
    // wait again (when every page is to be rendered again) just as it came, so it asks until
    // the page is there or the session no longer answers.
    loop {
        let waiting = {
            let site = state.read();
            let needed = match resolve(uri.path(), &site) {
                Target::File(path) => Some(path),
                Target::NotFound => Some("404.html".to_string()),
                _ => None,
            };
            match needed {
                _ if !site.started => Some(None),
                Some(path) if site.must_wait(&path) => Some(Some(path)),
                _ => None,
            }
        };
        let Some(file) = waiting else { break };
        if !state.wait_for(file).await {
            break;
        }
    }
    let (target, file, errors, pending) = {
        let site = state.read();
        let target = resolve(uri.path(), &site);
        let file = match &target {
            Target::File(path) => site.get(path).cloned(),
            Target::NotFound => site.get("404.html").cloned(),
            _ => None,
        };
        (target, file, site.errors.clone(), site.pending_pages())
    };
    let mut response = match target {
        Target::File(_) => match file {
            Some(file) => respond(StatusCode::OK, file, &errors),
            None => not_found(None, &errors),
        },
        Target::NotFound => not_found(file, &errors),
        Target::Redirect(location) => {
            let location =
                HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/"));
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
        }
        Target::Refused(reason) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("400 bad request: {reason}\n"),
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(PENDING_HEADER, HeaderValue::from(pending));
    response
}

/// How many pages still wait to be rendered: the background work of a cold start is done
/// once this says 0.
pub(crate) const PENDING_HEADER: &str = "x-lemma-pending";

/// The site's `404.html` (or a minimal page when the site has none yet) with status 404.
fn not_found(page: Option<Served>, errors: &ErrorBox) -> Response {
    let page = page.unwrap_or_else(|| {
        let minimal = "<!doctype html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><h1>404</h1></body></html>";
        Served::new("404.html", minimal.into())
    });
    respond(StatusCode::NOT_FOUND, page, errors)
}

fn respond(status: StatusCode, file: Served, errors: &ErrorBox) -> Response {
    let bytes = file.bytes();
    let body = if file.is_html() && !errors.is_empty() {
        Body::from(with_overlay(&bytes, errors))
    } else {
        Body::from(bytes)
    };
    (
        status,
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(base_path: &str, paths: &[&str]) -> SiteState {
        let mut site = SiteState::new(base_path);
        let files = paths
            .iter()
            .map(|p| {
                let served = Served::new(p, p.to_string().into());
                (p.to_string(), served)
            })
            .collect();
        site.apply(files, &[]);
        site
    }

    #[test]
    fn folders_serve_their_index_and_files_themselves() {
        let s = site(
            "/",
            &["index.html", "a/index.html", "style.css", "数学/index.html"],
        );
        assert_eq!(resolve("/", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/a/", &s), Target::File("a/index.html".into()));
        assert_eq!(resolve("/a", &s), Target::Redirect("/a/".into()));
        assert_eq!(resolve("/style.css", &s), Target::File("style.css".into()));
        assert_eq!(
            resolve("/%E6%95%B0%E5%AD%A6/", &s),
            Target::File("数学/index.html".into())
        );
        assert_eq!(resolve("/nope", &s), Target::NotFound);
        assert_eq!(resolve("/style.css/", &s), Target::NotFound);
    }

    #[test]
    fn traversal_and_odd_encodings_are_refused() {
        let s = site("/", &["index.html"]);
        for raw in [
            "/../Cargo.toml",
            "/a/../../etc/passwd",
            "/%2e%2e/x",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/a/%2F..%2Fx",
            "/a%5c..%5cx",
            "/./index.html",
            "/%ff",
            "/a%00b",
            "x",
        ] {
            assert!(
                matches!(resolve(raw, &s), Target::Refused(_)),
                "{raw}: {:?}",
                resolve(raw, &s)
            );
        }
        // Double encoding is not decoded twice: it names a file the site does not have.
        assert_eq!(resolve("/%252e%252e/x", &s), Target::NotFound);
    }

    #[test]
    fn a_subpath_site_lives_under_its_base_path() {
        let s = site("/blog/", &["index.html", "a/index.html"]);
        assert_eq!(resolve("/", &s), Target::Redirect("/blog/".into()));
        assert_eq!(resolve("/blog", &s), Target::Redirect("/blog/".into()));
        assert_eq!(resolve("/blog/", &s), Target::File("index.html".into()));
        assert_eq!(resolve("/blog/a/", &s), Target::File("a/index.html".into()));
        assert_eq!(resolve("/a/", &s), Target::NotFound);
        let s = site("/%E5%8D%9A/", &["index.html"]);
        assert_eq!(resolve("/", &s), Target::Redirect("/%E5%8D%9A/".into()));
        assert_eq!(
            resolve("/%E5%8D%9A/", &s),
            Target::File("index.html".into())
        );
    }
}
