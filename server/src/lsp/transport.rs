//! Standard input, checked frame by frame before the protocol service reads it.
//!
//! The transport's decoder ends the whole session at the first message it cannot decode
//! (tokio-util's `FramedRead` stops after a decoder error). So frames are checked here first, and
//! one bad message costs only itself: a body that is not JSON (or not UTF-8) is answered with a
//! parse error, one that is no valid request with an invalid-request error, a batch with an
//! error per entry. Those answers go through the service as [`REJECT`] requests, so that they
//! are written like every other response. A response the service cannot decode is dropped with a
//! log line, and bytes that do not form a frame are skipped.

use std::io;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{ErrorCode, Request, Response};

/// The method of a request the transport makes up for a message it rejects; params `code` and
/// `message` are the error to answer with, under the rejected message's id.
pub(crate) const REJECT: &str = "ddlint/reject";

/// Bodies longer than this are skipped unread: a length that large is garbage, not a message.
const MAX_BODY: u64 = 1 << 30;

/// The frames of `input` that the protocol service can decode, re-framed.
pub(crate) fn checked(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    let (reader, mut writer) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut input = BufReader::new(input);
        loop {
            let body = match next_frame(&mut input).await {
                Ok(Some(body)) => body,
                Ok(None) => break,
                Err(error) => {
                    stderr_line!("ddlint: cannot read standard input: {error}");
                    break;
                }
            };
            for body in checked_bodies(body) {
                let header = format!("Content-Length: {}\r\n\r\n", body.len());
                let written = async {
                    writer.write_all(header.as_bytes()).await?;
                    writer.write_all(&body).await
                };
                if written.await.is_err() {
                    // The service stopped reading: the session is over.
                    return;
                }
            }
        }
    });
    reader
}

/// The message bodies the protocol service reads when a client writes `input`: what
/// [`checked`] passes on, in order.
pub(crate) fn bodies_read(input: &[u8]) -> Vec<Vec<u8>> {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(error) => panic!("cannot start a runtime to read the frames: {error}"),
    };
    let framed = runtime.block_on(async {
        let mut framed = Vec::new();
        // Reading from memory into memory fails only if the checking task panicked.
        if let Err(error) = checked(io::Cursor::new(input.to_vec()))
            .read_to_end(&mut framed)
            .await
        {
            panic!("the frame check failed: {error}");
        }
        framed
    });
    let mut bodies = Vec::new();
    let mut rest = framed.as_slice();
    while !rest.is_empty() {
        let header_end = rest
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("a checked frame without a header end"));
        let header = std::str::from_utf8(&rest[..header_end]).unwrap_or_default();
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|length| length.parse().ok())
            .unwrap_or_else(|| panic!("a checked frame with the header {header:?}"));
        let body = &rest[header_end + 4..];
        bodies.push(body[..length].to_vec());
        rest = &body[length..];
    }
    bodies
}

/// The next frame's body; `None` at the end of the input.
async fn next_frame(input: &mut BufReader<impl AsyncRead + Unpin>) -> io::Result<Option<Vec<u8>>> {
    loop {
        let mut length = None;
        let mut headers = 0;
        loop {
            let mut line = Vec::new();
            if input.read_until(b'\n', &mut line).await? == 0 {
                return Ok(None);
            }
            let line = String::from_utf8_lossy(&line).trim().to_ascii_lowercase();
            if line.is_empty() {
                if headers > 0 {
                    break;
                }
                continue;
            }
            headers += 1;
            // Like the transport's own decoder, a header may follow garbage on its line.
            if let Some(at) = line.find("content-length:") {
                length = line[at + "content-length:".len()..]
                    .trim()
                    .parse::<u64>()
                    .ok();
            }
        }
        let Some(length) = length else {
            stderr_line!("ddlint: skipping a message without a valid Content-Length header");
            continue;
        };
        if length > MAX_BODY {
            stderr_line!("ddlint: skipping a message of {length} bytes");
            tokio::io::copy(&mut (&mut *input).take(length), &mut tokio::io::sink()).await?;
            continue;
        }
        let mut body = vec![0; length as usize];
        input.read_exact(&mut body).await?;
        return Ok(Some(body));
    }
}

/// What the service reads for one frame's body: the body itself, or the rejections it earns.
fn checked_bodies(body: Vec<u8>) -> Vec<Vec<u8>> {
    let Ok(text) = std::str::from_utf8(&body) else {
        if let Some(notice) = out_of_sync(&body) {
            return vec![notice];
        }
        return vec![reject(
            &Value::Null,
            ErrorCode::ParseError,
            "the message is not valid UTF-8",
        )];
    };
    let value = match serde_json::from_str::<Value>(text) {
        Ok(value) => value,
        Err(error) => {
            return vec![reject(
                &Value::Null,
                ErrorCode::ParseError,
                &format!("the message is not JSON: {error}"),
            )];
        }
    };
    match value {
        Value::Array(entries) if entries.is_empty() => vec![reject(
            &Value::Null,
            ErrorCode::InvalidRequest,
            "an empty batch",
        )],
        Value::Array(entries) => entries
            .iter()
            .filter_map(|entry| {
                let Some(id) = entry.get("id") else {
                    stderr_line!(
                        "ddlint: ignoring a notification in a batch: {}",
                        preview(entry.to_string().as_bytes())
                    );
                    return None;
                };
                Some(reject(
                    reply_id(id),
                    ErrorCode::InvalidRequest,
                    "batches are not supported; send each message on its own",
                ))
            })
            .collect(),
        value => match invalid(&value, text) {
            None => vec![body],
            Some(problem) if is_response(&value) => {
                stderr_line!(
                    "ddlint: ignoring a response that {problem}: {}",
                    preview(&body)
                );
                Vec::new()
            }
            Some(problem) => {
                let id = value.get("id").map_or(&Value::Null, reply_id);
                vec![reject(
                    id,
                    ErrorCode::InvalidRequest,
                    &format!("the request {problem}"),
                )]
            }
        },
    }
}

/// For a document notification that is not UTF-8: the notice that the document is out of sync.
fn out_of_sync(body: &[u8]) -> Option<Vec<u8>> {
    let value: Value = serde_json::from_str(&String::from_utf8_lossy(body)).ok()?;
    let method = value.get("method")?.as_str()?;
    if value.get("id").is_some() || !method.starts_with("textDocument/did") {
        return None;
    }
    let uri = value.pointer("/params/textDocument/uri")?.as_str()?;
    let notice = json!({
        "jsonrpc": "2.0",
        "method": super::ordered::OUT_OF_SYNC,
        "params": { "uri": uri, "reason": format!("a {method} notification was not valid UTF-8") },
    });
    Some(notice.to_string().into_bytes())
}

/// What makes a JSON value no message the service can decode; `None` when it can.
fn invalid(value: &Value, text: &str) -> Option<&'static str> {
    if !value.is_object() {
        return Some("is not a JSON object");
    }
    if value.get("jsonrpc") != Some(&json!("2.0")) {
        return Some("lacks `\"jsonrpc\": \"2.0\"`");
    }
    // Decoded again from the text: a clone of the value would copy a whole document.
    if is_response(value) {
        return serde_json::from_str::<Response>(text)
            .err()
            .map(|_| "is malformed");
    }
    if !value.get("method").is_some_and(Value::is_string) {
        return Some("has no method name");
    }
    serde_json::from_str::<Request>(text)
        .err()
        .map(|_| "is malformed")
}

/// The id to answer a request under: its own when the protocol allows it (a string or an integer
/// the service decodes), else `null`, as JSON-RPC answers a request whose id cannot be read. An
/// answer under any other id could not be decoded, and would end the session.
fn reply_id(id: &Value) -> &Value {
    match id {
        Value::String(_) => id,
        Value::Number(number) if number.is_i64() => id,
        _ => &Value::Null,
    }
}

fn is_response(value: &Value) -> bool {
    value.get("method").is_none() && (value.get("result").is_some() || value.get("error").is_some())
}

/// The body of a [`REJECT`] request.
fn reject(id: &Value, code: ErrorCode, message: &str) -> Vec<u8> {
    let request = json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": REJECT,
        "params": { "code": code.code(), "message": message },
    });
    request.to_string().into_bytes()
}

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
    if body.len() > 80 {
        format!("{text}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn checked_output(input: Vec<u8>) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut checked = checked(std::io::Cursor::new(input));
            let mut output = String::new();
            checked.read_to_string(&mut output).await.unwrap();
            output
        })
    }

    fn rejected(id: Value, code: ErrorCode, message: &str) -> String {
        frame(std::str::from_utf8(&reject(&id, code, message)).unwrap())
    }

    #[test]
    fn bad_messages_become_rejections_and_garbage_is_skipped() {
        let valid = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let request = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = [
            frame("{ not json"),
            frame(valid),
            "garbage line\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":5}"#),
            frame(r#"{"id":7,"method":"shutdown"}"#),
            frame(r#"[{"jsonrpc":"2.0","id":"a","method":"shutdown"},{"jsonrpc":"2.0","method":"exit"},3]"#),
            frame(r#"{"jsonrpc":"2.0","id":9,"result":null}"#),
            frame(r#"{"jsonrpc":"2.0","id":9,"error":"no"}"#),
            "Content-Length: 99999999999\r\n\r\n".to_string(),
        ]
        .concat();
        // The oversized body swallows what follows it; a valid frame after the input's end is
        // not reached, so the checked stream ends there.
        let not_json = "the message is not JSON: key must be a string at line 1 column 3";
        let batch = "batches are not supported; send each message on its own";
        let expected = [
            rejected(Value::Null, ErrorCode::ParseError, not_json),
            frame(valid),
            rejected(
                Value::Null,
                ErrorCode::InvalidRequest,
                "the request has no method name",
            ),
            rejected(
                json!(7),
                ErrorCode::InvalidRequest,
                "the request lacks `\"jsonrpc\": \"2.0\"`",
            ),
            rejected(json!("a"), ErrorCode::InvalidRequest, batch),
            frame(r#"{"jsonrpc":"2.0","id":9,"result":null}"#),
        ]
        .concat();
        assert_eq!(checked_output(input.into_bytes()), expected);

        let mut latin1 = b"Content-Length: 3\r\n\r\n\"\xe9\"".to_vec();
        latin1.extend(
            [
                frame(request),
                "Content-Length: x\r\n\r\n".to_string(),
                frame(valid),
            ]
            .concat()
            .bytes(),
        );
        let output = checked_output(latin1);
        let not_utf8 = rejected(
            Value::Null,
            ErrorCode::ParseError,
            "the message is not valid UTF-8",
        );
        assert_eq!(output, [not_utf8, frame(request), frame(valid)].concat());
    }

    /// An id the service cannot decode (a fraction, a number past 64 bits, an object) is
    /// answered under `null`: an answer under it would end the session.
    #[test]
    fn requests_with_ids_the_service_cannot_read_are_answered_under_null() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#),
            frame(r#"[{"jsonrpc":"2.0","id":{"a":1},"method":"x"},{"id":"b"}]"#),
            frame(r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"shutdown"}"#),
        ]
        .concat();
        let bodies = bodies_read(input.as_bytes());
        let ids: Vec<Value> = bodies
            .iter()
            .map(|body| {
                assert!(serde_json::from_slice::<Request>(body).is_ok());
                serde_json::from_slice::<Value>(body).unwrap()["id"].clone()
            })
            .collect();
        assert_eq!(ids, [Value::Null, Value::Null, json!("b"), Value::Null]);
    }
}
