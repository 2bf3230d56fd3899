//! Property tests: generated input, biased toward what breaks parsers of TeX in Markdown, must
//! never panic, and what lemma reports about it must point inside it. The fuzz targets in
//! `fuzz/` run the same entry points for longer (see README, "Fuzzing").

use lemma::fuzzing;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

/// `n` cases per property (the whole set takes seconds in a debug build) from a fixed seed, so
/// `cargo test` is reproducible. `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override both, for a
/// longer or a different search.
fn cases(n: u32) -> Config {
    let from_env = Config::default();
    let set = |name: &str| std::env::var_os(name).is_some();
    Config {
        cases: if set("PROPTEST_CASES") {
            from_env.cases
        } else {
            n
        },
        rng_seed: if set("PROPTEST_RNG_SEED") {
            from_env.rng_seed
        } else {
            RngSeed::Fixed(0x1e55a)
        },
        failure_persistence: None,
        ..from_env
    }
}

/// Pieces of TeX-in-Markdown that have broken lemma or could: delimiters, commands, groups,
/// block syntax, characters wider than a byte.
const PIECES: &[&str] = &[
    "$",
    "$$",
    "\\",
    "{",
    "}",
    "\\{",
    "\\}",
    "\\\\",
    "\\label{",
    "\\tag{",
    "\\tag*{",
    "\\eqref{",
    "\\ref{",
    "\\newcommand{\\",
    "\\newcommand\\",
    "\\def\\",
    "#1",
    "[2]",
    "\\begin{align}",
    "\\end{align}",
    "\\begin{equation}",
    "\\end{equation}",
    "\\begin{eqnarray}",
    "\\nonumber",
    "\\href{",
    "\\text{",
    "&",
    "%",
    "，",
    "中",
    "α",
    "\u{3000}",
    "😀",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "    ",
    "\t",
    "> ",
    "- ",
    "1. ",
    "!!! note \"注\"\n    ",
    "```\n",
    "`",
    "*",
    "_",
    "=",
    "#",
    "<!--more-->",
    "[^1]",
    "[x](a.md#",
    "\0",
    "k",
    "x",
    "eq:a",
];

fn tex_soup(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => "[a-z0-9:]{1,3}",
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..max_pieces).prop_map(|pieces| pieces.concat())
}

/// Front matter lemma knows, with values of every shape, sometimes broken.
fn yamlish_front() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        proptest::sample::select(&lemma::KNOWN_KEYS[..]).prop_map(str::to_string),
        "[a-z ]{0,5}",
    ];
    let value = prop_oneof![
        Just("2024-03-17".to_string()),
        Just("2024-02-30 10:00".to_string()),
        Just("18446744073709551615".to_string()),
        Just("-1".to_string()),
        Just("[~, 1]".to_string()),
        Just("[a, [b]]".to_string()),
        Just("{macros: {\"\\\\R\": \"\\\\mathbb{R}\"}}".to_string()),
        Just("|\n  $x$ 与 $\\frac{1}{$\n".to_string()),
        Just("&a [*a, *a]".to_string()),
        Just("\"\\u0000\"".to_string()),
        tex_soup(6),
        "[^\n]{0,12}",
    ];
    proptest::collection::vec((key, value), 0..8).prop_map(|pairs| {
        let lines: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        format!("---\n{}\n---\n", lines.join("\n"))
    })
}

proptest! {
    #![proptest_config(cases(1000))]

    #[test]
    fn front_matter_of_any_text_parses_or_says_why(text in any::<String>()) {
        fuzzing::front_matter(&text);
    }

    #[test]
    fn generated_front_matter_parses_or_says_why(front in yamlish_front(), body in tex_soup(10)) {
        fuzzing::front_matter(&format!("{front}{body}"));
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    #[test]
    fn any_article_goes_through_markdown_and_math(
        front in prop_oneof![
            Just(String::new()),
            Just("---\ntitle: T\nsummary: \"$\\\\tag{1}\\\\label{s}$ $$\\\\eqref{s}\"\n---\n".to_string()),
            Just("---\nmath:\n  macros:\n    \"\\\\E\": \"\\\\mathbb{E}[#1]\"\n---\n".to_string()),
        ],
        body in tex_soup(48),
        katex_seed in any::<u32>(),
    ) {
        fuzzing::article(&format!("{front}{body}"), katex_seed);
    }

    #[test]
    fn numbering_maps_every_offset_back_into_the_formula(
        tex in tex_soup(32),
        display in any::<bool>(),
        first in 0usize..1000,
    ) {
        fuzzing::numbering(&tex, display, first);
    }
}

proptest! {
    #![proptest_config(cases(1500))]

    #[test]
    fn slugs_are_idempotent_and_plain(text in any::<String>()) {
        fuzzing::slug(&text);
    }

    #[test]
    fn permalinks_parse_and_expand_without_panic(
        pattern in "/?([a-z{}/.]|\\{id\\}|\\{slug\\}|\\{year\\}|\\{month\\}|\\{day\\}|[^\n]){0,12}",
        slug in any::<String>(),
        id in proptest::option::of(any::<u64>()),
        dated in any::<bool>(),
    ) {
        fuzzing::permalink(&pattern, &slug, id, dated);
    }

    #[test]
    fn output_paths_stay_inside_the_output(
        text in "(/|\\.|\\.\\.|%2e|[a-z]|\\\\|[?# %]|[\\x00-\\x1f]|中|[^\n]){0,16}",
    ) {
        fuzzing::site_path(&text);
    }
}
