//! Text made safe to print inside HTML, both between tags and in quoted
//! attribute values.

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_quotes_become_references() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn plain_text_and_other_characters_are_kept() {
        assert_eq!(escape("Zoë Ångström, 100 %"), "Zoë Ångström, 100 %");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn an_existing_reference_is_escaped_again() {
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }
}
