//! The language server's framing of standard input: whatever a client writes, every frame the
//! protocol service reads is a JSON-RPC message it can decode (one it cannot would end the
//! session), and every request the client sent is answered: passed on, or turned into an error
//! under its id.
//!
//! The first input byte chooses how the rest is read: as raw bytes (headers, garbage, bodies
//! and all), or as message bodies separated by NUL bytes, each framed with its right length.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Request, Response};

fn framed(bodies: &[&[u8]]) -> Vec<u8> {
    let mut input = Vec::new();
    for body in bodies {
        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        input.extend_from_slice(body);
    }
    input
}

/// The ids of the requests in a body the client sent: a request's, or a batch's entries'.
fn request_ids(body: &[u8]) -> Vec<Value> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let is_request = |entry: &Value| entry.get("method").is_some() || !is_response(entry);
    // Other ids (null, fractions, objects) cannot be answered under themselves.
    let id = |entry: &Value| {
        entry
            .get("id")
            .filter(|id| id.is_string() || id.is_i64())
            .cloned()
    };
    match &value {
        Value::Array(entries) => entries
            .iter()
            .filter(|e| is_request(e))
            .filter_map(id)
            .collect(),
        Value::Object(_) if is_request(&value) => id(&value).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn is_response(value: &Value) -> bool {
    value.get("method").is_none() && (value.get("result").is_some() || value.get("error").is_some())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (input, sent) = if mode % 2 == 0 {
        (rest.to_vec(), Vec::new())
    } else {
        let bodies: Vec<&[u8]> = rest.split(|&byte| byte == 0).collect();
        (
            framed(&bodies),
            bodies.iter().flat_map(|b| request_ids(b)).collect(),
        )
    };
    let read = ddlint::lsp::service_bodies(&input);
    let mut answered = Vec::new();
    for body in &read {
        let decodes = serde_json::from_slice::<Request>(body).is_ok()
            || serde_json::from_slice::<Response>(body).is_ok();
        assert!(
            decodes,
            "the service cannot decode {:?}",
            String::from_utf8_lossy(body)
        );
        if let Ok(value) = serde_json::from_slice::<Value>(body) {
            answered.extend(value.get("id").cloned());
        }
    }
    for id in sent {
        assert!(
            answered.contains(&id),
            "the request with id {id} is not answered"
        );
    }
});
