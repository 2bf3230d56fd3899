//! What the server serves: the site's files in memory, and the errors of the last rebuild.
//!
//! The watch loop is the only writer; request handlers read. Nothing here touches the disk
//! except [`ServeSink`], which reads copied files (user static files, content assets) once, when
//! a rebuild puts them: a request can only ever get a key of the map.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, mpsc};

use axum::body::Bytes;
use axum::http::HeaderValue;
use tokio::sync::{broadcast, oneshot};

use super::watch::Batch;

use crate::diagnostics::{Diagnostics, Entry};
use crate::output::{Contents, OutputFile, Sink, WriteError};

/// Text files shorter than this are held as they are: compressing them saves nothing worth a
/// decompression per request.
const PACK_FROM: usize = 1024;

/// One file ready to send. Text is held LZ4-compressed: a 1,000-article archive's pages are
/// about 500 MB of HTML (KaTeX's markup is verbose and repetitive) and shrink about tenfold,
/// while decompressing a 400 KB page takes well under a millisecond.
#[derive(Clone)]
pub(crate) struct Served {
    /// The bytes as held: LZ4 with the length in front when `packed`.
    held: Bytes,
    packed: bool,
    pub content_type: HeaderValue,
}

impl Served {
    /// The file at output `path` with `bytes`, compressed when it is text worth compressing.
    pub(crate) fn new(path: &str, bytes: Bytes) -> Served {
        let content_type = content_type(path);
        let textual = is_textual(&content_type);
        if textual && bytes.len() >= PACK_FROM {
            let packed = lz4_flex::block::compress_prepend_size(&bytes);
            if packed.len() < bytes.len() {
                return Served {
                    held: Bytes::from(packed),
                    packed: true,
                    content_type,
                };
            }
        }
        Served {
            held: bytes,
            packed: false,
            content_type,
        }
    }

    pub(crate) fn is_html(&self) -> bool {
        self.content_type.as_bytes().starts_with(b"text/html")
    }

    /// The file's bytes, as sent.
    pub(crate) fn bytes(&self) -> Bytes {
        if !self.packed {
            return self.held.clone();
        }
        // Only this module packs, so the bytes always decompress; an empty body is the
        // answer that cannot happen.
        lz4_flex::block::decompress_size_prepended(&self.held)
            .map(Bytes::from)
            .unwrap_or_default()
    }
}

/// Whether a Content-Type names text (which compresses well).
fn is_textual(content_type: &HeaderValue) -> bool {
    content_type.as_bytes().ends_with(b"charset=utf-8")
}

/// The site as the server shows it.
pub(crate) struct SiteState {
    /// Output path (`archives/12/index.html`, `katex/fonts/x.woff2`) → file.
    files: HashMap<String, Served>,
    /// The pages the site has but has not rendered yet (output paths): a request for one
    /// asks the session for it and waits.
    pending: HashSet<String>,
    /// Whether the site has been read: until then every request waits.
    pub started: bool,
    /// The path of `base_url` as it appears in URLs: `/blog/`, percent-encoded.
    pub base_path: String,
    /// The same, decoded, as requests are matched once decoded.
    pub base_path_decoded: String,
    /// The errors of the site as it is on disk now, shown over every HTML page while there
    /// are any.
    pub errors: ErrorBox,
}

/// The most lines the error box shows: it goes into every page served.
const BOX_LINES: usize = 100;

/// What the error box over the pages says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ErrorBox {
    /// `path:line:col: error: message` with the source line under it, a few per file, as the
    /// terminal report has them ([`Diagnostics::limited`]).
    pub lines: Vec<String>,
    /// All errors, shown or not.
    pub count: usize,
}

impl ErrorBox {
    pub(crate) fn new(diagnostics: &Diagnostics) -> ErrorBox {
        let mut lines = Vec::new();
        let mut left_out = 0;
        for entry in diagnostics.limited().iter().filter(|e| e.is_error()) {
            if lines.len() < BOX_LINES {
                lines.push(entry.render());
            } else {
                left_out += match entry {
                    Entry::Shown(_) => 1,
                    Entry::Omitted(more) => more.count,
                };
            }
        }
        if left_out > 0 {
            lines.push(format!("… and {left_out} more (see the terminal)"));
        }
        ErrorBox {
            lines,
            count: diagnostics.error_count(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

impl SiteState {
    pub(crate) fn new(base_path: &str) -> SiteState {
        let mut state = SiteState {
            files: HashMap::new(),
            pending: HashSet::new(),
            started: false,
            base_path: String::new(),
            base_path_decoded: String::new(),
            errors: ErrorBox::default(),
        };
        state.set_base_path(base_path);
        state
    }

    pub(crate) fn set_base_path(&mut self, base_path: &str) {
        self.base_path = base_path.to_string();
        self.base_path_decoded = percent_encoding::percent_decode_str(base_path)
            .decode_utf8_lossy()
            .into_owned();
    }

    pub(crate) fn get(&self, path: &str) -> Option<&Served> {
        self.files.get(path)
    }

    /// Whether the site has a file at `path`, rendered or not.
    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.pending.contains(path)
    }

    /// How many pages are not rendered yet.
    pub(crate) fn pending_pages(&self) -> usize {
        self.pending.len()
    }

    /// Whether the page at `path` is still to be rendered: a request for it waits.
    pub(crate) fn must_wait(&self, path: &str) -> bool {
        self.pending.contains(path)
    }

    /// Puts the files of a rebuild in place and drops the `removed` ones.
    pub(crate) fn apply(&mut self, files: Vec<(String, Served)>, removed: &[String]) {
        for path in removed {
            self.files.remove(path);
        }
        self.files.extend(files);
    }

    /// The pages not rendered yet: whatever was served at their paths is stale.
    pub(crate) fn set_pending(&mut self, pending: HashSet<String>) {
        for path in &pending {
            self.files.remove(path);
        }
        self.pending = pending;
    }
}

/// What the session's thread is asked to do.
pub(crate) enum Event {
    /// Sources changed.
    Changes(Batch),
    /// A request waits for the page at an output path, or for the site to start (`None`);
    /// `done` is answered once it is there.
    Page {
        file: Option<String>,
        done: oneshot::Sender<()>,
    },
    /// The file watcher stopped.
    WatcherStopped,
    /// The user asked `serve` to stop (Ctrl-C).
    Stop,
}

/// The state shared by the watch loop and the request handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    site: Arc<RwLock<SiteState>>,
    /// Each message is the URL paths of the pages that changed, one a line, or `*` when every
    /// page should reload (a stylesheet changed, errors came or went).
    pub reload: broadcast::Sender<Arc<str>>,
    /// To the session's thread.
    events: mpsc::Sender<Event>,
}

impl AppState {
    pub(crate) fn new(site: SiteState, events: mpsc::Sender<Event>) -> AppState {
        let (reload, _) = broadcast::channel(16);
        AppState {
            site: Arc::new(RwLock::new(site)),
            reload,
            events,
        }
    }

    /// Waits until the session has rendered the page at output path `file` (`None`: until
    /// the site has started); `false` at once when the session is gone.
    pub(crate) async fn wait_for(&self, file: Option<String>) -> bool {
        let (done, answer) = oneshot::channel();
        self.events.send(Event::Page { file, done }).is_ok() && answer.await.is_ok()
    }

    /// A poisoned lock only means a panic elsewhere: the data is whole, so go on serving.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, SiteState> {
        self.site.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, SiteState> {
        self.site.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Where a rebuild of `serve` puts its files: each is packed as it comes, on the thread that
/// rendered it, so that a full render never holds the site's pages uncompressed all at once.
/// Copied files (user static files, content assets) are read here; one that vanished since the
/// rebuild is left out (the next rebuild will see it gone).
#[derive(Default)]
pub(crate) struct ServeSink {
    files: Mutex<Vec<(String, Served)>>,
}

impl ServeSink {
    /// The files put, by output path.
    pub(crate) fn into_files(self) -> Vec<(String, Served)> {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|later, earlier| later.0 == earlier.0);
        files
    }
}

impl Sink for ServeSink {
    fn put(&self, file: OutputFile) -> Result<(), WriteError> {
        let bytes = match file.contents {
            Contents::Bytes(Cow::Borrowed(bytes)) => Bytes::from_static(bytes),
            Contents::Bytes(Cow::Owned(bytes)) => Bytes::from(bytes),
            Contents::Copy(source) => match std::fs::read(source) {
                Ok(bytes) => Bytes::from(bytes),
                Err(_) => return Ok(()),
            },
        };
        let path = file.path.as_str().to_string();
        let served = Served::new(&path, bytes);
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path, served));
        Ok(())
    }
}

/// The Content-Type of an output path, by its extension; text types say they are UTF-8.
pub(crate) fn content_type(path: &str) -> HeaderValue {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mime = match name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
    {
        // mime_guess knows these too, but some under older names; fonts must be exact for
        // browsers to use them.
        Some(ext) if ext == "woff2" => "font/woff2".to_string(),
        Some(ext) if ext == "woff" => "font/woff".to_string(),
        Some(ext) if ext == "ttf" => "font/ttf".to_string(),
        Some(ext) if ext == "js" || ext == "mjs" => "text/javascript".to_string(),
        _ => mime_guess::from_path(name)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
    };
    let textual = mime.starts_with("text/")
        || mime.ends_with("+xml")
        || mime == "application/xml"
        || mime == "application/json";
    let value = if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// `html` with a box listing `errors` at the start of its `<body>`.
pub(crate) fn with_overlay(html: &[u8], errors: &ErrorBox) -> Vec<u8> {
    let mut text = String::new();
    for line in &errors.lines {
        let _ = pulldown_cmark_escape::escape_html(&mut text, line);
        text.push('\n');
    }
    let count = errors.count;
    let overlay = format!(
        concat!(
            "<div id=\"lemma-errors\" role=\"alert\" style=\"position:fixed;z-index:2147483647;",
            "left:0;right:0;bottom:0;max-height:60vh;overflow:auto;margin:0;padding:12px 16px;",
            "background:#1e1e1e;color:#f4f4f4;border-top:4px solid #e5484d;",
            "font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left\">",
            "<strong style=\"color:#ff8a8a\">lemma serve: {} error(s)</strong>",
            "<pre style=\"margin:8px 0 0;white-space:pre-wrap;font:inherit;color:inherit;background:none\">{}</pre>",
            "</div>"
        ),
        count, text
    );
    let at = body_start(html).unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + overlay.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(overlay.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The offset just after the `<body …>` tag.
fn body_start(html: &[u8]) -> Option<usize> {
    let lower: Vec<u8> = html.iter().map(u8::to_ascii_lowercase).collect();
    let open = lower
        .windows(5)
        .position(|w| w == b"<body")
        .filter(|&i| matches!(lower.get(i + 5), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')))?;
    let close = lower[open..].iter().position(|&b| b == b'>')?;
    Some(open + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_of_site_assets() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("i.svg", "image/svg+xml; charset=utf-8"),
            ("i.png", "image/png"),
            ("katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2"),
            ("f.woff", "font/woff"),
            ("f.ttf", "font/ttf"),
            ("atom.xml", "text/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("noextension", "application/octet-stream"),
        ];
        for (path, expected) in cases {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn overlay_goes_after_the_body_tag_and_is_escaped() {
        let html = b"<html><head></head><body class=\"x\"><p>hi</p></body></html>";
        let errors = ErrorBox {
            lines: vec!["content/a.md:3:1: error: <bad>".to_string()],
            count: 1,
        };
        let out = with_overlay(html, &errors);
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("<html><head></head><body class=\"x\"><div id=\"lemma-errors\""));
        assert!(
            out.contains("content/a.md:3:1: error: &lt;bad&gt;"),
            "{out}"
        );
        assert!(out.contains("1 error(s)"));
        assert!(out.ends_with("<p>hi</p></body></html>"));
    }

    #[test]
    fn overlay_without_a_body_goes_first() {
        let errors = ErrorBox {
            lines: vec!["x".to_string()],
            count: 1,
        };
        let out = with_overlay(b"plain", &errors);
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("<div id=\"lemma-errors\"")
        );
    }
}
