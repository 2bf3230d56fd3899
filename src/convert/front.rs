//! Front matter in lemma's keys, written as YAML.

use std::fmt::Write as _;

/// The front matter an import writes. Strings are written as JSON strings, which YAML reads
/// as double-quoted scalars, so no value can break the block.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Front {
    pub title: Option<String>,
    pub author: Option<String>,
    /// `toc: false` (or `true`), as the author wrote it.
    pub toc: Option<bool>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub id: Option<u64>,
    pub slug: Option<String>,
    /// Each category as its path of names.
    pub categories: Vec<Vec<String>>,
    pub tags: Vec<String>,
    pub series: Option<String>,
    pub draft: bool,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    /// `math: false`: `$` is plain text.
    pub math_off: bool,
    pub excerpt_separator: Option<String>,
    /// Keys lemma does not read, kept for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", quoted.join(", "))
}

impl Front {
    /// The block, `---` lines included.
    pub(crate) fn to_yaml(&self) -> String {
        let mut out = String::from("---\n");
        let mut line = |key: &str, value: String| {
            let _ = writeln!(out, "{key}: {value}");
        };
        let text_keys = [
            ("title", &self.title),
            ("author", &self.author),
            ("date", &self.date),
            ("updated", &self.updated),
        ];
        for (key, value) in text_keys {
            if let Some(value) = value {
                line(key, quoted(value));
            }
        }
        if let Some(id) = self.id {
            line("id", id.to_string());
        }
        if let Some(toc) = self.toc {
            line("toc", toc.to_string());
        }
        if let Some(slug) = &self.slug {
            line("slug", quoted(slug));
        }
        if !self.categories.is_empty() {
            let paths: Vec<String> = self
                .categories
                .iter()
                .map(|path| match path.as_slice() {
                    [one] => quoted(one),
                    more => list(more),
                })
                .collect();
            line("categories", format!("[{}]", paths.join(", ")));
        }
        if !self.tags.is_empty() {
            line("tags", list(&self.tags));
        }
        if let Some(series) = &self.series {
            line("series", quoted(series));
        }
        if self.draft {
            line("draft", "true".into());
        }
        if let Some(summary) = &self.summary {
            line("summary", quoted(summary));
        }
        if !self.aliases.is_empty() {
            line("aliases", list(&self.aliases));
        }
        if self.math_off {
            line("math", "false".into());
        }
        if let Some(separator) = &self.excerpt_separator {
            line("excerpt_separator", quoted(separator));
        }
        if !self.extra.is_empty() {
            let extra = serde_json::Value::Object(self.extra.clone());
            line("extra", extra.to_string());
        }
        out.push_str("---\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceFile;
    use crate::content::frontmatter;
    use crate::diagnostics::Diagnostics;

    #[test]
    fn what_is_written_reads_back() {
        let front = Front {
            title: Some("A \"quoted\" title: yes".into()),
            author: Some("苏 剑林".into()),
            toc: Some(false),
            date: Some("2019-05-01 10:00:00".into()),
            categories: vec![vec!["GPU".into(), "CUDA".into()], vec!["Life".into()]],
            tags: vec!["C++".into(), "#hash".into()],
            draft: true,
            aliases: vec!["/2019/05/01/a/".into()],
            math_off: true,
            extra: [("layout_color".to_string(), serde_json::json!({"a": [1]}))]
                .into_iter()
                .collect(),
            ..Front::default()
        };
        let text = format!("{}body\n", front.to_yaml());
        let file = SourceFile::new("content/a.md".into(), "a.md".into(), text);
        let timezone = chrono::FixedOffset::east_opt(0).unwrap();
        let mut diagnostics = Diagnostics::new();
        let parsed = frontmatter::parse(&file, timezone, &mut diagnostics).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let read = parsed.front;
        assert_eq!(read.title.as_deref(), Some("A \"quoted\" title: yes"));
        assert_eq!(read.author.as_deref(), Some("苏 剑林"));
        assert_eq!(read.toc, Some(false));
        assert_eq!(read.categories[0].value, ["GPU", "CUDA"]);
        assert_eq!(read.tags[1].value, "#hash");
        assert!(read.draft && !read.math);
        assert_eq!(read.extra["layout_color"]["a"][0], 1);
    }
}
