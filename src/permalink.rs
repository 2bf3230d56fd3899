//! Permalink patterns such as `/archives/{id}/`, and the slugs that fill them.

use crate::output::SitePath;

/// A checked permalink pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalink {
    pattern: String,
}

/// What an article offers to fill a pattern's placeholders.
#[derive(Debug, Clone)]
pub struct PermalinkFields<'a> {
    pub id: Option<u64>,
    pub slug: &'a str,
    /// `(year, month, day)`, zero-padded; `None` for an undated article.
    pub date: Option<(String, String, String)>,
}

const PLACEHOLDERS: [&str; 5] = ["id", "slug", "year", "month", "day"];

impl Permalink {
    pub fn parse(pattern: &str) -> Result<Permalink, String> {
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
                    "unknown placeholder `{{{name}}}` in permalink `{pattern}` (known: {{id}} {{slug}} {{year}} {{month}} {{day}})"
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
        if !pattern.contains("{id}") && !pattern.contains("{slug}") {
            return Err(format!(
                "permalink `{pattern}` needs {{id}} or {{slug}} to tell articles apart"
            ));
        }
        Ok(Permalink {
            pattern: pattern.to_string(),
        })
    }

    /// The article's page, ending in `/` for directory URLs. An `{id}` without an id falls
    /// back to the slug. A slug that would lead outside the site (`../x`) is refused.
    pub fn expand(&self, fields: &PermalinkFields) -> Result<SitePath, String> {
        let mut out = self.pattern.clone();
        let id = fields
            .id
            .map_or_else(|| fields.slug.to_string(), |id| id.to_string());
        out = out.replace("{id}", &id).replace("{slug}", fields.slug);
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
        }
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
        assert!(
            Permalink::parse("/{title}/")
                .unwrap_err()
                .contains("{title}")
        );
    }

    #[test]
    fn date_placeholders_need_a_date() {
        let p = Permalink::parse("/{year}/{slug}/").unwrap();
        let undated = PermalinkFields {
            id: None,
            slug: "x",
            date: None,
        };
        assert!(p.expand(&undated).is_err());
    }

    #[test]
    fn patterns_and_slugs_cannot_leave_the_site() {
        assert!(Permalink::parse("/../../x-{id}/").is_err());
        assert!(Permalink::parse("/a\\{id}/").is_err());
        let p = Permalink::parse("/{slug}/").unwrap();
        let escaping = PermalinkFields {
            id: None,
            slug: "../../x",
            date: None,
        };
        assert!(p.expand(&escaping).unwrap_err().contains(".."));
    }

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(slugify("生成扩散模型 漫谈!"), "生成扩散模型-漫谈");
        assert_eq!(slugify("Hello, World"), "hello-world");
    }
}
