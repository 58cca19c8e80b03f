//! Standard input, checked frame by frame before the protocol service reads it.
//!
//! The transport's decoder ends the whole session at the first message it cannot decode
//! (tokio-util's `FramedRead` stops after a decoder error). So frames are checked here first: a
//! frame whose body is not a JSON-RPC message is dropped with a log line, bytes that do not form
//! a frame are skipped, and one bad message costs only itself.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

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
            if !decodable(&body) {
                stderr_line!(
                    "ddlint: ignoring a message that is not JSON-RPC: {}",
                    preview(&body)
                );
                continue;
            }
            let header = format!("Content-Length: {}\r\n\r\n", body.len());
            let written = async {
                writer.write_all(header.as_bytes()).await?;
                writer.write_all(&body).await
            };
            if written.await.is_err() {
                // The service stopped reading: the session is over.
                break;
            }
        }
    });
    reader
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

/// Whether the protocol service can decode `body` (a request, notification or response).
fn decodable(body: &[u8]) -> bool {
    serde_json::from_slice::<Response>(body).is_ok()
        || serde_json::from_slice::<Request>(body).is_ok()
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

    #[test]
    fn undecodable_frames_and_garbage_are_dropped() {
        let valid = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let request = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = [
            frame("{ not json"),
            frame(valid),
            "garbage line\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":5}"#),
            "Content-Length: 99999999999\r\n\r\n".to_string(),
        ]
        .concat();
        // The oversized body swallows what follows it; a valid frame after the input's end is
        // not reached, so the checked stream ends after the first valid frame.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let output = runtime.block_on(async {
            let mut checked = checked(std::io::Cursor::new(input.into_bytes()));
            let mut output = String::new();
            checked.read_to_string(&mut output).await.unwrap();
            output
        });
        assert_eq!(output, frame(valid));

        let input = [
            frame(request),
            "Content-Length: x\r\n\r\n".to_string(),
            frame(valid),
        ]
        .concat();
        let output = runtime.block_on(async {
            let mut checked = checked(std::io::Cursor::new(input.into_bytes()));
            let mut output = String::new();
            checked.read_to_string(&mut output).await.unwrap();
            output
        });
        assert_eq!(output, [frame(request), frame(valid)].concat());
    }
}
