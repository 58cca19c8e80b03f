//! Standard input and output of the language server: frames read and decoded once, requests
//! handed to the protocol service in the order they arrive, and every outgoing message framed.
//!
//! tower-lsp-server's own transport would end the whole session at the first message it cannot
//! decode, decode every message a second time, and keep a read buffer as large as the largest
//! message ever received (a whole document, for a `didOpen`). So frames are read and checked
//! here: one bad message costs only itself. A body that is not JSON (or not UTF-8) is answered
//! with a parse error, one that is no valid request with an invalid-request error, a batch with
//! an error per entry. Those answers go through the service as [`REJECT`] requests, so that they
//! are written like every other response. A response that cannot be decoded is dropped with a
//! log line, and bytes that do not form a frame are skipped.

use std::io;

use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter,
};
use tokio::sync::{mpsc, watch};
use tower_lsp_server::ClientSocket;
use tower_lsp_server::jsonrpc::{ErrorCode, Id, Request, Response};
use tower_service::Service;

/// The method of a request the transport makes up for a message it rejects; params `code` and
/// `message` are the error to answer with, under the rejected message's id.
pub(crate) const REJECT: &str = "ddlint/reject";

/// Bodies longer than this are skipped unread: a length that large is garbage, not a message.
const MAX_BODY: u64 = 1 << 30;

/// A message from the client, decoded.
#[derive(Debug)]
pub(crate) enum Incoming {
    Request(Request),
    Response(Response),
}

/// Serves `service` on `input` and `output` until the input ends or the client says `exit`,
/// then waits for the answers still being computed. `socket` carries the server's own requests
/// and notifications to the client, and the client's responses back.
pub(crate) async fn serve<S>(
    input: impl AsyncRead + Unpin,
    output: impl AsyncWrite + Unpin,
    mut service: S,
    socket: ClientSocket,
) where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
{
    let (to_client, bodies) = mpsc::unbounded_channel::<Vec<u8>>();
    let (mut server_requests, mut client_responses) = socket.split();
    let (input_ended, mut ended) = watch::channel(false);
    let outgoing = to_client.clone();
    let forward_server_requests = async move {
        loop {
            tokio::select! {
                request = server_requests.next() => match request {
                    Some(request) => {
                        if !send(&outgoing, &request) {
                            break;
                        }
                    }
                    None => break,
                },
                // Nobody reads what the server would ask once the client is gone.
                _ = ended.changed() => break,
            }
        }
    };
    let read = async move {
        let mut input = BufReader::new(input);
        'frames: loop {
            let body = match next_frame(&mut input).await {
                Ok(Some(body)) => body,
                Ok(None) => break,
                Err(error) => {
                    stderr_line!("ddlint: cannot read standard input: {error}");
                    break;
                }
            };
            for message in checked_messages(body) {
                match message {
                    Incoming::Request(request) => {
                        if let Err(error) = std::future::poll_fn(|cx| service.poll_ready(cx)).await
                        {
                            stderr_line!("ddlint: the protocol service stopped: {error}");
                            break 'frames;
                        }
                        // The protocol asks the server to exit right away; a client may keep
                        // standard input open after `exit`.
                        let exit = request.method() == "exit";
                        let answer = service.call(request);
                        let to_client = to_client.clone();
                        tokio::spawn(async move {
                            match answer.await {
                                Ok(Some(response)) => {
                                    send(&to_client, &response);
                                }
                                Ok(None) => {}
                                Err(error) => stderr_line!("ddlint: a request failed: {error}"),
                            }
                        });
                        if exit {
                            break 'frames;
                        }
                    }
                    Incoming::Response(response) => {
                        if client_responses.send(response).await.is_err() {
                            break 'frames;
                        }
                    }
                }
            }
        }
        let _ = input_ended.send(true);
        // The writer ends once the answers still being computed have dropped their senders.
        drop(to_client);
    };
    tokio::join!(read, forward_server_requests, write_frames(output, bodies));
}

/// Queues a message for the client; `false` once the writer has stopped.
fn send(to_client: &mpsc::UnboundedSender<Vec<u8>>, message: &impl serde::Serialize) -> bool {
    match serde_json::to_vec(message) {
        Ok(body) => to_client.send(body).is_ok(),
        Err(error) => {
            stderr_line!("ddlint: cannot encode a message for the client: {error}");
            true
        }
    }
}

/// Writes each body with its header, flushing whenever no other body waits.
async fn write_frames(
    output: impl AsyncWrite + Unpin,
    mut bodies: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let mut output = BufWriter::new(output);
    while let Some(body) = bodies.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let mut written = output.write_all(header.as_bytes()).await.is_ok()
            && output.write_all(&body).await.is_ok();
        if written && bodies.is_empty() {
            written = output.flush().await.is_ok();
        }
        if !written {
            // The client stopped reading: the session is over.
            return;
        }
    }
    let _ = output.flush().await;
}

/// The messages the protocol service is given when a client writes `input`, in order.
pub(crate) fn messages_read(input: &[u8]) -> Vec<Incoming> {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(error) => panic!("cannot start a runtime to read the frames: {error}"),
    };
    runtime.block_on(async {
        let mut input = BufReader::new(input);
        let mut messages = Vec::new();
        // Reading from memory fails only at its end.
        while let Ok(Some(body)) = next_frame(&mut input).await {
            messages.extend(checked_messages(body));
        }
        messages
    })
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

/// What the service is given for one frame's body: its message, or the rejections it earns.
fn checked_messages(body: Vec<u8>) -> Vec<Incoming> {
    let Ok(text) = std::str::from_utf8(&body) else {
        if let Some(notice) = out_of_sync(&body) {
            return vec![Incoming::Request(notice)];
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
        value if is_response(&value) => {
            // Decoded from the value itself: strings are moved, not copied.
            let problem = match invalid(&value) {
                Some(problem) => problem,
                None => match Response::deserialize(value) {
                    Ok(response) => return vec![Incoming::Response(response)],
                    Err(_) => "is malformed",
                },
            };
            stderr_line!(
                "ddlint: ignoring a response that {problem}: {}",
                preview(&body)
            );
            Vec::new()
        }
        value => {
            let id = value
                .get("id")
                .map_or(Value::Null, |id| reply_id(id).clone());
            let problem = match invalid(&value) {
                Some(problem) => problem,
                None => match Request::deserialize(value) {
                    Ok(request) => return vec![Incoming::Request(request)],
                    Err(_) => "is malformed",
                },
            };
            vec![reject(
                &id,
                ErrorCode::InvalidRequest,
                &format!("the request {problem}"),
            )]
        }
    }
}

/// For a document notification that is not UTF-8: the notice that the document is out of sync.
fn out_of_sync(body: &[u8]) -> Option<Request> {
    let value: Value = serde_json::from_str(&String::from_utf8_lossy(body)).ok()?;
    let method = value.get("method")?.as_str()?;
    if value.get("id").is_some() || !method.starts_with("textDocument/did") {
        return None;
    }
    let uri = value.pointer("/params/textDocument/uri")?.as_str()?;
    let params =
        json!({ "uri": uri, "reason": format!("a {method} notification was not valid UTF-8") });
    Some(
        Request::build(super::ordered::OUT_OF_SYNC)
            .params(params)
            .finish(),
    )
}

/// What makes a JSON value no message at all; `None` when it may be one (whether it decodes is
/// seen when it is decoded).
fn invalid(value: &Value) -> Option<&'static str> {
    if !value.is_object() {
        return Some("is not a JSON object");
    }
    if value.get("jsonrpc") != Some(&json!("2.0")) {
        return Some("lacks `\"jsonrpc\": \"2.0\"`");
    }
    if !is_response(value) && !value.get("method").is_some_and(Value::is_string) {
        return Some("has no method name");
    }
    None
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

/// A [`REJECT`] request, answered under `id` (one [`reply_id`] chose).
fn reject(id: &Value, code: ErrorCode, message: &str) -> Incoming {
    let id = Id::deserialize(id).unwrap_or(Id::Null);
    let params = json!({ "code": code.code(), "message": message });
    Incoming::Request(Request::build(REJECT).id(id).params(params).finish())
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

    /// The messages the service is given, as JSON.
    fn read(input: &[u8]) -> Vec<Value> {
        messages_read(input)
            .into_iter()
            .map(|message| match message {
                Incoming::Request(request) => serde_json::to_value(request).unwrap(),
                Incoming::Response(response) => serde_json::to_value(response).unwrap(),
            })
            .collect()
    }

    fn parsed(body: &str) -> Value {
        serde_json::from_str(body).unwrap()
    }

    fn rejected(id: Value, code: ErrorCode, message: &str) -> Value {
        serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "method": REJECT,
            "params": { "code": code.code(), "message": message },
        })
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
            parsed(valid),
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
            parsed(r#"{"jsonrpc":"2.0","id":9,"result":null}"#),
        ];
        assert_eq!(read(input.as_bytes()), expected);

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
        let not_utf8 = rejected(
            Value::Null,
            ErrorCode::ParseError,
            "the message is not valid UTF-8",
        );
        assert_eq!(read(&latin1), [not_utf8, parsed(request), parsed(valid)]);
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
        let ids: Vec<Value> = read(input.as_bytes())
            .into_iter()
            .map(|message| message["id"].clone())
            .collect();
        assert_eq!(ids, [Value::Null, Value::Null, json!("b"), Value::Null]);
    }
}
