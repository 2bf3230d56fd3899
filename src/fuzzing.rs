//! Entry points for the fuzz targets (`fuzz/`) and the property tests: arbitrary text through
//! the stages a build runs on an article, without files, KaTeX or output. Each function panics
//! when lemma does, or when an invariant of what it returned breaks; that is what both look for.
//!
//! KaTeX is replaced by a stub that renders some formulas and rejects the others at a position
//! the caller picks, so the mapping of KaTeX positions back to the author's source is exercised
//! as well as numbering, labels, references, macros and the placeholders.

use chrono::FixedOffset;

use crate::content::SourceFile;
use crate::content::frontmatter;
use crate::diagnostics::{Diagnostics, Position};
use crate::markdown::{LinkTargets, Mode};
use crate::math::engine::Failure;
use crate::math::store::Compressed;
use crate::math::{self, FormulaStore, numbering};
use crate::output::SitePath;
use crate::permalink::{Permalink, PermalinkFields, slugify};

/// The file name every fuzzed article has.
pub const PATH: &str = "content/a.md";

/// A file holding `text`, as the content stage would read it.
pub fn source_file(text: &str) -> SourceFile {
    SourceFile::new(PATH.into(), "a.md".into(), text.into())
}

fn timezone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("a valid offset")
}

/// `text` as an article file through front matter parsing.
pub fn front_matter(text: &str) {
    let file = source_file(text);
    let mut diagnostics = Diagnostics::new();
    let parsed = frontmatter::parse(&file, timezone(), &mut diagnostics);
    match parsed {
        Some(parsed) => assert!(file.text.is_char_boundary(parsed.body_offset)),
        None => assert!(
            diagnostics.has_errors(),
            "front matter refused without an error"
        ),
    }
    assert_inside(&file.text, &diagnostics);
}

/// `text` as an article file through front matter, Markdown and math. Formula `i` is rejected
/// by the stub KaTeX when `i` is odd, at a position derived from `katex_seed`.
pub fn article(text: &str, katex_seed: u32) {
    let file = source_file(text);
    let mut diagnostics = Diagnostics::new();
    let parsed = frontmatter::parse(&file, timezone(), &mut diagnostics);
    let Some(parsed) = parsed else {
        return assert_inside(&file.text, &diagnostics);
    };
    let targets = LinkTargets {
        base_path: "/".into(),
        ..LinkTargets::default()
    };
    let site_math = crate::config::MathConfig {
        macros: [("\\RR".to_string(), "\\mathbb{R}".to_string())].into(),
        ..Default::default()
    };
    let site = crate::pipeline::SiteMarkdown {
        math: &site_math,
        kramdown_inline_math: katex_seed % 2 == 0,
        highlight: true,
    };
    let (body, summary_html, math) = crate::pipeline::markdown_and_math(
        &file,
        &parsed,
        "/a/",
        &targets,
        &site,
        &mut diagnostics,
    );
    let store = stub_katex(&math, katex_seed);
    math::report_failures(&file, &math, &store, &mut diagnostics);
    assert_inside(&file.text, &diagnostics);
    let page = math::stitch(&body.html, &math, &store, Mode::Page, "/a/");
    // Every placeholder was replaced, and no author's text passed for one.
    assert!(!page.contains('\0'), "a NUL in the page: {page:?}");
    if let Some(excerpt) = summary_html.as_ref().or(body.excerpt.as_ref()) {
        let excerpt = math::stitch(excerpt, &math, &store, Mode::Excerpt, "/a/");
        assert!(!excerpt.contains('\0'), "a NUL in the excerpt: {excerpt:?}");
    }
}

/// `tex` as one formula through numbering; every offset it reports lies in `tex`.
pub fn numbering(tex: &str, display: bool, first_number: usize) {
    let mut next = first_number;
    let numbered = numbering::number(tex, display, &mut next);
    assert!(next >= first_number);
    for edited in 0..=numbered.tex.len() {
        assert!(numbered.map.to_original(edited) <= tex.len());
    }
    for label in &numbered.labels {
        assert!(tex[label.offset..].starts_with("\\label"));
        assert!(label.key.chars().all(numbering::is_label_char), "{label:?}");
    }
    for (offset, _) in &numbered.problems {
        assert!(tex.is_char_boundary(*offset));
    }
}

/// A slug is made of letters, digits, `_` and `-`, and slugifying it again changes nothing.
pub fn slug(text: &str) {
    let slug = slugify(text);
    assert_eq!(
        slugify(&slug),
        slug,
        "slugify is not idempotent on {text:?}"
    );
    assert!(
        slug.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-'),
        "{slug:?}"
    );
    assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug:?}");
}

/// A permalink `pattern` checked, then filled in for an article with `slug`.
pub fn permalink(pattern: &str, slug: &str, id: Option<u64>, dated: bool) {
    let Ok(permalink) = Permalink::parse(pattern) else {
        return;
    };
    let fields = PermalinkFields {
        id,
        slug,
        date: dated.then(|| ("2024".to_string(), "03".to_string(), "07".to_string())),
        title: slug,
        categories: slug.to_string(),
        section: slug,
        filename: slug,
    };
    if let Ok(path) = permalink.expand(&fields) {
        assert_contained(&path);
    }
}

/// `text` as an output path, the way slugs, aliases and file names become one.
pub fn site_path(text: &str) {
    for path in [SitePath::parse(text), SitePath::page(text)]
        .into_iter()
        .flatten()
    {
        assert_contained(&path);
    }
}

/// What a [`SitePath`] promises: it names a place inside the output, is normalised (parsing it
/// again gives it back), and its URL decodes to it.
fn assert_contained(path: &SitePath) {
    let text = path.as_str();
    assert!(!text.starts_with('/') && !text.contains("//"), "{text:?}");
    assert!(
        text.split('/')
            .all(|segment| segment != ".." && segment != "."),
        "{text:?}"
    );
    assert!(
        !text.contains('\\') && !text.chars().any(char::is_control),
        "{text:?}"
    );
    assert_eq!(SitePath::parse(text).as_ref(), Ok(path));
    let output = std::path::Path::new("/output");
    let file = path.file().under(output);
    assert!(
        file.starts_with(output) && file != output,
        "{text:?} → {}",
        file.display()
    );
    let url = path.url();
    let decoded = percent_encoding::percent_decode_str(&url).decode_utf8_lossy();
    assert_eq!(decoded, text, "{url}");
    assert!(!url.contains(['?', '#', ' ', '"']), "{url}");
}

fn stub_katex(math: &math::ArticleMath, seed: u32) -> FormulaStore {
    let mut store = FormulaStore::default();
    let jobs = math.formulas.iter().filter_map(|f| f.job.as_ref());
    for (i, job) in jobs.enumerate() {
        let result = if i % 2 == 0 {
            Ok(Compressed::new("<span class=\"katex\">x</span>"))
        } else {
            // KaTeX positions count UTF-16 units and may point one past the end.
            let units = job.tex.encode_utf16().count();
            let position = (!seed.is_multiple_of(5)).then(|| seed as usize % (units + 2));
            Err(Failure {
                message: "stub".into(),
                position,
            })
        };
        store.insert(job.key, result);
    }
    store
}

/// Every diagnostic names a line of `text` and a column on it (or the whole file, line 0).
fn assert_inside(text: &str, diagnostics: &Diagnostics) {
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diagnostics {
        assert_eq!(d.path, PATH);
        let Position { line, column } = d.position;
        if line == 0 {
            continue;
        }
        let width = lines.get(line - 1).map(|l| l.chars().count());
        let width = width.unwrap_or_else(|| panic!("line {line} of {}: {d}", lines.len()));
        assert!(
            (1..=width + 1).contains(&column),
            "column {column} of {width}: {d}"
        );
    }
}
