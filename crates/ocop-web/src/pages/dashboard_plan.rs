//! The plan's dashboard (issue 13): every target with actual, progress and a
//! projection to year end; stars by product set and by unit; the trend over years;
//! a drill-down province → (old district, for years up to 2025) → commune; the 2024
//! vs 2026 comparison on the current communes. Charts are SVG drawn here on the
//! server (no JavaScript), in black and greys with text labels so they print.

use super::{render, Layout};
use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use ocop_domain::indicators as di;
use ocop_domain::roles::{Principal, Scope};
use ocop_domain::units::Period;
use std::collections::BTreeMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/indicators", get(page))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart: (label, value, link) rows; `max` the full bar.
pub fn bars_svg(title: &str, rows: &[(String, f64, String)], max: f64, suffix: &str) -> String {
    let h = 22.0;
    let height = 28.0 + rows.len() as f64 * h;
    let max = if max > 0.0 { max } else { 1.0 };
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 360 {height}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = esc(title)
    );
    for (i, (label, v, link)) in rows.iter().enumerate() {
        let y = 10.0 + i as f64 * h;
        let w = (v / max * 150.0).clamp(0.0, 150.0);
        let value = ocop_domain::format::number_vn((v.round()) as i64);
        let open = if link.is_empty() {
            String::new()
        } else {
            format!("<a href=\"{}\">", esc(link))
        };
        let close = if link.is_empty() { "" } else { "</a>" };
        s.push_str(&format!(
            "{open}<text x=\"0\" y=\"{ty}\" font-size=\"11\" fill=\"#000\">{l}</text><rect x=\"160\" y=\"{y}\" width=\"{w:.1}\" height=\"14\" fill=\"#4a7a4a\" stroke=\"#000\" stroke-width=\"0.5\"/><text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"11\" fill=\"#000\">{value}{suffix}</text>{close}",
            ty = y + 11.0,
            l = esc(&truncate(label, 26)),
            tx = 164.0 + w,
        ));
    }
    s.push_str("</svg>");
    s
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// Two series side by side per category (2024 vs 2026), grey and dark.
fn pairs_svg(title: &str, rows: &[(String, f64, f64)], legend: (&str, &str)) -> String {
    let h = 30.0;
    let height = 40.0 + rows.len() as f64 * h;
    let max = rows.iter().map(|r| r.1.max(r.2)).fold(1.0f64, f64::max);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 360 {height}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title><rect x=\"0\" y=\"2\" width=\"10\" height=\"10\" fill=\"#bbb\" stroke=\"#000\" stroke-width=\"0.5\"/><text x=\"14\" y=\"11\" font-size=\"11\">{a}</text><rect x=\"80\" y=\"2\" width=\"10\" height=\"10\" fill=\"#2d4d2d\"/><text x=\"94\" y=\"11\" font-size=\"11\">{b}</text>",
        t = esc(title),
        a = esc(legend.0),
        b = esc(legend.1)
    );
    for (i, (label, a, b)) in rows.iter().enumerate() {
        let y = 22.0 + i as f64 * h;
        let wa = a / max * 150.0;
        let wb = b / max * 150.0;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\" font-size=\"11\">{l}</text><rect x=\"160\" y=\"{y}\" width=\"{wa:.1}\" height=\"11\" fill=\"#bbb\" stroke=\"#000\" stroke-width=\"0.5\"/><text x=\"{xa:.1}\" y=\"{tya}\" font-size=\"10\">{a}</text><rect x=\"160\" y=\"{y2}\" width=\"{wb:.1}\" height=\"11\" fill=\"#2d4d2d\"/><text x=\"{xb:.1}\" y=\"{tyb}\" font-size=\"10\">{b}</text>",
            ty = y + 14.0,
            l = esc(&truncate(label, 26)),
            xa = 164.0 + wa,
            tya = y + 9.0,
            y2 = y + 13.0,
            xb = 164.0 + wb,
            tyb = y + 22.0,
        ));
    }
    s.push_str("</svg>");
    s
}

/// One target line of the dashboard.
pub struct TargetLine {
    pub id: &'static str,
    pub name: &'static str,
    pub target: String,
    pub actual: String,
    pub progress: f64,
    pub projection: String,
    pub met: bool,
    pub link: String,
    pub bar: String,
}

/// The panel the home dashboard shows: the targets of the caller's unit this year.
pub struct PlanPanel {
    pub unit_name: String,
    pub year: i32,
    pub date: String,
    pub lines: Vec<TargetLine>,
    pub has_plan: bool,
}

fn fmt_value(v: Option<f64>, measure: &str) -> String {
    match v {
        None => "–".into(),
        Some(x) if measure == "percent" => format!("{} %", format!("{x:.1}").replace('.', ",")),
        Some(x) => ocop_domain::format::number_vn(x.round() as i64),
    }
}

/// Where the records behind an indicator are listed.
fn link_for(id: &str, year: i32) -> String {
    match id {
        "new_recognitions" => {
            format!("/certificates?kind=new&issued_from={year}-01-01&issued_to={year}-12-31")
        }
        "re_recognitions" => format!(
            "/certificates?kind=re_recognition&issued_from={year}-01-01&issued_to={year}-12-31"
        ),
        "total_products" | "five_star_products" => "/certificates?status=valid".into(),
        "expiring_30" | "expiring_60" | "expiring_90" => "/certificates?status=expiring".into(),
        "dossiers_overdue" => "/dossiers?overdue=1".into(),
        "dossiers_in_progress" => "/dossiers".into(),
        _ => String::new(),
    }
}

fn lines(
    rows: &[ocop_store::indicators::Row],
    lang: Lang,
    year: i32,
    only_targets: bool,
) -> Vec<TargetLine> {
    rows.iter()
        .filter(|r| !only_targets || r.target.is_some())
        .map(|r| {
            let progress = r.progress.unwrap_or(0.0);
            TargetLine {
                id: r.id,
                name: lang.pick(r.name_vi, r.name_en),
                target: r.target_text.clone().unwrap_or_else(|| "–".into()),
                actual: fmt_value(r.actual, r.measure),
                progress,
                projection: fmt_value(r.projection, r.measure),
                met: r.met.unwrap_or(false),
                link: link_for(r.id, year),
                bar: format!(
                    "<svg class=\"progress\" width=\"100\" height=\"8\" viewBox=\"0 0 100 8\" role=\"img\" aria-label=\"{p:.0} %\" xmlns=\"http://www.w3.org/2000/svg\"><rect x=\"0\" y=\"0\" width=\"100\" height=\"8\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"0.5\"/><rect x=\"0\" y=\"0\" width=\"{p:.1}\" height=\"8\" fill=\"{c}\"/></svg>",
                    p = progress,
                    c = if r.met.unwrap_or(false) { "#2d6a2d" } else { "#777" }
                ),
            }
        })
        .collect()
}

/// The caller's unit (the province for a national account), or None for producers.
async fn home_unit(
    st: &AppState,
    p: &Principal,
) -> Option<ocop_store::entities::admin_unit::Model> {
    match &p.scope {
        Scope::Unit { .. } => crate::api::indicators::own_unit(st, p).await,
        Scope::All => ocop_store::units::find(&st.db.conn, "12", Period::Post2025)
            .await
            .ok()
            .flatten(),
        _ => None,
    }
}

/// The home dashboard's plan panel (None for producers and unscoped accounts).
pub async fn panel(ctx: &Ctx, p: &Principal) -> Result<Option<PlanPanel>, AppError> {
    let Some(unit) = home_unit(&ctx.state, p).await else {
        return Ok(None);
    };
    let today = ctx.state.today();
    let year = today.year();
    let at = di::measured_on(year, Some(today));
    let mut rows = ocop_store::indicators::rows(&ctx.state.db.conn, &unit.path, year, at).await?;
    let mut shown_year = year;
    // Before this year's plan is entered, show the latest year that has one.
    if rows.iter().all(|r| r.target.is_none()) {
        for y in (year - 2..year).rev() {
            let r = ocop_store::indicators::rows(
                &ctx.state.db.conn,
                &unit.path,
                y,
                di::measured_on(y, Some(today)),
            )
            .await?;
            if r.iter().any(|x| x.target.is_some()) {
                rows = r;
                shown_year = y;
                break;
            }
        }
    }
    let has_plan = rows.iter().any(|r| r.target.is_some());
    Ok(Some(PlanPanel {
        unit_name: unit.name,
        year: shown_year,
        date: ocop_domain::format::date_vn(di::measured_on(shown_year, Some(today))),
        lines: lines(&rows, ctx.lang, shown_year, true),
        has_plan,
    }))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Q {
    unit: Option<String>,
    year: Option<String>,
    period: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard_plan.html")]
struct Page {
    l: Layout,
    unit_code: String,
    unit_name: String,
    period: String,
    year: i32,
    date: String,
    years: Vec<i32>,
    targets: Vec<TargetLine>,
    others: Vec<TargetLine>,
    stars_svg: String,
    sets_svg: String,
    units_svg: String,
    trend_svg: String,
    compare_svg: String,
    children: Vec<(String, String, String, String, String)>,
    children_period: String,
}

async fn page(ctx: Ctx, Query(q): Query<Q>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let st = &ctx.state;
    let lang = ctx.lang;
    let today = st.today();
    let year = q
        .year
        .as_deref()
        .and_then(crate::api::indicators::parse_year)
        .unwrap_or(today.year());
    let at = di::measured_on(year, Some(today));
    let period: Option<Period> = q.period.as_deref().and_then(|s| s.parse().ok());
    let unit = match q.unit.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => match crate::api::indicators::unit_for(st, p, code, period, at).await {
            Ok(u) => u,
            Err(crate::api::indicators::UnitRefusal::Unknown) => return Err(AppError::NotFound),
            Err(crate::api::indicators::UnitRefusal::OutOfScope) => {
                return Err(AppError::Forbidden)
            }
        },
        None => home_unit(st, p).await.ok_or(AppError::Forbidden)?,
    };
    let db = &st.db.conn;
    let mut year = year;
    let mut targets = ocop_store::indicators::targets_of(db, &unit.path, year).await?;
    // Without a year asked, and before this year's plan is entered, the latest
    // year with a plan (as on the home dashboard).
    if q.year.is_none() && targets.is_empty() {
        for y in (year - 2..year).rev() {
            let t = ocop_store::indicators::targets_of(db, &unit.path, y).await?;
            if !t.is_empty() {
                (year, targets) = (y, t);
                break;
            }
        }
    }
    let at = di::measured_on(year, Some(today));
    let facts = ocop_store::indicators::facts(db, &unit.path).await?;
    let rows = ocop_store::indicators::rows_from(&facts, &targets, year, at);
    let (with, without): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.target.is_some());

    // Stars.
    let h = di::stars_histogram(&facts, at);
    let star_rows: Vec<(String, f64, String)> = (1..=5)
        .rev()
        .map(|s| {
            (
                format!("{s} ★"),
                h[s - 1] as f64,
                "/certificates?status=valid".to_string(),
            )
        })
        .collect();
    let stars_svg = bars_svg(
        lang.pick(
            "Sản phẩm còn hiệu lực theo hạng sao",
            "Valid products by stars",
        ),
        &star_rows,
        *h.iter().max().unwrap_or(&1) as f64,
        "",
    );
    // By product set.
    let valid: Vec<&di::CertFact> = facts
        .certificates
        .iter()
        .filter(|c| c.valid_on(at))
        .collect();
    let sets =
        ocop_store::indicators::product_sets(db, valid.iter().map(|c| c.product_id).collect())
            .await?;
    let mut by_set: BTreeMap<String, f64> = BTreeMap::new();
    for c in &valid {
        if let Some(s) = sets.get(&c.product_id) {
            *by_set.entry(s.clone()).or_default() += 1.0;
        }
    }
    let set_rows: Vec<(String, f64, String)> = by_set
        .into_iter()
        .map(|(k, v)| (k, v, String::new()))
        .collect();
    let sets_svg = bars_svg(
        lang.pick("Sản phẩm theo bộ sản phẩm", "Products by product set"),
        &set_rows,
        set_rows.iter().map(|r| r.1).fold(1.0, f64::max),
        "",
    );

    // Drill-down: the units below, in the period of the year (old districts and
    // communes up to 2025, new communes from 2025 on, for a province both).
    let unit_period: Period = unit.period.parse().unwrap_or(Period::Post2025);
    let child_period = if unit.level == "province" {
        Period::at(at)
    } else {
        unit_period
    };
    let kids = ocop_store::units::children(db, &unit.code, child_period).await?;
    let mut children = Vec::new();
    let mut unit_rows = Vec::new();
    for k in &kids {
        let f = ocop_store::indicators::facts(db, &k.path).await?;
        let total = di::compute("total_products", &f, year, at).unwrap_or(0.0);
        let new = di::compute("new_recognitions", &f, year, at).unwrap_or(0.0);
        let link = format!(
            "/indicators?unit={}&period={}&year={year}",
            k.code, k.period
        );
        unit_rows.push((k.name.clone(), total, link.clone()));
        children.push((
            link,
            k.name.clone(),
            k.level.clone(),
            ocop_domain::format::number_vn(total as i64),
            ocop_domain::format::number_vn(new as i64),
        ));
    }
    let units_svg = bars_svg(
        lang.pick(
            "Sản phẩm còn hiệu lực theo đơn vị",
            "Valid products by unit",
        ),
        &unit_rows,
        unit_rows.iter().map(|r| r.1).fold(1.0, f64::max),
        "",
    );

    // Trend: five years to the one shown.
    let trend_rows: Vec<(String, f64, String)> = (year - 4..=year)
        .map(|y| {
            let a = di::measured_on(y, Some(today));
            (
                format!("{y}"),
                di::compute("total_products", &facts, y, a).unwrap_or(0.0),
                format!(
                    "/indicators?unit={}&period={}&year={y}",
                    unit.code, unit.period
                ),
            )
        })
        .collect();
    let trend_svg = bars_svg(
        lang.pick(
            "Sản phẩm còn hiệu lực cuối mỗi năm",
            "Valid products at each year's end",
        ),
        &trend_rows,
        trend_rows.iter().map(|r| r.1).fold(1.0, f64::max),
        "",
    );

    // 2024 vs 2026 on the current communes: a record counts for the new commune its
    // old commune maps to (current_unit_path, from the official mapping).
    let mut compare = Vec::new();
    if unit.level == "province" || unit_period == Period::Post2025 {
        let news = if unit.level == "province" {
            ocop_store::units::children(db, &unit.code, Period::Post2025).await?
        } else {
            vec![unit.clone()]
        };
        let a24 = di::measured_on(2024, None);
        let a26 = di::measured_on(2026, Some(today));
        for n in &news {
            let f = ocop_store::indicators::facts(db, &n.path).await?;
            let x = di::compute("total_products", &f, 2024, a24).unwrap_or(0.0);
            let y = di::compute("total_products", &f, 2026, a26).unwrap_or(0.0);
            if x > 0.0 || y > 0.0 {
                compare.push((n.name.clone(), x, y));
            }
        }
    }
    let compare_svg = pairs_svg(
        lang.pick(
            "Sản phẩm còn hiệu lực: 2024 và 2026, theo xã mới",
            "Valid products: 2024 vs 2026, by new commune",
        ),
        &compare,
        ("2024", "2026"),
    );

    render(&Page {
        l: Layout::new(
            &ctx,
            lang.pick("Chỉ tiêu và tiến độ", "Targets and progress"),
        ),
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        period: unit.period.clone(),
        year,
        date: ocop_domain::format::date_vn(at),
        years: (2021..=today.year()).rev().collect(),
        targets: lines(&with, lang, year, false),
        others: lines(&without, lang, year, false),
        stars_svg,
        sets_svg,
        units_svg,
        trend_svg,
        compare_svg,
        children,
        children_period: child_period.as_str().into(),
    })
}
