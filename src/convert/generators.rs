//! Hexo, Hugo and Jekyll folders converted to lemma's: posts with their front matter in
//! lemma's keys, cross-link tags as relative `.md` links, the old URLs as `aliases`, and the
//! images and other files copied.
//!
//! | source | posts | drafts | copied to `static/` |
//! |---|---|---|---|
//! | Hexo | `source/_posts/` → `content/posts/` | `source/_drafts/` → `content/drafts/` | the rest of `source/` |
//! | Jekyll | `_posts/` → `content/posts/` | `_drafts/` → `content/drafts/` | folders not starting with `_` or `.` |
//! | Hugo | `content/` → `content/` | (`draft: true`) | `static/` |
//!
//! Files beside the posts (Hexo's asset folders, Hugo's page bundles) go along with them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Front, Import};
use crate::content::SourceFile;
use crate::content::frontmatter::{self, Located, PEER_KEYS, RawEntries, dated_file_name};
use crate::diagnostics::{Diagnostic, LineIndex, Position};
use crate::markdown::tags::rewrite_relative;
use crate::markdown::{LinkTarget, LinkTargets};
use crate::permalink::slugify;

/// The generator an archive was written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generator {
    Hexo,
    Hugo,
    Jekyll,
}

/// Where a generator keeps posts: (folder in the source, folder in `content/`, drafts?).
fn post_folders(generator: Generator) -> &'static [(&'static str, &'static str, bool)] {
    match generator {
        Generator::Hexo => &[
            ("source/_posts", "posts", false),
            ("source/_drafts", "drafts", true),
        ],
        Generator::Jekyll => &[("_posts", "posts", false), ("_drafts", "drafts", true)],
        Generator::Hugo => &[("content", "", false)],
    }
}

/// One post found in the source.
struct Post {
    /// Relative to the source folder, for the report: `_posts/2022-10-09-fft.md`.
    shown: String,
    /// Relative to its posts folder: `2022-10-09-fft.md`, `sub/a.md`.
    within: String,
    /// Its content path in lemma: `posts/2022-10-09-fft.md`.
    content_path: String,
    draft: bool,
    file: SourceFile,
}

/// Converts the archive in `dir`.
pub(crate) fn import(generator: Generator, dir: &Path) -> Import {
    let mut import = Import::default();
    let mut posts = Vec::new();
    for &(from, to, draft) in post_folders(generator) {
        collect_posts(dir, from, to, draft, &mut posts, &mut import);
    }
    copy_static(generator, dir, &mut import);
    let scheme = OldScheme::read(generator, dir);
    let raws: Vec<Option<RawEntries>> = posts
        .iter()
        .map(|post| {
            frontmatter::raw_entries(&post.file)
                .map_err(|problem| import.problems.push(problem))
                .ok()
        })
        .collect();
    let targets = link_targets(&posts, &raws);
    let mut ignored: BTreeMap<String, (usize, String, Position)> = BTreeMap::new();
    for (post, raw) in posts.iter().zip(&raws) {
        let Some(raw) = raw else { continue };
        let text = convert_post(
            generator,
            &scheme,
            post,
            raw,
            &targets,
            &mut import,
            &mut ignored,
        );
        import.add_article(format!("content/{}", post.content_path), text);
    }
    for (key, (count, path, position)) in ignored {
        let message = format!(
            "`{key}` in {count} post(s) is not converted: lemma has no use for it (first here)"
        );
        import
            .problems
            .push(Diagnostic::warning(path, position, message));
    }
    import.files.sort_by(|a, b| a.path.cmp(&b.path));
    import
}

fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "markdown")
    )
}

fn relative(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// The posts of `dir/from`, and the files beside them (copied along).
fn collect_posts(
    dir: &Path,
    from: &str,
    to: &str,
    draft: bool,
    posts: &mut Vec<Post>,
    import: &mut Import,
) {
    let root = dir.join(from);
    let join = |within: &str| match to {
        "" => within.to_string(),
        to => format!("{to}/{within}"),
    };
    for entry in WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let within = relative(&root, path);
        let shown = relative(dir, path);
        if !is_markdown(path) {
            import.add_copy(format!("content/{}", join(&within)), path.to_path_buf());
            continue;
        }
        if path.file_name().is_some_and(|n| n == "_index.md") {
            let message = "a Hugo section page is not converted: lemma makes its own listings; copy its text by hand if it says more";
            import
                .problems
                .push(Diagnostic::warning(&shown, Position::WHOLE_FILE, message));
            continue;
        }
        let within = match within.strip_suffix(".markdown") {
            Some(stem) => format!("{stem}.md"),
            None => within,
        };
        match SourceFile::read(path, shown.clone(), within.clone()) {
            Ok(file) => posts.push(Post {
                shown,
                content_path: join(&within),
                within,
                draft,
                file,
            }),
            Err(problem) => import.problems.push(problem),
        }
    }
}

/// Files outside the posts that the site serves (images, downloads) go to `static/`; pages
/// written in Markdown are reported, not converted.
fn copy_static(generator: Generator, dir: &Path, import: &mut Import) {
    let (root, skip): (PathBuf, &[&str]) = match generator {
        Generator::Hexo => (dir.join("source"), &["_posts", "_drafts"]),
        Generator::Hugo => (dir.join("static"), &[]),
        Generator::Jekyll => (dir.to_path_buf(), &["vendor", "node_modules"]),
    };
    let walk = WalkDir::new(&root).sort_by_file_name().into_iter();
    let entries = walk.filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        let top = e.depth() == 1;
        let hidden =
            name.starts_with('.') || (generator != Generator::Hugo && name.starts_with('_'));
        e.depth() == 0 || !(hidden || (top && skip.contains(&name.as_ref())))
    });
    for entry in entries.flatten() {
        let path = entry.path();
        // Jekyll keeps its own files at the top of the site.
        let top_level_file = generator == Generator::Jekyll && entry.depth() == 1;
        if !entry.file_type().is_file() || top_level_file && !is_markdown(path) {
            continue;
        }
        let shown = relative(dir, path);
        if is_markdown(path) || path.extension().is_some_and(|e| e == "html") {
            let message = "a page, not a post: not converted (add it to content/ by hand, with a `permalink:` for its old URL)";
            import
                .problems
                .push(Diagnostic::warning(&shown, Position::WHOLE_FILE, message));
            continue;
        }
        import.add_copy(
            format!("static/{}", relative(&root, path)),
            path.to_path_buf(),
        );
    }
}

/// Where each post will be, and its title, for the cross-link tags.
fn link_targets(posts: &[Post], raws: &[Option<RawEntries>]) -> LinkTargets {
    let mut targets = LinkTargets {
        base_path: "/".into(),
        ..LinkTargets::default()
    };
    for (index, post) in posts.iter().enumerate() {
        let target = LinkTarget {
            index,
            url: String::new(),
        };
        targets.articles.insert(post.content_path.clone(), target);
        let name = post.within.rsplit('/').next().unwrap_or(&post.within);
        let stem = name.strip_suffix(".md").unwrap_or(name).to_string();
        targets
            .names
            .entry(stem)
            .or_insert(post.content_path.clone());
        let title = raws[index].as_ref().and_then(|raw| {
            let (_, value) = raw.entries.iter().find(|(key, _)| key.value == "title")?;
            text_of(value)
        });
        if let Some(title) = title {
            targets.titles.insert(post.content_path.clone(), title);
        }
    }
    targets
}

/// One post in lemma's words.
fn convert_post(
    generator: Generator,
    scheme: &OldScheme,
    post: &Post,
    raw: &RawEntries,
    targets: &LinkTargets,
    import: &mut Import,
    ignored: &mut BTreeMap<String, (usize, String, Position)>,
) -> String {
    let mut front = normalise(generator, post, raw, ignored);
    front.draft |= post.draft;
    if let Some(old) = scheme.old_url(post, raw, &front) {
        if !front.aliases.contains(&old) {
            front.aliases.insert(0, old);
        }
    }
    let body = &post.file.text[raw.body_offset..];
    let (body, problems) = rewrite_relative(body, &post.content_path, targets);
    let lines = LineIndex::new(&post.file.text);
    for (offset, message) in problems {
        let at = lines.position(&post.file.text, raw.body_offset + offset);
        let d = Diagnostic::warning(&post.shown, at, message);
        import.problems.push(d.with_snippet(&post.file.text));
    }
    format!("{}{body}", front.to_yaml())
}

/// The value as text: strings as they are, numbers and dates as written.
fn text_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `tags:` or `categories:` as paths of names. A string is one name (Jekyll: several, split
/// on spaces); Hexo reads a flat list as one path.
fn terms_of(generator: Generator, value: &serde_json::Value, categories: bool) -> Vec<Vec<String>> {
    use serde_json::Value;
    let names = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(items) => items.iter().filter_map(text_of).collect(),
            other => text_of(other).into_iter().collect(),
        }
    };
    match value {
        Value::String(s) if generator == Generator::Jekyll => {
            s.split_whitespace().map(|w| vec![w.to_string()]).collect()
        }
        Value::Array(items) if categories && generator == Generator::Hexo => {
            let nested = items.iter().any(Value::is_array);
            match nested {
                true => items.iter().map(names).collect(),
                false if items.is_empty() => Vec::new(),
                false => vec![names(value)],
            }
        }
        Value::Array(items) => items.iter().filter_map(text_of).map(|n| vec![n]).collect(),
        other => text_of(other).map(|n| vec![n]).into_iter().collect(),
    }
}

/// The source's keys in lemma's; keys lemma has no use for are counted in `ignored`, and
/// any other key is kept under `extra`.
fn normalise(
    generator: Generator,
    post: &Post,
    raw: &RawEntries,
    ignored: &mut BTreeMap<String, (usize, String, Position)>,
) -> Front {
    let mut front = Front::default();
    for (key, value) in &raw.entries {
        if !read_key(generator, &mut front, &key.value, value) {
            note_ignored(key, &post.shown, &mut front, value, ignored);
        }
    }
    if let Some((day, name)) = dated_file_name(&post.within) {
        front.date.get_or_insert_with(|| day.to_string());
        front.slug.get_or_insert_with(|| name.to_string());
    }
    front
}

/// Reads one key into `front`; `false` when lemma has no key for it.
fn read_key(generator: Generator, front: &mut Front, key: &str, value: &serde_json::Value) -> bool {
    let text = || text_of(value);
    let off = value.as_bool() == Some(false) || value.as_str() == Some("false");
    match key {
        "title" => front.title = text(),
        "author" => front.author = text(),
        "toc" => front.toc = value.as_bool(),
        "date" => front.date = text(),
        "updated" | "lastmod" | "last_modified_at" => front.updated = text(),
        "id" => front.id = value.as_u64(),
        "slug" => front.slug = text(),
        "categories" | "category" => front.categories = terms_of(generator, value, true),
        "tags" => {
            front.tags = terms_of(generator, value, false)
                .into_iter()
                .flatten()
                .collect()
        }
        "series" => front.series = text(),
        "draft" => front.draft = value.as_bool() == Some(true),
        "published" => front.draft |= off,
        "summary" | "excerpt" => front.summary = text(),
        "aliases" | "redirect_from" => {
            let aliases = terms_of(Generator::Hugo, value, false)
                .into_iter()
                .flatten();
            front.aliases.extend(aliases);
        }
        "math" | "mathjax" | "katex" | "use_math" => front.math_off |= off,
        "excerpt_separator" => front.excerpt_separator = text(),
        // The old URL: an alias (see `OldScheme::old_url`).
        "permalink" | "url" => {}
        _ => return false,
    }
    true
}

fn note_ignored(
    key: &Located<String>,
    shown: &str,
    front: &mut Front,
    value: &serde_json::Value,
    ignored: &mut BTreeMap<String, (usize, String, Position)>,
) {
    if PEER_KEYS.contains(&key.value.as_str()) {
        let entry = ignored
            .entry(key.value.clone())
            .or_insert_with(|| (0, shown.to_string(), key.position));
        entry.0 += 1;
    } else {
        front.extra.insert(key.value.clone(), value.clone());
    }
}

/// The source site's URL scheme, to keep old URLs as aliases.
struct OldScheme {
    generator: Generator,
    /// The pattern in the generator's spelling (`:year/:month/:title/`); for Hugo, per section.
    patterns: BTreeMap<String, String>,
}

impl OldScheme {
    fn read(generator: Generator, dir: &Path) -> OldScheme {
        let mut patterns = BTreeMap::new();
        match generator {
            Generator::Hexo => {
                let written = yaml_config_key(&dir.join("_config.yml"), "permalink");
                let pattern = written.unwrap_or_else(|| ":year/:month/:day/:title/".into());
                patterns.insert(String::new(), pattern);
            }
            Generator::Jekyll => {
                let written = yaml_config_key(&dir.join("_config.yml"), "permalink");
                let pattern = match written.as_deref().unwrap_or("date") {
                    "date" => "/:categories/:year/:month/:day/:title.html",
                    "pretty" => "/:categories/:year/:month/:day/:title/",
                    "ordinal" => "/:categories/:year/:y_day/:title.html",
                    "none" => "/:categories/:title.html",
                    other => other,
                };
                patterns.insert(String::new(), pattern.to_string());
            }
            Generator::Hugo => patterns = hugo_permalinks(dir),
        }
        OldScheme {
            generator,
            patterns,
        }
    }

    /// The URL the post had: its own `permalink:`/`url:`, else the scheme's.
    fn old_url(&self, post: &Post, raw: &RawEntries, front: &Front) -> Option<String> {
        let own = raw
            .entries
            .iter()
            .find(|(key, _)| key.value == "permalink" || key.value == "url")
            .and_then(|(_, value)| text_of(value));
        if let Some(own) = own {
            return Some(own);
        }
        let section = post.content_path.split_once('/').map_or("", |(s, _)| s);
        let pattern = match self.generator {
            Generator::Hugo => match self.patterns.get(section) {
                Some(pattern) => pattern.clone(),
                None => return Some(hugo_default_url(post, front)),
            },
            _ => self.patterns.get("")?.clone(),
        };
        Some(expand(&pattern, &self.values(post, front, section)))
    }

    /// The placeholders' values for one post.
    fn values(&self, post: &Post, front: &Front, section: &str) -> BTreeMap<&'static str, String> {
        let stem = post.within.strip_suffix(".md").unwrap_or(&post.within);
        let file_name = stem.rsplit('/').next().unwrap_or(stem);
        let dated_name = dated_file_name(&post.within).map(|(_, name)| name.to_string());
        let title_slug = front.title.as_deref().map(slugify).unwrap_or_default();
        let slug = front.slug.clone();
        let title = match self.generator {
            // Hexo's `:title` is the file's path under `_posts/`.
            Generator::Hexo => slug.clone().unwrap_or_else(|| stem.to_string()),
            Generator::Jekyll => slug.clone().or(dated_name).unwrap_or(file_name.into()),
            Generator::Hugo => title_slug.clone(),
        };
        let mut values = BTreeMap::new();
        if let Some(date) = front.date.as_deref() {
            let parts: Vec<&str> = date.get(..10).unwrap_or("").split('-').collect();
            if let [year, month, day] = parts.as_slice() {
                values.insert("year", year.to_string());
                values.insert("month", month.to_string());
                values.insert("day", day.to_string());
                values.insert("i_month", month.trim_start_matches('0').to_string());
                values.insert("i_day", day.trim_start_matches('0').to_string());
            }
        }
        let categories: Vec<String> = front
            .categories
            .iter()
            .flatten()
            .map(|c| c.to_lowercase())
            .collect();
        values.insert("categories", categories.join("/"));
        values.insert("category", categories.first().cloned().unwrap_or_default());
        values.insert("title", title);
        values.insert("slug", slug.unwrap_or(title_slug));
        values.insert("filename", file_name.to_string());
        values.insert("name", file_name.to_string());
        values.insert("section", section.to_string());
        values.insert("post_title", front.title.clone().unwrap_or_default());
        values
    }
}

/// Hugo's URL without a `[permalinks]` entry: the file's folder, then the slug or the name
/// (a bundle's `index.md` is its folder).
fn hugo_default_url(post: &Post, front: &Front) -> String {
    let stem = post
        .content_path
        .strip_suffix(".md")
        .unwrap_or(&post.content_path);
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    let (folder, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    let name = front.slug.as_deref().unwrap_or(name);
    let path = [folder, name]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>();
    format!("/{}/", path.join("/").to_lowercase())
}

/// A pattern with its `:name` placeholders filled in: the longest name first, empty folders
/// dropped, a leading `/` added.
fn expand(pattern: &str, values: &BTreeMap<&str, String>) -> String {
    let mut names: Vec<&&str> = values.keys().collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut url = pattern.to_string();
    for name in names {
        url = url.replace(&format!(":{name}"), &values[*name]);
    }
    while url.contains("//") {
        url = url.replace("//", "/");
    }
    if !url.starts_with('/') {
        url.insert(0, '/');
    }
    url
}

/// A top-level `key: value` of a YAML config, as text.
fn yaml_config_key(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let config: serde_json::Value = serde_saphyr::from_str(&text).ok()?;
    text_of(config.get(key)?)
}

/// Hugo's `[permalinks]`: section → pattern, from `hugo.toml` or `config.toml`.
fn hugo_permalinks(dir: &Path) -> BTreeMap<String, String> {
    let mut patterns = BTreeMap::new();
    for name in ["hugo.toml", "config.toml"] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        let Ok((json, _)) = crate::content::frontmatter::toml_as_json(&text) else {
            continue;
        };
        let Ok(config) = serde_json::from_str::<serde_json::Value>(&json) else {
            continue;
        };
        if let Some(table) = config.get("permalinks").and_then(|p| p.as_object()) {
            for (section, pattern) in table {
                if let Some(pattern) = pattern.as_str() {
                    patterns.insert(section.clone(), pattern.to_string());
                }
            }
        }
        break;
    }
    patterns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand_in_the_generators_spelling() {
        let values: BTreeMap<&str, String> = [
            ("year", "2019".into()),
            ("month", "05".into()),
            ("title", "hello".into()),
            ("categories", String::new()),
        ]
        .into_iter()
        .collect();
        assert_eq!(expand(":year/:month/:title/", &values), "/2019/05/hello/");
        assert_eq!(
            expand("/:categories/:year/:title.html", &values),
            "/2019/hello.html"
        );
    }

    #[test]
    fn terms_read_as_each_generator_reads_them() {
        let flat = serde_json::json!(["Diary", "Life"]);
        assert_eq!(
            terms_of(Generator::Hexo, &flat, true),
            [vec!["Diary", "Life"]]
        );
        assert_eq!(
            terms_of(Generator::Hugo, &flat, true),
            [vec!["Diary"], vec!["Life"]]
        );
        let words = serde_json::json!("math notes");
        assert_eq!(
            terms_of(Generator::Jekyll, &words, true),
            [vec!["math"], vec!["notes"]]
        );
        let nested = serde_json::json!([["GPU", "CUDA"], ["Life"]]);
        assert_eq!(
            terms_of(Generator::Hexo, &nested, true),
            [vec!["GPU", "CUDA"], vec!["Life"]]
        );
    }
}
