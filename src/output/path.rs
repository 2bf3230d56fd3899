//! [`SitePath`]: where in the output a file goes. Every file lemma writes is named by one, and
//! one can only be made by validation, so no slug, alias, permalink pattern or file name can
//! place a file outside the output folder.

use std::fmt;
use std::path::{Path, PathBuf};

/// The file lemma keeps at the top of every output folder it writes, to know it may replace it.
pub(crate) const OWNER_MARKER: &str = ".lemma-output";

/// The longest file name most file systems accept, in bytes.
const MAX_SEGMENT_BYTES: usize = 255;

/// A path inside the output folder: relative, `/`-separated, normalised (no empty, `.` or `..`
/// segment), with no backslash and no control character. It holds the decoded text (a space is
/// a space); [`SitePath::url`] percent-encodes it for links.
///
/// A page's path ends in `/` when the page is a folder's `index.html` (`archives/12/`); the
/// empty path is the home page.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SitePath(String);

/// Why a text cannot name a place in the output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("`..` is not allowed in an output path: it would point outside the site's folder")]
    ParentSegment,
    #[error("a backslash is not a path separator in URLs: use `/`")]
    Backslash,
    #[error("the control character U+{0:04X} cannot be part of a URL")]
    Control(u32),
    #[error("`{OWNER_MARKER}` is the name of lemma's own marker file")]
    Reserved,
    #[error("`{0}` is longer than {MAX_SEGMENT_BYTES} bytes, more than file systems allow")]
    TooLong(String),
}

impl SitePath {
    /// The home page.
    pub fn root() -> SitePath {
        SitePath(String::new())
    }

    /// Validates and normalises `text` (a leading `/` is the site's root): `a//./b/` → `a/b/`.
    pub fn parse(text: &str) -> Result<SitePath, PathError> {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(PathError::Control(c as u32));
        }
        if text.contains('\\') {
            return Err(PathError::Backslash);
        }
        let mut normal = String::with_capacity(text.len());
        for segment in text.split('/') {
            match segment {
                "" | "." => {}
                ".." => return Err(PathError::ParentSegment),
                long if long.len() > MAX_SEGMENT_BYTES => {
                    return Err(PathError::TooLong(long.to_string()));
                }
                OWNER_MARKER if normal.is_empty() => return Err(PathError::Reserved),
                segment => {
                    normal.push_str(segment);
                    normal.push('/');
                }
            }
        }
        let names_a_folder = text.ends_with('/') || text.ends_with("/.") || text == ".";
        if !names_a_folder {
            normal.pop();
        }
        Ok(SitePath(normal))
    }

    /// A page's path, as permalinks and aliases name pages: a last segment without a `.` is a
    /// folder (`archives/12` → `archives/12/`), one with a `.` is a file (`old.html`).
    pub fn page(text: &str) -> Result<SitePath, PathError> {
        let mut path = SitePath::parse(text)?;
        let last = path.0.rsplit('/').next().unwrap_or("");
        if !last.is_empty() && !last.contains('.') {
            path.0.push('/');
        }
        Ok(path)
    }

    /// A path lemma itself names (`archives/`, `atom.xml`): known to be valid.
    pub(crate) fn fixed(text: &'static str) -> SitePath {
        debug_assert_eq!(
            SitePath::parse(text).as_ref().map(SitePath::as_str),
            Ok(text)
        );
        SitePath(text.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a folder's page (the home page included).
    pub fn is_folder(&self) -> bool {
        self.0.is_empty() || self.0.ends_with('/')
    }

    /// The file a page is written to: `archives/12/` → `archives/12/index.html`.
    pub fn file(&self) -> SitePath {
        if self.is_folder() {
            SitePath(format!("{}index.html", self.0))
        } else {
            self.clone()
        }
    }

    /// The path as it goes into a link: characters that end or break a URL path (`?`, `#`,
    /// `%`, spaces, quotes…) percent-encoded; letters of any script stay as they are.
    pub fn url(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for c in self.0.chars() {
            if c.is_ascii() && needs_encoding(c as u8) {
                out.push_str(percent_encoding::percent_encode_byte(c as u8));
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The file inside `output`; a `SitePath` cannot point outside it.
    pub fn under(&self, output: &Path) -> PathBuf {
        let mut full = output.to_path_buf();
        full.extend(self.0.split('/').filter(|s| !s.is_empty()));
        full
    }
}

impl fmt::Display for SitePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// ASCII that may not stand as itself in a URL path (RFC 3986), or would change its meaning.
fn needs_encoding(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'"'
            | b'#'
            | b'%'
            | b'<'
            | b'>'
            | b'?'
            | b'['
            | b']'
            | b'^'
            | b'`'
            | b'{'
            | b'|'
            | b'}'
    ) || byte.is_ascii_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_separators_and_dots() {
        assert_eq!(SitePath::parse("/a//./b/").unwrap().as_str(), "a/b/");
        assert_eq!(SitePath::parse("a/b.html").unwrap().as_str(), "a/b.html");
        assert_eq!(SitePath::parse("/").unwrap().as_str(), "");
        assert_eq!(SitePath::parse("a/.").unwrap().as_str(), "a/");
    }

    #[test]
    fn refuses_what_could_leave_the_output() {
        for bad in ["../x", "a/../../x", "/x/../index.html", "..", "a/.."] {
            assert_eq!(SitePath::parse(bad), Err(PathError::ParentSegment), "{bad}");
        }
        assert_eq!(SitePath::parse("a\\..\\b"), Err(PathError::Backslash));
        assert_eq!(SitePath::parse("a\u{c}b"), Err(PathError::Control(12)));
        assert_eq!(SitePath::parse("a\0b"), Err(PathError::Control(0)));
        assert_eq!(SitePath::parse("/.lemma-output"), Err(PathError::Reserved));
        assert!(matches!(
            SitePath::parse(&"x".repeat(256)),
            Err(PathError::TooLong(_))
        ));
        // Only the top-level marker is reserved, and dots inside names are fine.
        assert!(SitePath::parse("a/.lemma-output").is_ok());
        assert!(SitePath::parse("a..b/c.d").is_ok());
    }

    #[test]
    fn pages_without_an_extension_are_folders() {
        assert_eq!(
            SitePath::page("/archives/12").unwrap().as_str(),
            "archives/12/"
        );
        assert_eq!(SitePath::page("old.html").unwrap().as_str(), "old.html");
        assert_eq!(SitePath::page("").unwrap().as_str(), "");
        assert_eq!(
            SitePath::page("a/").unwrap().file().as_str(),
            "a/index.html"
        );
        assert_eq!(SitePath::root().file().as_str(), "index.html");
    }

    #[test]
    fn urls_encode_what_would_break_them_and_keep_letters() {
        let path = SitePath::page("a b?c#d%e/数学").unwrap();
        assert_eq!(path.url(), "a%20b%3Fc%23d%25e/数学/");
        assert_eq!(path.as_str(), "a b?c#d%e/数学/");
    }

    #[test]
    fn joins_below_the_output_only() {
        let path = SitePath::parse("a/b/c.html").unwrap();
        assert_eq!(path.under(Path::new("/out")), Path::new("/out/a/b/c.html"));
        assert_eq!(SitePath::root().under(Path::new("/out")), Path::new("/out"));
    }
}
