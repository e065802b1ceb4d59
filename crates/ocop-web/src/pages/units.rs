//! Administrative units: list by period and parent, and a unit's page with its
//! children, aliases and the old → new mapping.

use super::{render, Layout};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ocop_domain::units::{Period, UnitLevel};
use ocop_store::entities::admin_unit;
use ocop_store::units;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/units", get(list))
        .route("/units/{period}/{code}", get(show))
}

/// A unit row, ready to show.
pub struct UnitRow {
    pub code: String,
    pub period: String,
    pub name: String,
    pub level: String,
    pub aliases: String,
}

fn row(u: admin_unit::Model, lang: Lang) -> UnitRow {
    let level = u
        .level
        .parse::<UnitLevel>()
        .map(|l| level_label(l, lang))
        .unwrap_or_default();
    UnitRow {
        level,
        aliases: u.aliases.replace('|', ", "),
        code: u.code,
        period: u.period,
        name: u.name,
    }
}

fn level_label(l: UnitLevel, lang: Lang) -> String {
    match lang {
        Lang::Vi => l.label_vi().to_string(),
        Lang::En => l.as_str().replace('_', " "),
    }
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    l: Layout,
    period: String,
    parent: Option<UnitRow>,
    rows: Vec<UnitRow>,
    q: String,
}

async fn list(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let period: Period = params
        .get("period")
        .and_then(|s| s.parse().ok())
        .unwrap_or(Period::Post2025);
    let q = params.get("q").cloned().unwrap_or_default();
    // Default parent: the user's own unit, else the only province, else the country.
    let parent_code = match params.get("parent").filter(|s| !s.is_empty()) {
        Some(c) => c.clone(),
        None => match &p.scope {
            ocop_domain::roles::Scope::Unit { path } => path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("VN")
                .to_string(),
            _ => {
                let provinces = units::children(db, "VN", Period::Post2025).await?;
                if provinces.len() == 1 {
                    provinces[0].code.clone()
                } else {
                    "VN".into()
                }
            }
        },
    };
    let parent = units::find(db, &parent_code, period).await?;
    let rows = if q.trim().is_empty() {
        units::children(db, &parent_code, period).await?
    } else {
        units::search(db, period, None, Some(&q), 200).await?
    };
    let page = UnitsPage {
        l: Layout::new(&ctx, t(ctx.lang, "unit.title")),
        period: period.as_str().into(),
        parent: parent.map(|u| row(u, ctx.lang)),
        rows: rows.into_iter().map(|u| row(u, ctx.lang)).collect(),
        q,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    l: Layout,
    u: UnitRow,
    valid: String,
    parent: Option<UnitRow>,
    children: Vec<UnitRow>,
    successor: Option<UnitRow>,
    predecessors: Vec<UnitRow>,
}

async fn show(
    ctx: Ctx,
    Path((period, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require()?;
    let db = &ctx.state.db.conn;
    let period: Period = period.parse().map_err(|_| AppError::NotFound)?;
    let u = units::find(db, &code, period)
        .await?
        .ok_or(AppError::NotFound)?;
    let parent = match &u.parent_code {
        Some(pc) => units::find(db, pc, period).await?,
        None => None,
    };
    let children = units::children(db, &code, period).await?;
    let (successor, predecessors) = match period {
        Period::Pre2025 => {
            let s = match units::mapping_of(db, &code).await? {
                Some(m) => units::find(db, &m.new_code, Period::Post2025).await?,
                None => None,
            };
            (s, Vec::new())
        }
        Period::Post2025 => (None, units::predecessors(db, &code).await?),
    };
    let lang = ctx.lang;
    let page = UnitPage {
        l: Layout::new(&ctx, u.name.clone()),
        valid: t(
            lang,
            if period == Period::Pre2025 {
                "unit.until"
            } else {
                "unit.from"
            },
        )
        .into(),
        u: row(u, lang),
        parent: parent.map(|x| row(x, lang)),
        children: children.into_iter().map(|x| row(x, lang)).collect(),
        successor: successor.map(|x| row(x, lang)),
        predecessors: predecessors.into_iter().map(|x| row(x, lang)).collect(),
    };
    render(&page)
}
