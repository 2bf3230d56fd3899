//! Permalinks: patterns such as `/archives/{id}/`, the slugs that fill them, and the stage
//! that gives every article its page and its aliases' pages (or an error at the line that
//! keeps it from having one).

use std::collections::BTreeMap;

use crate::content::SourceFile;
use crate::content::frontmatter::{FrontMatter, dated_file_name};
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::output::{PathError, SitePath};

/// Where an article is published: its page, and the pages that redirect to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Placement {
    pub path: SitePath,
    pub aliases: Vec<SitePath>,
}

/// Places each article, in order: `None` for one whose permalink cannot be a page or is
/// another article's (the error is reported at its slug or id line). An alias that cannot be a
/// page is left out, with an error at its line.
pub(crate) fn place_all<'a>(
    pattern: &Permalink,
    articles: impl IntoIterator<Item = (&'a SourceFile, &'a FrontMatter)>,
    diagnostics: &mut Diagnostics,
) -> Vec<Option<Placement>> {
    let mut taken: BTreeMap<SitePath, (&str, usize)> = BTreeMap::new();
    let mut placed = Vec::new();
    for (file, front) in articles {
        let line = front.page_line().unwrap_or(1);
        let error = |message: String| {
            Diagnostic::error(&file.path, Position::line_start(line), message)
                .with_snippet(&file.text)
        };
        let path = match own_or_pattern_path(pattern, file, front) {
            Ok(path) => match taken.get(&path) {
                Some((other, other_line)) => {
                    let message =
                        format!("permalink /{path} is already used by {other}:{other_line}");
                    diagnostics.push(error(message));
                    None
                }
                None => {
                    taken.insert(path.clone(), (&file.path, line));
                    Some(path)
                }
            },
            Err(message) => {
                diagnostics.push(error(message));
                None
            }
        };
        let aliases = alias_paths(file, front, diagnostics);
        placed.push(path.map(|path| Placement { path, aliases }));
    }
    placed
}

/// The article's own `permalink:` (Jekyll, Hexo) when it has one, else the site's pattern.
fn own_or_pattern_path(
    pattern: &Permalink,
    file: &SourceFile,
    front: &FrontMatter,
) -> Result<SitePath, String> {
    match &front.permalink {
        Some(own) => alias_path(&own.value).map_err(|e| {
            format!(
                "`permalink: {}` cannot be a page of the site: {e}",
                own.value
            )
        }),
        None => expand_for(pattern, file, front),
    }
}

fn expand_for(
    pattern: &Permalink,
    file: &SourceFile,
    front: &FrontMatter,
) -> Result<SitePath, String> {
    let slug = front
        .slug
        .as_ref()
        .map(|s| s.value.clone())
        .unwrap_or_else(|| default_slug(&file.content_path));
    let date = front.date.map(|d| {
        (
            d.format("%Y").to_string(),
            d.format("%m").to_string(),
            d.format("%d").to_string(),
        )
    });
    let stem = file_stem(&file.content_path);
    let title = match &front.slug {
        Some(slug) => slug.value.as_str(),
        None => dated_file_name(&file.content_path).map_or(stem, |(_, name)| name),
    };
    // Jekyll's `:categories`: every category a folder, in lower case.
    let categories: Vec<String> = front
        .categories
        .iter()
        .flat_map(|c| c.value.iter())
        .map(|name| slugify(name))
        .filter(|s| !s.is_empty())
        .collect();
    let section = file
        .content_path
        .split_once('/')
        .map_or("", |(first, _)| first);
    let fields = PermalinkFields {
        id: front.id.as_ref().map(|id| id.value),
        slug: &slug,
        date,
        title,
        categories: categories.join("/"),
        section,
        filename: stem,
    };
    pattern.expand(&fields)
}

/// The file's name without `.md`.
fn file_stem(content_path: &str) -> &str {
    let name = content_path.rsplit('/').next().unwrap_or(content_path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// The slug when the front matter gives none: the content path without `.md`
/// (`algebra/fft.md` → `algebra/fft`), so articles in different folders never collide.
fn default_slug(content_path: &str) -> String {
    // A Jekyll post's name is its slug, as Jekyll reads it: `_posts/2022-10-09-fft.md` → `fft`.
    if let Some((_, name)) = dated_file_name(content_path) {
        return slugify(name);
    }
    let stem = content_path.strip_suffix(".md").unwrap_or(content_path);
    let stem = stem
        .strip_suffix("/index")
        .or_else(|| stem.strip_suffix("/README"))
        .unwrap_or(stem);
    stem.split('/')
        .map(slugify)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// The redirect pages of an article's `aliases`.
fn alias_paths(
    file: &SourceFile,
    front: &FrontMatter,
    diagnostics: &mut Diagnostics,
) -> Vec<SitePath> {
    let mut paths = Vec::new();
    for alias in &front.aliases {
        match alias_path(&alias.value) {
            Ok(path) => paths.push(path),
            Err(e) => diagnostics.push(
                Diagnostic::error(
                    &file.path,
                    alias.position,
                    format!("alias `{}` cannot be a page of the site: {e}", alias.value),
                )
                .with_snippet(&file.text),
            ),
        }
    }
    paths
}

/// `/archives/old-1/` → `archives/old-1/`; `old.html` stays a file. An alias is a URL the web
/// already holds, so percent-escapes are decoded first (and `%2e%2e` is still `..`).
pub(crate) fn alias_path(alias: &str) -> Result<SitePath, PathError> {
    let decoded = percent_encoding::percent_decode_str(alias.trim()).decode_utf8_lossy();
    SitePath::page(&decoded)
}

/// A checked permalink pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permalink {
    pattern: String,
}

/// What an article offers to fill a pattern's placeholders.
#[derive(Debug, Clone)]
pub(crate) struct PermalinkFields<'a> {
    pub id: Option<u64>,
    pub slug: &'a str,
    /// `(year, month, day)`, zero-padded; `None` for an undated article.
    pub date: Option<(String, String, String)>,
    /// Jekyll's and Hexo's `:title`: the `slug:`, else the file name without its date.
    pub title: &'a str,
    /// Jekyll's `:categories`: the categories' slugs as folders, `math/notes`; may be empty.
    pub categories: String,
    /// Hugo's `:section`: the first folder under `content/`; may be empty.
    pub section: &'a str,
    /// Hugo's `:filename`: the file name without `.md`.
    pub filename: &'a str,
}

const PLACEHOLDERS: [&str; 9] = [
    "id",
    "slug",
    "year",
    "month",
    "day",
    "title",
    "categories",
    "section",
    "filename",
];

/// The placeholders that tell articles apart; a pattern needs one.
const DISTINCT: [&str; 4] = ["{id}", "{slug}", "{title}", "{filename}"];

/// Jekyll's and Hexo's spelling of a pattern, `:year/:month/:day/:title/`, in lemma's:
/// `/{year}/{month}/{day}/{title}/`.
fn from_colon_spelling(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    if pattern.starts_with(':') {
        out.push('/');
    }
    let mut rest = pattern;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let name_len = after
            .find(|c: char| !c.is_ascii_lowercase())
            .unwrap_or(after.len());
        let name = &after[..name_len];
        if PLACEHOLDERS.contains(&name) {
            out.push_str(&format!("{{{name}}}"));
        } else {
            out.push(':');
            out.push_str(name);
        }
        rest = &after[name_len..];
    }
    out.push_str(rest);
    out
}

impl Permalink {
    pub(crate) fn parse(written: &str) -> Result<Permalink, String> {
        let pattern = from_colon_spelling(written);
        let pattern = pattern.as_str();
        if !pattern.starts_with('/') {
            return Err(format!("`permalink` must start with `/`: {pattern}"));
        }
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in permalink `{pattern}`"))?;
            let name = &rest[open + 1..open + close];
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!(
                    "unknown placeholder `{{{name}}}` in permalink `{pattern}` (known: {{id}} {{slug}} {{year}} {{month}} {{day}} {{title}} {{categories}} {{section}} {{filename}})"
                ));
            }
            rest = &rest[open + close + 1..];
        }
        let example = PLACEHOLDERS.iter().fold(pattern.to_string(), |p, name| {
            p.replace(&format!("{{{name}}}"), "x")
        });
        if let Err(e) = SitePath::parse(&example) {
            return Err(format!("permalink `{pattern}`: {e}"));
        }
        if !DISTINCT.iter().any(|p| pattern.contains(p)) {
            return Err(format!(
                "permalink `{pattern}` needs {{id}}, {{slug}}, {{title}} or {{filename}} to tell articles apart"
            ));
        }
        Ok(Permalink {
            pattern: pattern.to_string(),
        })
    }

    /// The article's page, ending in `/` for directory URLs. An `{id}` without an id falls
    /// back to the slug. A slug that would lead outside the site (`../x`) is refused.
    pub(crate) fn expand(&self, fields: &PermalinkFields) -> Result<SitePath, String> {
        let mut out = self.pattern.clone();
        let id = fields
            .id
            .map_or_else(|| fields.slug.to_string(), |id| id.to_string());
        out = out
            .replace("{id}", &id)
            .replace("{slug}", fields.slug)
            .replace("{title}", fields.title)
            .replace("{filename}", fields.filename)
            .replace("{categories}", &fields.categories)
            .replace("{section}", fields.section);
        if out.contains("{year}") || out.contains("{month}") || out.contains("{day}") {
            let (year, month, day) = fields
                .date
                .clone()
                .ok_or("the permalink needs a date, but the article has no `date`")?;
            out = out
                .replace("{year}", &year)
                .replace("{month}", &month)
                .replace("{day}", &day);
        }
        // An empty `{categories}` or `{section}` leaves no empty folder, as in Jekyll.
        while out.contains("//") {
            out = out.replace("//", "/");
        }
        SitePath::page(&out).map_err(|e| format!("the permalink `{out}` cannot be published: {e}"))
    }
}

/// A URL-safe slug that keeps CJK and other letters: `生成扩散模型 漫谈!` → `生成扩散模型-漫谈`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.push(c);
        } else if (c.is_whitespace() || c == '/' || c == '.') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(id: Option<u64>) -> PermalinkFields<'static> {
        PermalinkFields {
            id,
            slug: "intro",
            date: Some(("2024".into(), "03".into(), "07".into())),
            title: "Intro",
            categories: "math/notes".into(),
            section: "posts",
            filename: "2024-03-07-Intro",
        }
    }

    fn undated(slug: &'static str) -> PermalinkFields<'static> {
        PermalinkFields {
            date: None,
            slug,
            categories: String::new(),
            ..fields(None)
        }
    }

    #[test]
    fn the_schemes_of_jekyll_hexo_and_hugo_expand() {
        let jekyll = Permalink::parse("/:categories/:year/:month/:day/:title.html").unwrap();
        assert_eq!(
            jekyll.expand(&fields(None)).unwrap().as_str(),
            "math/notes/2024/03/07/Intro.html"
        );
        let no_categories = PermalinkFields {
            categories: String::new(),
            ..fields(None)
        };
        assert_eq!(
            jekyll.expand(&no_categories).unwrap().as_str(),
            "2024/03/07/Intro.html"
        );
        let hexo = Permalink::parse(":year/:month/:day/:title/").unwrap();
        assert_eq!(
            hexo.expand(&fields(None)).unwrap().as_str(),
            "2024/03/07/Intro/"
        );
        let hugo = Permalink::parse("/{section}/{filename}/").unwrap();
        assert_eq!(
            hugo.expand(&fields(None)).unwrap().as_str(),
            "posts/2024-03-07-Intro/"
        );
        assert!(Permalink::parse("/:year/:month/").is_err());
    }

    #[test]
    fn expands_placeholders_into_a_directory_path() {
        let p = Permalink::parse("/{year}/{month}/{day}/{slug}").unwrap();
        assert_eq!(
            p.expand(&fields(None)).unwrap().as_str(),
            "2024/03/07/intro/"
        );
    }

    #[test]
    fn id_falls_back_to_slug() {
        let p = Permalink::parse("/archives/{id}/").unwrap();
        assert_eq!(
            p.expand(&fields(Some(42))).unwrap().as_str(),
            "archives/42/"
        );
        assert_eq!(p.expand(&fields(None)).unwrap().as_str(), "archives/intro/");
    }

    #[test]
    fn rejects_unknown_placeholders() {
        assert!(Permalink::parse("/{name}/").unwrap_err().contains("{name}"));
    }

    #[test]
    fn date_placeholders_need_a_date() {
        let p = Permalink::parse("/{year}/{slug}/").unwrap();
        assert!(p.expand(&undated("x")).is_err());
    }

    #[test]
    fn patterns_and_slugs_cannot_leave_the_site() {
        assert!(Permalink::parse("/../../x-{id}/").is_err());
        assert!(Permalink::parse("/a\\{id}/").is_err());
        let p = Permalink::parse("/{slug}/").unwrap();
        assert!(p.expand(&undated("../../x")).unwrap_err().contains(".."));
    }

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(slugify("生成扩散模型 漫谈!"), "生成扩散模型-漫谈");
        assert_eq!(slugify("Hello, World"), "hello-world");
    }
}
