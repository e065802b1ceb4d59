//! Criteria sheets (bộ tiêu chí / phiếu đánh giá): loading, structure and validation.
//!
//! A sheet is read from the CSV files in `data/criteria/<decision>/` (one row per
//! printed line: part, section, criterion, option), corrected by the decision folder's
//! `fixes.csv` (each fix with its reason; see `docs/criteria.md`), then checked: parts
//! 40/25/35, sections add up to their part, criteria to their section, the best option
//! equals its criterion's maximum. A sheet that does not add up is refused with its
//! set and line.
//!
//! Structures the printed sheets use, all modelled:
//! - a section scored directly by options is one criterion (keyed by the section);
//! - a criterion without options is yes/no (0 or its maximum);
//! - a criterion without options followed by sub-criteria ("6.1" → "6.1.1", or
//!   "a) Ngoại hình" → "- Tạp chất") is a group: its points are its members' sum;
//! - a section noted "Lựa chọn một trong hai trường hợp" holds alternatives: one case
//!   is scored, the cases are not added.
//!
//! Ids are stable: criterion `"{sheet}:{key}"` (e.g. `QD26-01:1.1`, `QD26-01:7`,
//! `QD26-11:6.1.1`, `QD26-26:8.a`), option `"{criterion}/{n}"` with n its 1-based place.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// A loading or consistency error, naming the sheet and the CSV line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub sheet: String,
    /// 1-based line of the CSV file (the header is line 1); 0 when not tied to a line.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "sheet {} line {}: {}",
                self.sheet, self.line, self.message
            )
        } else {
            write!(f, "sheet {}: {}", self.sheet, self.message)
        }
    }
}

impl std::error::Error for SheetError {}

/// One option of a criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opt {
    pub id: String,
    pub title: String,
    pub points: i32,
    /// Star levels for which this option is the minimum (from `***`, `****`, `*****`).
    pub mandatory_for: Vec<u8>,
    pub line: usize,
}

/// How a criterion is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Pick exactly one option.
    Options,
    /// No options printed: scores 0 or its maximum.
    YesNo,
}

/// The group a sub-criterion belongs to (sets 11 and 13 of QĐ 26; QĐ 148 sensory blocks).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRef {
    pub key: String,
    pub title: String,
    pub max_points: i32,
}

/// The alternative case a criterion belongs to (set 26).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlternativeRef {
    /// The section whose cases exclude each other.
    pub section: String,
    /// "a", "b".
    pub case: String,
}

/// A scored line of the sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub id: String,
    pub key: String,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    pub kind: CriterionKind,
    /// A mark on the criterion line itself: it must score above zero for these stars.
    pub mandatory_for: Vec<u8>,
    pub options: Vec<Opt>,
    pub group: Option<GroupRef>,
    pub alternative: Option<AlternativeRef>,
    pub line: usize,
}

impl Criterion {
    /// The best points the criterion can give.
    pub fn best(&self) -> i32 {
        match self.kind {
            CriterionKind::YesNo => self.max_points,
            CriterionKind::Options => self.options.iter().map(|o| o.points).max().unwrap_or(0),
        }
    }
}

/// A numbered section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    pub criteria: Vec<Criterion>,
    /// The section's criteria are alternative cases.
    pub alternatives: bool,
    pub line: usize,
}

/// Part A, B or C.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub key: String,
    pub title: String,
    pub max_points: i32,
    pub sections: Vec<Section>,
}

/// A whole criteria sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    pub code: String,
    pub name: String,
    pub set_no: u32,
    pub sector: String,
    pub group: String,
    pub elimination_rule: String,
    pub parts: Vec<Part>,
}

impl Sheet {
    pub fn criteria(&self) -> impl Iterator<Item = (&Part, &Section, &Criterion)> {
        self.parts.iter().flat_map(|p| {
            p.sections
                .iter()
                .flat_map(move |s| s.criteria.iter().map(move |c| (p, s, c)))
        })
    }

    pub fn criterion(&self, id: &str) -> Option<(&Part, &Section, &Criterion)> {
        self.criteria().find(|(_, _, c)| c.id == id)
    }

    pub fn total_max(&self) -> i32 {
        self.parts.iter().map(|p| p.max_points).sum()
    }
}

/// One correction of the printed data (see the decision folder's `fixes.csv`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Fix {
    /// Set number, e.g. "07".
    pub set: String,
    /// CSV line (header = 1).
    pub line: usize,
    /// score, stars, level, title, description, or delete.
    pub field: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Row {
    title: String,
    #[serde(default)]
    description: String,
    level: String,
    #[serde(default)]
    stars: String,
    score: String,
}

/// Parses the list of fixes of a decision folder.
pub fn parse_fixes(text: &str) -> Result<Vec<Fix>, String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.deserialize::<Fix>()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| format!("fixes line {}: {e}", i + 2)))
        .collect()
}

fn one_line(s: &str) -> String {
    crate::text::clean(s)
}

/// Numeric key at the start of a title: "1.1. X" → "1.1", "6.2 Nước" → "6.2".
fn numeric_key(title: &str) -> Option<String> {
    let t = title.trim_start();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let k = t[..end].trim_end_matches('.');
    (!k.is_empty() && k.chars().next().is_some_and(|c| c.is_ascii_digit())).then(|| k.to_string())
}

/// Letter key: "a) X", "a. X", "đ) X" → "a"/"đ".
fn letter_key(title: &str) -> Option<String> {
    let mut it = title.trim_start().chars();
    let c = it.next()?;
    let sep = it.next()?;
    (c.is_lowercase() && c.is_alphabetic() && (sep == ')' || sep == '.')).then(|| c.to_string())
}

fn part_key(title: &str) -> Option<String> {
    let t = one_line(title);
    let lower = t.to_lowercase();
    let rest = lower.strip_prefix("phần")?.trim_start();
    rest.chars()
        .next()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase().to_string())
}

fn parse_stars(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(vec![]);
    }
    s.split(['|', ';', ' '])
        .filter(|x| !x.is_empty())
        .map(|x| match x.parse::<u8>() {
            Ok(n @ 3..=5) => Ok(n),
            _ => Err(format!("stars '{s}' is not 3, 4 or 5")),
        })
        .collect()
}

/// An entry of a section before its kind is known.
struct Entry {
    key_raw: Key,
    title: String,
    description: String,
    max: i32,
    stars: Vec<u8>,
    options: Vec<Opt>,
    line: usize,
}

enum Key {
    Numeric(String),
    Letter(String),
    Dash,
}

/// Metadata of a sheet from the decision's `sets.csv`.
#[derive(Debug, Clone, Default)]
pub struct SheetMeta {
    pub code: String,
    pub name: String,
    pub set_no: u32,
    pub sector: String,
    pub group: String,
    pub elimination_rule: String,
}

/// Reads, corrects and checks one sheet. `fixes` are those of the whole decision;
/// the ones for this set are applied. `parts_max` are the expected part maxima
/// (40/25/35 for QĐ 148 and QĐ 26).
pub fn load_sheet(
    meta: &SheetMeta,
    csv_text: &str,
    fixes: &[Fix],
    parts_max: &[(&str, i32)],
) -> Result<Sheet, SheetError> {
    let err = |line: usize, message: String| SheetError {
        sheet: meta.code.clone(),
        line,
        message,
    };
    let set_no = format!("{:02}", meta.set_no);
    let mut rdr = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let mut rows: Vec<(usize, Row)> = Vec::new();
    for (i, r) in rdr.deserialize::<Row>().enumerate() {
        let line = i + 2;
        rows.push((
            line,
            r.map_err(|e| err(line, format!("unreadable row: {e}")))?,
        ));
    }
    // Corrections, each checked against what was printed so a changed file is noticed.
    let mut deleted = std::collections::HashSet::new();
    for f in fixes.iter().filter(|f| f.set == set_no) {
        let Some((_, row)) = rows.iter_mut().find(|(l, _)| *l == f.line) else {
            return Err(err(
                f.line,
                format!("fix for a line that does not exist ({})", f.reason),
            ));
        };
        let slot = match f.field.as_str() {
            "score" => &mut row.score,
            "stars" => &mut row.stars,
            "level" => &mut row.level,
            "title" => &mut row.title,
            "description" => &mut row.description,
            "delete" => {
                deleted.insert(f.line);
                continue;
            }
            other => return Err(err(f.line, format!("fix names unknown field '{other}'"))),
        };
        if one_line(slot) != one_line(&f.from) {
            return Err(err(
                f.line,
                format!(
                    "fix expects {} '{}' but the file has '{}'",
                    f.field, f.from, slot
                ),
            ));
        }
        *slot = f.to.clone();
    }

    let mut parts: Vec<Part> = Vec::new();
    // Entries of the current section, resolved when the section ends.
    let mut cur_section: Option<(Section, Vec<Entry>, Vec<Opt>)> = None;

    fn flush(
        sheet: &str,
        parts: &mut [Part],
        cur: &mut Option<(Section, Vec<Entry>, Vec<Opt>)>,
    ) -> Result<(), SheetError> {
        let Some((mut section, entries, direct)) = cur.take() else {
            return Ok(());
        };
        let e = |line: usize, m: String| SheetError {
            sheet: sheet.to_string(),
            line,
            message: m,
        };
        let part = parts
            .last_mut()
            .ok_or_else(|| e(section.line, "section before any part".into()))?;
        if !direct.is_empty() && !entries.is_empty() {
            return Err(e(
                section.line,
                format!(
                    "section {} has options both before and under its criteria",
                    section.key
                ),
            ));
        }
        if entries.is_empty() {
            // Scored directly by its options: one criterion keyed by the section.
            let id = format!("{sheet}:{}", section.key);
            section.criteria.push(Criterion {
                options: renumber(&id, direct),
                id,
                key: section.key.clone(),
                title: section.title.clone(),
                description: section.description.clone(),
                max_points: section.max_points,
                kind: CriterionKind::Options,
                mandatory_for: vec![],
                group: None,
                alternative: None,
                line: section.line,
            });
            if section.criteria[0].options.is_empty() {
                return Err(e(
                    section.line,
                    format!("section {} has neither criteria nor options", section.key),
                ));
            }
        } else {
            let mut i = 0;
            let mut dash_n = 0;
            let mut group: Option<GroupRef> = None;
            let mut group_key_num: Option<String> = None;
            while i < entries.len() {
                let en = &entries[i];
                let key = match &en.key_raw {
                    Key::Numeric(k) => k.clone(),
                    Key::Letter(l) => format!("{}.{l}", section.key),
                    Key::Dash => {
                        let g = group.as_ref().ok_or_else(|| {
                            e(en.line, "a '-' sub-criterion outside a group".into())
                        })?;
                        dash_n += 1;
                        format!("{}.{dash_n}", g.key)
                    }
                };
                // Leaving a numeric group when the key no longer extends it.
                if let (Some(gk), Key::Numeric(k)) = (&group_key_num, &en.key_raw) {
                    if !k.starts_with(&format!("{gk}.")) {
                        group = None;
                        group_key_num = None;
                    }
                }
                if matches!(en.key_raw, Key::Letter(_) | Key::Numeric(_))
                    && !matches!(&group_key_num, Some(gk) if key.starts_with(&format!("{gk}.")))
                {
                    group = None;
                }
                let next_is_child =
                    entries
                        .get(i + 1)
                        .is_some_and(|n| match (&n.key_raw, &en.key_raw) {
                            (Key::Dash, _) => true,
                            (Key::Numeric(nk), Key::Numeric(k)) => nk.starts_with(&format!("{k}.")),
                            _ => false,
                        });
                if en.options.is_empty() && next_is_child && !section.alternatives {
                    group = Some(GroupRef {
                        key: key.clone(),
                        title: en.title.clone(),
                        max_points: en.max,
                    });
                    group_key_num = matches!(en.key_raw, Key::Numeric(_)).then(|| key.clone());
                    dash_n = 0;
                    i += 1;
                    continue;
                }
                let id = format!("{sheet}:{key}");
                let kind = if en.options.is_empty() {
                    CriterionKind::YesNo
                } else {
                    CriterionKind::Options
                };
                section.criteria.push(Criterion {
                    options: renumber(&id, en.options.clone()),
                    id,
                    key: key.clone(),
                    title: en.title.clone(),
                    description: en.description.clone(),
                    max_points: en.max,
                    kind,
                    mandatory_for: en.stars.clone(),
                    group: group.clone(),
                    alternative: section.alternatives.then(|| AlternativeRef {
                        section: section.key.clone(),
                        case: match &en.key_raw {
                            Key::Letter(l) => l.clone(),
                            _ => key.clone(),
                        },
                    }),
                    line: en.line,
                });
                i += 1;
            }
        }
        part.sections.push(section);
        Ok(())
    }

    for (line, row) in rows.iter() {
        if deleted.contains(line) {
            continue;
        }
        let level: u8 = row
            .level
            .trim()
            .parse()
            .map_err(|_| err(*line, format!("level '{}' is not 0–3", row.level)))?;
        let score: i32 = row.score.trim().parse().map_err(|_| {
            err(
                *line,
                format!("points '{}' are not a whole number", row.score),
            )
        })?;
        let stars = parse_stars(&row.stars).map_err(|m| err(*line, m))?;
        let title = one_line(&row.title);
        let description = one_line(&row.description);
        match level {
            0 => {
                flush(&meta.code, &mut parts, &mut cur_section)?;
                let key = part_key(&title).ok_or_else(|| {
                    err(*line, format!("cannot read the part letter in '{title}'"))
                })?;
                parts.push(Part {
                    key,
                    title,
                    max_points: score,
                    sections: vec![],
                });
            }
            1 => {
                flush(&meta.code, &mut parts, &mut cur_section)?;
                let key = numeric_key(&title).ok_or_else(|| {
                    err(
                        *line,
                        format!("cannot read the section number in '{title}'"),
                    )
                })?;
                let alternatives = description.to_lowercase().contains("lựa chọn một trong");
                cur_section = Some((
                    Section {
                        key,
                        title,
                        description,
                        max_points: score,
                        criteria: vec![],
                        alternatives,
                        line: *line,
                    },
                    vec![],
                    vec![],
                ));
                if !stars.is_empty() {
                    return Err(err(
                        *line,
                        "a mandatory mark on a section line is not supported".into(),
                    ));
                }
            }
            2 => {
                let (_, entries, _) = cur_section
                    .as_mut()
                    .ok_or_else(|| err(*line, "criterion outside a section".into()))?;
                let key_raw = if let Some(k) = numeric_key(&title) {
                    Key::Numeric(k)
                } else if let Some(l) = letter_key(&title) {
                    Key::Letter(l)
                } else if title.starts_with('-') || title.starts_with('–') {
                    Key::Dash
                } else {
                    return Err(err(
                        *line,
                        format!("cannot read the criterion number in '{title}'"),
                    ));
                };
                entries.push(Entry {
                    key_raw,
                    title,
                    description,
                    max: score,
                    stars,
                    options: vec![],
                    line: *line,
                });
            }
            3 => {
                let (_, entries, direct) = cur_section
                    .as_mut()
                    .ok_or_else(|| err(*line, "option outside a section".into()))?;
                let o = Opt {
                    id: String::new(),
                    title: title.trim_start_matches('□').trim().to_string(),
                    points: score,
                    mandatory_for: stars,
                    line: *line,
                };
                match entries.last_mut() {
                    Some(en) => en.options.push(o),
                    None => direct.push(o),
                }
            }
            _ => return Err(err(*line, format!("level {level} is not 0–3"))),
        }
    }
    flush(&meta.code, &mut parts, &mut cur_section)?;

    let sheet = Sheet {
        code: meta.code.clone(),
        name: meta.name.clone(),
        set_no: meta.set_no,
        sector: meta.sector.clone(),
        group: meta.group.clone(),
        elimination_rule: meta.elimination_rule.clone(),
        parts,
    };
    validate(&sheet, parts_max)?;
    Ok(sheet)
}

fn renumber(id: &str, opts: Vec<Opt>) -> Vec<Opt> {
    opts.into_iter()
        .enumerate()
        .map(|(i, mut o)| {
            o.id = format!("{id}/{}", i + 1);
            o
        })
        .collect()
}

/// Checks every sum of a sheet.
pub fn validate(sheet: &Sheet, parts_max: &[(&str, i32)]) -> Result<(), SheetError> {
    let err = |line: usize, message: String| SheetError {
        sheet: sheet.code.clone(),
        line,
        message,
    };
    let keys: Vec<&str> = sheet.parts.iter().map(|p| p.key.as_str()).collect();
    let expected: Vec<&str> = parts_max.iter().map(|(k, _)| *k).collect();
    if keys != expected {
        return Err(err(0, format!("parts are {keys:?}, expected {expected:?}")));
    }
    for (part, (_, max)) in sheet.parts.iter().zip(parts_max) {
        if part.max_points != *max {
            return Err(err(
                0,
                format!(
                    "part {} has {} points, expected {max}",
                    part.key, part.max_points
                ),
            ));
        }
        let sum: i32 = part.sections.iter().map(|s| s.max_points).sum();
        if sum != part.max_points {
            return Err(err(
                part.sections.first().map(|s| s.line).unwrap_or(0),
                format!(
                    "sections of part {} add up to {sum}, not {}",
                    part.key, part.max_points
                ),
            ));
        }
        for s in &part.sections {
            // Alternatives each carry the section's points; groups count once.
            let sum: i32 = if s.alternatives {
                for c in &s.criteria {
                    if c.max_points != s.max_points {
                        return Err(err(
                            c.line,
                            format!(
                                "alternative {} has {} points, the section {}",
                                c.key, c.max_points, s.max_points
                            ),
                        ));
                    }
                }
                if s.criteria.len() < 2 {
                    return Err(err(
                        s.line,
                        format!(
                            "section {} announces alternatives but has {}",
                            s.key,
                            s.criteria.len()
                        ),
                    ));
                }
                s.max_points
            } else {
                let mut groups: HashMap<&str, (i32, i32, usize)> = HashMap::new();
                let mut sum = 0;
                for c in &s.criteria {
                    match &c.group {
                        Some(g) => {
                            let e =
                                groups
                                    .entry(g.key.as_str())
                                    .or_insert((g.max_points, 0, c.line));
                            e.1 += c.max_points;
                        }
                        None => sum += c.max_points,
                    }
                }
                for (k, (max, members, line)) in &groups {
                    if max != members {
                        return Err(err(
                            *line,
                            format!("sub-criteria of group {k} add up to {members}, not {max}"),
                        ));
                    }
                    sum += max;
                }
                sum
            };
            if sum != s.max_points {
                return Err(err(
                    s.line,
                    format!(
                        "criteria of section {} add up to {sum}, not {}",
                        s.key, s.max_points
                    ),
                ));
            }
            for c in &s.criteria {
                if c.kind == CriterionKind::Options && c.best() != c.max_points {
                    return Err(err(
                        c.line,
                        format!(
                            "criterion {} has maximum {} but its best option gives {}",
                            c.key,
                            c.max_points,
                            c.best()
                        ),
                    ));
                }
                if c.options
                    .iter()
                    .any(|o| o.points < 0 || o.points > c.max_points)
                {
                    return Err(err(
                        c.line,
                        format!(
                            "criterion {} has an option outside 0..{}",
                            c.key, c.max_points
                        ),
                    ));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (_, _, c) in sheet.criteria() {
        if !seen.insert(c.id.as_str()) {
            return Err(err(c.line, format!("two criteria have the id {}", c.id)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> SheetMeta {
        SheetMeta {
            code: "T-01".into(),
            name: "Test".into(),
            set_no: 1,
            ..Default::default()
        }
    }
    const PARTS: &[(&str, i32)] = &[("A", 3), ("B", 2)];

    #[test]
    fn reads_the_structures() {
        let csv = "title,description,level,stars,score\n\
            Phần A: X,,0,,3\n\
            1. Sec,,1,,3\n\
            1.1. Crit,,2,,2\n\
            □ low,,3,,0\n\
            □ high****,,3,4,2\n\
            1.2. Yes no,,2,,1\n\
            PHẦN B Y,,0,,2\n\
            2. Direct,,1,,2\n\
            □ a,,3,,1\n\
            □ b,,3,,2\n";
        let s = load_sheet(&meta(), csv, &[], PARTS).unwrap();
        let ids: Vec<_> = s.criteria().map(|(_, _, c)| c.id.clone()).collect();
        assert_eq!(ids, ["T-01:1.1", "T-01:1.2", "T-01:2"]);
        let (_, _, c) = s.criterion("T-01:1.1").unwrap();
        assert_eq!(c.options[1].id, "T-01:1.1/2");
        assert_eq!(c.options[1].mandatory_for, vec![4]);
        assert_eq!(
            s.criterion("T-01:1.2").unwrap().2.kind,
            CriterionKind::YesNo
        );
    }

    #[test]
    fn a_sheet_that_does_not_add_up_names_the_line() {
        let csv = "title,description,level,stars,score\nPhần A: X,,0,,3\n1. Sec,,1,,3\n1.1. C,,2,,2\n□ a,,3,,2\nPhần B,,0,,2\n2. D,,1,,2\n□ a,,3,,2\n";
        let e = load_sheet(&meta(), csv, &[], PARTS).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("add up to 2, not 3"), "{e}");
    }

    #[test]
    fn fixes_apply_and_check_what_was_printed() {
        let csv = "title,description,level,stars,score\nPhần A: X,,0,,3\n1. Sec,,1,,3\n□ a,,3,,13\n□ b,,3,,1\nPhần B,,0,,2\n2. D,,1,,2\n□ a,,3,,2\n";
        assert!(load_sheet(&meta(), csv, &[], PARTS).is_err());
        let fix = Fix {
            set: "01".into(),
            line: 4,
            field: "score".into(),
            from: "13".into(),
            to: "3".into(),
            reason: "typo".into(),
        };
        assert!(load_sheet(&meta(), csv, std::slice::from_ref(&fix), PARTS).is_ok());
        let wrong = Fix {
            from: "12".into(),
            ..fix
        };
        let e = load_sheet(&meta(), csv, &[wrong], PARTS).unwrap_err();
        assert!(e.message.contains("fix expects"), "{e}");
    }

    #[test]
    fn groups_and_alternatives() {
        let csv = "title,description,level,stars,score\n\
            Phần A,,0,,3\n\
            1. Sensory,,1,,3\n\
            a) Look,,2,,3\n\
            - Dirt,,2,,1\n\
            □ x,,3,,1\n\
            - Shape,,2,,2\n\
            □ y,,3,,2\n\
            Phần B,,0,,2\n\
            2. Cases,Lựa chọn một trong hai trường hợp sau:,1,,2\n\
            a. Trường hợp 1: X,,2,,2\n\
            □ p,,3,,2\n\
            b. Trường hợp 2: Y,,2,,2\n\
            □ q,,3,,2\n";
        let s = load_sheet(&meta(), csv, &[], PARTS).unwrap();
        let ids: Vec<_> = s.criteria().map(|(_, _, c)| c.id.clone()).collect();
        assert_eq!(ids, ["T-01:1.a.1", "T-01:1.a.2", "T-01:2.a", "T-01:2.b"]);
        assert_eq!(
            s.criterion("T-01:1.a.1")
                .unwrap()
                .2
                .group
                .as_ref()
                .unwrap()
                .key,
            "1.a"
        );
        assert_eq!(
            s.criterion("T-01:2.b")
                .unwrap()
                .2
                .alternative
                .as_ref()
                .unwrap()
                .case,
            "b"
        );
    }
}
