//! Support and funding pages: the list with a proposal form (`/supports`), and one
//! record with its approve / disburse / complete / refuse / cancel forms
//! (`/supports/{id}`). The same store use cases as the API; out of scope is 404.
//! Disbursing more than approved shows a warning and asks for a reason.

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::format::{date_vn, parse_date_vn, today_vn};
use ocop_domain::support::{
    format_vnd, next_status, parse_vnd, FundingSource, SupportAction, SupportKind, SupportStatus,
};
use ocop_store::support::{self as ss, SupportError};
use ocop_store::support_entities::support_record;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supports", get(list).post(create))
        .route("/supports/{id}", get(show))
        .route("/supports/{id}/move", post(move_it))
}

/// A row or the head of a record, as shown.
pub struct Row {
    pub id: i64,
    pub producer: String,
    pub title: String,
    pub kind: String,
    pub source: String,
    pub policy: String,
    pub planned: String,
    pub approved: String,
    pub disbursed: String,
    pub status: String,
    pub status_code: String,
    pub proposed_on: String,
    pub over_reason: String,
    pub version: i32,
}

async fn row(st: &AppState, lang: Lang, m: support_record::Model) -> Row {
    let producer = ocop_store::registry::get_producer(&st.db.conn, m.producer_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    Row {
        id: m.id,
        producer,
        kind: m
            .kind
            .parse::<SupportKind>()
            .map(|k| k.label(lang).to_string())
            .unwrap_or(m.kind),
        source: m
            .source
            .parse::<FundingSource>()
            .map(|k| k.label(lang).to_string())
            .unwrap_or(m.source),
        policy: m.policy_code.unwrap_or_default(),
        planned: format_vnd(m.planned_vnd),
        approved: m.approved_vnd.map(format_vnd).unwrap_or_default(),
        disbursed: format_vnd(m.disbursed_vnd),
        status: m
            .status
            .parse::<SupportStatus>()
            .map(|k| k.label(lang).to_string())
            .unwrap_or_default(),
        status_code: m.status,
        proposed_on: date_vn(m.proposed_on),
        over_reason: m.over_reason.unwrap_or_default(),
        title: m.title,
        version: m.version,
    }
}

fn message(lang: Lang, e: &SupportError) -> String {
    match e {
        SupportError::Invalid(f) => f
            .0
            .iter()
            .map(|(field, e)| format!("{}: {}", t(lang, &format!("support.f.{field}")), e.message(lang)))
            .collect::<Vec<_>>()
            .join(" "),
        SupportError::NeedsReason { approved, total, over_by } => match lang {
            Lang::Vi => format!("Cảnh báo: tổng giải ngân sẽ là {} trong khi kinh phí được phê duyệt là {} (vượt {}). Nhập lý do để giải ngân vượt mức phê duyệt.", format_vnd(*total), format_vnd(*approved), format_vnd(*over_by)),
            Lang::En => format!("Warning: disbursed would total {} against {} approved ({} over). Give a reason to disburse more than approved.", format_vnd(*total), format_vnd(*approved), format_vnd(*over_by)),
        },
        SupportError::BadMove { .. } => t(lang, "support.bad_move").into(),
        SupportError::Forbidden => t(lang, "err.forbidden").into(),
        SupportError::Store(ocop_store::StoreError::Conflict) => t(lang, "err.conflict").into(),
        SupportError::Store(_) => t(lang, "err.form").into(),
    }
}

#[derive(Template)]
#[template(path = "supports.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    producers: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    policies: Vec<(String, String)>,
    lines: Vec<(i64, String)>,
    error: String,
    today: String,
}

async fn list_page(ctx: &Ctx, error: String) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let st = &ctx.state;
    let lang = ctx.lang;
    let page = ss::list(
        &st.db.conn,
        &p.scope,
        &ss::SupportFilter {
            page: 1,
            per_page: 200,
            ..Default::default()
        },
    )
    .await?;
    let mut rows = Vec::new();
    for m in page.items {
        rows.push(row(st, lang, m).await);
    }
    let lines = if ocop_domain::support::decides_support(p) {
        ss::lines(&st.db.conn, p, None)
            .await?
            .into_iter()
            .map(|v| {
                (
                    v.line.id,
                    format!(
                        "{} · {} ({})",
                        v.line.year,
                        v.line.name,
                        format_vnd(v.balance.remaining_vnd())
                    ),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&ListPage {
        l: Layout::new(ctx, t(lang, "support.title")),
        rows,
        producers: ocop_store::registry::producer_choices(&st.db.conn, &p.scope).await?,
        kinds: SupportKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(lang)))
            .collect(),
        sources: FundingSource::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(lang)))
            .collect(),
        policies: ss::policies(&st.db.conn)
            .await?
            .into_iter()
            .filter(|p| p.active)
            .map(|p| (p.code, p.name))
            .collect(),
        lines,
        error,
        today: today_vn().to_string(),
    })
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    list_page(&ctx, String::new()).await
}

async fn create(posted: Posted) -> Result<Response, AppError> {
    let ctx = &posted.ctx;
    let (p, _) = ctx.require()?;
    let f = &posted.fields;
    let lang = ctx.lang;
    let planned = match parse_vnd(f.get("planned_vnd")) {
        Ok(v) => v,
        Err(e) => {
            return list_page(
                ctx,
                format!("{}: {}", t(lang, "support.f.planned_vnd"), e.message(lang)),
            )
            .await
        }
    };
    let input = ss::SupportInput {
        producer_id: f.get("producer_id").parse().unwrap_or(0),
        product_id: None,
        kind: f.get("kind").into(),
        policy_code: Some(f.get("policy_code").to_string()).filter(|s| !s.is_empty()),
        source: f.get("source").into(),
        budget_line_id: f.get("budget_line_id").parse().ok(),
        title: f.get("title").into(),
        note: Some(f.get("note").to_string()),
        planned_vnd: planned,
        proposed_on: parse_date_vn(f.get("proposed_on")).unwrap_or_else(today_vn),
    };
    match ss::propose(&ctx.state.db.conn, &ctx.actor(), p, &input).await {
        Ok(m) => Ok(redirect_with_flash(
            &format!("/supports/{}", m.id),
            "created",
        )),
        Err(SupportError::Store(ocop_store::StoreError::NotFound)) => Err(AppError::NotFound),
        Err(e) => list_page(ctx, message(lang, &e)).await,
    }
}

#[derive(Template)]
#[template(path = "support.html")]
struct ShowPage {
    l: Layout,
    r: Row,
    actions: Vec<(&'static str, &'static str)>,
    error: String,
    /// The over-disbursement warning is showing: the reason field is required.
    need_reason: bool,
    amount: String,
    today: String,
}

async fn show_page(
    ctx: &Ctx,
    id: i64,
    error: String,
    need_reason: bool,
    amount: String,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let m = ss::get(&ctx.state.db.conn, p, id).await?;
    let lang = ctx.lang;
    let from: Option<SupportStatus> = m.status.parse().ok();
    let actions = if ocop_domain::support::decides_support(p) {
        SupportAction::ALL
            .iter()
            .filter(|a| from.is_some_and(|f| next_status(f, **a).is_some()))
            .map(|a| (a.as_str(), a.label(lang)))
            .collect()
    } else {
        Vec::new()
    };
    render(&ShowPage {
        l: Layout::new(ctx, t(lang, "support.title")),
        r: row(&ctx.state, lang, m).await,
        actions,
        error,
        need_reason,
        amount,
        today: today_vn().to_string(),
    })
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    show_page(&ctx, id, String::new(), false, String::new()).await
}

async fn move_it(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let ctx = &posted.ctx;
    let (p, _) = ctx.require()?;
    let f = &posted.fields;
    let lang = ctx.lang;
    let Ok(action) = f.get("action").parse::<SupportAction>() else {
        return show_page(
            ctx,
            id,
            t(lang, "support.bad_move").into(),
            false,
            String::new(),
        )
        .await;
    };
    let raw_amount = f.get("amount_vnd").trim().to_string();
    let amount = if raw_amount.is_empty() {
        None
    } else {
        match parse_vnd(&raw_amount) {
            Ok(v) => Some(v),
            Err(e) => {
                return show_page(
                    ctx,
                    id,
                    format!("{}: {}", t(lang, "support.f.amount_vnd"), e.message(lang)),
                    false,
                    raw_amount,
                )
                .await
            }
        }
    };
    let mv = ss::Move {
        action,
        version: f.get("version").parse().unwrap_or(0),
        amount_vnd: amount,
        on: parse_date_vn(f.get("on")).unwrap_or_else(today_vn),
        reason: Some(f.get("reason").to_string()),
    };
    match ss::transition(&ctx.state.db.conn, &ctx.actor(), p, id, &mv).await {
        Ok(_) => Ok(redirect_with_flash(&format!("/supports/{id}"), "saved")),
        Err(SupportError::Store(ocop_store::StoreError::NotFound)) => Err(AppError::NotFound),
        Err(e) => {
            let need = matches!(e, SupportError::NeedsReason { .. });
            show_page(ctx, id, message(lang, &e), need, raw_amount).await
        }
    }
}
