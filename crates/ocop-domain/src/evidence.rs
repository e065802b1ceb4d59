//! Evidence per criterion: an answer on a criteria sheet cites the documents that
//! prove it, so that a council member checks a claim in one click instead of
//! searching the whole dossier. A criterion that earns points but cites nothing is
//! flagged.
//!
//! Citations are stored as a JSON object, criterion id → list of document ids, on a
//! producer's self-assessment and on each council member's sheet.

use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Criterion id → cited document ids (sorted, no repeats).
pub type Citations = BTreeMap<String, Vec<i64>>;

/// Reads stored citations; anything malformed reads as "nothing cited".
pub fn parse(json: &str) -> Citations {
    let raw: BTreeMap<String, Vec<i64>> = serde_json::from_str(json).unwrap_or_default();
    normalise(raw)
}

/// The stored form.
pub fn to_json(c: &Citations) -> serde_json::Value {
    serde_json::to_value(c).unwrap_or_else(|_| serde_json::json!({}))
}

fn normalise(raw: BTreeMap<String, Vec<i64>>) -> Citations {
    raw.into_iter()
        .filter_map(|(k, mut v)| {
            v.sort_unstable();
            v.dedup();
            (!v.is_empty()).then_some((k, v))
        })
        .collect()
}

/// Citations from posted `(criterion, document)` pairs, keeping only criteria of the
/// sheet and documents the author may cite; the rest is dropped, never stored.
pub fn from_pairs(
    pairs: impl IntoIterator<Item = (String, i64)>,
    criteria: &HashSet<String>,
    citable: &HashSet<i64>,
) -> Citations {
    let mut raw: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (criterion, doc) in pairs {
        if criteria.contains(&criterion) && citable.contains(&doc) {
            raw.entry(criterion).or_default().push(doc);
        }
    }
    normalise(raw)
}

/// The criteria whose answer earns points but cite no document. `points` holds the
/// points each criterion earned (as an evaluation reports them); `exempt` lists
/// criteria nobody cites for (those the commune gives).
pub fn unsupported(
    points: &BTreeMap<String, f64>,
    citations: &Citations,
    exempt: &HashSet<String>,
) -> BTreeSet<String> {
    points
        .iter()
        .filter(|(id, p)| **p > 0.0 && !exempt.contains(*id))
        .filter(|(id, _)| citations.get(*id).is_none_or(|d| d.is_empty()))
        .map(|(id, _)| id.clone())
        .collect()
}

/// A member's starting citations: the member's own once saved, otherwise those of
/// the producer's self-assessment restricted to what the member may cite.
pub fn starting_point(
    own: Option<Citations>,
    producer: &Citations,
    citable: &HashSet<i64>,
) -> Citations {
    match own {
        Some(c) => c,
        None => normalise(
            producer
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.iter().copied().filter(|d| citable.contains(d)).collect(),
                    )
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<T: std::hash::Hash + Eq + Clone>(xs: &[T]) -> HashSet<T> {
        xs.iter().cloned().collect()
    }

    #[test]
    fn parse_reads_back_what_to_json_wrote_sorted_and_without_repeats() {
        let c = parse(r#"{"a":[3,1,3],"b":[],"c":[7]}"#);
        assert_eq!(c.get("a"), Some(&vec![1, 3]));
        assert!(!c.contains_key("b"), "empty lists are dropped");
        assert_eq!(parse(&to_json(&c).to_string()), c);
    }

    #[test]
    fn malformed_json_reads_as_nothing_cited() {
        assert!(parse("not json").is_empty());
        assert!(parse(r#"{"a":"x"}"#).is_empty());
        assert!(parse("").is_empty());
    }

    #[test]
    fn from_pairs_drops_unknown_criteria_and_documents_the_author_may_not_cite() {
        let c = from_pairs(
            vec![
                ("a".to_string(), 1),
                ("a".to_string(), 2),
                ("zz".to_string(), 1),
                ("b".to_string(), 99),
            ],
            &set(&["a".to_string(), "b".to_string()]),
            &set(&[1, 2]),
        );
        assert_eq!(c.get("a"), Some(&vec![1, 2]));
        assert!(!c.contains_key("zz"));
        assert!(!c.contains_key("b"), "document 99 is not citable");
    }

    #[test]
    fn a_criterion_earning_points_without_a_document_is_flagged() {
        let points: BTreeMap<String, f64> = [
            ("a".to_string(), 3.0),
            ("b".to_string(), 2.0),
            ("c".to_string(), 0.0),
            ("d".to_string(), 1.0),
        ]
        .into_iter()
        .collect();
        let cites = parse(r#"{"a":[1]}"#);
        let flagged = unsupported(&points, &cites, &set(&["d".to_string()]));
        assert_eq!(
            flagged.into_iter().collect::<Vec<_>>(),
            vec!["b".to_string()],
            "a is cited, c earns nothing, d is the commune's"
        );
    }

    #[test]
    fn a_member_starts_from_the_producers_citations_until_saving_own() {
        let producer = parse(r#"{"a":[1,5],"b":[5]}"#);
        let start = starting_point(None, &producer, &set(&[1]));
        assert_eq!(start.get("a"), Some(&vec![1]));
        assert!(!start.contains_key("b"), "document 5 is not in the dossier");
        let own = parse(r#"{"b":[1]}"#);
        assert_eq!(
            starting_point(Some(own.clone()), &producer, &set(&[1])),
            own
        );
        assert!(
            starting_point(Some(Citations::new()), &producer, &set(&[1])).is_empty(),
            "a member who removed every citation keeps none"
        );
    }
}
