//! Reading a manifest's text into a JSON value while remembering where every node came from.
//!
//! YAML is parsed with serde-saphyr (pure Rust, panic-free, with budgets against alias bombs)
//! under strict settings: YAML 1.2 booleans only (`NO`, `off` stay strings), duplicate keys are
//! errors, and alias expansion is budgeted. JSON manifests go through the same parser
//! (JSON is YAML 1.2), so both get the same line:column locations.
//!
//! The result is a [`SourceDocument`]: the document as a [`serde_json::Value`] plus a map from
//! JSON Pointer to the line and column of the node (and of its key), which the linter uses to
//! locate JSON Schema and semantic errors.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

/// Largest manifest accepted, in bytes. Real manifests are a few kilobytes; anything this large
/// is a mistake or an attack, and is refused before parsing.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line; 0 when unknown.
    pub line: u64,
    /// 1-based column; 0 when unknown.
    pub col: u64,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A parse failure, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where.
    pub pos: Pos,
    /// What.
    pub message: String,
    /// How to fix it, when we know.
    pub hint: Option<String>,
}

/// A parsed manifest document with node locations.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    /// The document as JSON.
    pub value: Value,
    /// JSON Pointer → position of the value.
    values: HashMap<String, Pos>,
    /// JSON Pointer → position of the mapping key that holds the value.
    keys: HashMap<String, Pos>,
}

impl SourceDocument {
    /// Position of the value at `pointer`, or of its nearest located ancestor.
    pub fn pos(&self, pointer: &str) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.values.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, col: 1 },
            }
        }
    }

    /// Position of the key that holds the value at `pointer` (falls back to the value).
    pub fn key_pos(&self, pointer: &str) -> Pos {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.pos(pointer))
    }
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Parses manifest text (YAML or JSON). Refuses oversized input, invalid UTF-8, empty documents
/// and documents that are not a mapping at the top.
pub fn parse(bytes: &[u8]) -> Result<SourceDocument, SyntaxError> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(SyntaxError {
            pos: Pos { line: 1, col: 1 },
            message: format!(
                "manifest is {} bytes; the limit is {} bytes",
                bytes.len(),
                MAX_MANIFEST_BYTES
            ),
            hint: Some(
                "a manifest describes data, it does not hold it: move values into Parquet files"
                    .into(),
            ),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let pos = offset_pos(bytes, e.valid_up_to());
        SyntaxError {
            pos,
            message: format!("invalid UTF-8 (byte 0x{:02x})", bytes[e.valid_up_to()]),
            hint: Some("save the manifest as UTF-8".into()),
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(SyntaxError {
            pos: Pos { line: 1, col: 1 },
            message: "manifest is empty".into(),
            hint: Some("start with `assay: 1`, `name:`, `version:`, `field:` (see docs/manifest.md), or draft one with `assay init`".into()),
        });
    }
    let node: Spanned<Node> =
        serde_saphyr::from_str_with_options(text, options()).map_err(|e| syntax_error(&e, text))?;
    let mut doc = SourceDocument {
        value: Value::Null,
        values: HashMap::new(),
        keys: HashMap::new(),
    };
    let top_pos = pos_of(&node);
    if !matches!(node.value, Node::Map(_)) {
        return Err(SyntaxError {
            pos: top_pos,
            message: format!(
                "a manifest must be a mapping of keys to values, found {}",
                node.value.kind()
            ),
            hint: Some("write `key: value` lines at the top level, not a list or a scalar".into()),
        });
    }
    doc.value = doc.index(node, String::new());
    Ok(doc)
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // Manifests are small: a budget far below the defaults keeps a hostile file cheap.
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    serde_saphyr::options! {
        budget: Some(budget),
        strict_booleans: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
            max_replay_stack_depth: 16,
            max_alias_expansions_per_anchor: 100,
        },
    }
}

fn syntax_error(e: &serde_saphyr::Error, text: &str) -> SyntaxError {
    let pos = e
        .location()
        .map(|l| Pos {
            line: l.line(),
            col: l.column(),
        })
        .filter(|p| p.line > 0)
        .unwrap_or(Pos { line: 1, col: 1 });
    // serde-saphyr renders a snippet after the message; the first line is the message itself.
    let rendered = e.to_string();
    let mut message = rendered
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string();
    // The renderer prefixes "error: line X column Y: " and may append " at line X, column Y";
    // we print our own location.
    if let Some(rest) = message.strip_prefix("error: ") {
        message = rest.to_string();
    }
    if message.starts_with("line ")
        && let Some(i) = message.find(": ")
    {
        message = message[i + 2..].to_string();
    }
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        message = format!("duplicate key `{key}`");
    }
    let lower = message.to_lowercase();
    let hint = if lower.contains("duplicate") {
        Some("each key may appear once per mapping; remove or rename one".into())
    } else if lower.contains("alias") || lower.contains("budget") || lower.contains("anchor") {
        Some("manifests may use anchors and aliases only a little; expand them".into())
    } else if lower.contains("tab") || line_has_tab_indent(text, pos.line) {
        Some("YAML indentation must use spaces, not tabs".into())
    } else {
        None
    };
    SyntaxError { pos, message, hint }
}

fn line_has_tab_indent(text: &str, line: u64) -> bool {
    line > 0
        && text.lines().nth(line as usize - 1).is_some_and(|l| {
            l.chars()
                .take_while(|c| c.is_whitespace())
                .any(|c| c == '\t')
        })
}

fn offset_pos(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    Pos { line, col }
}

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos {
        line: s.referenced.line(),
        col: s.referenced.column(),
    }
}

impl SourceDocument {
    fn index(&mut self, node: Spanned<Node>, pointer: String) -> Value {
        self.values.insert(pointer.clone(), pos_of(&node));
        match node.value {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(n) => Value::Number(n),
            Node::String(s) => Value::String(s),
            Node::Seq(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| self.index(item, format!("{pointer}/{i}")))
                    .collect(),
            ),
            Node::Map(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    let child = format!("{pointer}/{}", escape_pointer_token(&key.value));
                    self.keys.insert(child.clone(), pos_of(&key));
                    let v = self.index(value, child);
                    map.insert(key.value, v);
                }
                Value::Object(map)
            }
        }
    }
}

/// A YAML node whose children carry their source spans.
enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    fn kind(&self) -> &'static str {
        match self {
            Node::Null => "nothing (null)",
            Node::Bool(_) => "a boolean",
            Node::Number(_) => "a number",
            Node::String(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        i64::try_from(v)
            .map(|v| Node::Number(v.into()))
            .or_else(|_| u64::try_from(v).map(|v| Node::Number(v.into())))
            .map_err(|_| E::custom(format!("integer {v} is out of range")))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        u64::try_from(v)
            .map(|v| Node::Number(v.into()))
            .map_err(|_| E::custom(format!("integer {v} is out of range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Number::from_f64(v).map(Node::Number).ok_or_else(|| {
            E::custom("NaN and infinity are not allowed here; quote them to write text")
        })
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Node, E> {
        Err(E::custom("binary values are not allowed in a manifest"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// A mapping key: scalars only, rendered as text (`1: x` has key `"1"`).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Node::deserialize(d)? {
            Node::String(s) => Ok(KeyText(s)),
            Node::Number(n) => Ok(KeyText(n.to_string())),
            Node::Bool(b) => Ok(KeyText(b.to_string())),
            Node::Null => Ok(KeyText("null".into())),
            other => Err(de::Error::custom(format!(
                "mapping keys must be text, found {}",
                other.kind()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nodes_and_keys() {
        let doc = parse(b"a: 1\nb:\n  - x\n  - {c: NO}\n").unwrap();
        assert_eq!(doc.value["b"][1]["c"], Value::String("NO".into()));
        assert_eq!(doc.pos("/a"), Pos { line: 1, col: 4 });
        assert_eq!(doc.key_pos("/b"), Pos { line: 2, col: 1 });
        assert_eq!(doc.pos("/b/0"), Pos { line: 3, col: 5 });
        assert_eq!(doc.pos("/b/1/c").line, 4);
        // Unknown pointers fall back to the nearest ancestor.
        assert_eq!(doc.pos("/b/0/zz").line, 3);
    }

    #[test]
    fn strict_booleans_keep_no_and_off_as_strings() {
        let doc = parse(b"a: NO\nb: no\nc: off\nd: true\ne: yes\n").unwrap();
        for k in ["a", "b", "c", "e"] {
            assert!(doc.value[k].is_string(), "{k}: {:?}", doc.value[k]);
        }
        assert_eq!(doc.value["d"], Value::Bool(true));
    }

    #[test]
    fn json_is_accepted_with_locations() {
        let doc = parse(b"{\n  \"name\": \"x\",\n  \"n\": [1, 2.5]\n}\n").unwrap();
        assert_eq!(doc.value["n"][1], serde_json::json!(2.5));
        assert_eq!(doc.pos("/name").line, 2);
    }

    #[test]
    fn rejects_bad_documents_with_positions() {
        let e = parse(b"a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.pos.line, 2, "{e:?}");
        assert!(e.message.to_lowercase().contains("duplicate"), "{e:?}");
        let e = parse(b"a: 1\n\xff\n").unwrap_err();
        assert_eq!(e.pos, Pos { line: 2, col: 1 });
        let e = parse(b"- a\n- b\n").unwrap_err();
        assert!(e.message.contains("a list"), "{e:?}");
        let e = parse(b"  \n# nothing\n").unwrap_err();
        assert!(e.message.contains("empty"), "{e:?}");
    }
}
