//! Ranking of the public catalogue search, in plain Rust over words.
//!
//! The database's own text index (SQLite FTS5, PostgreSQL full-text search) finds
//! the candidates — every product with, for each query word, an indexed word that
//! starts with the folded query word. This module ranks them: for each query word,
//! an indexed word equal to it *with its marks* is best, a word equal once both are
//! folded (no diacritics, `đ → d`) is next, a folded prefix is last. A product's rank
//! is its weakest word, then the sum. A query typed with diacritics keeps only the
//! products at the best rank found ("trà" does not bring "trang", "trắm" or "trâu"
//! when there are "trà" products), unless nothing better exists.

use crate::text::{fold, nfc};

/// At most this many words of a query are used (a 10,000-character query is cut).
pub const MAX_QUERY_WORDS: usize = 8;
/// Longer words are cut to this many characters.
pub const MAX_WORD_CHARS: usize = 40;

/// A word as typed (lowercase, NFC, with its marks) and folded (ASCII letters and
/// digits only, so it is safe inside any text-search syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub exact: String,
    pub fold: String,
}

impl Word {
    /// Was the word typed with diacritics (or `đ`)?
    pub fn marked(&self) -> bool {
        self.exact != self.fold
    }
}

/// The words of a text: split on anything that is not a letter or digit; words
/// whose folded form has no ASCII letter or digit are dropped.
pub fn words(s: &str) -> Vec<Word> {
    let lower = nfc(s).to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let w: String = w.chars().take(MAX_WORD_CHARS).collect();
            let f: String = fold(&w)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            (!f.is_empty()).then_some(Word { exact: w, fold: f })
        })
        .collect()
}

/// The words of a query: at most [`MAX_QUERY_WORDS`], repeated words once.
pub fn query_words(q: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    for w in words(crate::text::truncate_chars(q, 2000)) {
        if !out.contains(&w) {
            out.push(w);
        }
        if out.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    out
}

/// How well one query word matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Prefix = 1,
    Folded = 2,
    Exact = 3,
}

/// The best tier of `q` among the indexed words, None when no word starts with it.
pub fn word_tier(q: &Word, doc: &[Word]) -> Option<Tier> {
    doc.iter()
        .filter_map(|d| {
            if d.exact == q.exact {
                Some(Tier::Exact)
            } else if d.fold == q.fold {
                Some(Tier::Folded)
            } else if d.fold.starts_with(&q.fold) {
                Some(Tier::Prefix)
            } else {
                None
            }
        })
        .max()
}

/// A document's rank: its weakest word's tier, then the sum of tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    pub weakest: Tier,
    pub sum: u32,
}

/// The rank of a document for a query, None when a query word matches nothing.
pub fn rank(q: &[Word], doc: &[Word]) -> Option<Rank> {
    let mut weakest = Tier::Exact;
    let mut sum = 0;
    for w in q {
        let t = word_tier(w, doc)?;
        weakest = weakest.min(t);
        sum += t as u32;
    }
    Some(Rank { weakest, sum })
}

/// Separates the product's own name from the rest of its indexed text (producer,
/// codes) in the stored document.
pub const NAME_END: char = '\t';

/// Orders candidates `(id, indexed text)` for the query, best first, dropping
/// those that do not match and — for a query with diacritics — those below the
/// best weakest tier found. At equal tier, a product whose own name (the text
/// before [`NAME_END`]) holds every query word comes before one matched through
/// its producer's name or codes; remaining ties keep the given order.
pub fn order(q: &[Word], candidates: Vec<(i64, String)>) -> Vec<i64> {
    let mut ranked: Vec<((Tier, bool, u32), usize, i64)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, (id, text))| {
            let r = rank(q, &words(&text))?;
            let name = text.split(NAME_END).next().unwrap_or("");
            let in_name = rank(q, &words(name)).is_some();
            Some(((r.weakest, in_name, r.sum), i, id))
        })
        .collect();
    if q.iter().any(Word::marked) {
        if let Some(best) = ranked.iter().map(|(r, _, _)| r.0).max() {
            ranked.retain(|(r, _, _)| r.0 == best);
        }
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, _, id)| id).collect()
}

/// The SQLite FTS5 query: every folded word as a quoted prefix, all required.
/// The words hold only ASCII letters and digits, so no FTS operator can slip in.
pub fn fts5_query(q: &[Word]) -> String {
    q.iter()
        .map(|w| format!("\"{}\"*", w.fold))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The PostgreSQL `to_tsquery('simple', …)` text: every folded word as a prefix.
pub fn tsquery(q: &[Word]) -> String {
    q.iter()
        .map(|w| format!("{}:*", w.fold))
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(q: &str, docs: &[(i64, &str)]) -> Vec<i64> {
        order(
            &query_words(q),
            docs.iter().map(|(i, t)| (*i, t.to_string())).collect(),
        )
    }

    const DOCS: &[(i64, &str)] = &[
        (1, "Trà hoa vàng Phong Thổ"),
        (2, "Trang phục thổ cẩm"),
        (3, "Cá trắm ướp"),
        (4, "Thịt trâu gác bếp"),
        (5, "Chè Shan tuyết Mường Khoa"),
        (6, "Miến dong Tam Đường"),
        (7, "Trà shan tuyết cổ thụ"),
    ];

    #[test]
    fn words_fold_and_keep_marks() {
        let w = words("Chè  ĐƯỜNG-phèn, 100%");
        assert_eq!(
            w.iter().map(|w| w.exact.as_str()).collect::<Vec<_>>(),
            ["chè", "đường", "phèn", "100"]
        );
        assert_eq!(
            w.iter().map(|w| w.fold.as_str()).collect::<Vec<_>>(),
            ["che", "duong", "phen", "100"]
        );
        assert!(w[0].marked() && !w[3].marked());
    }

    #[test]
    fn marked_query_keeps_only_its_exact_word() {
        assert_eq!(ids("trà", DOCS), [1, 7]);
        assert_eq!(ids("TRÀ", DOCS), [1, 7]);
    }

    #[test]
    fn unmarked_query_ranks_whole_words_before_prefixes() {
        let got = ids("tra", DOCS);
        assert_eq!(&got[..2], &[1, 7]);
        assert_eq!(got.len(), 5, "{got:?}");
    }

    #[test]
    fn with_or_without_diacritics() {
        assert_eq!(ids("che shan tuyet", DOCS), [5]);
        assert_eq!(ids("chè shan tuyết", DOCS), [5]);
        assert_eq!(ids("CHE", DOCS), [5]);
        assert_eq!(ids("mien dong", DOCS), [6]);
        assert_eq!(ids("tam duong", DOCS), [6]);
        assert_eq!(ids("shan", DOCS), [5, 7]);
    }

    #[test]
    fn a_match_in_the_name_ranks_before_one_through_the_producer() {
        let docs = [
            (1, "Trà hoa vàng\tHTX Chè Bình Lư"),
            (2, "Chè Shan tuyết\tHTX Chè Bình Lư"),
        ];
        assert_eq!(ids("che", &docs), [2, 1]);
    }

    #[test]
    fn marked_query_falls_back_when_nothing_better() {
        // No "trầm" anywhere: the folded prefix matches are what exists.
        assert_eq!(ids("trầm", DOCS), [3]);
    }

    #[test]
    fn operators_and_long_queries_are_plain_words() {
        let q = query_words("\"chè\" * NEAR(x) -trà :a % _ '");
        assert!(q
            .iter()
            .all(|w| w.fold.chars().all(|c| c.is_ascii_alphanumeric())));
        assert_eq!(fts5_query(&q[..2]), "\"che\"* AND \"near\"*");
        assert_eq!(tsquery(&q[..1]), "che:*");
        assert!(query_words("%_'\"*").is_empty());
        let long = "chè ".repeat(2500) + &"x".repeat(10_000);
        let q = query_words(&long);
        assert!(q.len() <= MAX_QUERY_WORDS);
        assert!(q.iter().all(|w| w.exact.chars().count() <= MAX_WORD_CHARS));
    }
}
