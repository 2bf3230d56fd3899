//! `tags:` and `categories:` as written: one string, a list of strings, or (Hexo's
//! hierarchical categories) a list whose items are themselves lists, `[[GPU, CUDA], [Life]]`.
//! Anything else is kept with its place, so that the error names the item and what it is.

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

#[derive(Debug, Default)]
pub(super) struct Terms {
    pub(super) items: Vec<Term>,
    /// Whether it is a list of two or more plain strings, which Hexo reads as one path.
    pub(super) flat_list: bool,
}

#[derive(Debug)]
pub(super) struct Term {
    /// The term as a path of names (one name for a plain term), or the value that is not.
    pub(super) value: Result<Vec<String>, serde_json::Value>,
    /// 1-based place in the list, with its place in the text; `None` for a lone value.
    pub(super) place: Option<(usize, Location)>,
}

impl<'de> Deserialize<'de> for Terms {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Terms, D::Error> {
        deserializer.deserialize_any(TermsVisitor)
    }
}

struct TermsVisitor;

impl TermsVisitor {
    fn lone<E>(value: serde_json::Value) -> Result<Terms, E> {
        let value = match value {
            serde_json::Value::String(text) => Ok(vec![text]),
            other => Err(other),
        };
        Ok(Terms {
            items: vec![Term { value, place: None }],
            flat_list: false,
        })
    }
}

/// A list item: a name, or a path of names.
fn item_value(value: serde_json::Value) -> Result<Vec<String>, serde_json::Value> {
    use serde_json::Value;
    match value {
        Value::String(text) => Ok(vec![text]),
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => Ok(items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()),
        other => Err(other),
    }
}

impl<'de> serde::de::Visitor<'de> for TermsVisitor {
    type Value = Terms;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string or a list of strings")
    }

    fn visit_str<E>(self, text: &str) -> Result<Terms, E> {
        Self::lone(text.into())
    }

    fn visit_bool<E>(self, value: bool) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_i64<E>(self, value: i64) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_u64<E>(self, value: u64) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_f64<E>(self, value: f64) -> Result<Terms, E> {
        Self::lone(value.into())
    }

    fn visit_unit<E>(self) -> Result<Terms, E> {
        Ok(Terms::default())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Terms, A::Error> {
        let value =
            serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Self::lone(value)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Terms, A::Error> {
        let mut items = Vec::new();
        let mut all_plain = true;
        while let Some(item) = seq.next_element::<Spanned<serde_json::Value>>()? {
            all_plain &= item.value.is_string();
            let place = Some((items.len() + 1, item.referenced));
            items.push(Term {
                value: item_value(item.value),
                place,
            });
        }
        Ok(Terms {
            flat_list: all_plain && items.len() > 1,
            items,
        })
    }
}

/// What a term that is not a string is, and how to fix it.
pub(super) fn not_text(value: &serde_json::Value, singular: &str) -> (&'static str, String) {
    use serde_json::Value;
    let quote =
        |shown: String| format!("write it in quotes to use it as a {singular}: \"{shown}\"");
    match value {
        Value::Null => ("null", "remove it".into()),
        Value::Number(n) => ("a number", quote(n.to_string())),
        Value::Bool(b) => ("true or false", quote(b.to_string())),
        Value::Array(_) | Value::Object(_) => {
            let what = if value.is_array() {
                "a list"
            } else {
                "a mapping"
            };
            (
                what,
                format!("write each {singular} as a string item of its own"),
            )
        }
        Value::String(_) => ("a string", String::new()),
    }
}
