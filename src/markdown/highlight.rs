//! Build-time syntax highlighting of fenced code, with CSS classes (`hl-…`) rather than
//! inline colours, so one stylesheet (`static/highlight.css`) serves light and dark mode.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{LazyLock, Mutex, PoisonError};

use pulldown_cmark_escape::escape_html;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The prefix of every class the highlighter writes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loaded on the first code block with a language, so builds without code never pay for it.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// A block's key in the [`Store`]: the language and code, and the highlighter's version.
type Key = [u8; 32];

/// Highlighted blocks kept across builds in `.lemma-cache/highlight.bin`: compiling a
/// language's grammar costs tens of milliseconds per process, reading a block costs nothing.
#[derive(Default)]
struct Store {
    /// Whether a build loaded the store and will save it. `serve` and `check` never do, so
    /// they keep nothing: a long preview session does not grow it with every edit.
    open: bool,
    entries: HashMap<Key, String>,
    /// The keys this build asked for; only these are saved, so the file never grows stale.
    used: HashSet<Key>,
    changed: bool,
}

static STORE: LazyLock<Mutex<Store>> = LazyLock::new(Mutex::default);

/// Reads the blocks highlighted by earlier builds; a missing or damaged file is an empty store.
pub(crate) fn load_store(path: &Path) {
    let entries = std::fs::read(path)
        .ok()
        .and_then(|bytes| decode(&bytes))
        .unwrap_or_default();
    *STORE.lock().unwrap_or_else(PoisonError::into_inner) = Store {
        open: true,
        entries,
        ..Store::default()
    };
}

/// Writes the blocks this build used, when they differ from what was read.
pub(crate) fn save_store(path: &Path) -> std::io::Result<()> {
    let mut store = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    let store = std::mem::take(&mut *store);
    if !store.changed && store.used.len() == store.entries.len() {
        return Ok(());
    }
    let mut keys: Vec<&Key> = store.used.iter().collect();
    keys.sort();
    let mut bytes = Vec::new();
    for key in keys {
        let html = &store.entries[key];
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(&(html.len() as u64).to_le_bytes());
        bytes.extend_from_slice(html.as_bytes());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Written aside and renamed, so a build killed mid-write leaves the old file whole.
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// The records of a store file: key, little-endian length, HTML.
fn decode(mut bytes: &[u8]) -> Option<HashMap<Key, String>> {
    let mut entries = HashMap::new();
    while !bytes.is_empty() {
        let key: Key = bytes.get(..32)?.try_into().ok()?;
        let len = u64::from_le_bytes(bytes.get(32..40)?.try_into().ok()?);
        let end = 40usize.checked_add(usize::try_from(len).ok()?)?;
        let html = std::str::from_utf8(bytes.get(40..end)?).ok()?;
        entries.insert(key, html.to_string());
        bytes = &bytes[end..];
    }
    Some(entries)
}

fn key(language: &str, code: &str) -> Key {
    let mut hasher = blake3::Hasher::new();
    hasher.update(concat!("syntect-5.3/", env!("CARGO_PKG_VERSION"), "\0").as_bytes());
    hasher.update(language.as_bytes());
    hasher.update(b"\0");
    hasher.update(code.as_bytes());
    *hasher.finalize().as_bytes()
}

/// The language named by a fence's info string (`rust,ignore` or `rust {.x}` name `rust`).
pub(super) fn fence_language(info: &str) -> &str {
    info.split([' ', ',', '{']).next().unwrap_or("").trim()
}

/// The HTML of a code block: highlighted when `language` is one syntect knows, escaped plain
/// text otherwise. The `language-x` class is kept as pulldown-cmark writes it. A long line
/// makes the block scroll sideways, so it takes keyboard focus (`tabindex="0"`): a reader
/// without a mouse scrolls it with the arrow keys.
pub(super) fn code_block(language: &str, code: &str, highlight: bool) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    if language.is_empty() {
        html.push_str("<pre tabindex=\"0\"><code>");
    } else {
        let class = if highlight { " class=\"hl-code\"" } else { "" };
        html.push_str(&format!(
            "<pre{class} tabindex=\"0\"><code class=\"language-"
        ));
        let _ = escape_html(&mut html, language);
        html.push_str("\">");
    }
    let spans = highlight
        .then(|| stored_or_highlighted(language, code))
        .flatten();
    match spans {
        Some(spans) => html.push_str(&spans),
        None => {
            let _ = escape_html(&mut html, code);
        }
    }
    html.push_str("</code></pre>\n");
    html
}

/// [`highlighted`], from the store when an earlier build did the work.
fn stored_or_highlighted(language: &str, code: &str) -> Option<String> {
    if language.is_empty() {
        return None;
    }
    let key = key(language, code);
    {
        let mut store = STORE.lock().unwrap_or_else(PoisonError::into_inner);
        if !store.open {
            drop(store);
            return highlighted(language, code);
        }
        if let Some(html) = store.entries.get(&key).cloned() {
            store.used.insert(key);
            return Some(html);
        }
    }
    let spans = highlighted(language, code)?;
    let mut store = STORE.lock().unwrap_or_else(PoisonError::into_inner);
    if !store.open {
        return Some(spans);
    }
    store.entries.insert(key, spans.clone());
    store.used.insert(key);
    store.changed = true;
    Some(spans)
}

/// `code` as classed spans, or `None` for a language syntect does not know (or a line it
/// cannot parse), which is then written as plain text.
fn highlighted(language: &str, code: &str) -> Option<String> {
    if language.is_empty() {
        return None;
    }
    let syntaxes = &*SYNTAXES;
    let syntax = syntaxes.find_syntax_by_token(language)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The stylesheet for the classes written above: the light theme, and the dark one when the
/// reader's system asks for it. Kept in `static/highlight.css`; a test checks they agree.
/// Each theme sits in its own media query: a rule of one theme never reaches the other (the
/// light theme names scopes the dark one leaves out). Colours too faint on their theme's
/// background are strengthened to WCAG AA (4.5:1).
#[cfg(test)]
pub(crate) fn stylesheet() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;

    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        css_for_theme_with_class_style(&contrast::readable(&themes.themes[name]), CLASS_STYLE)
            .expect("the default themes convert to CSS")
    };
    let indented = |name: &str| {
        css(name)
            .lines()
            .map(|line| format!("  {line}\n").replace("  \n", "\n"))
            .collect::<String>()
    };
    format!(
        "/* Generated by `UPDATE_HIGHLIGHT_CSS=1 cargo test --lib highlight`; do not edit. */\n\
         @media not all and (prefers-color-scheme: dark) {{\n{}}}\n\n\
         @media (prefers-color-scheme: dark) {{\n{}}}\n",
        indented("InspiredGitHub"),
        indented("base16-ocean.dark")
    )
}

#[cfg(test)]
mod contrast {
    //! WCAG 2 contrast of a theme's colours against its own background.
    use syntect::highlighting::{Color, Theme};

    /// The contrast WCAG AA asks of normal text.
    pub(super) const AA: f64 = 4.5;

    /// `theme` with every foreground moved towards black (light theme) or white (dark theme)
    /// just enough to reach [`AA`] on the theme's background; hues are kept.
    pub(super) fn readable(theme: &Theme) -> Theme {
        let mut theme = theme.clone();
        let background = theme.settings.background.unwrap_or(Color::WHITE);
        let fix = |colour: &mut Option<Color>| {
            if let Some(c) = colour {
                *c = strengthened(*c, background);
            }
        };
        fix(&mut theme.settings.foreground);
        for item in &mut theme.scopes {
            fix(&mut item.style.foreground);
        }
        theme
    }

    fn strengthened(colour: Color, background: Color) -> Color {
        let target = if luminance(background) > 0.5 {
            Color::BLACK
        } else {
            Color::WHITE
        };
        (0..=20)
            .map(|step| mix(colour, target, f64::from(step) / 20.0))
            .find(|c| ratio(*c, background) >= AA)
            .unwrap_or(target)
    }

    fn mix(from: Color, to: Color, amount: f64) -> Color {
        let channel =
            |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * amount).round() as u8;
        Color {
            r: channel(from.r, to.r),
            g: channel(from.g, to.g),
            b: channel(from.b, to.b),
            a: from.a,
        }
    }

    pub(super) fn luminance(c: Color) -> f64 {
        let linear = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
    }

    pub(super) fn ratio(a: Color, b: Color) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_gets_classed_spans_without_inline_style() {
        let html = code_block("rust", "fn main() { let x = 1; }\n", true);
        assert!(
            html.starts_with(
                "<pre class=\"hl-code\" tabindex=\"0\"><code class=\"language-rust\">"
            )
        );
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(html.contains("hl-keyword"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("no-such-lang", "a < b && c\n", true);
        assert_eq!(
            html,
            "<pre class=\"hl-code\" tabindex=\"0\"><code class=\"language-no-such-lang\">a &lt; b &amp;&amp; c\n</code></pre>\n"
        );
    }

    #[test]
    fn missing_language_is_plain_pre() {
        assert_eq!(
            code_block("", "$y$ <i>\n", true),
            "<pre tabindex=\"0\"><code>$y$ &lt;i&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn angle_brackets_in_highlighted_code_are_escaped() {
        let html = code_block("rust", "let v: Vec<u8> = vec![];\n", true);
        assert!(!html.contains("<u8>"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    #[test]
    fn dollars_stay_literal() {
        let html = code_block("python", "s = '$x$ and $$y$$'\n", true);
        assert!(html.contains("$x$ and $$y$$"), "{html}");
    }

    #[test]
    fn damaged_store_files_are_ignored() {
        let mut record = vec![7u8; 32];
        record.extend_from_slice(&3u64.to_le_bytes());
        record.extend_from_slice(b"abc");
        assert_eq!(
            decode(&record).map(|e| e[&[7u8; 32]].clone()).as_deref(),
            Some("abc")
        );
        assert!(decode(&record[..record.len() - 1]).is_none());
        record[32] = 0xff;
        assert!(decode(&record).is_none());
    }

    #[test]
    fn without_a_loaded_store_nothing_is_kept() {
        // No unit test loads the store, as `serve` never does: highlighting keeps nothing.
        assert!(code_block("rust", "fn kept_nowhere() {}\n", true).contains("hl-"));
    }

    #[test]
    fn switched_off_it_keeps_the_language_and_the_text() {
        let html = code_block("rust", "let x = 1 < 2;\n", false);
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-rust\">let x = 1 &lt; 2;\n</code></pre>\n"
        );
        let store = STORE.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(!store.open && store.entries.is_empty() && store.used.is_empty());
    }

    #[test]
    fn info_string_names_the_language() {
        assert_eq!(fence_language("rust,ignore"), "rust");
        assert_eq!(fence_language("python {.numberLines}"), "python");
        assert_eq!(fence_language(""), "");
    }

    #[test]
    fn shipped_stylesheet_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/highlight.css");
        let expected = stylesheet();
        if std::env::var_os("UPDATE_HIGHLIGHT_CSS").is_some() {
            std::fs::write(path, &expected).expect("static/ is writable");
        }
        let shipped = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            shipped == expected,
            "static/highlight.css is stale: run UPDATE_HIGHLIGHT_CSS=1 cargo test --lib highlight"
        );
        assert!(expected.contains(".hl-code"));
        assert!(expected.contains("@media (prefers-color-scheme: dark)"));
    }

    #[test]
    fn every_theme_colour_reaches_aa_contrast_on_its_background() {
        use syntect::highlighting::{Color, ThemeSet};
        let themes = ThemeSet::load_defaults();
        for name in ["InspiredGitHub", "base16-ocean.dark"] {
            let original = &themes.themes[name];
            let theme = contrast::readable(original);
            let background = theme.settings.background.unwrap_or(Color::WHITE);
            let colours = theme.scopes.iter().filter_map(|item| item.style.foreground);
            for colour in colours.chain(theme.settings.foreground) {
                let ratio = contrast::ratio(colour, background);
                assert!(ratio >= contrast::AA, "{name}: {colour:?} has {ratio:.2}");
            }
            // Colours that were readable already are left alone.
            let kept = original.scopes.iter().zip(&theme.scopes);
            assert!(
                kept.clone()
                    .any(|(a, b)| a.style.foreground == b.style.foreground)
            );
            assert!(
                kept.clone()
                    .any(|(a, b)| a.style.foreground != b.style.foreground),
                "{name}"
            );
        }
    }
}
