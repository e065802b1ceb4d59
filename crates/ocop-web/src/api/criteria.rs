//! Rulebooks, criteria sheets and the scoring calculator:
//! `GET /api/v1/rulebooks`, `GET /api/v1/criteria/sets[?rulebook=]`,
//! `GET /api/v1/criteria/sets/{code}`, `POST /api/v1/scoring/evaluate`.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_domain::criteria::{Criterion, CriterionKind, Sheet};
use ocop_domain::rulebook::{Library, Rulebook};
use ocop_domain::scoring::{self, MemberSheet};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rulebooks", get(list_rulebooks))
        .route("/api/v1/criteria/sets", get(list_sets))
        .route("/api/v1/criteria/sets/{code}", get(get_set))
        .route("/api/v1/scoring/evaluate", post(evaluate))
}

#[derive(Serialize, ToSchema)]
pub struct RulebookOut {
    pub id: String,
    pub name: String,
    pub legal_basis: String,
    pub in_force_from: String,
    pub in_force_to: Option<String>,
    pub in_force_today: bool,
    pub spread_limit: i32,
    pub quorum_percent: u32,
    #[schema(value_type = Object)]
    pub levels: serde_json::Value,
    #[schema(value_type = Object)]
    pub knockouts: serde_json::Value,
}

/// The rulebooks known to this deployment.
#[utoipa::path(get, path = "/api/v1/rulebooks", responses((status = 200, body = [RulebookOut])))]
pub async fn list_rulebooks(State(st): State<AppState>, _u: ApiUser) -> Json<Vec<RulebookOut>> {
    let today = st.today();
    let current = st.library.in_force(today).map(|r| r.id.clone());
    Json(
        st.library
            .rulebooks
            .iter()
            .map(|r| RulebookOut {
                id: r.id.clone(),
                name: r.name.clone(),
                legal_basis: r.legal_basis.clone(),
                in_force_from: r.in_force_from.to_string(),
                in_force_to: r.in_force_to.map(|d| d.to_string()),
                in_force_today: Some(&r.id) == current.as_ref(),
                spread_limit: r.spread_limit,
                quorum_percent: r.quorum_percent,
                levels: serde_json::to_value(&r.levels).unwrap_or_default(),
                knockouts: serde_json::to_value(&r.knockouts).unwrap_or_default(),
            })
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct SetOut {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub group: String,
}

#[derive(Deserialize, IntoParams)]
pub struct SetsQuery {
    /// QD148-2023, QD148-1489-2025 or QD26-2026 (default: the rulebook in force today).
    pub rulebook: Option<String>,
}

fn rulebook_or_today<'a>(lib: &'a Library, id: Option<&str>) -> Result<&'a Rulebook, ApiError> {
    match id.filter(|s| !s.is_empty()) {
        Some(id) => lib.rulebook(id).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_rulebook",
                format!("unknown rulebook {id}"),
            )
            .with_id(id)
        }),
        None => lib
            .in_force(ocop_domain::format::today_vn())
            .or(lib.rulebooks.last())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "no_rulebook",
                    "no rulebook is loaded",
                )
            }),
    }
}

/// The product sets of a rulebook, in the decision's order.
#[utoipa::path(get, path = "/api/v1/criteria/sets", params(SetsQuery), responses((status = 200, body = [SetOut]), (status = 422, body = super::ErrorBody)))]
pub async fn list_sets(
    State(st): State<AppState>,
    _u: ApiUser,
    Query(q): Query<SetsQuery>,
) -> Result<Json<Vec<SetOut>>, ApiError> {
    let rb = rulebook_or_today(&st.library, q.rulebook.as_deref())?;
    let sets_csv = ocop_domain::sets::all_sets();
    let out = st
        .library
        .sheets_of(rb)
        .map(|s| match s {
            Ok(sh) => SetOut {
                code: sh.code.clone(),
                name: sh.name.clone(),
                sector: sh.sector.clone(),
                group: sh.group.clone(),
            },
            Err(e) => {
                let meta = sets_csv.iter().find(|x| x.code == e.sheet);
                SetOut {
                    code: e.sheet.clone(),
                    name: meta.map(|m| m.name.clone()).unwrap_or_default(),
                    sector: meta.map(|m| m.sector.clone()).unwrap_or_default(),
                    group: meta.map(|m| m.group.clone()).unwrap_or_default(),
                }
            }
        })
        .collect();
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
pub struct OptionOut {
    pub id: String,
    pub title: String,
    pub points: i32,
    pub mandatory_for: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct CriterionOut {
    pub id: String,
    pub key: String,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    /// `options` (pick one) or `yes_no` (answer "yes" or "no").
    pub kind: String,
    pub mandatory_for: Vec<u8>,
    pub options: Vec<OptionOut>,
    /// For sub-criteria: the group they add up to.
    #[schema(value_type = Option<Object>)]
    pub group: Option<serde_json::Value>,
    /// For set 26: the case this criterion belongs to; only one case of a section is scored.
    #[schema(value_type = Option<Object>)]
    pub alternative: Option<serde_json::Value>,
    /// Scored by the commune (QĐ 1489 and QĐ 26), shown to the council as given.
    pub commune_scored: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SectionOut {
    pub key: String,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    pub alternatives: bool,
    pub criteria: Vec<CriterionOut>,
}

#[derive(Serialize, ToSchema)]
pub struct PartOut {
    pub key: String,
    pub title: String,
    pub max_points: i32,
    pub sections: Vec<SectionOut>,
}

#[derive(Serialize, ToSchema)]
pub struct SheetOut {
    pub code: String,
    pub name: String,
    pub rulebook: String,
    pub sector: String,
    pub group: String,
    pub elimination_rule: String,
    #[schema(value_type = Object)]
    pub knockouts: serde_json::Value,
    pub parts: Vec<PartOut>,
}

/// Is this criterion one the commune scores under this rulebook?
pub fn commune_scored(rb: &Rulebook, c: &Criterion) -> bool {
    rb.is_commune_criterion(c)
}

fn criterion_out(rb: &Rulebook, c: &Criterion) -> CriterionOut {
    CriterionOut {
        id: c.id.clone(),
        key: c.key.clone(),
        title: c.title.clone(),
        description: c.description.clone(),
        max_points: c.max_points,
        kind: match c.kind {
            CriterionKind::Options => "options".into(),
            CriterionKind::YesNo => "yes_no".into(),
        },
        mandatory_for: c.mandatory_for.clone(),
        options: c
            .options
            .iter()
            .map(|o| OptionOut {
                id: o.id.clone(),
                title: o.title.clone(),
                points: o.points,
                mandatory_for: o.mandatory_for.clone(),
            })
            .collect(),
        group: c
            .group
            .as_ref()
            .map(|g| serde_json::to_value(g).unwrap_or_default()),
        alternative: c
            .alternative
            .as_ref()
            .map(|a| serde_json::to_value(a).unwrap_or_default()),
        commune_scored: commune_scored(rb, c),
    }
}

/// The sheet and the rulebook to apply: the given one (which must use the sheet) or
/// the latest rulebook that uses it.
pub fn sheet_and_rulebook<'a>(
    lib: &'a Library,
    code: &str,
    rulebook: Option<&str>,
) -> Result<(&'a Sheet, &'a Rulebook), ApiError> {
    let sheet = match lib.sheet(code) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "sheet_unavailable",
                format!("the sheet cannot be used: {e}"),
            )
            .with_id(code))
        }
        None => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_set",
                format!("unknown product set {code}"),
            )
            .with_id(code))
        }
    };
    let using = lib.rulebooks_of_sheet(code);
    let rb = match rulebook.filter(|s| !s.is_empty()) {
        Some(id) => {
            let rb = rulebook_or_today(lib, Some(id))?;
            if !using.iter().any(|r| r.id == rb.id) {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "set_not_in_rulebook",
                    format!("set {code} is not a sheet of rulebook {id}"),
                )
                .with_id(code));
            }
            rb
        }
        None => {
            let today = ocop_domain::format::today_vn();
            using
                .iter()
                .find(|r| r.in_force_on(today))
                .or(using.first())
                .copied()
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "unknown_set",
                        format!("no rulebook uses {code}"),
                    )
                    .with_id(code)
                })?
        }
    };
    Ok((sheet, rb))
}

/// A criteria sheet as a tree, in the printed order, with its mandatory marks.
#[utoipa::path(get, path = "/api/v1/criteria/sets/{code}", params(("code" = String, Path), SetsQuery),
    responses((status = 200, body = SheetOut), (status = 404, body = super::ErrorBody)))]
pub async fn get_set(
    State(st): State<AppState>,
    _u: ApiUser,
    Path(code): Path<String>,
    Query(q): Query<SetsQuery>,
) -> Result<Json<SheetOut>, ApiError> {
    let (sheet, rb) =
        sheet_and_rulebook(&st.library, &code, q.rulebook.as_deref()).map_err(|e| {
            if e.code == "unknown_set" {
                ApiError::not_found().with_id(code.clone())
            } else {
                e
            }
        })?;
    Ok(Json(sheet_out(sheet, rb)))
}

pub fn sheet_out(sheet: &Sheet, rb: &Rulebook) -> SheetOut {
    SheetOut {
        code: sheet.code.clone(),
        name: sheet.name.clone(),
        rulebook: rb.id.clone(),
        sector: sheet.sector.clone(),
        group: sheet.group.clone(),
        elimination_rule: sheet.elimination_rule.clone(),
        knockouts: serde_json::to_value(&rb.knockouts).unwrap_or_default(),
        parts: sheet
            .parts
            .iter()
            .map(|p| PartOut {
                key: p.key.clone(),
                title: p.title.clone(),
                max_points: p.max_points,
                sections: p
                    .sections
                    .iter()
                    .map(|s| SectionOut {
                        key: s.key.clone(),
                        title: s.title.clone(),
                        description: s.description.clone(),
                        max_points: s.max_points,
                        alternatives: s.alternatives,
                        criteria: s.criteria.iter().map(|c| criterion_out(rb, c)).collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Choices as sent, keeping repeated keys (a criterion named twice is an error, not
/// a silent overwrite) and accepting a string or a list of strings per criterion.
#[derive(Debug, Default)]
pub struct Choices(pub Vec<(String, Vec<String>)>);

impl<'de> Deserialize<'de> for Choices {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Choices;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of criterion id → option id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Choices, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    let values = match v {
                        serde_json::Value::String(s) => vec![s],
                        serde_json::Value::Null => vec![],
                        serde_json::Value::Bool(b) => {
                            vec![if b { "yes".into() } else { "no".into() }]
                        }
                        serde_json::Value::Array(a) => a
                            .into_iter()
                            .map(|x| match x {
                                serde_json::Value::String(s) => Ok(s),
                                other => Err(serde::de::Error::custom(format!(
                                    "option ids are strings, got {other}"
                                ))),
                            })
                            .collect::<Result<_, _>>()?,
                        other => {
                            return Err(serde::de::Error::custom(format!(
                                "option ids are strings, got {other}"
                            )))
                        }
                    };
                    out.push((k, values));
                }
                Ok(Choices(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MemberSheetIn {
    pub member: String,
    /// Criterion id → option id (a yes/no criterion takes "yes" or "no"). A criterion
    /// left out scores 0.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub choices: Choices,
}

#[derive(Deserialize, ToSchema)]
pub struct EvaluateRequest {
    /// Sheet code, e.g. `QD26-01`.
    pub set: String,
    /// Default: the rulebook in force today among those using the sheet.
    pub rulebook: Option<String>,
    pub sheets: Vec<MemberSheetIn>,
    /// Knock-outs that apply (ids of the sheet's `knockouts`, or any reason text): stars 0.
    #[serde(default)]
    pub knockouts: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberOut {
    pub member: String,
    pub total: i32,
    pub parts: BTreeMap<String, i32>,
}

#[derive(Serialize, ToSchema)]
pub struct UnmetOut {
    pub criterion: String,
    pub stars: u8,
    pub required: i32,
    pub scored: f64,
    /// `at_least`: the council score must reach `required`; `above`: be above it.
    pub rule: String,
    pub option: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EvaluateResponse {
    pub set: String,
    pub rulebook: String,
    pub members: Vec<MemberOut>,
    pub average: f64,
    pub band_stars: u8,
    pub cap: u8,
    pub stars: u8,
    pub recognised: bool,
    pub unmet: Vec<UnmetOut>,
    pub knockouts: Vec<String>,
    pub spread: i32,
    pub spread_limit: i32,
    pub spread_exceeds_limit: bool,
}

/// The stateless calculator: members' sheets → totals, average, band, cap, stars.
#[utoipa::path(post, path = "/api/v1/scoring/evaluate", request_body = EvaluateRequest,
    responses((status = 200, body = EvaluateResponse), (status = 422, body = super::ErrorBody)))]
pub async fn evaluate(
    State(st): State<AppState>,
    _u: ApiUser,
    ApiJson(req): ApiJson<EvaluateRequest>,
) -> Result<Json<EvaluateResponse>, ApiError> {
    let (sheet, rb) = sheet_and_rulebook(&st.library, req.set.trim(), req.rulebook.as_deref())?;
    let sheets: Vec<MemberSheet> = req
        .sheets
        .into_iter()
        .map(|m| MemberSheet {
            member: m.member,
            choices: m.choices.0,
        })
        .collect();
    let e = scoring::evaluate(sheet, rb, &sheets, &req.knockouts).map_err(|e| {
        let code = match &e {
            scoring::ScoringError::NoSheets => "no_sheets",
            scoring::ScoringError::DuplicateMember { .. } => "duplicate_member",
            scoring::ScoringError::UnknownCriterion { .. } => "unknown_criterion",
            scoring::ScoringError::UnknownOption { .. } => "unknown_option",
            scoring::ScoringError::TwoOptions { .. } => "two_options",
            scoring::ScoringError::BothAlternatives { .. } => "both_alternatives",
        };
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.message()).with_id(e.offending_id())
    })?;
    Ok(Json(EvaluateResponse {
        set: sheet.code.clone(),
        rulebook: rb.id.clone(),
        members: e
            .members
            .into_iter()
            .map(|m| MemberOut {
                member: m.member,
                total: m.total,
                parts: m.parts,
            })
            .collect(),
        average: e.average,
        band_stars: e.band_stars,
        cap: e.cap,
        stars: e.stars,
        recognised: e.recognised,
        unmet: e
            .unmet
            .into_iter()
            .map(|u| UnmetOut {
                criterion: u.criterion,
                stars: u.stars,
                required: u.required,
                scored: u.scored,
                rule: u.rule.into(),
                option: u.option,
            })
            .collect(),
        knockouts: e.knockouts,
        spread: e.spread,
        spread_limit: rb.spread_limit,
        spread_exceeds_limit: e.spread_exceeds_limit,
    }))
}
