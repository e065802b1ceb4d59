//! Rulebooks: the rules of a period as data (`data/rulebooks/*.toml` plus a criteria
//! folder). Three ship embedded — QĐ 148 (2023), QĐ 148 as amended by QĐ 1489 (2025)
//! and QĐ 26/2026 — and more can be loaded from a folder without code changes
//! (format in `docs/criteria.md`).

use crate::criteria::{load_sheet, parse_fixes, Fix, Sheet, SheetError, SheetMeta};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A level of evaluation and what it recognises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub level: String,
    #[serde(default)]
    pub duty: String,
    #[serde(default)]
    pub recognises: Vec<u8>,
    /// Score from which a product is forwarded to the next level.
    #[serde(default)]
    pub forward_min_score: Option<i32>,
}

/// A yearly evaluation round of a level, in the law's words: the round ends *before*
/// a day ("trước ngày 30 tháng 6") for dossiers proposed *before* another
/// ("trước ngày 30 tháng 4"). "Trước ngày" excludes that day (QĐ 26/2026 Art. 5):
/// the last day of each is the day before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRule {
    pub level: String,
    /// "MM-DD": the round must be finished before this day (exclusive).
    pub closes_before: String,
    /// "MM-DD": dossiers must be proposed before this day (exclusive).
    pub proposals_before: String,
}

/// A reason that eliminates a product whatever its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Knockout {
    pub id: String,
    pub title: String,
}

/// Everything a period's rules say, as loaded from TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rulebook {
    pub id: String,
    pub name: String,
    pub legal_basis: String,
    pub in_force_from: NaiveDate,
    #[serde(default)]
    pub in_force_to: Option<NaiveDate>,
    /// Folder of the criteria sheets under `data/criteria/`.
    pub criteria: String,
    pub parts: Vec<(String, i32)>,
    pub star_bands: Vec<(i32, u8)>,
    pub recognised_min_stars: u8,
    pub certificate_months: u32,
    pub spread_limit: i32,
    pub quorum_percent: u32,
    pub quorum_requires_chair: bool,
    #[serde(default)]
    pub written_opinions_for_reevaluation: bool,
    #[serde(default)]
    pub commune_criteria: Vec<String>,
    /// The provincial council meets only on a file the advisory team (or, for a
    /// re-evaluation, the standing agency) has reported on to its chair (QĐ 26/2026
    /// Art. 7.3.c, 7.6.c).
    #[serde(default)]
    pub advisory_report_before_meeting: bool,
    pub levels: Vec<Level>,
    #[serde(default)]
    pub rounds: Vec<RoundRule>,
    #[serde(default)]
    pub deadlines: BTreeMap<String, i64>,
    #[serde(default)]
    pub transition: toml::Table,
    #[serde(default)]
    pub knockouts: Vec<Knockout>,
    /// The dossier checklist: which documents each kind of dossier needs.
    #[serde(default)]
    pub documents: Vec<crate::documents::DocRule>,
}

/// A round the rulebook schedules: its number in the year, the last day proposals
/// are accepted and the last day of the round (both inclusive: the day before the
/// law's "trước ngày …").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledRound {
    pub number: u32,
    pub year: i32,
    pub proposals_by: NaiveDate,
    pub closes_on: NaiveDate,
}

fn month_day(year: i32, md: &str) -> Option<NaiveDate> {
    let (m, d) = md.split_once('-')?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

impl Rulebook {
    /// The next `n` rounds of `level` whose proposals are still open on `today`,
    /// soonest first. QĐ 26/2026 Art. 5: province rounds finish before 30/6 and
    /// 30/12 for dossiers proposed before 30/4 and 30/10, so their last days are
    /// 29/6 and 29/12, proposals up to 29/4 and 29/10; central rounds before 30/9
    /// and 30/3 for proposals before 30/7 and 30/01 (last days 29/9, 29/3; 29/7, 29/01).
    pub fn scheduled_rounds(&self, level: &str, today: NaiveDate, n: usize) -> Vec<ScheduledRound> {
        let mut out = Vec::new();
        for year in [today.year(), today.year() + 1] {
            let mut of_year: Vec<(NaiveDate, NaiveDate)> = self
                .rounds
                .iter()
                .filter(|r| r.level == level)
                .filter_map(|r| {
                    let closes = month_day(year, &r.closes_before)?;
                    let mut proposals = month_day(year, &r.proposals_before)?;
                    if proposals > closes {
                        proposals = month_day(year - 1, &r.proposals_before)?;
                    }
                    // "Trước ngày": the last day is the day before.
                    Some((proposals.pred_opt()?, closes.pred_opt()?))
                })
                .collect();
            of_year.sort_by_key(|x| x.1);
            for (i, (proposals_by, closes_on)) in of_year.into_iter().enumerate() {
                if proposals_by >= today {
                    out.push(ScheduledRound {
                        number: i as u32 + 1,
                        year,
                        proposals_by,
                        closes_on,
                    });
                }
            }
        }
        out.truncate(n);
        out
    }

    pub fn in_force_on(&self, d: NaiveDate) -> bool {
        d >= self.in_force_from && self.in_force_to.is_none_or(|to| d <= to)
    }

    /// The re-evaluation filing window in days before the certificate's expiry,
    /// `(opens, closes)`: QĐ 26/2026 Art. 7.6.a files from 180 to 120 days before;
    /// the 2021–2025 rules only ask for the dossier 30 days before expiry (no
    /// opening bound). `None` when the rulebook says nothing.
    pub fn reevaluation_window_days(&self) -> Option<(Option<i64>, i64)> {
        let opens = self
            .deadlines
            .get("reevaluation_window_opens_days_before_expiry")
            .copied();
        let closes = self
            .deadlines
            .get("reevaluation_window_closes_days_before_expiry")
            .or_else(|| self.deadlines.get("reevaluation_notice_days_before_expiry"))
            .copied()?;
        Some((opens, closes))
    }

    /// Is this one of the criteria the commune scores (shown to the council as given)?
    pub fn is_commune_criterion(&self, c: &crate::criteria::Criterion) -> bool {
        let t = c.title.to_lowercase();
        self.commune_criteria
            .iter()
            .any(|k| t.contains(&k.to_lowercase()))
    }

    /// The ids of a sheet's criteria the commune scores.
    pub fn commune_ids(&self, sheet: &Sheet) -> std::collections::HashSet<String> {
        sheet
            .criteria()
            .filter(|(_, _, c)| self.is_commune_criterion(c))
            .map(|(_, _, c)| c.id.clone())
            .collect()
    }

    /// Band of an average score (first threshold reached, thresholds descending).
    pub fn band(&self, average: f64) -> u8 {
        self.star_bands
            .iter()
            .find(|(min, _)| average >= *min as f64)
            .map(|(_, s)| *s)
            .unwrap_or(1)
    }

    /// Same as [`band`](Self::band) on an exact fraction `sum / n` (no rounding).
    pub fn band_of_sum(&self, sum: i64, n: i64) -> u8 {
        if n <= 0 {
            return self.star_bands.last().map(|(_, s)| *s).unwrap_or(1);
        }
        self.star_bands
            .iter()
            .find(|(min, _)| sum >= *min as i64 * n)
            .map(|(_, s)| *s)
            .unwrap_or(1)
    }
}

/// A criteria folder: its sets and sheets (or why a sheet could not load).
#[derive(Debug, Clone)]
pub struct CriteriaSet {
    pub folder: String,
    pub sheets: Vec<Result<Sheet, SheetError>>,
}

/// All rulebooks and sheets known to a deployment.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub rulebooks: Vec<Rulebook>,
    pub criteria: Vec<CriteriaSet>,
}

#[derive(Deserialize)]
struct SetRow {
    set_no: u32,
    code: String,
    name_vi: String,
    #[serde(default)]
    sector_vi: String,
    #[serde(default)]
    group_vi: String,
    #[serde(default)]
    elimination_rule: String,
    file: String,
}

/// Files of a criteria folder, by name.
pub type Files<'a> = Vec<(String, std::borrow::Cow<'a, str>)>;

/// Loads every sheet of a criteria folder from its files (`sets.csv`, `fixes.csv`,
/// `set-NN.csv`). A sheet that fails is kept as an error, the others load.
pub fn load_criteria(
    folder: &str,
    files: &Files<'_>,
    parts: &[(String, i32)],
) -> Result<CriteriaSet, String> {
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_ref())
    };
    let sets = get("sets.csv").ok_or_else(|| format!("criteria {folder}: sets.csv missing"))?;
    let fixes: Vec<Fix> = match get("fixes.csv") {
        Some(t) => parse_fixes(t).map_err(|e| format!("criteria {folder}: {e}"))?,
        None => vec![],
    };
    let parts: Vec<(&str, i32)> = parts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(sets.as_bytes());
    let mut sheets = Vec::new();
    for (i, r) in rdr.deserialize::<SetRow>().enumerate() {
        let r = r.map_err(|e| format!("criteria {folder}: sets.csv line {}: {e}", i + 2))?;
        let meta = SheetMeta {
            code: r.code.clone(),
            name: crate::text::clean(&r.name_vi),
            set_no: r.set_no,
            sector: r.sector_vi,
            group: r.group_vi,
            elimination_rule: crate::text::clean(&r.elimination_rule),
        };
        let sheet = match get(&r.file) {
            Some(text) => load_sheet(&meta, text, &fixes, &parts),
            None => Err(SheetError {
                sheet: r.code.clone(),
                line: 0,
                message: format!("file {} missing", r.file),
            }),
        };
        sheets.push(sheet);
    }
    Ok(CriteriaSet {
        folder: folder.to_string(),
        sheets,
    })
}

macro_rules! criteria_files {
    ($dir:literal; $($n:literal),*) => {
        vec![
            ("sets.csv".to_string(), std::borrow::Cow::Borrowed(include_str!(concat!("../../../data/criteria/", $dir, "/sets.csv")))),
            ("fixes.csv".to_string(), std::borrow::Cow::Borrowed(include_str!(concat!("../../../data/criteria/", $dir, "/fixes.csv")))),
            $((concat!("set-", $n, ".csv").to_string(), std::borrow::Cow::Borrowed(include_str!(concat!("../../../data/criteria/", $dir, "/set-", $n, ".csv"))))),*
        ]
    };
}

const EMBEDDED_RULEBOOKS: [&str; 3] = [
    include_str!("../../../data/rulebooks/QD148-2023.toml"),
    include_str!("../../../data/rulebooks/QD148-1489-2025.toml"),
    include_str!("../../../data/rulebooks/QD26-2026.toml"),
];

impl Library {
    /// The rulebooks and sheets compiled into the binary.
    pub fn embedded() -> Library {
        let rulebooks: Vec<Rulebook> = EMBEDDED_RULEBOOKS
            .iter()
            // Embedded files are checked by the tests; a broken one cannot ship.
            .filter_map(|t| toml::from_str(t).ok())
            .collect();
        let parts = rulebooks
            .first()
            .map(|r| r.parts.clone())
            .unwrap_or_default();
        let qd148 = criteria_files!("qd148"; "01","02","03","04","05","06","07","08","09","10","11","12","13","14","15","16","17","18","19","20","21","22","23","24","25","26");
        let qd26 = criteria_files!("qd26-2026"; "01","02","03","04","05","06","07","08","09","10","11","12","13","14","15","16","17","18","19","20","21","22","23","24","25","26");
        let mut criteria = Vec::new();
        for (folder, files) in [("qd148", qd148), ("qd26-2026", qd26)] {
            if let Ok(c) = load_criteria(folder, &files, &parts) {
                criteria.push(c);
            }
        }
        Library {
            rulebooks,
            criteria,
        }
    }

    /// Adds a rulebook from a folder holding `rulebook.toml` and its criteria files
    /// (`sets.csv`, `set-NN.csv`, optional `fixes.csv`). Refuses an id already known
    /// and any sheet that does not add up.
    pub fn add_dir(&mut self, dir: &Path) -> Result<&Rulebook, String> {
        let text = std::fs::read_to_string(dir.join("rulebook.toml"))
            .map_err(|e| format!("{}: {e}", dir.join("rulebook.toml").display()))?;
        let rb: Rulebook = toml::from_str(&text)
            .map_err(|e| format!("{}: {e}", dir.join("rulebook.toml").display()))?;
        for r in &rb.documents {
            r.check()
                .map_err(|e| format!("{}: {e}", dir.join("rulebook.toml").display()))?;
        }
        if self.rulebooks.iter().any(|r| r.id == rb.id) {
            return Err(format!("rulebook {} is already loaded", rb.id));
        }
        if !self.criteria.iter().any(|c| c.folder == rb.criteria) {
            let mut files: Files<'static> = Vec::new();
            for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
                let p = entry.map_err(|e| e.to_string())?.path();
                if p.extension().is_some_and(|e| e == "csv") {
                    let name = p
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default()
                        .to_string();
                    let t =
                        std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                    files.push((name, std::borrow::Cow::Owned(t)));
                }
            }
            let set = load_criteria(&rb.criteria, &files, &rb.parts)?;
            if let Some(Err(e)) = set.sheets.iter().find(|s| s.is_err()) {
                return Err(e.to_string());
            }
            // Sheet codes name their decision and must stay unique across rulebooks.
            if let Some(Ok(dup)) = set
                .sheets
                .iter()
                .find(|s| matches!(s, Ok(sh) if self.sheet(&sh.code).is_some()))
            {
                return Err(format!("sheet code {} is already used by another decision; give this decision's sheets their own codes", dup.code));
            }
            self.criteria.push(set);
        }
        self.rulebooks.push(rb);
        Ok(self.rulebooks.last().expect("just pushed"))
    }

    pub fn rulebook(&self, id: &str) -> Option<&Rulebook> {
        self.rulebooks.iter().find(|r| r.id == id)
    }

    /// The rulebook in force on a date (the latest start wins when two overlap).
    pub fn in_force(&self, d: NaiveDate) -> Option<&Rulebook> {
        self.rulebooks
            .iter()
            .filter(|r| r.in_force_on(d))
            .max_by_key(|r| r.in_force_from)
    }

    /// The id of the rulebook a dossier opened on `d` is filed under: the one in
    /// force, or the newest when none is (a gap between decisions).
    pub fn in_force_id(&self, d: NaiveDate) -> String {
        self.in_force(d)
            .or(self.rulebooks.last())
            .map(|r| r.id.clone())
            .unwrap_or_default()
    }

    /// The sheets of a rulebook, in order (broken sheets as errors).
    pub fn sheets_of<'a>(
        &'a self,
        rb: &Rulebook,
    ) -> impl Iterator<Item = &'a Result<Sheet, SheetError>> {
        let folder = rb.criteria.clone();
        self.criteria
            .iter()
            .filter(move |c| c.folder == folder)
            .flat_map(|c| c.sheets.iter())
    }

    /// A sheet by code, or why it could not be loaded.
    pub fn sheet(&self, code: &str) -> Option<Result<&Sheet, &SheetError>> {
        self.criteria
            .iter()
            .flat_map(|c| c.sheets.iter())
            .find_map(|s| match s {
                Ok(sh) if sh.code == code => Some(Ok(sh)),
                Err(e) if e.sheet == code => Some(Err(e)),
                _ => None,
            })
    }

    /// Rulebooks that use a sheet, latest first.
    pub fn rulebooks_of_sheet(&self, code: &str) -> Vec<&Rulebook> {
        let folders: Vec<&str> = self
            .criteria
            .iter()
            .filter(|c| {
                c.sheets.iter().any(|s| match s {
                    Ok(sh) => sh.code == code,
                    Err(e) => e.sheet == code,
                })
            })
            .map(|c| c.folder.as_str())
            .collect();
        let mut v: Vec<&Rulebook> = self
            .rulebooks
            .iter()
            .filter(|r| folders.contains(&r.criteria.as_str()))
            .collect();
        v.sort_by_key(|r| std::cmp::Reverse(r.in_force_from));
        v
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn qd26_schedules_two_province_rounds_a_year() {
        let lib = Library::embedded();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let next = rb.scheduled_rounds("province", d(2026, 11, 29), 2);
        assert_eq!(next.len(), 2);
        assert_eq!((next[0].number, next[0].year), (1, 2027));
        // "Trước ngày 30 tháng 4 / 30 tháng 6" excludes the 30th (Art. 5.1).
        assert_eq!(
            (next[0].proposals_by, next[0].closes_on),
            (d(2027, 4, 29), d(2027, 6, 29))
        );
        assert_eq!(
            (next[1].number, next[1].proposals_by, next[1].closes_on),
            (2, d(2027, 10, 29), d(2027, 12, 29))
        );
        let now = rb.scheduled_rounds("province", d(2026, 10, 1), 1);
        assert_eq!(
            (now[0].number, now[0].closes_on),
            (2, d(2026, 12, 29)),
            "proposals still open"
        );
        let central = rb.scheduled_rounds("central", d(2026, 11, 29), 2);
        assert_eq!(
            (central[0].proposals_by, central[0].closes_on),
            (d(2027, 1, 29), d(2027, 3, 29)),
            "Art. 5.2: before 30/01 and 30/3"
        );
        assert_eq!(
            (central[1].proposals_by, central[1].closes_on),
            (d(2027, 7, 29), d(2027, 9, 29)),
            "Art. 5.2: before 30/7 and 30/9"
        );
        assert!(rb
            .scheduled_rounds("district", d(2026, 11, 29), 2)
            .is_empty());
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn truoc_ngay_excludes_the_day_at_each_boundary() {
        let lib = Library::embedded();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let first = |level: &str, today| rb.scheduled_rounds(level, today, 1)[0];
        // Province round 1: proposals up to 29/4 inclusive; on 30/4 it is round 2.
        let r = first("province", d(2027, 4, 29));
        assert_eq!(
            (r.number, r.proposals_by, r.closes_on),
            (1, d(2027, 4, 29), d(2027, 6, 29))
        );
        let r = first("province", d(2027, 4, 30));
        assert_eq!(
            (r.number, r.proposals_by, r.closes_on),
            (2, d(2027, 10, 29), d(2027, 12, 29))
        );
        // Round 2: 29/10 still open, 30/10 gives next year's round 1.
        assert_eq!(first("province", d(2027, 10, 29)).number, 2);
        let r = first("province", d(2027, 10, 30));
        assert_eq!(
            (r.number, r.year, r.proposals_by),
            (1, 2028, d(2028, 4, 29))
        );
        // Central: 29/7 open for the September round, 30/7 moves to March.
        assert_eq!(first("central", d(2027, 7, 29)).closes_on, d(2027, 9, 29));
        let r = first("central", d(2027, 7, 30));
        assert_eq!(
            (r.proposals_by, r.closes_on),
            (d(2028, 1, 29), d(2028, 3, 29))
        );
        assert_eq!(first("central", d(2028, 1, 29)).closes_on, d(2028, 3, 29));
        assert_eq!(first("central", d(2028, 1, 30)).closes_on, d(2028, 9, 29));
    }

    #[test]
    fn the_three_rulebooks_load_and_follow_each_other() {
        for t in EMBEDDED_RULEBOOKS {
            let rb = toml::from_str::<Rulebook>(t).unwrap();
            for r in &rb.documents {
                r.check().unwrap();
            }
        }
        let lib = Library::embedded();
        assert_eq!(lib.rulebooks.len(), 3);
        assert_eq!(lib.in_force(d(2024, 1, 1)).unwrap().id, "QD148-2023");
        assert_eq!(lib.in_force(d(2025, 7, 5)).unwrap().id, "QD148-2023");
        assert_eq!(lib.in_force(d(2025, 7, 6)).unwrap().id, "QD148-1489-2025");
        assert_eq!(lib.in_force(d(2026, 5, 21)).unwrap().id, "QD148-1489-2025");
        assert_eq!(lib.in_force(d(2026, 5, 22)).unwrap().id, "QD26-2026");
        assert!(lib.in_force(d(2022, 1, 1)).is_none());
    }

    #[test]
    fn all_26_sheets_of_qd26_load_and_add_up_to_100() {
        let lib = Library::embedded();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let sheets: Vec<_> = lib.sheets_of(rb).collect();
        assert_eq!(sheets.len(), 26);
        for s in sheets {
            let s = s.as_ref().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.total_max(), 100, "{}", s.code);
        }
    }

    #[test]
    fn qd26_special_structures() {
        let lib = Library::embedded();
        let s11 = lib.sheet("QD26-11").unwrap().unwrap();
        let sub = s11.criterion("QD26-11:6.1.1").unwrap().2;
        assert_eq!(sub.group.as_ref().unwrap().key, "6.1");
        let s26 = lib.sheet("QD26-26").unwrap().unwrap();
        let alt = s26.criterion("QD26-26:8.b").unwrap().2;
        assert_eq!(alt.alternative.as_ref().unwrap().section, "8");
        let s01 = lib.sheet("QD26-01").unwrap().unwrap();
        assert_eq!(
            s01.criterion("QD26-01:2.4").unwrap().2.kind,
            crate::criteria::CriterionKind::YesNo
        );
        assert!(
            s01.criterion("QD26-01:7").is_some(),
            "section 7 scored directly"
        );
    }

    #[test]
    fn communes_scored_community_criteria_only_under_qd_1489() {
        let lib = Library::embedded();
        // QĐ 148 as amended by QĐ 1489 (07/2025 – 05/2026): the commune scores them.
        let amended = lib.rulebook("QD148-1489-2025").unwrap();
        for s in lib.sheets_of(amended) {
            let s = s.as_ref().unwrap();
            assert!(!amended.commune_ids(s).is_empty(), "{}", s.code);
        }
        // QĐ 26/2026 Art. 7.2: the commune assesses without points; QĐ 148/2023: none.
        for id in ["QD26-2026", "QD148-2023"] {
            let rb = lib.rulebook(id).unwrap();
            for s in lib.sheets_of(lib.rulebook("QD26-2026").unwrap()) {
                let s = s.as_ref().unwrap();
                assert!(rb.commune_ids(s).is_empty(), "{id} {}", s.code);
            }
        }
    }

    #[test]
    fn bands_at_the_boundaries() {
        let lib = Library::embedded();
        let rb = lib.rulebook("QD26-2026").unwrap();
        for (avg, stars) in [
            (100.0, 5),
            (90.0, 5),
            (89.99, 4),
            (70.0, 4),
            (69.99, 3),
            (50.0, 3),
            (49.99, 2),
            (30.0, 2),
            (29.99, 1),
            (0.0, 1),
        ] {
            assert_eq!(rb.band(avg), stars, "{avg}");
        }
        assert_eq!(rb.band_of_sum(269, 3), 4); // 89.67
        assert_eq!(rb.band_of_sum(270, 3), 5); // 90
        assert_eq!(rb.band_of_sum(149, 3), 2); // 49.67
    }

    #[test]
    fn a_folder_rulebook_loads_without_code_changes() {
        let dir = std::env::temp_dir().join(format!("ocop-rb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rb = EMBEDDED_RULEBOOKS[2]
            .replace("id = \"QD26-2026\"", "id = \"QD99-2030\"")
            .replace("criteria = \"qd26-2026\"", "criteria = \"qd99\"")
            .replace(
                "in_force_from = \"2026-05-22\"",
                "in_force_from = \"2030-01-01\"",
            );
        std::fs::write(dir.join("rulebook.toml"), rb).unwrap();
        std::fs::write(dir.join("sets.csv"), "set_no,code,name_vi,sector_vi,group_vi,elimination_rule,file\n1,QD99-01,Rau,Thực phẩm,Tươi,,set-01.csv\n").unwrap();
        std::fs::write(
            dir.join("set-01.csv"),
            include_str!("../../../data/criteria/qd26-2026/set-01.csv"),
        )
        .unwrap();
        let mut lib = Library::embedded();
        lib.add_dir(&dir).unwrap();
        assert_eq!(lib.in_force(d(2031, 1, 1)).unwrap().id, "QD99-2030");
        assert_eq!(lib.sheet("QD99-01").unwrap().unwrap().total_max(), 100);
        // A sheet that does not add up is refused with its line.
        std::fs::write(
            dir.join("set-01.csv"),
            "title,description,level,stars,score\nPhần A,,0,,40\n",
        )
        .unwrap();
        let mut lib2 = Library::embedded();
        let e = lib2.add_dir(&dir).unwrap_err();
        assert!(e.contains("QD99-01"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
mod report {
    #[test]
    #[ignore = "prints the load state of every sheet"]
    fn print_sheet_errors() {
        let lib = super::Library::embedded();
        for c in &lib.criteria {
            for s in &c.sheets {
                if let Err(e) = s {
                    println!("{e}");
                }
            }
        }
    }
}
