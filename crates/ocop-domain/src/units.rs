//! Administrative units (đơn vị hành chính), versioned by period.
//!
//! Vietnam abolished the district level and merged communes on 1 July 2025. A unit
//! code is unique only together with its period: 03433 was Mường Tè town before the
//! reform and is Bum Tở commune after it. Every unit therefore carries a [`Period`],
//! and a materialised `path` ("VN/12/105/03386/") that makes "is this unit inside
//! that one" a prefix test the database can index.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// Code of the national root unit, the same in both periods.
pub const COUNTRY_CODE: &str = "VN";

/// The two administrative periods the system knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Until 30/06/2025: province → district → commune.
    Pre2025,
    /// From 01/07/2025: province → commune (no district level).
    Post2025,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Pre2025, Period::Post2025];

    /// First day of the post-reform period.
    pub fn reform_date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid constant date")
    }

    /// The period in force on a date.
    pub fn at(date: NaiveDate) -> Period {
        if date < Self::reform_date() {
            Period::Pre2025
        } else {
            Period::Post2025
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Pre2025 => "pre2025",
            Period::Post2025 => "post2025",
        }
    }

    /// Dates in force, inclusive; `None` means open-ended.
    pub fn valid_from(self) -> Option<NaiveDate> {
        match self {
            Period::Pre2025 => None,
            Period::Post2025 => Some(Self::reform_date()),
        }
    }

    pub fn valid_to(self) -> Option<NaiveDate> {
        match self {
            Period::Pre2025 => Self::reform_date().pred_opt(),
            Period::Post2025 => None,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "pre2025" | "pre-2025" | "old" => Ok(Period::Pre2025),
            "post2025" | "post-2025" | "new" => Ok(Period::Post2025),
            other => Err(UnitError::BadPeriod(other.to_string())),
        }
    }
}

/// Level of a unit in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Country,
    Province,
    District,
    Commune,
    Ward,
    Town,
    SpecialZone,
}

impl UnitLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitLevel::Country => "country",
            UnitLevel::Province => "province",
            UnitLevel::District => "district",
            UnitLevel::Commune => "commune",
            UnitLevel::Ward => "ward",
            UnitLevel::Town => "town",
            UnitLevel::SpecialZone => "special_zone",
        }
    }

    /// Commune-level units: where producers live and products are coded.
    pub fn is_commune_level(self) -> bool {
        matches!(
            self,
            UnitLevel::Commune | UnitLevel::Ward | UnitLevel::Town | UnitLevel::SpecialZone
        )
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            UnitLevel::Country => "Quốc gia",
            UnitLevel::Province => "Tỉnh/Thành phố",
            UnitLevel::District => "Huyện/Thành phố thuộc tỉnh",
            UnitLevel::Commune => "Xã",
            UnitLevel::Ward => "Phường",
            UnitLevel::Town => "Thị trấn",
            UnitLevel::SpecialZone => "Đặc khu",
        }
    }
}

impl FromStr for UnitLevel {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "country" => UnitLevel::Country,
            "province" => UnitLevel::Province,
            "district" => UnitLevel::District,
            "commune" => UnitLevel::Commune,
            "ward" => UnitLevel::Ward,
            "town" => UnitLevel::Town,
            "special_zone" => UnitLevel::SpecialZone,
            other => return Err(UnitError::BadLevel(other.to_string())),
        })
    }
}

/// Errors from loading or looking up units.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum UnitError {
    #[error("unknown period '{0}' (expected pre2025 or post2025)")]
    BadPeriod(String),
    #[error("unknown unit level '{0}'")]
    BadLevel(String),
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
    #[error("unit {code} ({period}): parent {parent} not found")]
    MissingParent {
        code: String,
        period: Period,
        parent: String,
    },
}

/// One unit as loaded from a CSV file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub period: Period,
    pub name: String,
    pub level: UnitLevel,
    /// Parent code in the same period; the country for provinces, `None` for the country.
    pub parent_code: Option<String>,
    /// Province code (2 digits), `None` for the country.
    pub province_code: Option<String>,
    /// Materialised path from the root, ending with '/': "VN/12/105/03386/".
    pub path: String,
    /// Other spellings of the name seen in official lists.
    pub aliases: Vec<String>,
}

/// Old commune → new commune, from the official conversion table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitMapping {
    pub old_code: String,
    pub new_code: String,
    pub note: String,
}

/// A set of units of one or more periods, with paths computed.
#[derive(Debug, Clone, Default)]
pub struct UnitSet {
    pub units: Vec<Unit>,
    pub mappings: Vec<UnitMapping>,
}

#[derive(Debug, Deserialize)]
struct UnitRow {
    code: String,
    name: String,
    level: String,
    #[serde(default)]
    parent_code: String,
}

#[derive(Debug, Deserialize)]
struct MappingRow {
    old_code: String,
    old_name_gso_2025_01: String,
    old_name_in_conversion_table: String,
    new_code: String,
    note: String,
}

/// The embedded Lai Châu data, copied from the GSO lists (see `data/admin-units/README.md`).
pub mod embedded {
    pub const LAICHAU_PRE2025: &str = include_str!("../../../data/admin-units/laichau-pre2025.csv");
    pub const LAICHAU_POST2025: &str =
        include_str!("../../../data/admin-units/laichau-post2025.csv");
    pub const LAICHAU_MAPPING: &str =
        include_str!("../../../data/admin-units/laichau-mapping-2025.csv");
}

/// Parses a units CSV (`code,name,level,parent_code[,lat,lon]`) of one period and
/// computes paths. The country root is added; provinces hang under it.
pub fn parse_units_csv(text: &str, period: Period) -> Result<Vec<Unit>, UnitError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.deserialize::<UnitRow>().enumerate() {
        let row = rec.map_err(|e| UnitError::Csv {
            line: i + 2,
            message: e.to_string(),
        })?;
        let level: UnitLevel = row.level.parse().map_err(|_| UnitError::Csv {
            line: i + 2,
            message: format!("unknown level '{}'", row.level),
        })?;
        if row.code.trim().is_empty() {
            return Err(UnitError::Csv {
                line: i + 2,
                message: "empty code".into(),
            });
        }
        rows.push((row, level));
    }
    let parents: HashMap<String, String> = rows
        .iter()
        .map(|(r, _)| (r.code.trim().to_string(), r.parent_code.trim().to_string()))
        .collect();
    let mut units = vec![country(period)];
    for (row, level) in &rows {
        let code = row.code.trim().to_string();
        // Walk up to the province to build the path; the file may list children first.
        let mut chain = vec![code.clone()];
        let mut cur = row.parent_code.trim().to_string();
        while !cur.is_empty() {
            if chain.len() > 8 || !parents.contains_key(&cur) {
                return Err(UnitError::MissingParent {
                    code: code.clone(),
                    period,
                    parent: cur,
                });
            }
            chain.push(cur.clone());
            cur = parents[&cur].clone();
        }
        chain.push(COUNTRY_CODE.to_string());
        chain.reverse();
        let province_code = chain.get(1).cloned();
        let path = format!("{}/", chain.join("/"));
        let parent_code = if row.parent_code.trim().is_empty() {
            Some(COUNTRY_CODE.to_string())
        } else {
            Some(row.parent_code.trim().to_string())
        };
        units.push(Unit {
            code,
            period,
            name: crate::text::clean(&row.name),
            level: *level,
            parent_code,
            province_code,
            path,
            aliases: Vec::new(),
        });
    }
    Ok(units)
}

fn country(period: Period) -> Unit {
    Unit {
        code: COUNTRY_CODE.to_string(),
        period,
        name: "Việt Nam".to_string(),
        level: UnitLevel::Country,
        parent_code: None,
        province_code: None,
        path: format!("{COUNTRY_CODE}/"),
        aliases: Vec::new(),
    }
}

/// The mappings of a conversion table and, per old code, its alternative spelling.
pub type ParsedMapping = (Vec<UnitMapping>, Vec<(String, String)>);

/// Parses the official conversion table and returns the mappings plus, per old code,
/// the alternative spelling used by the conversion table when it differs.
pub fn parse_mapping_csv(text: &str) -> Result<ParsedMapping, UnitError> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut maps = Vec::new();
    let mut aliases = Vec::new();
    for (i, rec) in rdr.deserialize::<MappingRow>().enumerate() {
        let row = rec.map_err(|e| UnitError::Csv {
            line: i + 2,
            message: e.to_string(),
        })?;
        let a = crate::text::clean(&row.old_name_gso_2025_01);
        let b = crate::text::clean(&row.old_name_in_conversion_table);
        if a != b {
            aliases.push((row.old_code.trim().to_string(), b));
        }
        maps.push(UnitMapping {
            old_code: row.old_code.trim().to_string(),
            new_code: row.new_code.trim().to_string(),
            note: crate::text::clean(&row.note),
        });
    }
    Ok((maps, aliases))
}

impl UnitSet {
    /// Lai Châu before and after the reform, with the official mapping and aliases.
    pub fn laichau() -> Result<UnitSet, UnitError> {
        let mut units = parse_units_csv(embedded::LAICHAU_PRE2025, Period::Pre2025)?;
        units.extend(parse_units_csv(
            embedded::LAICHAU_POST2025,
            Period::Post2025,
        )?);
        let (mappings, aliases) = parse_mapping_csv(embedded::LAICHAU_MAPPING)?;
        for (code, alias) in aliases {
            if let Some(u) = units
                .iter_mut()
                .find(|u| u.period == Period::Pre2025 && u.code == code)
            {
                if !u.aliases.contains(&alias) {
                    u.aliases.push(alias);
                }
            }
        }
        Ok(UnitSet { units, mappings })
    }

    pub fn find(&self, code: &str, period: Period) -> Option<&Unit> {
        self.units
            .iter()
            .find(|u| u.code == code && u.period == period)
    }

    /// The unit with this code in force on a date.
    pub fn find_at(&self, code: &str, date: NaiveDate) -> Option<&Unit> {
        self.find(code, Period::at(date))
    }

    /// The post-reform unit an old commune merged into.
    pub fn successor(&self, old_code: &str) -> Option<&Unit> {
        let m = self.mappings.iter().find(|m| m.old_code == old_code)?;
        self.find(&m.new_code, Period::Post2025)
    }

    /// The old communes merged into a new one.
    pub fn predecessors(&self, new_code: &str) -> Vec<&Unit> {
        self.mappings
            .iter()
            .filter(|m| m.new_code == new_code)
            .filter_map(|m| self.find(&m.old_code, Period::Pre2025))
            .collect()
    }
}

/// Is the unit at `path` inside the scope whose path is `scope_path`? Both paths end
/// with '/', so "VN/12/1/" never matches "VN/12/105/".
pub fn path_within(path: &str, scope_path: &str) -> bool {
    path.starts_with(scope_path)
}

/// A unit's name as it reads inside a sentence: "Xã Bình Lư" → "xã Bình Lư",
/// "Huyện Than Uyên" → "huyện Than Uyên".
pub fn in_sentence(name: &str) -> String {
    for (cap, low) in [
        ("Xã ", "xã "),
        ("Phường ", "phường "),
        ("Thị trấn ", "thị trấn "),
        ("Huyện ", "huyện "),
        ("Thị xã ", "thị xã "),
        ("Thành phố ", "thành phố "),
        ("Tỉnh ", "tỉnh "),
    ] {
        if let Some(rest) = name.strip_prefix(cap) {
            return format!("{low}{rest}");
        }
    }
    name.to_string()
}

/// The body that signs a recognition decision of a council at `level` whose unit is
/// named `unit_name`: the People's Committee of the district or province, the
/// ministry for the central level.
pub fn issuing_body(level: &str, unit_name: &str) -> String {
    match level {
        "central" => "Bộ Nông nghiệp và Môi trường".to_string(),
        _ => format!("UBND {}", in_sentence(unit_name)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn issuing_body_names_the_committee_of_the_council_s_unit() {
        assert_eq!(
            super::issuing_body("district", "Huyện Than Uyên"),
            "UBND huyện Than Uyên"
        );
        assert_eq!(
            super::issuing_body("province", "Tỉnh Lai Châu"),
            "UBND tỉnh Lai Châu"
        );
        assert_eq!(
            super::issuing_body("central", "Việt Nam"),
            "Bộ Nông nghiệp và Môi trường"
        );
        assert_eq!(super::in_sentence("Xã Bình Lư"), "xã Bình Lư");
        assert_eq!(super::in_sentence("Bình Lư"), "Bình Lư");
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_boundary_is_first_of_july_2025() {
        assert_eq!(Period::at(d(2025, 6, 30)), Period::Pre2025);
        assert_eq!(Period::at(d(2025, 7, 1)), Period::Post2025);
        assert_eq!(Period::Pre2025.valid_to(), Some(d(2025, 6, 30)));
    }

    #[test]
    fn laichau_loads_both_periods_with_counts_from_the_readme() {
        let set = UnitSet::laichau().unwrap();
        let pre: Vec<_> = set
            .units
            .iter()
            .filter(|u| u.period == Period::Pre2025)
            .collect();
        let post: Vec<_> = set
            .units
            .iter()
            .filter(|u| u.period == Period::Post2025)
            .collect();
        // country + province + 8 district-level units + 106 commune-level units
        assert_eq!(
            pre.iter().filter(|u| u.level.is_commune_level()).count(),
            106
        );
        assert_eq!(
            pre.iter()
                .filter(|u| u.level == UnitLevel::District)
                .count(),
            8
        );
        assert_eq!(
            post.iter().filter(|u| u.level.is_commune_level()).count(),
            38
        );
        assert_eq!(set.mappings.len(), 106);
    }

    #[test]
    fn a_reused_code_means_different_places_in_each_period() {
        let set = UnitSet::laichau().unwrap();
        let old = set.find_at("03433", d(2025, 1, 1)).unwrap();
        let new = set.find_at("03433", d(2025, 8, 1)).unwrap();
        assert!(old.name.contains("Mường Tè"), "{}", old.name);
        assert!(new.name.contains("Bum Tở"), "{}", new.name);
        assert_eq!(old.path, "VN/12/107/03433/");
        assert_eq!(new.path, "VN/12/03433/");
    }

    #[test]
    fn mapping_and_aliases() {
        let set = UnitSet::laichau().unwrap();
        let succ = set.successor("03391").unwrap();
        assert_eq!(succ.name, "Phường Đoàn Kết");
        let old = set.find("03391", Period::Pre2025).unwrap();
        assert_eq!(old.aliases, vec!["Xã Lản Nhì Thàng".to_string()]);
        let preds = set.predecessors("03388");
        assert!(preds.len() >= 4, "{preds:?}");
        assert!(preds.iter().all(|u| u.period == Period::Pre2025));
    }

    #[test]
    fn path_within_is_segment_safe() {
        assert!(path_within("VN/12/105/03386/", "VN/12/"));
        assert!(path_within("VN/12/105/03386/", "VN/12/105/"));
        assert!(!path_within("VN/12/105/03386/", "VN/12/10/"));
        assert!(!path_within("VN/12/03388/", "VN/12/105/"));
    }

    #[test]
    fn missing_parent_is_reported() {
        let csv = "code,name,level,parent_code\n12,Tỉnh X,province,\n00001,Xã Y,commune,999\n";
        let err = parse_units_csv(csv, Period::Post2025).unwrap_err();
        assert!(matches!(err, UnitError::MissingParent { .. }), "{err:?}");
    }

    #[test]
    fn bad_level_names_the_line() {
        let csv = "code,name,level,parent_code\n12,Tỉnh X,planet,\n";
        let err = parse_units_csv(csv, Period::Post2025).unwrap_err();
        assert_eq!(
            err,
            UnitError::Csv {
                line: 2,
                message: "unknown level 'planet'".into()
            }
        );
    }
}
