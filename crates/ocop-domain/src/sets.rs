//! The 26 product sets (bộ sản phẩm) of each decision, as listed in the criteria data.
//!
//! The registry needs only the list (a product belongs to a set); the full criteria
//! sheets are loaded by the rulebook module. The codes (`QD26-01`, `QD148-01`) are ours:
//! the decisions number the sets but do not code them.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Which decision's classification a set belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// QĐ 148/QĐ-TTg (2023), kept by its 2025 amendment QĐ 1489/QĐ-TTg.
    Qd148,
    /// QĐ 26/2026/QĐ-TTg, in force from 22/05/2026.
    Qd26,
}

/// One product set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductSet {
    pub code: String,
    pub set_no: u32,
    pub name: String,
    pub sector: String,
    pub group: String,
    pub decision: Decision,
}

#[derive(Deserialize)]
struct Row {
    set_no: u32,
    code: String,
    name_vi: String,
    sector_vi: String,
    group_vi: String,
}

const QD148_SETS: &str = include_str!("../../../data/criteria/qd148/sets.csv");
const QD26_SETS: &str = include_str!("../../../data/criteria/qd26-2026/sets.csv");

fn parse(text: &str, decision: Decision) -> Vec<ProductSet> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    rdr.deserialize::<Row>()
        // The files are embedded and checked by the tests below; a bad row cannot ship.
        .filter_map(Result::ok)
        .map(|r| ProductSet {
            code: r.code,
            set_no: r.set_no,
            name: crate::text::clean(&r.name_vi),
            sector: r.sector_vi,
            group: r.group_vi,
            decision,
        })
        .collect()
}

/// Every set of both decisions, QĐ 26/2026 first (the one in force).
pub fn all_sets() -> &'static [ProductSet] {
    static SETS: OnceLock<Vec<ProductSet>> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut v = parse(QD26_SETS, Decision::Qd26);
        v.extend(parse(QD148_SETS, Decision::Qd148));
        v
    })
}

/// The sets of one decision, in the decision's order.
pub fn sets_of(decision: Decision) -> impl Iterator<Item = &'static ProductSet> {
    all_sets().iter().filter(move |s| s.decision == decision)
}

pub fn find_set(code: &str) -> Option<&'static ProductSet> {
    all_sets().iter().find(|s| s.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_six_sets_per_decision() {
        assert_eq!(sets_of(Decision::Qd26).count(), 26);
        assert_eq!(sets_of(Decision::Qd148).count(), 26);
        let s = find_set("QD26-01").unwrap();
        assert_eq!(s.name, "Rau, củ, quả, hạt tươi");
        assert_eq!(s.sector, "Thực phẩm");
        assert!(find_set("QD26-27").is_none());
        assert!(find_set("QD148-26").is_some());
    }
}
