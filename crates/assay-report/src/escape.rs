//! Escaping for each output language: HTML text and attributes, Markdown table cells, XML.

/// HTML text or attribute value: `& < > " '`.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for a Markdown table cell: backslashes, pipes and inline HTML or code fences cannot
/// break out of it.
pub fn md(s: &str) -> String {
    html(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "&#96;")
        .replace('@', "&#64;")
        .replace(['\n', '\r'], " ")
}

/// XML text or attribute value; control characters XML cannot hold are dropped.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
