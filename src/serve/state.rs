//! What the server serves: the site's files in memory, and the errors of the last rebuild.
//!
//! The watch loop is the only writer; request handlers read. Nothing here touches the disk
//! except [`load`], which reads copied files (user static files, content assets) once, when the
//! rebuild that produced them is published: a request can only ever get a key of the map.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::body::Bytes;
use axum::http::HeaderValue;
use tokio::sync::broadcast;

use crate::diagnostics::{Diagnostics, Entry};
use crate::output::OutputFile;

/// One file ready to send.
#[derive(Clone)]
pub(crate) struct Served {
    pub bytes: Bytes,
    pub content_type: HeaderValue,
}

impl Served {
    pub(crate) fn is_html(&self) -> bool {
        self.content_type.as_bytes().starts_with(b"text/html")
    }
}

/// The site as the server shows it.
pub(crate) struct SiteState {
    /// Output path (`archives/12/index.html`, `katex/fonts/x.woff2`) → file.
    files: HashMap<String, Served>,
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

    pub(crate) fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Puts the files of a rebuild in place and drops the `removed` ones.
    pub(crate) fn apply(&mut self, files: Vec<(String, Served)>, removed: &[String]) {
        for path in removed {
            self.files.remove(path);
        }
        self.files.extend(files);
    }
}

/// The state shared by the watch loop and the request handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    site: Arc<RwLock<SiteState>>,
    /// Each message is the URL paths of the pages that changed, one a line, or `*` when every
    /// page should reload (a stylesheet changed, errors came or went).
    pub reload: broadcast::Sender<Arc<str>>,
}

impl AppState {
    pub(crate) fn new(site: SiteState) -> AppState {
        let (reload, _) = broadcast::channel(16);
        AppState {
            site: Arc::new(RwLock::new(site)),
            reload,
        }
    }

    /// A poisoned lock only means a panic elsewhere: the data is whole, so go on serving.
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, SiteState> {
        self.site.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, SiteState> {
        self.site.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The bytes of each file of a rebuild, with its Content-Type. Copied files are read here;
/// one that vanished since the rebuild is left out (the next rebuild will see it gone).
pub(crate) fn load(files: BTreeMap<String, OutputFile>) -> Vec<(String, Served)> {
    files
        .into_iter()
        .filter_map(|(path, file)| {
            let bytes = match file.contents {
                crate::output::Contents::Bytes(bytes) => match bytes {
                    std::borrow::Cow::Borrowed(b) => Bytes::from_static(b),
                    std::borrow::Cow::Owned(v) => Bytes::from(v),
                },
                crate::output::Contents::Copy(source) => Bytes::from(std::fs::read(source).ok()?),
            };
            let content_type = content_type(&path);
            Some((
                path,
                Served {
                    bytes,
                    content_type,
                },
            ))
        })
        .collect()
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
