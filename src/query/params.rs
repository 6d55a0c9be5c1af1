//! Bind parameters and the query request body (API.md §1.3, §5.3 "Requests").
//!
//! Parameters travel as the seed sends them: each is `option <name> = <literal>` in the
//! request's `extern` (a Flux AST file), so the query refers to them as bare identifiers.

use serde_json::{json, Map, Value};

use super::convert::format_rfc3339_nanos;
use super::{QueryError, QueryErrorKind, QueryResult};

/// A parameter value and the AST literal it becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// `StringLiteral`.
    String(String),
    /// `IntegerLiteral` (the value as a decimal string, as the seed).
    Int(i64),
    /// `FloatLiteral` (must be finite).
    Float(f64),
    /// `BooleanLiteral`.
    Bool(bool),
    /// `DateTimeLiteral` `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, from ns since the epoch.
    TimeNs(i64),
    /// `DurationLiteral` in `us` when divisible by 1000 (the seed's timedelta bytes), else
    /// `ns`; negative: a `UnaryExpression` `-` around it.
    DurationNs(i64),
    /// Any Flux AST expression, inserted as is.
    Ast(Value),
    /// `ArrayExpression` of the elements.
    Array(Vec<Param>),
}

fn invalid(message: impl Into<String>) -> QueryError {
    QueryError::new(QueryErrorKind::InvalidArgument, message)
}

impl Param {
    /// The AST expression of the value.
    pub fn to_ast(&self) -> QueryResult<Value> {
        Ok(match self {
            Param::String(s) => json!({"type": "StringLiteral", "value": s}),
            Param::Int(i) => json!({"type": "IntegerLiteral", "value": i.to_string()}),
            Param::Float(f) => {
                if !f.is_finite() {
                    return Err(invalid(format!(
                        "a float parameter must be finite, not {f}"
                    )));
                }
                json!({"type": "FloatLiteral", "value": f})
            }
            Param::Bool(b) => json!({"type": "BooleanLiteral", "value": b}),
            Param::TimeNs(ns) => {
                json!({"type": "DateTimeLiteral", "value": format_rfc3339_nanos(*ns)})
            }
            Param::DurationNs(ns) => {
                let magnitude = ns.unsigned_abs();
                let literal = if magnitude % 1000 == 0 {
                    json!({"type": "DurationLiteral",
                           "values": [{"magnitude": magnitude / 1000, "unit": "us"}]})
                } else {
                    json!({"type": "DurationLiteral",
                           "values": [{"magnitude": magnitude, "unit": "ns"}]})
                };
                if *ns < 0 {
                    json!({"type": "UnaryExpression", "operator": "-", "argument": literal})
                } else {
                    literal
                }
            }
            Param::Ast(v) => v.clone(),
            Param::Array(items) => {
                let elements = items
                    .iter()
                    .map(Param::to_ast)
                    .collect::<QueryResult<Vec<_>>>()?;
                json!({"type": "ArrayExpression", "elements": elements})
            }
        })
    }
}

/// Whether `name` is a Flux identifier: a letter or `_`, then letters, digits or `_`.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Bind parameters (and profilers) of one query, in the order they were first set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryParams {
    options: Vec<(String, Param)>,
    profilers: Vec<String>,
}

impl QueryParams {
    pub fn new() -> QueryParams {
        QueryParams::default()
    }

    /// True when nothing is set (the extern is then `{"imports":[],"body":[]}`).
    pub fn is_empty(&self) -> bool {
        self.options.is_empty() && self.profilers.is_empty()
    }

    /// Add `option <name> = <value>`, replacing an earlier value of the same name (in place).
    /// Errors: `name` not an identifier, or a non-finite float anywhere in `value`.
    pub fn set(&mut self, name: &str, value: Param) -> QueryResult<()> {
        if !is_identifier(name) {
            return Err(invalid(format!(
                "parameter name '{name}' is not a Flux identifier"
            )));
        }
        value.to_ast()?;
        match self.options.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.options.push((name.to_owned(), value)),
        }
        Ok(())
    }

    /// [`QueryParams::set`] with an AST expression given as JSON text.
    pub fn set_ast_json(&mut self, name: &str, expression_json: &str) -> QueryResult<()> {
        let v: Value = serde_json::from_str(expression_json)
            .map_err(|e| invalid(format!("parameter '{name}' is not valid JSON: {e}")))?;
        self.set(name, Param::Ast(v))
    }

    /// `import "profiler"` + `option profiler.enabledProfilers = [...]` (the seed's
    /// `QueryOptions(profilers=)`); an empty list removes them.
    pub fn set_profilers<I, S>(&mut self, names: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.profilers = names.into_iter().map(Into::into).collect();
    }

    /// The value set for `name`.
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// The `extern` file as the seed builds it: the profiler import and option first, then
    /// one `OptionStatement` per parameter.
    pub fn extern_json(&self) -> Value {
        let mut imports = Vec::new();
        let mut body = Vec::new();
        if !self.profilers.is_empty() {
            imports.push(json!({"type": "ImportDeclaration",
                                "path": {"type": "StringLiteral", "value": "profiler"}}));
            let elements: Vec<Value> = self
                .profilers
                .iter()
                .map(|p| json!({"type": "StringLiteral", "value": p}))
                .collect();
            body.push(json!({
                "type": "OptionStatement",
                "assignment": {
                    "type": "MemberAssignment",
                    "member": {
                        "type": "MemberExpression",
                        "object": {"type": "Identifier", "name": "profiler"},
                        "property": {"type": "Identifier", "name": "enabledProfilers"}
                    },
                    "init": {"type": "ArrayExpression", "elements": elements}
                }
            }));
        }
        for (name, value) in &self.options {
            // Validated by `set`.
            let init = value.to_ast().unwrap_or(Value::Null);
            body.push(json!({
                "type": "OptionStatement",
                "assignment": {
                    "type": "VariableAssignment",
                    "id": {"type": "Identifier", "name": name},
                    "init": init
                }
            }));
        }
        json!({"imports": imports, "body": body})
    }
}

/// `INFLUX_ANNOTATION_DATATYPE`
pub const ANNOTATION_DATATYPE: u32 = 1;
/// `INFLUX_ANNOTATION_GROUP`
pub const ANNOTATION_GROUP: u32 = 2;
/// `INFLUX_ANNOTATION_DEFAULT`
pub const ANNOTATION_DEFAULT: u32 = 4;

/// Shape of the CSV (the seed's `Dialect`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub header: bool,
    pub delimiter: char,
    /// `ANNOTATION_*` bits.
    pub annotations: u32,
    /// `RFC3339` or `RFC3339Nano`.
    pub date_time_format: String,
}

impl Default for Dialect {
    /// The seed's default dialect (the one the cursor needs).
    fn default() -> Dialect {
        Dialect {
            header: true,
            delimiter: ',',
            annotations: ANNOTATION_DATATYPE | ANNOTATION_GROUP | ANNOTATION_DEFAULT,
            date_time_format: "RFC3339".to_owned(),
        }
    }
}

impl Dialect {
    /// The `dialect` object; errors for what the server would reject (400).
    pub fn to_json(&self) -> QueryResult<Value> {
        if self.date_time_format != "RFC3339" && self.date_time_format != "RFC3339Nano" {
            return Err(invalid(format!(
                "dateTimeFormat must be RFC3339 or RFC3339Nano, not '{}'",
                self.date_time_format
            )));
        }
        if self.annotations & !(ANNOTATION_DATATYPE | ANNOTATION_GROUP | ANNOTATION_DEFAULT) != 0 {
            return Err(invalid(format!(
                "unknown annotation bits {:#x}",
                self.annotations
            )));
        }
        if matches!(self.delimiter, '\n' | '\r' | '"') {
            return Err(invalid("the delimiter cannot be a newline or a quote"));
        }
        let mut annotations = Vec::new();
        for (bit, name) in [
            (ANNOTATION_DATATYPE, "datatype"),
            (ANNOTATION_GROUP, "group"),
            (ANNOTATION_DEFAULT, "default"),
        ] {
            if self.annotations & bit != 0 {
                annotations.push(Value::from(name));
            }
        }
        let mut m = Map::new();
        m.insert("header".into(), Value::from(self.header));
        m.insert("delimiter".into(), Value::from(self.delimiter.to_string()));
        m.insert("annotations".into(), Value::from(annotations));
        m.insert("commentPrefix".into(), Value::from("#"));
        m.insert(
            "dateTimeFormat".into(),
            Value::from(self.date_time_format.clone()),
        );
        Ok(Value::Object(m))
    }
}

/// `{"extern":…,"query":…,"dialect":…}` with the default dialect: the body the seed sends for
/// `query()` / `query_stream()` and the one the cursor parses.
pub fn query_body(query: &str, params: Option<&QueryParams>) -> Value {
    raw_query_body(query, params, &Dialect::default()).expect("the default dialect is valid")
}

/// The body of a raw query with the caller's dialect.
pub fn raw_query_body(
    query: &str,
    params: Option<&QueryParams>,
    dialect: &Dialect,
) -> QueryResult<Value> {
    let ext = match params {
        Some(p) => p.extern_json(),
        None => QueryParams::new().extern_json(),
    };
    Ok(json!({"extern": ext, "query": query, "dialect": dialect.to_json()?}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_body_is_the_seeds() {
        let body = query_body("from(bucket:\"b\") |> range(start: -1h)", None);
        let expected: Value = serde_json::from_str(
            r##"{"extern": {"imports": [], "body": []},
                "query": "from(bucket:\"b\") |> range(start: -1h)",
                "dialect": {"header": true, "delimiter": ",",
                            "annotations": ["datatype","group","default"],
                            "commentPrefix": "#", "dateTimeFormat": "RFC3339"}}"##,
        )
        .unwrap();
        assert_eq!(body, expected);
    }

    #[test]
    fn the_api_md_start_example() {
        let mut p = QueryParams::new();
        p.set("start", Param::DurationNs(-3_600_000_000_000))
            .unwrap();
        let expected: Value = serde_json::from_str(
            r#"{"imports":[],"body":[{"type":"OptionStatement","assignment":{"type":"VariableAssignment","id":{"type":"Identifier","name":"start"},"init":{"type":"UnaryExpression","operator":"-","argument":{"type":"DurationLiteral","values":[{"magnitude":3600000000,"unit":"us"}]}}}}]}"#,
        )
        .unwrap();
        assert_eq!(p.extern_json(), expected);
    }

    #[test]
    fn raw_dialect_and_rules() {
        let d = Dialect {
            header: false,
            delimiter: ';',
            annotations: ANNOTATION_GROUP,
            date_time_format: "RFC3339Nano".into(),
        };
        let body = raw_query_body("q", None, &d).unwrap();
        assert_eq!(
            body["dialect"],
            json!({"header": false, "delimiter": ";", "annotations": ["group"],
                   "commentPrefix": "#", "dateTimeFormat": "RFC3339Nano"})
        );
        let bad = Dialect {
            date_time_format: "unix".into(),
            ..Dialect::default()
        };
        assert_eq!(
            raw_query_body("q", None, &bad).unwrap_err().kind,
            QueryErrorKind::InvalidArgument
        );

        let mut p = QueryParams::new();
        assert!(p.set("1x", Param::Int(1)).is_err());
        assert!(p.set("a-b", Param::Int(1)).is_err());
        assert!(p.set("", Param::Int(1)).is_err());
        assert!(p.set("x", Param::Float(f64::NAN)).is_err());
        assert!(p
            .set("x", Param::Array(vec![Param::Float(f64::INFINITY)]))
            .is_err());
        assert!(p.set_ast_json("x", "{not json").is_err());
        assert!(p.is_empty());
        p.set("a", Param::Int(1)).unwrap();
        p.set("b", Param::Int(2)).unwrap();
        p.set("a", Param::Int(3)).unwrap();
        let ext = p.extern_json();
        assert_eq!(ext["body"][0]["assignment"]["id"]["name"], "a");
        assert_eq!(ext["body"][0]["assignment"]["init"]["value"], "3");
        assert_eq!(ext["body"][1]["assignment"]["id"]["name"], "b");
        assert_eq!(ext["body"].as_array().unwrap().len(), 2);

        assert_eq!(
            Param::DurationNs(1_500).to_ast().unwrap(),
            json!({"type": "DurationLiteral", "values": [{"magnitude": 1500, "unit": "ns"}]})
        );
        assert_eq!(
            Param::DurationNs(i64::MIN).to_ast().unwrap()["argument"]["values"][0],
            json!({"magnitude": 9_223_372_036_854_775_808u64, "unit": "ns"})
        );
        assert_eq!(
            Param::Array(vec![Param::Int(1), Param::String("x".into())])
                .to_ast()
                .unwrap(),
            json!({"type": "ArrayExpression", "elements": [
                {"type": "IntegerLiteral", "value": "1"},
                {"type": "StringLiteral", "value": "x"}]})
        );
    }
}
