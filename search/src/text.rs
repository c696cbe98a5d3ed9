//! Text matching: SQL-style `like` patterns, words, and typo-tolerant word matching.

/// A compiled `like` pattern: `%` matches any run of characters, `_` exactly one,
/// `\` escapes the next character. Matching is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikePattern {
    parts: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Char(char),
    One,
    Any,
}

impl LikePattern {
    /// Compiles a pattern.
    pub fn new(pattern: &str) -> Self {
        let mut parts = Vec::new();
        let mut chars = pattern.chars().flat_map(char::to_lowercase);
        while let Some(c) = chars.next() {
            parts.push(match c {
                '%' if parts.last() == Some(&Piece::Any) => continue,
                '%' => Piece::Any,
                '_' => Piece::One,
                '\\' => Piece::Char(chars.next().unwrap_or('\\')),
                c => Piece::Char(c),
            });
        }
        LikePattern { parts }
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        // Iterative wildcard matching with backtracking to the last `%`.
        let (mut t, mut p) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            match self.parts.get(p) {
                Some(Piece::Any) => {
                    star = Some((p, t));
                    p += 1;
                }
                Some(Piece::One) => {
                    t += 1;
                    p += 1;
                }
                Some(Piece::Char(c)) if *c == text[t] => {
                    t += 1;
                    p += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        p = sp + 1;
                        t = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        self.parts[p.min(self.parts.len())..].iter().all(|piece| *piece == Piece::Any)
    }
}

/// Lower-cased words of `text` (runs of letters and digits).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Typos tolerated in a word of this many characters.
fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether two lower-cased words match allowing small typos (a swap of neighbours counts as one).
fn close(query: &str, word: &str) -> bool {
    let allowed = tolerance(query.chars().count());
    if allowed == 0 {
        return query == word;
    }
    let diff = query.chars().count().abs_diff(word.chars().count());
    diff <= allowed && strsim::osa_distance(query, word) <= allowed
}

/// Every query word matches a word of `text`, in order, allowing small typos.
pub fn fuzzy_matches(query: &[String], text: &str) -> bool {
    let mut haystack = words(text).into_iter();
    query.iter().all(|q| haystack.by_ref().any(|w| close(q, &w)))
}

/// At least one query word is a word of `text`.
pub fn keyword_matches(query: &[String], text: &str) -> bool {
    let ws = words(text);
    query.iter().any(|q| ws.iter().any(|w| w == q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_handles_wildcards_escapes_and_case() {
        let p = LikePattern::new("Acme%");
        assert!(p.matches("acme corp"));
        assert!(p.matches("ACME"));
        assert!(!p.matches("the acme"));
        assert!(LikePattern::new("%corp%").matches("Acme Corporation"));
        assert!(LikePattern::new("a_c").matches("abc"));
        assert!(!LikePattern::new("a_c").matches("ac"));
        assert!(LikePattern::new("100\\%").matches("100%"));
        assert!(!LikePattern::new("100\\%").matches("1000"));
        assert!(LikePattern::new("%").matches(""));
        assert!(!LikePattern::new("_").matches(""));
        assert!(LikePattern::new("%a%b%").matches("xxaxxbxx"));
    }

    #[test]
    fn fuzzy_tolerates_typos_in_order() {
        let q = words("desgin review");
        assert!(fuzzy_matches(&q, "Design Review meeting"));
        assert!(!fuzzy_matches(&q, "review design"));
        assert!(!fuzzy_matches(&words("cat"), "cut"));
        assert!(fuzzy_matches(&words("developement"), "Development"));
    }

    #[test]
    fn keyword_is_whole_word_and_case_insensitive() {
        assert!(keyword_matches(&words("REVIEW"), "Design review"));
        assert!(!keyword_matches(&words("view"), "Design review"));
        assert!(keyword_matches(&words("nothing here review"), "review"));
    }
}
