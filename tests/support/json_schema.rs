//! A JSON Schema validator for the keywords the SARIF 2.1.0 schema uses (draft 04): `$ref` to
//! local definitions, `type`, `enum`, `properties`, `additionalProperties`, `required`,
//! `items`, `minItems`, `uniqueItems`, `minimum`, `maximum`, `pattern`, `format` (`uri`,
//! `uri-reference`, `date-time`), `anyOf`, `oneOf`, `allOf`. A keyword outside that set
//! panics, so that a schema it cannot check is never reported as satisfied.

use regex::Regex;
use serde_json::Value;

/// Keywords that carry no constraint.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "id",
    "$id",
    "title",
    "description",
    "default",
    "definitions",
];

pub struct Schema {
    root: Value,
}

impl Schema {
    pub fn new(root: Value) -> Schema {
        Schema { root }
    }

    /// The violations of `instance`, each as `<JSON pointer>: <what>`; empty when it is valid.
    pub fn validate(&self, instance: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(&self.root, instance, "", &mut errors);
        errors
    }

    fn resolve<'a>(&'a self, reference: &str) -> &'a Value {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local references are supported: {reference}"));
        self.root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved reference {reference}"))
    }

    fn check(&self, schema: &Value, instance: &Value, path: &str, errors: &mut Vec<String>) {
        let Some(keywords) = schema.as_object() else {
            panic!("{path}: a schema must be an object, found {schema}");
        };
        for (keyword, value) in keywords {
            match keyword.as_str() {
                "$ref" => self.check(
                    self.resolve(value.as_str().unwrap_or_default()),
                    instance,
                    path,
                    errors,
                ),
                "type" => {
                    let allowed: Vec<&str> = match value {
                        Value::String(one) => vec![one.as_str()],
                        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                        other => panic!("{path}: bad type {other}"),
                    };
                    if !allowed.iter().any(|ty| has_type(instance, ty)) {
                        errors.push(format!(
                            "{path}: expected {}, found {instance}",
                            allowed.join(" or ")
                        ));
                    }
                }
                "enum" => {
                    let values = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    if !values.contains(instance) {
                        errors.push(format!("{path}: {instance} is not one of {value}"));
                    }
                }
                "properties" | "additionalProperties" => {
                    // Both are checked together, once, below.
                }
                "required" => {
                    if let Some(object) = instance.as_object() {
                        for name in value
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                        {
                            if !object.contains_key(name) {
                                errors.push(format!("{path}: missing required property `{name}`"));
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = instance.as_array() {
                        for (index, item) in items.iter().enumerate() {
                            self.check(value, item, &format!("{path}/{index}"), errors);
                        }
                    }
                }
                "minItems" => {
                    let min = value.as_u64().unwrap_or(0) as usize;
                    if let Some(items) = instance.as_array().filter(|items| items.len() < min) {
                        errors.push(format!(
                            "{path}: {} items, at least {min} required",
                            items.len()
                        ));
                    }
                }
                "uniqueItems" => {
                    if value.as_bool() == Some(true)
                        && let Some(items) = instance.as_array()
                    {
                        for (index, item) in items.iter().enumerate() {
                            if items[..index].contains(item) {
                                errors.push(format!("{path}/{index}: duplicate item {item}"));
                            }
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let (Some(number), Some(bound)) = (instance.as_f64(), value.as_f64()) {
                        let ok = if keyword == "minimum" {
                            number >= bound
                        } else {
                            number <= bound
                        };
                        if !ok {
                            errors.push(format!("{path}: {number} violates {keyword} {bound}"));
                        }
                    }
                }
                "pattern" => {
                    let pattern = value.as_str().unwrap_or_default();
                    let regex = Regex::new(pattern)
                        .unwrap_or_else(|e| panic!("{path}: bad pattern {pattern}: {e}"));
                    if let Some(text) = instance.as_str().filter(|text| !regex.is_match(text)) {
                        errors.push(format!("{path}: {text:?} does not match {pattern}"));
                    }
                }
                "format" => {
                    if let Some(text) = instance.as_str()
                        && !matches_format(value.as_str().unwrap_or_default(), text)
                    {
                        errors.push(format!("{path}: {text:?} is not a valid {value}"));
                    }
                }
                "anyOf" | "oneOf" | "allOf" => {
                    let branches = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    let passing = branches
                        .iter()
                        .filter(|branch| {
                            let mut branch_errors = Vec::new();
                            self.check(branch, instance, path, &mut branch_errors);
                            branch_errors.is_empty()
                        })
                        .count();
                    let ok = match keyword.as_str() {
                        "anyOf" => passing > 0,
                        "oneOf" => passing == 1,
                        _ => passing == branches.len(),
                    };
                    if !ok {
                        errors.push(format!(
                            "{path}: {passing} of {} branches of {keyword} match",
                            branches.len()
                        ));
                    }
                }
                other if ANNOTATIONS.contains(&other) => {}
                other => panic!("{path}: unsupported schema keyword `{other}`"),
            }
        }
        self.check_properties(keywords, instance, path, errors);
    }

    fn check_properties(
        &self,
        keywords: &serde_json::Map<String, Value>,
        instance: &Value,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        let Some(object) = instance.as_object() else {
            return;
        };
        let properties = keywords.get("properties").and_then(Value::as_object);
        for (name, value) in object {
            let at = format!("{path}/{name}");
            match (
                properties.and_then(|p| p.get(name)),
                keywords.get("additionalProperties"),
            ) {
                (Some(schema), _) => self.check(schema, value, &at, errors),
                (None, Some(Value::Bool(false))) => {
                    errors.push(format!("{at}: property not allowed"))
                }
                (None, Some(schema @ Value::Object(_))) => self.check(schema, value, &at, errors),
                (None, _) => {}
            }
        }
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unknown type {other}"),
    }
}

/// The formats the SARIF schema uses, checked for their shape only.
fn matches_format(format: &str, text: &str) -> bool {
    let scheme = Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:").unwrap_or_else(|e| panic!("{e}"));
    let no_spaces = !text.chars().any(char::is_whitespace);
    match format {
        "uri" => no_spaces && scheme.is_match(text),
        "uri-reference" => no_spaces,
        "date-time" => {
            Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
                .unwrap_or_else(|e| panic!("{e}"))
                .is_match(text)
        }
        other => panic!("unsupported format {other}"),
    }
}
