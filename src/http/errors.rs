//! Errors of an HTTP exchange: InfluxDB's JSON error bodies, status texts, transport
//! failures. No message ever carries a request header (the token lives in one).

use crate::error::{Code, Error};

/// Longest server message kept from an error body (bytes).
pub(crate) const MAX_SERVER_MESSAGE: usize = 1024;

/// Build the error for a non-2xx answer from its status and body (`Code::Http`). Whether
/// it is worth retrying is the caller's decision (writes and queries differ).
pub fn http_status_error(status: u16, body: &str) -> Error {
    let server_message = parse_error_body(body);
    let message = if server_message.is_empty() {
        format!("HTTP {status} {}", reason(status))
    } else {
        format!("HTTP {status} {}: {server_message}", reason(status))
    };
    Error {
        code: Code::Http,
        message,
        http_status: status,
        server_message: Some(server_message),
        retriable: false,
        retry_after: None,
    }
}

/// Extract the human message from an InfluxDB error body: JSON `message` (v2) or `error` (v1);
/// otherwise the body text with whitespace collapsed (e.g. a proxy's HTML), truncated.
pub fn parse_error_body(body: &str) -> String {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) {
        for key in ["message", "error"] {
            if let Some(serde_json::Value::String(m)) = map.get(key) {
                return truncate(m.trim());
            }
        }
    }
    let collapsed: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&collapsed)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_SERVER_MESSAGE {
        return s.to_string();
    }
    let mut end = MAX_SERVER_MESSAGE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        415 => "Unsupported Media Type",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_v2_json_message() {
        let m = parse_error_body(r#"{"code":"not found","message":"bucket \"nope\" not found"}"#);
        assert_eq!(m, "bucket \"nope\" not found");
    }

    #[test]
    fn error_body_v1_json_error() {
        assert_eq!(
            parse_error_body(r#"{"error":"database not found: \"x\""}"#),
            "database not found: \"x\""
        );
    }

    #[test]
    fn error_body_html_is_collapsed_text() {
        let m = parse_error_body("<html>\n  <body>502   Bad Gateway</body>\n</html>\n");
        assert_eq!(m, "<html> <body>502 Bad Gateway</body> </html>");
    }

    #[test]
    fn error_body_json_without_message_keeps_text() {
        assert_eq!(parse_error_body(r#"{"code":"x"}"#), r#"{"code":"x"}"#);
    }

    #[test]
    fn error_body_is_truncated_at_char_boundary() {
        let long = "é".repeat(2000);
        let m = parse_error_body(&long);
        assert!(m.len() <= MAX_SERVER_MESSAGE + 3);
        assert!(m.ends_with("..."));
    }

    #[test]
    fn http_error_fields() {
        let e = http_status_error(
            401,
            r#"{"code":"unauthorized","message":"unauthorized access"}"#,
        );
        assert_eq!(e.code, Code::Http);
        assert_eq!(e.http_status, 401);
        assert_eq!(e.server_message.as_deref(), Some("unauthorized access"));
        assert_eq!(e.message, "HTTP 401 Unauthorized: unauthorized access");
        assert!(!e.retriable);
        let e = http_status_error(503, "");
        assert_eq!(e.message, "HTTP 503 Service Unavailable");
    }
}
