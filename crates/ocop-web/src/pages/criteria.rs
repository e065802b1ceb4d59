//! Browsable criteria sheets: the rulebooks, their product sets, and each sheet laid
//! out like the printed form with its mandatory marks.

use super::{render, Layout};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ocop_domain::criteria::{CriterionKind, Sheet};
use ocop_domain::rulebook::Rulebook;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/criteria", get(index))
        .route("/criteria/{code}", get(show))
}

/// A rulebook with its sets, for the index page.
pub struct RulebookView {
    pub id: String,
    pub name: String,
    pub legal_basis: String,
    pub period: String,
    pub current: bool,
    pub levels: Vec<String>,
    pub sets: Vec<(String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "criteria_index.html")]
struct IndexPage {
    l: Layout,
    rulebooks: Vec<RulebookView>,
}

fn period(rb: &Rulebook) -> String {
    let from = ocop_domain::format::date_vn(rb.in_force_from);
    match rb.in_force_to {
        Some(to) => format!("{from} – {}", ocop_domain::format::date_vn(to)),
        None => format!("{from} –"),
    }
}

async fn index(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require()?;
    let lib = &ctx.state.library;
    let today = ctx.state.today();
    let current = lib.in_force(today).map(|r| r.id.clone());
    let mut rulebooks: Vec<RulebookView> = lib
        .rulebooks
        .iter()
        .map(|rb| RulebookView {
            id: rb.id.clone(),
            name: rb.name.clone(),
            legal_basis: rb.legal_basis.clone(),
            period: period(rb),
            current: Some(&rb.id) == current.as_ref(),
            levels: rb.levels.iter().map(|l| l.duty.clone()).collect(),
            sets: lib
                .sheets_of(rb)
                .map(|s| match s {
                    Ok(sh) => (sh.code.clone(), sh.name.clone(), sh.sector.clone(), true),
                    Err(e) => (e.sheet.clone(), e.to_string(), String::new(), false),
                })
                .collect(),
        })
        .collect();
    rulebooks.reverse();
    render(&IndexPage {
        l: Layout::new(&ctx, t(ctx.lang, "criteria.title")),
        rulebooks,
    })
}

/// An option line as printed: text, points, marks.
pub struct OptView {
    pub title: String,
    pub points: i32,
    pub marks: String,
}

/// A criterion line.
pub struct CritView {
    pub key: String,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    pub yes_no: bool,
    pub marks: String,
    pub group: Option<String>,
    pub alternative: Option<String>,
    pub commune: bool,
    pub options: Vec<OptView>,
    pub direct: bool,
}

/// A section with its lines.
pub struct SectionView {
    pub key: String,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    pub criteria: Vec<CritView>,
}

/// A part with its sections.
pub struct PartView {
    pub key: String,
    pub title: String,
    pub max_points: i32,
    pub sections: Vec<SectionView>,
}

#[derive(Template)]
#[template(path = "criteria_sheet.html")]
struct SheetPage {
    l: Layout,
    code: String,
    name: String,
    rulebook: String,
    rulebook_name: String,
    sector: String,
    elimination_rule: String,
    knockouts: Vec<String>,
    parts: Vec<PartView>,
    other_rulebooks: Vec<String>,
}

fn marks(stars: &[u8]) -> String {
    stars
        .iter()
        .map(|s| "★".repeat(*s as usize))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn sheet_view(sheet: &Sheet, rb: &Rulebook) -> Vec<PartView> {
    let mut last_group: Option<String> = None;
    sheet
        .parts
        .iter()
        .map(|p| PartView {
            key: p.key.clone(),
            title: p.title.clone(),
            max_points: p.max_points,
            sections: p
                .sections
                .iter()
                .map(|s| SectionView {
                    key: s.key.clone(),
                    title: s.title.clone(),
                    description: s.description.clone(),
                    max_points: s.max_points,
                    criteria: s
                        .criteria
                        .iter()
                        .map(|c| {
                            // Show a group heading once, before its first member.
                            let group = c.group.as_ref().and_then(|g| {
                                let label = format!("{} ({} đ)", g.title, g.max_points);
                                if last_group.as_deref() == Some(label.as_str()) {
                                    None
                                } else {
                                    last_group = Some(label.clone());
                                    Some(label)
                                }
                            });
                            CritView {
                                key: c.key.clone(),
                                title: c.title.clone(),
                                description: c.description.clone(),
                                max_points: c.max_points,
                                yes_no: c.kind == CriterionKind::YesNo,
                                marks: marks(&c.mandatory_for),
                                group,
                                alternative: c.alternative.as_ref().map(|a| a.case.clone()),
                                commune: crate::api::criteria::commune_scored(rb, c),
                                options: c
                                    .options
                                    .iter()
                                    .map(|o| OptView {
                                        title: o.title.clone(),
                                        points: o.points,
                                        marks: marks(&o.mandatory_for),
                                    })
                                    .collect(),
                                direct: c.key == s.key,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

async fn show(
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    ctx.require()?;
    let lib = &ctx.state.library;
    let (sheet, rb) =
        crate::api::criteria::sheet_and_rulebook(lib, &code, q.get("rulebook").map(String::as_str))
            .map_err(|_| AppError::NotFound)?;
    let page = SheetPage {
        l: Layout::new(&ctx, format!("{} · {}", sheet.code, sheet.name)),
        code: sheet.code.clone(),
        name: sheet.name.clone(),
        rulebook: rb.id.clone(),
        rulebook_name: rb.name.clone(),
        sector: format!("{} · {}", sheet.sector, sheet.group),
        elimination_rule: sheet.elimination_rule.clone(),
        knockouts: rb.knockouts.iter().map(|k| k.title.clone()).collect(),
        parts: sheet_view(sheet, rb),
        other_rulebooks: lib
            .rulebooks_of_sheet(&code)
            .iter()
            .filter(|r| r.id != rb.id)
            .map(|r| r.id.clone())
            .collect(),
    };
    render(&page)
}
