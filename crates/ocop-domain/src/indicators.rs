//! Programme indicators (issue 13): what the plan, the national programme and the
//! process follow-up count, as definitions over facts the store fetches.
//!
//! Every indicator is measured **for a unit on a date** (`at`): the last day of the
//! year asked, or the date asked when that is earlier (the current year). A record
//! counts for a unit when its `unit_path` *or* its `current_unit_path` lies under
//! the unit's path — the store selects the facts that way, so both administrative
//! periods are covered (an old commune's records count for the new commune it was
//! merged into, and for its old district). The computations here take the facts as
//! given and never look at paths.
//!
//! Decisions (also in `docs/indicators.md`):
//! - A certificate is **valid on a day** when issued on or before it, not past its
//!   printed expiry, not revoked on or before it, and not superseded on or before it.
//!   The Art. 12.3 extension of an expired certificate is not counted.
//! - A recognition **counts in its year** when issued in that year and not revoked
//!   by `at` (a recognition taken back is not an achievement of the plan); being
//!   superseded later (an upgrade) does not remove it.
//! - Revenue growth sums the yearly revenue (the one rule,
//!   [`crate::operations::yearly_revenue`]) of the products holding a valid
//!   certificate on `at`, **only over products with figures in both years**, so that
//!   a product entering the programme does not count as growth.

use crate::operations::{yearly_revenue, ChannelKind, RevenueFigure};
use crate::registry::Lang;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What an indicator's number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A number of records (products, producers, dossiers).
    Count,
    /// A share or a growth rate, in percent.
    Percent,
}

impl Measure {
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Percent => "percent",
        }
    }
}

/// Which list an indicator belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The province's yearly plan (Lai Châu plan 1426/KH-UBND, II).
    Plan,
    /// The national programme's follow-up figures.
    National,
    /// The work of the offices: dossiers and certificates to act on.
    Process,
}

/// An indicator's definition: its id (stable, in the API), names, measure, and what
/// it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    pub id: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub measure: Measure,
    pub group: Group,
    /// What counts, at which date (English; the Vietnamese is in the docs).
    pub counts: &'static str,
}

impl Definition {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.name_vi, self.name_en)
    }
}

macro_rules! defs {
    ($($id:literal, $vi:literal, $en:literal, $m:ident, $g:ident, $c:literal;)+) => {
        /// Every indicator, plan ones first in the plan's order.
        pub const DEFINITIONS: &[Definition] = &[$(Definition {
            id: $id, name_vi: $vi, name_en: $en, measure: Measure::$m, group: Group::$g, counts: $c,
        }),+];
    };
}

defs! {
    "new_recognitions", "Sản phẩm được công nhận mới", "Newly recognised products", Count, Plan,
        "Certificates of kind new issued in the year, not revoked by the date.";
    "re_recognitions", "Sản phẩm được công nhận lại", "Re-recognised products", Count, Plan,
        "Certificates of kind re_recognition issued in the year, not revoked by the date.";
    "total_products", "Tổng số sản phẩm OCOP còn hiệu lực", "OCOP products with a valid certificate", Count, Plan,
        "Distinct products holding a valid certificate on the date.";
    "organisations_developed", "Tổ chức kinh tế phát triển mới, củng cố", "Economic organisations developed or consolidated", Count, Plan,
        "Distinct producers with an organisation milestone (established or consolidated) in the year.";
    "modern_channel_share", "Tỷ lệ chủ thể OCOP tham gia kênh phân phối hiện đại", "Share of OCOP producers in modern channels", Percent, Plan,
        "OCOP producers (holding a valid certificate on the date) with a modern channel active on the date, over all OCOP producers.";
    "revenue_growth", "Tăng trưởng doanh thu sản phẩm OCOP", "OCOP revenue growth", Percent, Plan,
        "Sum of yearly revenue of OCOP products for the year over the year before, minus 100 %, over products with figures in both years.";
    "coop_sme_share_3star", "Tỷ lệ sản phẩm 3 sao trở lên của HTX, doanh nghiệp nhỏ và vừa", "Share of 3★+ products of cooperatives and SMEs", Percent, National,
        "Valid products with 3 stars or more whose producer is a cooperative or an enterprise, over all valid 3★+ products.";
    "upgraded_share", "Tỷ lệ sản phẩm được củng cố, nâng cấp", "Share of products consolidated or upgraded", Percent, National,
        "Valid products whose valid certificate is a re-recognition or an upgrade, over all valid products.";
    "five_star_products", "Sản phẩm OCOP 5 sao", "5★ products", Count, National,
        "Distinct products holding a valid 5-star certificate on the date.";
    "dossiers_in_progress", "Hồ sơ đang xử lý", "Dossiers in progress", Count, Process,
        "Dossiers filed and not in a final state (recognised, not recognised, withdrawn, returned).";
    "dossiers_overdue", "Hồ sơ quá hạn", "Overdue dossiers", Count, Process,
        "Dossiers in progress whose clock runs (not waiting for a supplement) and whose deadline is before the date.";
    "expiring_30", "Giấy chứng nhận hết hạn trong 30 ngày", "Certificates expiring within 30 days", Count, Process,
        "Certificates valid on the date expiring within 30 days after it.";
    "expiring_60", "Giấy chứng nhận hết hạn trong 60 ngày", "Certificates expiring within 60 days", Count, Process,
        "Certificates valid on the date expiring within 60 days after it.";
    "expiring_90", "Giấy chứng nhận hết hạn trong 90 ngày", "Certificates expiring within 90 days", Count, Process,
        "Certificates valid on the date expiring within 90 days after it.";
}

/// The ids of the six targets of the 2025 plan (contract: `GET /api/v1/indicators`).
pub const PLAN_IDS: [&str; 6] = [
    "new_recognitions",
    "re_recognitions",
    "total_products",
    "organisations_developed",
    "modern_channel_share",
    "revenue_growth",
];

pub fn find(id: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.id == id)
}

/// A certificate as the indicators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFact {
    pub product_id: i64,
    pub producer_id: i64,
    /// `new`, `re_recognition` or `upgrade`.
    pub kind: String,
    pub stars: i32,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked: bool,
    pub revoked_on: Option<NaiveDate>,
    pub superseded_on: Option<NaiveDate>,
}

impl CertFact {
    /// Revoked on or before `day` (a revocation without a date counts from issue).
    pub fn revoked_by(&self, day: NaiveDate) -> bool {
        self.revoked && self.revoked_on.is_none_or(|r| r <= day)
    }

    /// A valid label on `day` (see the module's decisions).
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.issued_on <= day
            && day <= self.expires_on
            && !self.revoked_by(day)
            && self.superseded_on.is_none_or(|s| s > day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelFact {
    pub producer_id: i64,
    pub kind: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevenueFact {
    pub product_id: i64,
    pub year: i32,
    pub quarter: Option<i32>,
    pub channel: Option<String>,
    pub revenue_vnd: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFact {
    pub state: String,
    pub filed: bool,
    pub deadline_on: Option<NaiveDate>,
    pub paused: bool,
}

/// Everything the indicators of one unit need, already limited to the unit.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub certificates: Vec<CertFact>,
    /// Producer id → legal form code.
    pub legal_forms: HashMap<i64, String>,
    pub channels: Vec<ChannelFact>,
    pub revenue: Vec<RevenueFact>,
    /// (producer id, year) of organisation milestones.
    pub milestones: Vec<(i64, i32)>,
    pub dossiers: Vec<DossierFact>,
}

/// The day a year is measured on: its last day, or `asked` when earlier.
pub fn measured_on(year: i32, asked: Option<NaiveDate>) -> NaiveDate {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    match asked {
        Some(d) if d < end => d,
        _ => end,
    }
}

/// An indicator's value: a count, a percent, or nothing to measure (a share of
/// zero producers, growth without a base year).
pub type Value = Option<f64>;

fn share(part: usize, whole: usize) -> Value {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Legal forms counted as "cooperatives and SMEs" (the national programme's
/// priority): cooperatives and every form of enterprise.
pub fn is_coop_or_sme(legal_form: &str) -> bool {
    matches!(
        legal_form,
        "cooperative"
            | "single_member_llc"
            | "multi_member_llc"
            | "joint_stock"
            | "private_enterprise"
    )
}

/// Computes one indicator for `year` on `at` (see [`measured_on`]). Unknown ids are None.
pub fn compute(id: &str, facts: &Facts, year: i32, at: NaiveDate) -> Value {
    let valid: Vec<&CertFact> = facts
        .certificates
        .iter()
        .filter(|c| c.valid_on(at))
        .collect();
    let recognised_in_year = |kind: &str| {
        facts
            .certificates
            .iter()
            .filter(|c| c.kind == kind && c.issued_on.year() == year && c.issued_on <= at)
            .filter(|c| !c.revoked_by(at))
            .count() as f64
    };
    let valid_products = || valid.iter().map(|c| c.product_id).collect::<HashSet<_>>();
    let expiring = |days: i64| {
        let until = at + chrono::Duration::days(days);
        valid.iter().filter(|c| c.expires_on <= until).count() as f64
    };
    match id {
        "new_recognitions" => Some(recognised_in_year("new")),
        "re_recognitions" => Some(recognised_in_year("re_recognition")),
        "total_products" => Some(valid_products().len() as f64),
        "organisations_developed" => Some(
            facts
                .milestones
                .iter()
                .filter(|(_, y)| *y == year)
                .map(|(p, _)| *p)
                .collect::<HashSet<_>>()
                .len() as f64,
        ),
        "modern_channel_share" => {
            let producers: HashSet<i64> = valid.iter().map(|c| c.producer_id).collect();
            let modern: HashSet<i64> = facts
                .channels
                .iter()
                .filter(|ch| producers.contains(&ch.producer_id))
                .filter(|ch| ch.kind.parse::<ChannelKind>().is_ok_and(|k| k.is_modern()))
                .filter(|ch| crate::operations::channel_active_on(ch.started_on, ch.ended_on, at))
                .map(|ch| ch.producer_id)
                .collect();
            share(modern.len(), producers.len())
        }
        "revenue_growth" => {
            let products = valid_products();
            let mut by_product: HashMap<i64, Vec<RevenueFigure<'_>>> = HashMap::new();
            for r in facts
                .revenue
                .iter()
                .filter(|r| products.contains(&r.product_id))
            {
                by_product
                    .entry(r.product_id)
                    .or_default()
                    .push(RevenueFigure {
                        year: r.year,
                        quarter: r.quarter,
                        channel: r.channel.as_deref(),
                        revenue_vnd: r.revenue_vnd,
                    });
            }
            let (mut before, mut now) = (0i64, 0i64);
            for figs in by_product.values() {
                if let (Some(p), Some(c)) =
                    (yearly_revenue(figs, year - 1), yearly_revenue(figs, year))
                {
                    before += p;
                    now += c;
                }
            }
            crate::operations::growth_percent(before, now)
        }
        "coop_sme_share_3star" => {
            let three: Vec<&&CertFact> = valid.iter().filter(|c| c.stars >= 3).collect();
            let products: HashSet<i64> = three.iter().map(|c| c.product_id).collect();
            let coop: HashSet<i64> = three
                .iter()
                .filter(|c| {
                    facts
                        .legal_forms
                        .get(&c.producer_id)
                        .is_some_and(|f| is_coop_or_sme(f))
                })
                .map(|c| c.product_id)
                .collect();
            share(coop.len(), products.len())
        }
        "upgraded_share" => {
            let products = valid_products();
            let up: HashSet<i64> = valid
                .iter()
                .filter(|c| c.kind == "re_recognition" || c.kind == "upgrade")
                .map(|c| c.product_id)
                .collect();
            share(up.len(), products.len())
        }
        "five_star_products" => Some(
            valid
                .iter()
                .filter(|c| c.stars == 5)
                .map(|c| c.product_id)
                .collect::<HashSet<_>>()
                .len() as f64,
        ),
        "dossiers_in_progress" => Some(in_progress(facts).count() as f64),
        "dossiers_overdue" => Some(
            in_progress(facts)
                .filter(|d| !d.paused && d.deadline_on.is_some_and(|dl| at > dl))
                .count() as f64,
        ),
        "expiring_30" => Some(expiring(30)),
        "expiring_60" => Some(expiring(60)),
        "expiring_90" => Some(expiring(90)),
        _ => None,
    }
}

fn in_progress(facts: &Facts) -> impl Iterator<Item = &DossierFact> {
    facts.dossiers.iter().filter(|d| {
        d.filed && crate::dossier::State::parse(&d.state).is_some_and(|s| !s.is_final())
    })
}

/// Dossiers by state (the process view), in workflow order, states with none left out.
pub fn dossiers_by_state(facts: &Facts) -> Vec<(crate::dossier::State, usize)> {
    let mut n: BTreeMap<usize, usize> = BTreeMap::new();
    for d in &facts.dossiers {
        if let Some(i) = crate::dossier::State::ALL
            .iter()
            .position(|s| s.as_str() == d.state)
        {
            *n.entry(i).or_default() += 1;
        }
    }
    n.into_iter()
        .map(|(i, c)| (crate::dossier::State::ALL[i], c))
        .collect()
}

/// Valid products by stars (index 0 = 1★ … 4 = 5★) on `at`.
pub fn stars_histogram(facts: &Facts, at: NaiveDate) -> [usize; 5] {
    let mut h = [0usize; 5];
    let mut seen = HashSet::new();
    for c in facts.certificates.iter().filter(|c| c.valid_on(at)) {
        if (1..=5).contains(&c.stars) && seen.insert(c.product_id) {
            h[(c.stars - 1) as usize] += 1;
        }
    }
    h
}

// ---------------------------------------------------------------- targets

/// How a target compares the actual value with its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// More than ("trên", "hơn").
    Gt,
    /// At least ("ít nhất", "≥").
    Ge,
    /// Between two numbers, both included ("5–10 %").
    Range,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Gt => "gt",
            Comparator::Ge => "ge",
            Comparator::Range => "range",
        }
    }
    pub fn parse(s: &str) -> Option<Comparator> {
        match s.trim() {
            "gt" | ">" => Some(Comparator::Gt),
            "ge" | ">=" | "≥" => Some(Comparator::Ge),
            "range" => Some(Comparator::Range),
            _ => None,
        }
    }
}

/// A plan's target for one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub comparator: Comparator,
    pub value: f64,
    /// The upper end of a range.
    pub max: Option<f64>,
}

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("unknown indicator '{0}'")]
    UnknownIndicator(String),
    #[error("the target of '{0}' is not a number")]
    NotANumber(String),
    #[error("the target of '{0}' is negative")]
    Negative(String),
    #[error("the range of '{0}' ends before it starts")]
    BadRange(String),
    #[error("a share of '{0}' cannot exceed 100 %")]
    OverHundred(String),
}

impl TargetError {
    pub fn message_vi(&self) -> String {
        match self {
            TargetError::UnknownIndicator(i) => format!("Chỉ tiêu không tồn tại: {i}."),
            TargetError::NotANumber(i) => format!("Chỉ tiêu {i}: giá trị phải là một số."),
            TargetError::Negative(i) => format!("Chỉ tiêu {i}: giá trị không được âm."),
            TargetError::BadRange(i) => {
                format!("Chỉ tiêu {i}: khoảng giá trị có điểm cuối nhỏ hơn điểm đầu.")
            }
            TargetError::OverHundred(i) => format!("Chỉ tiêu {i}: tỷ lệ không vượt quá 100 %."),
        }
    }
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim().trim_end_matches('%').trim().replace(',', ".");
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Checks a target entered for indicator `id`: `value` as text (a number, "5,5"
/// with a decimal comma, an optional "%"), `max` for a range.
pub fn parse_target(
    id: &str,
    comparator: Comparator,
    value: &str,
    max: Option<&str>,
) -> Result<Target, TargetError> {
    let def = find(id).ok_or_else(|| TargetError::UnknownIndicator(id.to_string()))?;
    let v = number(value).ok_or_else(|| TargetError::NotANumber(id.to_string()))?;
    let m = match (comparator, max.map(str::trim).filter(|s| !s.is_empty())) {
        (Comparator::Range, Some(m)) => {
            Some(number(m).ok_or_else(|| TargetError::NotANumber(id.to_string()))?)
        }
        (Comparator::Range, None) => return Err(TargetError::NotANumber(id.to_string())),
        _ => None,
    };
    // Growth may be planned negative in a bad year; counts and shares may not.
    if v < 0.0 && id != "revenue_growth" {
        return Err(TargetError::Negative(id.to_string()));
    }
    if m.is_some_and(|m| m < v) {
        return Err(TargetError::BadRange(id.to_string()));
    }
    if def.measure == Measure::Percent
        && id != "revenue_growth"
        && (v > 100.0 || m.is_some_and(|m| m > 100.0))
    {
        return Err(TargetError::OverHundred(id.to_string()));
    }
    Ok(Target {
        comparator,
        value: v,
        max: m,
    })
}

fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

impl Target {
    /// Is the target met by `actual`?
    pub fn met(&self, actual: f64) -> bool {
        match self.comparator {
            Comparator::Gt => actual > self.value,
            Comparator::Ge => actual >= self.value,
            Comparator::Range => actual >= self.value && self.max.is_none_or(|m| actual <= m),
        }
    }

    /// The target as written in a plan: "> 60", "≥ 70 %", "5–10 %".
    pub fn text(&self, measure: Measure) -> String {
        let pct = if measure == Measure::Percent {
            " %"
        } else {
            ""
        };
        match self.comparator {
            Comparator::Gt => format!("> {}{pct}", trim_num(self.value)),
            Comparator::Ge => format!("≥ {}{pct}", trim_num(self.value)),
            Comparator::Range => format!(
                "{}–{}{pct}",
                trim_num(self.value),
                trim_num(self.max.unwrap_or(self.value))
            ),
        }
    }

    /// Progress towards the target in percent of its (lower) number, capped at 100.
    /// A count target "> 60" is reached at 61: progress is measured against the
    /// smallest value that meets it.
    pub fn progress(&self, actual: f64, measure: Measure) -> f64 {
        let goal = match (self.comparator, measure) {
            (Comparator::Gt, Measure::Count) => self.value.floor() + 1.0,
            _ => self.value,
        };
        if goal <= 0.0 {
            return if self.met(actual) { 100.0 } else { 0.0 };
        }
        (actual * 100.0 / goal).clamp(0.0, 100.0)
    }
}

/// Projection of a count to the end of the year at the pace so far (a straight
/// line from 1 January); shares and growth rates are projected as they stand.
pub fn projection(actual: f64, measure: Measure, group_is_flow: bool, at: NaiveDate) -> f64 {
    if measure != Measure::Count || !group_is_flow {
        return actual;
    }
    let days = if at.leap_year() { 366.0 } else { 365.0 };
    let done = at.ordinal() as f64;
    (actual * days / done).round()
}

/// Indicators that accumulate over the year (so a straight-line projection applies).
pub fn is_flow(id: &str) -> bool {
    matches!(
        id,
        "new_recognitions" | "re_recognitions" | "organisations_developed"
    )
}

// ---------------------------------------------------------------- plans

/// May a plan for `year` be made for a unit of `period` and `level`? District and
/// pre-reform commune plans only for years that start before the reform (1 July
/// 2025); post-reform communes only for years that end after it; provinces always.
pub fn plan_unit_fits(period: crate::units::Period, level: &str, year: i32) -> bool {
    use crate::units::Period;
    if level == "province" {
        return true;
    }
    let reform = Period::reform_date();
    match period {
        Period::Pre2025 => NaiveDate::from_ymd_opt(year, 1, 1).is_some_and(|d| d < reform),
        Period::Post2025 => NaiveDate::from_ymd_opt(year, 12, 31).is_some_and(|d| d >= reform),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Period;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cert(product: i64, producer: i64, kind: &str, stars: i32, issued: NaiveDate) -> CertFact {
        CertFact {
            product_id: product,
            producer_id: producer,
            kind: kind.into(),
            stars,
            issued_on: issued,
            expires_on: issued + chrono::Duration::days(3 * 365),
            revoked: false,
            revoked_on: None,
            superseded_on: None,
        }
    }

    #[test]
    fn plan_ids_are_defined_and_unique() {
        for id in PLAN_IDS {
            assert_eq!(find(id).unwrap().group, Group::Plan, "{id}");
        }
        let ids: HashSet<_> = DEFINITIONS.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), DEFINITIONS.len());
        assert_eq!(
            find("modern_channel_share").unwrap().measure,
            Measure::Percent
        );
    }

    #[test]
    fn recognitions_count_in_their_year_unless_revoked_by_the_date() {
        let mut revoked = cert(3, 3, "new", 3, d(2025, 3, 1));
        revoked.revoked = true;
        revoked.revoked_on = Some(d(2025, 9, 1));
        let mut upgraded_later = cert(4, 4, "new", 3, d(2025, 2, 1));
        upgraded_later.superseded_on = Some(d(2025, 10, 1));
        let f = Facts {
            certificates: vec![
                cert(1, 1, "new", 3, d(2025, 5, 1)),
                cert(2, 2, "new", 4, d(2024, 12, 31)),
                cert(5, 5, "re_recognition", 4, d(2025, 6, 1)),
                revoked,
                upgraded_later,
            ],
            ..Facts::default()
        };
        let end = measured_on(2025, None);
        assert_eq!(compute("new_recognitions", &f, 2025, end), Some(3.0 - 1.0));
        // Before the revocation the revoked one still counted.
        assert_eq!(
            compute("new_recognitions", &f, 2025, d(2025, 8, 31)),
            Some(3.0)
        );
        // Not yet issued on the date asked.
        assert_eq!(
            compute("new_recognitions", &f, 2025, d(2025, 4, 1)),
            Some(2.0)
        );
        assert_eq!(compute("re_recognitions", &f, 2025, end), Some(1.0));
        // Valid at year end: 1, 2, 5 (3 revoked, 4 superseded).
        assert_eq!(compute("total_products", &f, 2025, end), Some(3.0));
    }

    #[test]
    fn validity_has_both_ends() {
        let c = cert(1, 1, "new", 3, d(2022, 1, 10));
        assert!(!c.valid_on(d(2022, 1, 9)));
        assert!(c.valid_on(d(2022, 1, 10)));
        assert!(c.valid_on(c.expires_on));
        assert!(!c.valid_on(c.expires_on + chrono::Duration::days(1)));
    }

    #[test]
    fn modern_share_counts_ocop_producers_with_an_active_modern_channel() {
        let ch = |p: i64, k: &str, s: NaiveDate, e: Option<NaiveDate>| ChannelFact {
            producer_id: p,
            kind: k.into(),
            started_on: s,
            ended_on: e,
        };
        let f = Facts {
            certificates: vec![
                cert(1, 1, "new", 3, d(2024, 1, 1)),
                cert(2, 1, "new", 3, d(2024, 1, 1)),
                cert(3, 2, "new", 3, d(2024, 1, 1)),
                cert(4, 3, "new", 3, d(2024, 1, 1)),
                cert(5, 4, "new", 3, d(2024, 1, 1)),
            ],
            channels: vec![
                ch(1, "ecommerce", d(2025, 1, 1), None),
                ch(1, "supermarket", d(2025, 1, 1), None),
                ch(2, "traditional", d(2025, 1, 1), None),
                ch(3, "convenience", d(2024, 1, 1), Some(d(2025, 6, 30))),
                ch(4, "own_online", d(2026, 1, 1), None),
                // Not an OCOP producer: does not count.
                ch(9, "ecommerce", d(2025, 1, 1), None),
            ],
            ..Facts::default()
        };
        assert_eq!(
            compute("modern_channel_share", &f, 2025, d(2025, 12, 31)),
            Some(25.0)
        );
        assert_eq!(
            compute("modern_channel_share", &f, 2025, d(2025, 6, 30)),
            Some(50.0)
        );
        assert_eq!(
            compute(
                "modern_channel_share",
                &Facts::default(),
                2025,
                d(2025, 6, 30)
            ),
            None
        );
    }

    #[test]
    fn growth_only_over_products_with_both_years() {
        let r = |p: i64, y: i32, q: Option<i32>, v: i64| RevenueFact {
            product_id: p,
            year: y,
            quarter: q,
            channel: None,
            revenue_vnd: v,
        };
        let f = Facts {
            certificates: vec![
                cert(1, 1, "new", 3, d(2023, 1, 1)),
                cert(2, 2, "new", 3, d(2023, 1, 1)),
                cert(3, 3, "new", 3, d(2025, 1, 1)),
            ],
            revenue: vec![
                r(1, 2024, None, 1_000),
                r(1, 2025, Some(1), 500),
                r(1, 2025, Some(2), 600),
                r(2, 2024, None, 1_000),
                r(2, 2025, None, 1_000),
                // Only 2025: left out.
                r(3, 2025, None, 9_000),
                // Not an OCOP product: left out.
                r(99, 2024, None, 1),
                r(99, 2025, None, 100),
            ],
            ..Facts::default()
        };
        assert_eq!(
            compute("revenue_growth", &f, 2025, d(2025, 12, 31)),
            Some(5.0)
        );
        assert_eq!(compute("revenue_growth", &f, 2024, d(2024, 12, 31)), None);
    }

    #[test]
    fn organisations_are_distinct_producers_of_the_year() {
        let f = Facts {
            milestones: vec![(1, 2025), (1, 2025), (2, 2025), (3, 2024)],
            ..Facts::default()
        };
        assert_eq!(
            compute("organisations_developed", &f, 2025, d(2025, 12, 31)),
            Some(2.0)
        );
    }

    #[test]
    fn national_shares_and_five_stars() {
        let mut up = cert(3, 3, "upgrade", 5, d(2025, 1, 1));
        up.stars = 5;
        let f = Facts {
            certificates: vec![
                cert(1, 1, "new", 3, d(2024, 1, 1)),
                cert(2, 2, "re_recognition", 4, d(2024, 1, 1)),
                up,
                cert(4, 4, "new", 2, d(2024, 1, 1)),
            ],
            legal_forms: HashMap::from([
                (1, "cooperative".to_string()),
                (2, "production_household".to_string()),
                (3, "joint_stock".to_string()),
                (4, "cooperative".to_string()),
            ]),
            ..Facts::default()
        };
        let at = d(2025, 12, 31);
        // 3★+: products 1, 2, 3; of cooperatives/SMEs: 1, 3.
        let s = compute("coop_sme_share_3star", &f, 2025, at).unwrap();
        assert!((s - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(compute("upgraded_share", &f, 2025, at), Some(50.0));
        assert_eq!(compute("five_star_products", &f, 2025, at), Some(1.0));
        assert_eq!(stars_histogram(&f, at), [0, 1, 1, 1, 1]);
    }

    #[test]
    fn process_counts() {
        let dos = |s: &str, filed: bool, dl: Option<NaiveDate>, paused: bool| DossierFact {
            state: s.into(),
            filed,
            deadline_on: dl,
            paused,
        };
        let f = Facts {
            certificates: vec![
                cert(1, 1, "new", 3, d(2022, 11, 20)), // expires 2025-11-19
                cert(2, 2, "new", 3, d(2022, 12, 20)), // expires 2025-12-19
                cert(3, 3, "new", 3, d(2023, 1, 20)),  // expires 2026-01-19
                cert(4, 4, "new", 3, d(2022, 10, 1)),  // already expired
            ],
            dossiers: vec![
                dos("submitted", true, Some(d(2025, 10, 1)), false),
                dos("supplement_requested", true, Some(d(2025, 10, 1)), true),
                dos("province_council", true, Some(d(2025, 11, 1)), false),
                dos("recognised", true, Some(d(2025, 1, 1)), false),
                dos("draft", false, None, false),
            ],
            ..Facts::default()
        };
        let at = d(2025, 10, 21);
        assert_eq!(compute("expiring_30", &f, 2025, at), Some(1.0));
        assert_eq!(compute("expiring_60", &f, 2025, at), Some(2.0));
        assert_eq!(compute("expiring_90", &f, 2025, at), Some(3.0));
        assert_eq!(compute("dossiers_in_progress", &f, 2025, at), Some(3.0));
        assert_eq!(compute("dossiers_overdue", &f, 2025, at), Some(1.0));
        let by = dossiers_by_state(&f);
        assert_eq!(by[0], (crate::dossier::State::Draft, 1));
        assert_eq!(by.len(), 5);
    }

    #[test]
    fn targets_parse_compare_and_refuse_bad_input() {
        let t = parse_target("new_recognitions", Comparator::Gt, "60", None).unwrap();
        assert!(!t.met(60.0));
        assert!(t.met(61.0));
        assert_eq!(t.text(Measure::Count), "> 60");
        assert_eq!(t.progress(30.5, Measure::Count), 50.0);
        let g = parse_target("revenue_growth", Comparator::Range, "5", Some("10 %")).unwrap();
        assert!(g.met(7.5) && !g.met(4.9) && !g.met(10.1));
        assert_eq!(g.text(Measure::Percent), "5–10 %");
        let m = parse_target("modern_channel_share", Comparator::Ge, "70,5%", None).unwrap();
        assert_eq!(m.value, 70.5);
        assert_eq!(m.text(Measure::Percent), "≥ 70,5 %");
        assert_eq!(
            parse_target("new_recognitions", Comparator::Gt, "sáu mươi", None),
            Err(TargetError::NotANumber("new_recognitions".into()))
        );
        assert!(parse_target("new_recognitions", Comparator::Gt, "NaN", None).is_err());
        assert!(parse_target("new_recognitions", Comparator::Gt, "-1", None).is_err());
        assert!(parse_target("revenue_growth", Comparator::Range, "10", Some("5")).is_err());
        assert!(parse_target("modern_channel_share", Comparator::Ge, "120", None).is_err());
        assert!(parse_target("nope", Comparator::Ge, "1", None).is_err());
    }

    #[test]
    fn projection_is_linear_for_flows_only() {
        assert_eq!(projection(30.0, Measure::Count, true, d(2025, 7, 2)), 60.0);
        assert_eq!(projection(30.0, Measure::Count, false, d(2025, 7, 2)), 30.0);
        assert_eq!(
            projection(65.0, Measure::Percent, true, d(2025, 7, 2)),
            65.0
        );
        assert_eq!(measured_on(2025, Some(d(2025, 3, 1))), d(2025, 3, 1));
        assert_eq!(measured_on(2025, Some(d(2026, 3, 1))), d(2025, 12, 31));
    }

    #[test]
    fn plan_units_must_exist_in_the_year() {
        assert!(plan_unit_fits(Period::Pre2025, "district", 2024));
        assert!(plan_unit_fits(Period::Pre2025, "district", 2025));
        assert!(!plan_unit_fits(Period::Pre2025, "district", 2026));
        assert!(!plan_unit_fits(Period::Post2025, "commune", 2024));
        assert!(plan_unit_fits(Period::Post2025, "commune", 2026));
        assert!(plan_unit_fits(Period::Pre2025, "province", 2030));
    }
}
