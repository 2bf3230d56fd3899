//! TOML front matter rewritten as JSON (which serde-saphyr reads as YAML), with the place of
//! every key and value remembered.

use std::fmt::Write as _;

use toml::de::{DeTable, DeValue};

use super::split::OffsetMap;

type Spanned<T> = toml::Spanned<T>;

/// The JSON for `toml`, and the map from its offsets back to the TOML.
pub(crate) fn to_json(toml: &str) -> Result<(String, OffsetMap), toml::de::Error> {
    let table = DeTable::parse(toml)?;
    let mut writer = Writer::default();
    writer.table(table.get_ref());
    Ok((
        writer.json,
        OffsetMap {
            points: writer.points,
        },
    ))
}

#[derive(Default)]
struct Writer {
    json: String,
    points: Vec<(usize, usize)>,
}

impl Writer {
    fn mark(&mut self, source: usize) {
        self.points.push((self.json.len(), source));
    }

    fn table(&mut self, table: &DeTable) {
        self.json.push('{');
        for (i, (key, value)) in table.iter().enumerate() {
            if i > 0 {
                self.json.push(',');
            }
            self.mark(key.span().start);
            self.string(key.get_ref());
            self.json.push(':');
            self.value(value);
        }
        self.json.push('}');
    }

    fn value(&mut self, value: &Spanned<DeValue>) {
        self.mark(value.span().start);
        match value.get_ref() {
            DeValue::String(text) => self.string(text),
            DeValue::Integer(n) => match i64::from_str_radix(n.as_str(), n.radix()) {
                Ok(n) => {
                    let _ = write!(self.json, "{n}");
                }
                Err(_) => self.string(n.as_str()),
            },
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    let _ = write!(self.json, "{x:?}");
                }
                _ => self.string(f.as_str()),
            },
            DeValue::Boolean(b) => {
                let _ = write!(self.json, "{b}");
            }
            DeValue::Datetime(d) => self.string(&d.to_string()),
            DeValue::Array(items) => {
                self.json.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.json.push(',');
                    }
                    self.value(item);
                }
                self.json.push(']');
            }
            DeValue::Table(table) => self.table(table),
        }
    }

    fn string(&mut self, text: &str) {
        // A `String` always serializes.
        self.json
            .push_str(&serde_json::to_string(text).unwrap_or_default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_arrays_and_dates_become_json() {
        let toml =
            "title = \"T\"\ndate = 2024-03-17T10:00:00+08:00\nid = 0x10\n[extra]\nk = [1, 2.5]\n";
        let (json, _) = to_json(toml).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["date"], "2024-03-17T10:00:00+08:00");
        assert_eq!(value["id"], 16);
        assert_eq!(value["extra"]["k"][1], 2.5);
    }
}
