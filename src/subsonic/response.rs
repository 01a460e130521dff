//! The Subsonic answer: a tree of elements written as XML (the default, in the Subsonic
//! namespace), JSON (`f=json`) or JSONP (`f=jsonp&callback=`), inside the `subsonic-response`
//! envelope. Handlers build the tree once; the format is chosen only when it is written.
//!
//! The JSON shape follows what Subsonic servers have always answered: attributes become
//! fields, a child element an object, a repeated child an array (even of one), and text a
//! `value` field.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value as Json};

use super::error::SubsonicError;

/// The Subsonic API version Ampli speaks.
pub const API_VERSION: &str = "1.16.1";
const NAMESPACE: &str = "http://subsonic.org/restapi";

/// An attribute's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

macro_rules! value_from {
    ($($type:ty => $variant:ident($convert:expr)),* $(,)?) => {
        $(impl From<$type> for Value {
            fn from(value: $type) -> Self {
                Value::$variant($convert(value))
            }
        })*
    };
}

value_from!(
    String => Text(|v| v),
    &str => Text(str::to_owned),
    &String => Text(String::clone),
    i64 => Int(|v| v),
    i32 => Int(i64::from),
    i16 => Int(i64::from),
    u32 => Int(i64::from),
    u16 => Int(i64::from),
    usize => Int(|v: usize| i64::try_from(v).unwrap_or(i64::MAX)),
    f32 => Float(f64::from),
    f64 => Float(|v| v),
    bool => Bool(|v| v),
);

impl Value {
    fn text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Int(number) => number.to_string(),
            Self::Float(number) => number.to_string(),
            Self::Bool(flag) => flag.to_string(),
        }
    }

    fn json(&self) -> Json {
        match self {
            Self::Text(text) => Json::String(text.clone()),
            Self::Int(number) => Json::from(*number),
            Self::Float(number) => serde_json::Number::from_f64(*number)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Self::Bool(flag) => Json::Bool(*flag),
        }
    }
}

#[derive(Debug, Clone)]
enum Children {
    One(Node),
    Many(Vec<Node>),
    /// Repeated elements holding only text, e.g. an extension's `versions`: an array of
    /// plain values in JSON.
    Values(Vec<Value>),
}

/// One element: its attributes, its children by name, and perhaps text.
#[derive(Debug, Clone, Default)]
pub struct Node {
    attrs: Vec<(&'static str, Value)>,
    children: Vec<(&'static str, Children)>,
    text: Option<String>,
}

impl Node {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    /// The attribute when there is a value, none otherwise.
    pub fn opt(self, name: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    pub fn child(mut self, name: &'static str, node: Node) -> Self {
        self.children.push((name, Children::One(node)));
        self
    }

    pub fn opt_child(self, name: &'static str, node: Option<Node>) -> Self {
        match node {
            Some(node) => self.child(name, node),
            None => self,
        }
    }

    /// Repeated children, an array in JSON even when one or none.
    pub fn list(mut self, name: &'static str, nodes: Vec<Node>) -> Self {
        self.children.push((name, Children::Many(nodes)));
        self
    }

    pub fn values(mut self, name: &'static str, values: Vec<Value>) -> Self {
        self.children.push((name, Children::Values(values)));
        self
    }

    /// An attribute's value as text, if the node has it.
    pub fn text_attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.text())
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    fn to_json(&self) -> Json {
        let mut object = Map::new();
        for (name, value) in &self.attrs {
            object.insert((*name).to_owned(), value.json());
        }
        for (name, children) in &self.children {
            let value = match children {
                Children::One(node) => node.to_json(),
                Children::Many(nodes) => Json::Array(nodes.iter().map(Node::to_json).collect()),
                Children::Values(values) => Json::Array(values.iter().map(Value::json).collect()),
            };
            object.insert((*name).to_owned(), value);
        }
        if let Some(text) = &self.text {
            object.insert("value".to_owned(), Json::String(text.clone()));
        }
        Json::Object(object)
    }

    fn write_xml(
        &self,
        name: &str,
        writer: &mut Writer<Vec<u8>>,
        root: bool,
    ) -> std::io::Result<()> {
        let mut start = BytesStart::new(name);
        if root {
            start.push_attribute(("xmlns", NAMESPACE));
        }
        let texts: Vec<(&str, String)> = self
            .attrs
            .iter()
            .map(|(name, value)| (*name, xml_safe(&value.text())))
            .collect();
        for (name, text) in &texts {
            start.push_attribute((*name, text.as_str()));
        }
        if self.children.is_empty() && self.text.is_none() {
            return writer.write_event(Event::Empty(start));
        }
        writer.write_event(Event::Start(start))?;
        for (child, children) in &self.children {
            match children {
                Children::One(node) => node.write_xml(child, writer, false)?,
                Children::Many(nodes) => {
                    for node in nodes {
                        node.write_xml(child, writer, false)?;
                    }
                }
                Children::Values(values) => {
                    for value in values {
                        writer.write_event(Event::Start(BytesStart::new(*child)))?;
                        let text = xml_safe(&value.text());
                        writer.write_event(Event::Text(BytesText::new(&text)))?;
                        writer.write_event(Event::End(BytesEnd::new(*child)))?;
                    }
                }
            }
        }
        if let Some(text) = &self.text {
            let text = xml_safe(text);
            writer.write_event(Event::Text(BytesText::new(&text)))?;
        }
        writer.write_event(Event::End(BytesEnd::new(name)))
    }
}

/// Text with the characters XML 1.0 cannot carry at all (most control characters, even
/// escaped) replaced, so that a tag read from a file never makes the document ill-formed.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// How the caller asked for the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
    /// JSON wrapped in a call of this (checked) function name.
    Jsonp(String),
}

impl Format {
    /// From `f` and `callback`. An unknown `f` is answered in XML, as Subsonic servers do; a
    /// JSONP callback that is not a plain (dotted) identifier is refused, so that nothing a
    /// caller sends is ever run as script.
    pub fn parse(f: Option<&str>, callback: Option<&str>) -> Result<Self, (Self, SubsonicError)> {
        match f {
            Some("json") => Ok(Self::Json),
            Some("jsonp") => match callback {
                Some(name) if is_callback_name(name) => Ok(Self::Jsonp(name.to_owned())),
                Some(_) => Err((
                    Self::Json,
                    SubsonicError::invalid("callback must be a JavaScript identifier."),
                )),
                None => Err((Self::Json, SubsonicError::missing("callback"))),
            },
            _ => Ok(Self::Xml),
        }
    }
}

fn is_callback_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    first_ok
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.')
        && !name.contains("..")
        && !name.ends_with('.')
}

/// A whole answer: success, whose body's children go into the envelope, or an error.
pub enum Envelope {
    Ok(Node),
    Failed(SubsonicError),
}

impl Envelope {
    fn root(&self) -> Node {
        let status = match self {
            Self::Ok(_) => "ok",
            Self::Failed(_) => "failed",
        };
        let root = Node::new()
            .attr("status", status)
            .attr("version", API_VERSION)
            .attr("type", "ampli")
            .attr("serverVersion", env!("CARGO_PKG_VERSION"))
            .attr("openSubsonic", true);
        match self {
            Self::Ok(body) => {
                let mut root = root;
                root.children.extend(body.children.iter().cloned());
                root
            }
            Self::Failed(error) => root.child(
                "error",
                Node::new()
                    .attr("code", error.code)
                    .attr("message", error.message.as_ref()),
            ),
        }
    }

    /// The answer in `format`; always HTTP 200, as Subsonic clients expect.
    pub fn respond(&self, format: &Format) -> Response {
        let root = self.root();
        let (body, content_type) = match format {
            Format::Xml => match self.xml() {
                Ok(xml) => (xml, "text/xml; charset=utf-8"),
                Err(error) => {
                    tracing::error!(%error, "writing a Subsonic answer");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            },
            Format::Json => (json_body(&root).into_bytes(), "application/json"),
            Format::Jsonp(callback) => (
                format!("{callback}({});", json_body(&root)).into_bytes(),
                "text/javascript; charset=utf-8",
            ),
        };
        let mut response = body.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

impl Envelope {
    /// The whole answer as an XML document.
    pub fn xml(&self) -> std::io::Result<Vec<u8>> {
        let mut writer = Writer::new(Vec::new());
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        self.root()
            .write_xml("subsonic-response", &mut writer, true)?;
        Ok(writer.into_inner())
    }

    /// The whole answer as JSON.
    pub fn json(&self) -> String {
        json_body(&self.root())
    }
}

fn json_body(root: &Node) -> String {
    let mut outer = Map::new();
    outer.insert("subsonic-response".to_owned(), root.to_json());
    Json::Object(outer).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Envelope {
        let album = Node::new()
            .attr("id", "al-1")
            .attr("name", "Tom & \"Jerry\" <live>\u{1}")
            .attr("songCount", 2)
            .attr("starred", true)
            .list("song", vec![Node::new().attr("id", "so-1")])
            .values("versions", vec![Value::Int(1), Value::Int(2)]);
        Envelope::Ok(Node::new().child("album", album))
    }

    #[test]
    fn json_lists_are_arrays_even_of_one_and_attributes_keep_their_types() {
        let json: Json = serde_json::from_str(&json_body(&sample().root())).unwrap();
        let root = &json["subsonic-response"];
        assert_eq!(root["status"], "ok");
        assert_eq!(root["version"], API_VERSION);
        assert_eq!(root["openSubsonic"], true);
        assert_eq!(root["album"]["songCount"], 2);
        assert_eq!(root["album"]["song"][0]["id"], "so-1");
        assert_eq!(root["album"]["versions"], serde_json::json!([1, 2]));
    }

    #[test]
    fn xml_escapes_what_it_must_and_replaces_what_it_cannot_carry() {
        let response = sample().respond(&Format::Xml);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/xml; charset=utf-8"
        );
        let mut writer = Writer::new(Vec::new());
        sample()
            .root()
            .write_xml("subsonic-response", &mut writer, true)
            .unwrap();
        let xml = String::from_utf8(writer.into_inner()).unwrap();
        assert!(
            xml.starts_with(r#"<subsonic-response xmlns="http://subsonic.org/restapi""#),
            "{xml}"
        );
        assert!(
            xml.contains("name=\"Tom &amp; &quot;Jerry&quot; &lt;live&gt;\u{FFFD}\""),
            "{xml}"
        );
        assert!(xml.contains(r#"<song id="so-1"/>"#), "{xml}");
        assert!(
            xml.contains("<versions>1</versions><versions>2</versions>"),
            "{xml}"
        );
    }

    #[test]
    fn a_jsonp_callback_is_a_plain_identifier_or_refused() {
        assert_eq!(
            Format::parse(Some("jsonp"), Some("app.handle_1")).unwrap(),
            Format::Jsonp("app.handle_1".into())
        );
        for bad in [
            "alert(1)",
            "a b",
            "",
            "1a",
            "a..b",
            "a.",
            "x;y",
            &"a".repeat(65),
        ] {
            assert!(Format::parse(Some("jsonp"), Some(bad)).is_err(), "{bad:?}");
        }
        assert!(Format::parse(Some("jsonp"), None).is_err());
        assert_eq!(Format::parse(Some("xml"), None).unwrap(), Format::Xml);
        assert_eq!(Format::parse(None, None).unwrap(), Format::Xml);
    }
}
