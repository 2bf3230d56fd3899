//! Real archives written by others (`../shared/corpus/`): MkDocs-flavoured Chinese articles
//! without front matter, and English articles with front matter but no dates. lemma must get
//! through them without a panic, render every formula KaTeX can render, and turn everything it
//! cannot handle into diagnostics. Absent fixtures make these tests print why and pass.

use std::path::{Path, PathBuf};

use lemma::BuildOptions;
use lemma::Config;
use lemma::Discard;

fn corpus(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("LEMMA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
        .join("corpus")
        .join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: {} is absent (set LEMMA_SHARED to the shared folder to run this test)",
            dir.display()
        );
        None
    }
}

/// A site whose `content/` is a copy of `articles`.
fn site_from(articles: &Path) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_tree(articles, &site.path().join("content"));
    std::fs::write(
        site.path().join("lemma.yaml"),
        "title: corpus\nbase_url: https://example.org/\n",
    )
    .unwrap();
    site
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Sum of the formula columns of the corpus's formula-counts.tsv (`$`/`$$` ones only).
fn expected_formulas(corpus: &Path) -> usize {
    let table = std::fs::read_to_string(corpus.join("formula-counts.tsv")).unwrap();
    table
        .lines()
        .skip(1)
        .map(|line| {
            line.split('\t')
                .skip(1)
                .take(2)
                .map(|n| n.parse::<usize>().unwrap())
                .sum::<usize>()
        })
        .sum()
}

fn build(site: &Path) -> lemma::Build {
    let config = Config::load(site, None).unwrap();
    lemma::build(&config, &BuildOptions::default(), &Discard)
}

#[test]
fn oi_wiki_renders_every_formula() {
    let Some(corpus) = corpus("oi-wiki") else {
        return;
    };
    let site = site_from(&corpus.join("docs"));
    let build = build(site.path());
    let katex_errors: Vec<String> = build
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("KaTeX"))
        .map(|d| d.to_string())
        .collect();
    assert!(katex_errors.is_empty(), "{katex_errors:#?}");
    // Two formulas of string/sa-optimal-inplace.md (lines 96, 98) sit in an indented code block
    // by CommonMark's rules, so they are shown as code; every other formula is rendered.
    assert_eq!(build.stats.formulas, expected_formulas(&corpus) - 2);
    assert_eq!(build.stats.articles, 300);
    println!(
        "oi-wiki: {} errors, {} warnings",
        build.diagnostics.error_count(),
        build.diagnostics.warning_count()
    );
}

#[test]
fn cp_algorithms_gets_through_with_diagnostics() {
    let Some(corpus) = corpus("cp-algorithms") else {
        return;
    };
    let site = site_from(&corpus.join("src"));
    let build = build(site.path());
    assert_eq!(build.stats.articles, 100);
    // formula-counts.tsv counts `$` pairs in raw HTML blocks too (`<div>…$p$…</div>`), which
    // CommonMark passes through as raw HTML; there are a handful.
    let expected = expected_formulas(&corpus);
    assert!(
        build.stats.formulas * 1000 >= expected * 995,
        "{} of {expected} formulas",
        build.stats.formulas
    );
    // Every problem is a one-line diagnostic pinned to a real file and line.
    for d in build.diagnostics.iter() {
        assert!(d.path.starts_with("content/") && d.position.line > 0, "{d}");
        assert!(!d.message.contains('\n'), "{d}");
    }
    println!(
        "cp-algorithms: {} errors, {} warnings",
        build.diagnostics.error_count(),
        build.diagnostics.warning_count()
    );
}
