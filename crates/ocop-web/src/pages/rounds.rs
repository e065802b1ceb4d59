//! Evaluation rounds (đợt) and recognition decisions.

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::roles::{Role, Scope};
use ocop_store::rounds as sr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds", get(list).post(create))
        .route("/rounds/{id}", get(show))
        .route("/dossiers/{id}/round", post(join))
        .route("/sessions/{id}/decision", post(decide))
        .route("/decisions/{id}", get(decision_page))
}

/// May the principal see a round or a council-level record at `unit_path`? Only
/// records whose unit lies within the principal's area: a commune officer does not
/// open the province's rounds, a producer sees none.
pub fn within_scope(p: &ocop_domain::roles::Principal, unit_path: &str) -> bool {
    match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => ocop_domain::units::path_within(unit_path, path),
        _ => false,
    }
}

fn may_manage(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::CentralOfficer | Role::ProvinceOfficer | Role::DistrictOfficer
    )
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    l: Layout,
    rows: Vec<(i64, String, String, String, String)>,
    can_create: bool,
    error: Option<String>,
    /// The rulebook in force and the rounds it schedules next: (name, proposals by,
    /// closes on); the form is pre-filled with the first.
    rulebook: String,
    schedule: Vec<(String, String, String)>,
}

async fn rounds_page(ctx: &Ctx, error: Option<String>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let path = match &p.scope {
        Scope::Unit { path } => Some(path.clone()),
        _ => None,
    };
    let rows = sr::list_rounds(&ctx.state.db.conn, path.as_deref())
        .await?
        .into_iter()
        .filter(|r| within_scope(p, &r.unit_path))
        .map(|r| {
            (
                r.id,
                r.name,
                ocop_domain::format::date_vn(r.proposals_by),
                ocop_domain::format::date_vn(r.closes_on),
                t(ctx.lang, &format!("round.s_{}", r.status)).to_string(),
            )
        })
        .collect();
    let today = ctx.state.today();
    let level = if p.role == Role::CentralOfficer {
        "central"
    } else {
        "province"
    };
    let rb = ctx.state.library.in_force(today);
    let schedule = rb
        .map(|rb| rb.scheduled_rounds(level, today, 2))
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                format!(
                    "{} {} {} {}",
                    t(ctx.lang, "round.round"),
                    r.number,
                    t(ctx.lang, "round.of_year"),
                    r.year
                ),
                ocop_domain::format::date_vn(r.proposals_by),
                ocop_domain::format::date_vn(r.closes_on),
            )
        })
        .collect();
    render(&RoundsPage {
        l: Layout::new(ctx, t(ctx.lang, "round.title")),
        rows,
        can_create: may_manage(p.role),
        error,
        rulebook: rb.map(|r| r.name.clone()).unwrap_or_default(),
        schedule,
    })
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    rounds_page(&ctx, None).await
}

async fn create(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, u) = ctx.require()?;
    if !may_manage(p.role) {
        return Err(AppError::Forbidden);
    }
    let lang = ctx.lang;
    let name = fields.get("name").trim().to_string();
    let proposals = ocop_domain::format::parse_date_vn(fields.get("proposals_by"));
    let closes = ocop_domain::format::parse_date_vn(fields.get("closes_on"));
    let (Some(proposals), Some(closes), false) = (proposals, closes, name.is_empty()) else {
        let mut r = rounds_page(&ctx, Some(t(lang, "round.bad_input").into())).await?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    let unit = (
        u.unit_code.clone().unwrap_or_else(|| "VN".into()),
        u.unit_path.clone().unwrap_or_else(|| "VN/".into()),
    );
    let level = if p.role == Role::CentralOfficer {
        "central"
    } else {
        "province"
    };
    match sr::create_round(
        &ctx.state.db.conn,
        &ctx.actor(),
        &name,
        level,
        unit,
        proposals,
        closes,
    )
    .await
    {
        Ok(r) => Ok(redirect_with_flash(&format!("/rounds/{}", r.id), "created")),
        Err(ocop_store::StoreError::Invalid(_)) => {
            let mut r = rounds_page(&ctx, Some(t(lang, "round.bad_input").into())).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    l: Layout,
    r: ocop_store::entities::round::Model,
    proposals_by: String,
    closes_on: String,
    rows: Vec<(i64, String, String, String)>,
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let r = sr::get_round(db, id).await?;
    // Out of scope reads as missing: ids cannot be probed.
    if !within_scope(p, &r.unit_path) {
        return Err(AppError::NotFound);
    }
    let mut rows = Vec::new();
    for d in sr::dossiers_of(db, id).await? {
        let product = ocop_store::registry::get_product(db, d.product_id)
            .await
            .map(|p| p.name)
            .unwrap_or_default();
        rows.push((
            d.id,
            product,
            d.registration_number.clone(),
            t(ctx.lang, &format!("dossier.s_{}", d.state)).to_string(),
        ));
    }
    render(&RoundPage {
        l: Layout::new(&ctx, r.name.clone()),
        proposals_by: ocop_domain::format::date_vn(r.proposals_by),
        closes_on: ocop_domain::format::date_vn(r.closes_on),
        rows,
        r,
    })
}

async fn join(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let d = ocop_store::dossiers::get(db, id).await?;
    let loc = ocop_domain::roles::Location {
        producer_id: d.producer_id,
        unit_path: &d.unit_path,
        current_unit_path: &d.current_unit_path,
    };
    if !(p.role.is_officer() || p.is_admin()) || !p.can_see(&loc) {
        return Err(AppError::Forbidden);
    }
    let round: i64 = fields
        .get("round_id")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    match sr::join(db, &ctx.actor(), id, round, ctx.state.today()).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/dossiers/{id}"), "saved")),
        Err(ocop_store::StoreError::Invalid(_)) => {
            let msg = t(ctx.lang, "decision.err_nothing").to_string();
            let mut r = super::councils::render_session(&ctx, id, Some(msg)).await?;
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// The session's recognition decision: the council's level signs (the province
/// for 3★/4★, the district before 07/2025, the ministry for 5★), dated on or after
/// the session and not in the future; every rule is checked in
/// [`sr::decide_session`], in one transaction with the certificates.
async fn decide(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let s = ocop_store::councils::get_session(db, id).await?;
    let c = ocop_store::councils::get_council(db, s.council_id).await?;
    if !within_scope(p, &c.unit_path) {
        return Err(AppError::NotFound);
    }
    let number = ocop_domain::text::clean(fields.get("number"));
    let today = ctx.state.today();
    let signed_on = ocop_domain::format::parse_date_vn(fields.get("signed_on"))
        .filter(|d| *d <= today && *d >= s.held_on);
    let (Some(signed_on), false) = (signed_on, number.is_empty()) else {
        let msg = t(ctx.lang, "decision.err_input").to_string();
        let mut r = super::councils::render_session(&ctx, id, Some(msg)).await?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    let input = sr::DecisionInput {
        number,
        signed_on,
        signer: fields.get("signer").into(),
    };
    match sr::decide_session(
        db,
        &ctx.state.library,
        &ctx.actor(),
        Some(p),
        id,
        &input,
        today,
    )
    .await
    {
        Ok((d, _)) => Ok(redirect_with_flash(
            &format!("/decisions/{}", d.id),
            "created",
        )),
        Err(ocop_store::StoreError::Invalid(_)) => {
            let msg = t(ctx.lang, "decision.err_nothing").to_string();
            let mut r = super::councils::render_session(&ctx, id, Some(msg)).await?;
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(r)
        }
        Err(ocop_store::StoreError::Workflow(refusal)) => {
            let status = crate::error::refusal_status(&refusal);
            let mut r =
                super::councils::render_session(&ctx, id, Some(refusal.message(ctx.lang))).await?;
            *r.status_mut() = status;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    l: Layout,
    d: ocop_store::entities::decision::Model,
    signed_on: String,
    rows: Vec<(String, String, String, i32, String)>,
}

async fn decision_page(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let (id, pdf) = match id.strip_suffix(".pdf") {
        Some(n) => (n.parse::<i64>().map_err(|_| AppError::NotFound)?, true),
        None => (id.parse::<i64>().map_err(|_| AppError::NotFound)?, false),
    };
    let d = sr::get_decision(db, id).await?;
    let certs = sr::certificates_of(db, id).await?;
    // Visible to those who see the council that proposed it, or one of its products.
    let council_visible = match d.session_id {
        Some(sid) => {
            let s = ocop_store::councils::get_session(db, sid).await?;
            let c = ocop_store::councils::get_council(db, s.council_id).await?;
            within_scope(p, &c.unit_path)
        }
        None => false,
    };
    let product_visible = certs.iter().any(|c| {
        p.can_see(&ocop_domain::roles::Location {
            producer_id: c.producer_id,
            unit_path: &c.unit_path,
            current_unit_path: &c.current_unit_path,
        })
    });
    if !(council_visible || product_visible) {
        return Err(AppError::NotFound);
    }
    let mut rows = Vec::new();
    for c in certs {
        rows.push((
            c.product_name,
            c.producer_name,
            c.number,
            c.stars,
            ocop_domain::format::date_vn(c.expires_on),
        ));
    }
    if pdf {
        use ocop_docs::pdf::Block;
        let mut b = vec![
            Block::Center(d.issuing_body.to_uppercase(), 12.0, true),
            Block::Center(format!("Số: {}", d.number), 11.0, false),
            Block::Space(10.0),
            Block::Center("QUYẾT ĐỊNH".into(), 16.0, true),
            Block::Center("Về việc công nhận sản phẩm đạt chuẩn OCOP".into(), 12.0, true),
            Block::Space(8.0),
            Block::Para(format!("Ngày {}. Công nhận các sản phẩm sau đạt chuẩn OCOP; giấy chứng nhận có giá trị 36 tháng kể từ ngày ký.", ocop_domain::format::date_vn(d.signed_on))),
        ];
        b.push(Block::Table {
            widths: vec![0.05, 0.32, 0.3, 0.2, 0.13],
            header: vec![
                "TT".into(),
                "Sản phẩm".into(),
                "Chủ thể".into(),
                "Số GCN".into(),
                "Hạng".into(),
            ],
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    vec![
                        (i + 1).to_string(),
                        r.0.clone(),
                        r.1.clone(),
                        r.2.clone(),
                        format!("{} sao", r.3),
                    ]
                })
                .collect(),
        });
        b.push(Block::Signatures(vec![
            (String::new(), String::new()),
            ("NGƯỜI KÝ".into(), d.signer.clone()),
        ]));
        let bytes = ocop_docs::pdf::render(&format!("Quyết định {}", d.number), &b)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response());
    }
    render(&DecisionPage {
        l: Layout::new(
            &ctx,
            format!("{} {}", t(ctx.lang, "decision.title"), d.number),
        ),
        signed_on: ocop_domain::format::date_vn(d.signed_on),
        rows,
        d,
    })
}
