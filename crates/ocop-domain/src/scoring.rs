//! The calculator: from members' score sheets to stars, exactly as the rulebook says.
//!
//! Member total = sum of the chosen options' points. Average = mean of the members'
//! totals. Band = the rulebook's star band of the average. A criterion's council score
//! = mean of the members' points on it. A mandatory mark for N stars on an option is
//! met when the criterion's council score ≥ that option's points; a mark on a
//! criterion line when its council score > 0. Cap = the highest N in 3..=5 such that
//! all marks of every level 3..=N are met (2 when the 3-star marks are not). Stars =
//! min(band, cap), or 0 when a knock-out applies; recognised when stars ≥ the
//! rulebook's minimum (3). All comparisons are done on exact sums (no rounding).

use crate::criteria::{Criterion, CriterionKind, Sheet};
use crate::rulebook::Rulebook;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One member's choices: criterion id → chosen values (normally one option id; a
/// yes/no criterion takes "yes" or "no"). Several values for one criterion are an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberSheet {
    pub member: String,
    pub choices: Vec<(String, Vec<String>)>,
}

/// Why a request cannot be scored; each names the offending id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ScoringError {
    NoSheets,
    DuplicateMember { member: String },
    UnknownCriterion { criterion: String },
    UnknownOption { criterion: String, option: String },
    TwoOptions { criterion: String },
    BothAlternatives { section: String, member: String },
}

impl ScoringError {
    pub fn message(&self) -> String {
        match self {
            ScoringError::NoSheets => "at least one member sheet is required".into(),
            ScoringError::DuplicateMember { member } => format!("member {member} has two sheets"),
            ScoringError::UnknownCriterion { criterion } => {
                format!("unknown criterion {criterion} for this sheet")
            }
            ScoringError::UnknownOption { criterion, option } => {
                format!("option {option} does not belong to criterion {criterion}")
            }
            ScoringError::TwoOptions { criterion } => {
                format!("two options were chosen for criterion {criterion}")
            }
            ScoringError::BothAlternatives { section, member } => {
                format!("member {member} scored both alternative cases of section {section}; only one applies")
            }
        }
    }
    /// The id the error is about.
    pub fn offending_id(&self) -> String {
        match self {
            ScoringError::NoSheets => String::new(),
            ScoringError::DuplicateMember { member } => member.clone(),
            ScoringError::UnknownCriterion { criterion }
            | ScoringError::TwoOptions { criterion } => criterion.clone(),
            ScoringError::UnknownOption { option, .. } => option.clone(),
            ScoringError::BothAlternatives { section, .. } => section.clone(),
        }
    }
}

/// A member's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberResult {
    pub member: String,
    pub total: i32,
    pub parts: BTreeMap<String, i32>,
}

/// A mandatory mark that the council's scores do not meet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmet {
    pub criterion: String,
    pub stars: u8,
    /// Points required (for a mark on a criterion line: more than this).
    pub required: i32,
    /// The criterion's council score (mean of the members).
    pub scored: f64,
    /// `at_least` (option mark) or `above` (criterion-line mark).
    pub rule: &'static str,
    /// The option that carries the mark, if any.
    pub option: Option<String>,
}

/// The council's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub members: Vec<MemberResult>,
    pub average: f64,
    pub band_stars: u8,
    /// Highest star level whose mandatory marks are all met (2 when 3-star marks fail).
    pub cap: u8,
    pub stars: u8,
    pub recognised: bool,
    pub unmet: Vec<Unmet>,
    pub knockouts: Vec<String>,
    pub spread: i32,
    pub spread_exceeds_limit: bool,
    /// Council score of every criterion (mean of members), by id.
    pub criteria: BTreeMap<String, f64>,
}

/// A member's points on each criterion, after checking every choice.
fn member_points(sheet: &Sheet, m: &MemberSheet) -> Result<HashMap<String, i32>, ScoringError> {
    let mut points = HashMap::new();
    let mut alt_cases: HashMap<String, HashSet<String>> = HashMap::new();
    for (cid, values) in &m.choices {
        let (_, _, c) = sheet
            .criterion(cid)
            .ok_or_else(|| ScoringError::UnknownCriterion {
                criterion: cid.clone(),
            })?;
        let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
        if values.len() > 1 || points.contains_key(cid) {
            return Err(ScoringError::TwoOptions {
                criterion: cid.clone(),
            });
        }
        let Some(v) = values.first() else { continue };
        let p = option_points(c, v).ok_or_else(|| ScoringError::UnknownOption {
            criterion: cid.clone(),
            option: (*v).clone(),
        })?;
        if let Some(a) = &c.alternative {
            let cases = alt_cases.entry(a.section.clone()).or_default();
            cases.insert(a.case.clone());
            if cases.len() > 1 {
                return Err(ScoringError::BothAlternatives {
                    section: a.section.clone(),
                    member: m.member.clone(),
                });
            }
        }
        points.insert(cid.clone(), p);
    }
    Ok(points)
}

/// Points of a chosen value on a criterion, or None when the value does not belong.
fn option_points(c: &Criterion, v: &str) -> Option<i32> {
    match c.kind {
        CriterionKind::YesNo => match v.trim() {
            "yes" | "true" | "1" => Some(c.max_points),
            "no" | "false" | "0" => Some(0),
            other => match other.strip_prefix(&format!("{}/", c.id)) {
                Some("yes") => Some(c.max_points),
                Some("no") => Some(0),
                _ => None,
            },
        },
        CriterionKind::Options => c
            .options
            .iter()
            .find(|o| o.id == v.trim())
            .map(|o| o.points),
    }
}

/// Scores a council's sheets on `sheet` under `rb`.
pub fn evaluate(
    sheet: &Sheet,
    rb: &Rulebook,
    sheets: &[MemberSheet],
    knockouts: &[String],
) -> Result<Evaluation, ScoringError> {
    if sheets.is_empty() {
        return Err(ScoringError::NoSheets);
    }
    let mut seen = HashSet::new();
    for s in sheets {
        if !seen.insert(s.member.as_str()) {
            return Err(ScoringError::DuplicateMember {
                member: s.member.clone(),
            });
        }
    }
    let per_member: Vec<HashMap<String, i32>> = sheets
        .iter()
        .map(|m| member_points(sheet, m))
        .collect::<Result<_, _>>()?;
    let n = sheets.len() as i64;

    let mut members = Vec::new();
    for (m, pts) in sheets.iter().zip(&per_member) {
        let mut parts: BTreeMap<String, i32> =
            sheet.parts.iter().map(|p| (p.key.clone(), 0)).collect();
        for (p, _, c) in sheet.criteria() {
            *parts.entry(p.key.clone()).or_default() += pts.get(&c.id).copied().unwrap_or(0);
        }
        members.push(MemberResult {
            member: m.member.clone(),
            total: parts.values().sum(),
            parts,
        });
    }
    let sum_totals: i64 = members.iter().map(|m| m.total as i64).sum();
    let average = sum_totals as f64 / n as f64;
    let band_stars = rb.band_of_sum(sum_totals, n);

    // Criterion sums across members, and which alternative cases anybody used.
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    let mut used_cases: HashSet<(String, String)> = HashSet::new();
    for (_, _, c) in sheet.criteria() {
        let s: i64 = per_member
            .iter()
            .map(|p| p.get(&c.id).copied().unwrap_or(0) as i64)
            .sum();
        sums.insert(c.id.clone(), s);
        if let Some(a) = &c.alternative {
            if per_member.iter().any(|p| p.contains_key(&c.id)) {
                used_cases.insert((a.section.clone(), a.case.clone()));
            }
        }
    }

    let mut unmet = Vec::new();
    for (_, _, c) in sheet.criteria() {
        // A mark inside an alternative case that nobody scored does not apply.
        if let Some(a) = &c.alternative {
            if !used_cases.contains(&(a.section.clone(), a.case.clone())) {
                continue;
            }
        }
        let sum = sums[&c.id];
        let scored = sum as f64 / n as f64;
        for &stars in &c.mandatory_for {
            if sum <= 0 {
                unmet.push(Unmet {
                    criterion: c.id.clone(),
                    stars,
                    required: 0,
                    scored,
                    rule: "above",
                    option: None,
                });
            }
        }
        for o in &c.options {
            for &stars in &o.mandatory_for {
                if sum < o.points as i64 * n {
                    unmet.push(Unmet {
                        criterion: c.id.clone(),
                        stars,
                        required: o.points,
                        scored,
                        rule: "at_least",
                        option: Some(o.id.clone()),
                    });
                }
            }
        }
    }
    unmet.sort_by(|a, b| a.stars.cmp(&b.stars).then(a.criterion.cmp(&b.criterion)));
    let failed = |level: u8| unmet.iter().any(|u| u.stars == level);
    let cap = if failed(3) {
        2
    } else if failed(4) {
        3
    } else if failed(5) {
        4
    } else {
        5
    };
    let knockouts: Vec<String> = knockouts
        .iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    let stars = if knockouts.is_empty() {
        band_stars.min(cap)
    } else {
        0
    };
    let totals: Vec<i32> = members.iter().map(|m| m.total).collect();
    let spread =
        totals.iter().max().copied().unwrap_or(0) - totals.iter().min().copied().unwrap_or(0);
    Ok(Evaluation {
        members,
        average,
        band_stars,
        cap,
        stars,
        recognised: stars >= rb.recognised_min_stars,
        unmet,
        knockouts,
        spread,
        spread_exceeds_limit: spread > rb.spread_limit,
        criteria: sums
            .into_iter()
            .map(|(k, s)| (k, s as f64 / n as f64))
            .collect(),
    })
}

/// What a self-assessment still needs for the next star: the points missing to the
/// next band and the unmet marks of that level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextStar {
    pub target: u8,
    pub points_missing: f64,
    pub marks_missing: Vec<Unmet>,
}

/// For one sheet of answers: what is missing to reach the next star level.
pub fn next_star(rb: &Rulebook, e: &Evaluation) -> Option<NextStar> {
    if !e.knockouts.is_empty() || e.stars >= 5 {
        return None;
    }
    let target = e.stars.max(2) + 1;
    let threshold = rb
        .star_bands
        .iter()
        .find(|(_, s)| *s == target)
        .map(|(min, _)| *min as f64)
        .unwrap_or(0.0);
    Some(NextStar {
        target,
        points_missing: (threshold - e.average).max(0.0),
        marks_missing: e
            .unmet
            .iter()
            .filter(|u| u.stars <= target)
            .cloned()
            .collect(),
    })
}

/// How a result reads for people — display only: the calculator's `stars` stays as
/// computed (and so does the scoring API). QĐ 26/2026 Art. 3.3 ranks by the average
/// *with* the sheets' mandatory marks: a product whose average reaches a recognised
/// band but misses a mark of the lowest recognised level is "not recognised —
/// missing …", never shown as 2★ as if its score had ranked it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// Recognisable at this many stars.
    Recognised { stars: u8 },
    /// Ranked by its score below the recognised levels (1★, 2★): no recognition.
    BelowRecognition { stars: u8 },
    /// The score's band is recognised but mandatory marks of the lowest recognised
    /// level are unmet: not recognised; `missing` names those criteria (ids, once
    /// each, in the order of the unmet list).
    MissingMandatory { band: u8, missing: Vec<String> },
    /// A knock-out eliminates the product whatever its score.
    KnockedOut { knockouts: Vec<String> },
}

impl Standing {
    /// From a result's parts (as stored with a council result): the stars, band and
    /// cap, the knock-outs, and the unmet marks as (criterion, stars).
    pub fn from_parts<'a>(
        recognised_min_stars: u8,
        stars: u8,
        band_stars: u8,
        cap: u8,
        knockouts: &[String],
        unmet: impl IntoIterator<Item = (&'a str, u8)>,
    ) -> Standing {
        if !knockouts.is_empty() {
            return Standing::KnockedOut {
                knockouts: knockouts.to_vec(),
            };
        }
        if stars >= recognised_min_stars {
            return Standing::Recognised { stars };
        }
        if band_stars >= recognised_min_stars && cap < recognised_min_stars {
            let mut missing: Vec<String> = Vec::new();
            for (c, s) in unmet {
                if s <= recognised_min_stars && !missing.iter().any(|m| m == c) {
                    missing.push(c.to_string());
                }
            }
            return Standing::MissingMandatory {
                band: band_stars,
                missing,
            };
        }
        Standing::BelowRecognition { stars }
    }
}

/// The standing of an evaluation under its rulebook.
pub fn standing(rb: &Rulebook, e: &Evaluation) -> Standing {
    Standing::from_parts(
        rb.recognised_min_stars,
        e.stars,
        e.band_stars,
        e.cap,
        &e.knockouts,
        e.unmet.iter().map(|u| (u.criterion.as_str(), u.stars)),
    )
}

/// Why a criterion that applies only when the product has a story ("Chỉ áp dụng khi
/// có câu chuyện sản phẩm": 5.2 of QĐ 26/2026's sheets, 5.b of QĐ 148's) should not
/// earn points. The registry keeps no story text, so the sheet and its evidence
/// tell: the section's story criterion (5.1) says whether there is a story, and the
/// story is proved by a document (leaflet, pictures, film: Mẫu 02, Part III).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoryFlag {
    /// The story criterion earns nothing ("Không có câu chuyện sản phẩm", or not
    /// answered): there is no story to score.
    NoStory,
    /// A story is claimed but no document proving it is cited (on the story
    /// criterion or on this one).
    Undocumented,
}

/// Does the criterion apply only when the product has a story?
pub fn needs_story(c: &Criterion) -> bool {
    let says = |t: &str| t.to_lowercase().contains("chỉ áp dụng khi có câu chuyện");
    says(&c.title) || says(&c.description) || c.group.as_ref().is_some_and(|g| says(&g.title))
}

/// The story-dependent criteria that earn points without a story, with why.
/// `points` are the points per criterion (as an evaluation reports them); `cited`
/// says whether a criterion cites a document. Display and checks only: the
/// calculator is not affected.
pub fn story_flags(
    sheet: &Sheet,
    points: &BTreeMap<String, f64>,
    cited: impl Fn(&str) -> bool,
) -> BTreeMap<String, StoryFlag> {
    let earns = |id: &str| points.get(id).is_some_and(|p| *p > 0.0);
    let mut out = BTreeMap::new();
    for (_, section, c) in sheet.criteria() {
        if !needs_story(c) || !earns(&c.id) {
            continue;
        }
        let Some(story) = section.criteria.iter().find(|x| !needs_story(x)) else {
            continue;
        };
        let flag = if !earns(&story.id) {
            StoryFlag::NoStory
        } else if !cited(&story.id) && !cited(&c.id) {
            StoryFlag::Undocumented
        } else {
            continue;
        };
        out.insert(c.id.clone(), flag);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::Library;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn lib() -> &'static Library {
        static L: OnceLock<Library> = OnceLock::new();
        L.get_or_init(Library::embedded)
    }
    fn rb() -> &'static Rulebook {
        lib().rulebook("QD26-2026").unwrap()
    }
    fn sheet(code: &str) -> &'static Sheet {
        lib().sheet(code).unwrap().unwrap()
    }

    /// A member choosing the best option everywhere (one case of each alternative).
    fn best(sheet: &Sheet, member: &str) -> MemberSheet {
        let mut choices = Vec::new();
        let mut used_alt = HashSet::new();
        for (_, _, c) in sheet.criteria() {
            if let Some(a) = &c.alternative {
                if !used_alt.insert(a.section.clone()) {
                    continue;
                }
            }
            let v = match c.kind {
                CriterionKind::YesNo => "yes".to_string(),
                CriterionKind::Options => c
                    .options
                    .iter()
                    .max_by_key(|o| o.points)
                    .unwrap()
                    .id
                    .clone(),
            };
            choices.push((c.id.clone(), vec![v]));
        }
        MemberSheet {
            member: member.into(),
            choices,
        }
    }

    fn with(mut m: MemberSheet, cid: &str, v: &str) -> MemberSheet {
        m.choices.retain(|(c, _)| c != cid);
        m.choices.push((cid.into(), vec![v.into()]));
        m
    }

    #[test]
    fn best_everywhere_is_100_and_five_stars_on_every_sheet() {
        for s in lib().sheets_of(rb()) {
            let s = s.as_ref().unwrap();
            let e = evaluate(s, rb(), &[best(s, "m1")], &[]).unwrap();
            assert_eq!(e.members[0].total, 100, "{}", s.code);
            assert_eq!(e.stars, 5, "{} unmet {:?}", s.code, e.unmet);
        }
    }

    #[test]
    fn empty_sheet_scores_zero_and_lists_the_three_star_marks() {
        let s = sheet("QD26-01");
        let e = evaluate(
            s,
            rb(),
            &[MemberSheet {
                member: "m".into(),
                choices: vec![],
            }],
            &[],
        )
        .unwrap();
        assert_eq!(e.average, 0.0);
        assert_eq!(e.band_stars, 1);
        assert_eq!(e.cap, 2);
        assert_eq!(e.stars, 1);
        assert!(!e.recognised);
        assert_eq!(
            e.unmet.iter().filter(|u| u.stars == 3).count(),
            7,
            "README: 7 three-star marks"
        );
    }

    #[test]
    fn a_mark_just_met_and_just_missed() {
        let s = sheet("QD26-01");
        // 2.3's 4-star mark sits on its top option (3 points).
        let (_, _, c) = s.criterion("QD26-01:2.3").unwrap();
        let top = c
            .options
            .iter()
            .find(|o| o.mandatory_for.contains(&4))
            .unwrap();
        let below = c
            .options
            .iter()
            .filter(|o| o.points < top.points)
            .max_by_key(|o| o.points)
            .unwrap();
        let a = best(s, "a");
        let e = evaluate(s, rb(), &[a.clone(), a.clone().tap_member("b")], &[]).unwrap();
        assert_eq!(e.stars, 5);
        // One member below: the mean is below the mark → capped at 3.
        let b = with(a.clone().tap_member("b"), &c.id, &below.id);
        let e = evaluate(s, rb(), &[a.clone(), b], &[]).unwrap();
        assert_eq!(e.cap, 3, "{:?}", e.unmet);
        assert!(e
            .unmet
            .iter()
            .any(|u| u.criterion == c.id && u.stars == 4 && u.required == top.points));
        assert_eq!(e.stars, 3);
    }

    trait TapMember {
        fn tap_member(self, m: &str) -> Self;
    }
    impl TapMember for MemberSheet {
        fn tap_member(mut self, m: &str) -> Self {
            self.member = m.into();
            self
        }
    }

    #[test]
    fn averages_with_decimals_and_spread() {
        let s = sheet("QD26-01");
        let a = best(s, "a");
        // Take 11 points off b by choosing the lowest option of section 11 criteria etc.
        let mut b = best(s, "b");
        let mut removed = 0;
        for (_, _, c) in s.criteria() {
            if removed >= 11
                || c.kind != CriterionKind::Options
                || !c.options.iter().all(|o| o.mandatory_for.is_empty())
            {
                continue;
            }
            let low = c.options.iter().min_by_key(|o| o.points).unwrap();
            if removed + (c.max_points - low.points) <= 11 {
                removed += c.max_points - low.points;
                b = with(b, &c.id, &low.id);
            }
        }
        let e = evaluate(s, rb(), &[a, b], &[]).unwrap();
        assert_eq!(e.spread, removed);
        assert_eq!(e.average, (200 - removed) as f64 / 2.0);
        assert_eq!(e.spread_exceeds_limit, removed > 10);
    }

    #[test]
    fn knockout_gives_zero() {
        let s = sheet("QD26-01");
        let e = evaluate(s, rb(), &[best(s, "a")], &["forged_dossier".into()]).unwrap();
        assert_eq!(e.stars, 0);
        assert!(!e.recognised);
        assert_eq!(e.band_stars, 5);
    }

    #[test]
    fn bad_input_names_the_id() {
        let s = sheet("QD26-01");
        let m = |c: &str, v: Vec<&str>| MemberSheet {
            member: "m".into(),
            choices: vec![(c.into(), v.into_iter().map(String::from).collect())],
        };
        assert_eq!(
            evaluate(s, rb(), &[m("QD26-02:1.1", vec!["QD26-02:1.1/1"])], &[]).unwrap_err(),
            ScoringError::UnknownCriterion {
                criterion: "QD26-02:1.1".into()
            }
        );
        assert_eq!(
            evaluate(s, rb(), &[m("QD26-01:1.1", vec!["QD26-01:1.2/1"])], &[]).unwrap_err(),
            ScoringError::UnknownOption {
                criterion: "QD26-01:1.1".into(),
                option: "QD26-01:1.2/1".into()
            }
        );
        assert_eq!(
            evaluate(
                s,
                rb(),
                &[m("QD26-01:1.1", vec!["QD26-01:1.1/1", "QD26-01:1.1/2"])],
                &[]
            )
            .unwrap_err(),
            ScoringError::TwoOptions {
                criterion: "QD26-01:1.1".into()
            }
        );
        assert_eq!(
            evaluate(s, rb(), &[], &[]).unwrap_err(),
            ScoringError::NoSheets
        );
        let s26 = sheet("QD26-26");
        let a = s26.criterion("QD26-26:8.a").unwrap().2.options[0]
            .id
            .clone();
        let b = s26.criterion("QD26-26:8.b").unwrap().2.options[0]
            .id
            .clone();
        let both = MemberSheet {
            member: "m".into(),
            choices: vec![
                ("QD26-26:8.a".into(), vec![a]),
                ("QD26-26:8.b".into(), vec![b]),
            ],
        };
        assert!(matches!(
            evaluate(s26, rb(), &[both], &[]).unwrap_err(),
            ScoringError::BothAlternatives { .. }
        ));
    }

    #[test]
    fn yes_no_criteria_take_yes_or_no() {
        let s = sheet("QD26-01");
        let yes = MemberSheet {
            member: "m".into(),
            choices: vec![("QD26-01:2.4".into(), vec!["yes".into()])],
        };
        assert_eq!(evaluate(s, rb(), &[yes], &[]).unwrap().members[0].total, 1);
        let bad = MemberSheet {
            member: "m".into(),
            choices: vec![("QD26-01:2.4".into(), vec!["maybe".into()])],
        };
        assert!(evaluate(s, rb(), &[bad], &[]).is_err());
    }

    #[test]
    fn next_star_says_what_is_missing() {
        let s = sheet("QD26-01");
        let e = evaluate(
            s,
            rb(),
            &[MemberSheet {
                member: "m".into(),
                choices: vec![],
            }],
            &[],
        )
        .unwrap();
        let n = next_star(rb(), &e).unwrap();
        assert_eq!(n.target, 3);
        assert_eq!(n.points_missing, 50.0);
        assert_eq!(n.marks_missing.len(), 7);
    }

    #[test]
    fn seventy_five_points_missing_a_three_star_mark_is_not_recognised_not_two_stars() {
        let s = sheet("QD26-01");
        // Best everywhere, then drop one 3★-marked criterion to its lowest option.
        let (_, _, c) = s
            .criteria()
            .find(|(_, _, c)| c.options.iter().any(|o| o.mandatory_for.contains(&3)))
            .unwrap();
        let low = c.options.iter().min_by_key(|o| o.points).unwrap();
        let mut m = with(best(s, "a"), &c.id, &low.id);
        // Bring the total down to 75 with options that carry no mark.
        let mut total = 100 - (c.max_points - low.points);
        for (_, _, o) in s.criteria() {
            if total <= 75 || o.id == c.id || o.kind != CriterionKind::Options {
                continue;
            }
            if o.options.iter().any(|x| !x.mandatory_for.is_empty()) {
                continue;
            }
            let lower = o.options.iter().min_by_key(|x| x.points).unwrap();
            let cut = o.max_points - lower.points;
            if total - cut >= 75 {
                total -= cut;
                m = with(m, &o.id, &lower.id);
            }
        }
        let e = evaluate(s, rb(), &[m], &[]).unwrap();
        assert_eq!(e.members[0].total, total);
        assert!((75..90).contains(&total), "{total}");
        // The calculator is unchanged: band 4, cap 2, stars 2.
        assert_eq!((e.band_stars, e.cap, e.stars), (4, 2, 2));
        match standing(rb(), &e) {
            Standing::MissingMandatory { band, missing } => {
                assert_eq!(band, 4);
                assert!(missing.contains(&c.id), "{missing:?}");
                assert!(missing
                    .iter()
                    .all(|id| e.unmet.iter().any(|u| &u.criterion == id && u.stars == 3)));
            }
            other => panic!("{other:?}"),
        }
        // Ranked results read as such; a low score is below recognition; knock-outs win.
        let e = evaluate(s, rb(), &[best(s, "a")], &[]).unwrap();
        assert_eq!(standing(rb(), &e), Standing::Recognised { stars: 5 });
        let empty = MemberSheet {
            member: "m".into(),
            choices: vec![],
        };
        let e = evaluate(s, rb(), &[empty], &[]).unwrap();
        assert_eq!(standing(rb(), &e), Standing::BelowRecognition { stars: 1 });
        let e = evaluate(s, rb(), &[best(s, "a")], &["copied_product".into()]).unwrap();
        assert!(matches!(standing(rb(), &e), Standing::KnockedOut { .. }));
    }

    #[test]
    fn criterion_5_2_needs_a_story() {
        // Every QĐ 26 sheet but tourism (set 26) has 5.2 "Cấu trúc câu chuyện sản phẩm".
        let dependent: Vec<String> = lib()
            .sheets_of(rb())
            .flat_map(|s| s.as_ref().unwrap().criteria())
            .filter(|(_, _, c)| needs_story(c))
            .map(|(_, _, c)| c.id.clone())
            .collect();
        assert_eq!(dependent.len(), 25, "{dependent:?}");
        assert!(
            dependent.iter().all(|id| id.ends_with(":5.2")),
            "{dependent:?}"
        );
        let s = sheet("QD26-01");
        let pick = |cid: &str, points: i32| {
            let c = s.criterion(cid).unwrap().2;
            c.options
                .iter()
                .find(|o| o.points == points)
                .unwrap()
                .id
                .clone()
        };
        let points = |story: i32, structure: i32| {
            let m = MemberSheet {
                member: "m".into(),
                choices: vec![
                    ("QD26-01:5.1".into(), vec![pick("QD26-01:5.1", story)]),
                    ("QD26-01:5.2".into(), vec![pick("QD26-01:5.2", structure)]),
                ],
            };
            evaluate(s, rb(), &[m], &[]).unwrap().criteria
        };
        let none = |_: &str| false;
        // "Không có câu chuyện sản phẩm" (0) and 2 points on 5.2: no story.
        assert_eq!(
            story_flags(s, &points(0, 2), none),
            BTreeMap::from([("QD26-01:5.2".to_string(), StoryFlag::NoStory)])
        );
        // A story claimed, nothing cited: undocumented; cited on 5.1 or 5.2: fine.
        assert_eq!(
            story_flags(s, &points(2, 2), none).get("QD26-01:5.2"),
            Some(&StoryFlag::Undocumented)
        );
        assert!(story_flags(s, &points(2, 2), |id| id == "QD26-01:5.1").is_empty());
        assert!(story_flags(s, &points(2, 1), |id| id == "QD26-01:5.2").is_empty());
        // No points on 5.2: nothing to flag.
        assert!(story_flags(s, &points(0, 0), none).is_empty());
    }

    /// Random member sheets: each criterion gets a random option or nothing.
    fn random_member(s: &'static Sheet, picks: Vec<u8>) -> MemberSheet {
        let mut choices = Vec::new();
        let mut used_alt = HashSet::new();
        for ((_, _, c), pick) in s.criteria().zip(picks.into_iter().cycle()) {
            if let Some(a) = &c.alternative {
                if !used_alt.insert(a.section.clone()) {
                    continue;
                }
            }
            let v = match c.kind {
                CriterionKind::YesNo => if pick % 2 == 0 { "yes" } else { "no" }.to_string(),
                CriterionKind::Options => {
                    let i = pick as usize % (c.options.len() + 1);
                    if i == c.options.len() {
                        continue;
                    }
                    c.options[i].id.clone()
                }
            };
            choices.push((c.id.clone(), vec![v]));
        }
        MemberSheet {
            member: String::new(),
            choices,
        }
    }

    fn council() -> impl Strategy<Value = (usize, Vec<Vec<u8>>)> {
        (
            0usize..26,
            prop::collection::vec(prop::collection::vec(any::<u8>(), 1..60), 1..6),
        )
    }

    fn members(set: usize, picks: Vec<Vec<u8>>) -> (&'static Sheet, Vec<MemberSheet>) {
        let s = lib().sheets_of(rb()).nth(set).unwrap().as_ref().unwrap();
        let ms = picks
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let mut m = random_member(s, p);
                m.member = format!("m{i}");
                m
            })
            .collect();
        (s, ms)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn totals_never_exceed_the_parts((set, picks) in council()) {
            let (s, ms) = members(set, picks);
            let e = evaluate(s, rb(), &ms, &[]).unwrap();
            for m in &e.members {
                for p in &s.parts {
                    prop_assert!(m.parts[&p.key] <= p.max_points && m.parts[&p.key] >= 0);
                }
                prop_assert!(m.total <= 100);
            }
            prop_assert!(e.stars <= e.band_stars);
            prop_assert!(e.stars <= e.cap);
        }

        #[test]
        fn permuting_members_changes_nothing((set, picks) in council(), rot in 0usize..6) {
            let (s, ms) = members(set, picks);
            let mut rotated = ms.clone();
            let k = rot % rotated.len();
            rotated.rotate_left(k);
            let a = evaluate(s, rb(), &ms, &[]).unwrap();
            let b = evaluate(s, rb(), &rotated, &[]).unwrap();
            prop_assert_eq!(a.stars, b.stars);
            prop_assert_eq!(a.average, b.average);
            prop_assert_eq!(a.unmet, b.unmet);
            prop_assert_eq!(a.spread, b.spread);
        }

        #[test]
        fn raising_one_option_never_lowers_the_stars((set, picks) in council(), which in any::<usize>()) {
            let (s, ms) = members(set, picks);
            let before = evaluate(s, rb(), &ms, &[]).unwrap();
            // Raise member 0 on one criterion to its best option.
            let crits: Vec<_> = s.criteria().filter(|(_, _, c)| c.kind == CriterionKind::Options && c.alternative.is_none()).collect();
            let (_, _, c) = crits[which % crits.len()];
            let current = ms[0].choices.iter().find(|(id, _)| id == &c.id).and_then(|(_, v)| v.first()).and_then(|v| c.options.iter().find(|o| &o.id == v)).map(|o| o.points).unwrap_or(0);
            let top = c.options.iter().max_by_key(|o| o.points).unwrap();
            prop_assume!(top.points >= current);
            let mut raised = ms.clone();
            raised[0] = with(raised[0].clone(), &c.id, &top.id);
            let after = evaluate(s, rb(), &raised, &[]).unwrap();
            prop_assert!(after.stars >= before.stars, "{} -> {}", before.stars, after.stars);
        }

        #[test]
        fn a_knockout_always_gives_zero((set, picks) in council(), k in "[a-z_]{1,20}") {
            let (s, ms) = members(set, picks);
            let e = evaluate(s, rb(), &ms, &[k]).unwrap();
            prop_assert_eq!(e.stars, 0);
            prop_assert!(!e.recognised);
        }
    }
}
