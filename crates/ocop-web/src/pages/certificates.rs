//! Certificates for officers: the list, a certificate's page with its QR link and
//! PDF, issuing from a council's result, revoking, and the public's label reports.

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::certificates as dc;
use ocop_domain::roles::{Action, Location, Principal, Role, Scope};
use ocop_store::certificates as sc;
use ocop_store::entities::certificate;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/certificates", get(list))
        .route("/certificates/{number}", get(show))
        .route("/certificates/{number}/follow-up", post(follow_up))
        .route("/certificates/{number}/cases", post(open_case))
        .route("/revocation-cases", get(cases))
        .route("/revocation-cases/{id}/close", post(close_case))
        .route("/label-reports", get(reports))
}

fn visible(p: &Principal, c: &certificate::Model) -> bool {
    match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            c.unit_path.starts_with(path.as_str()) || c.current_unit_path.starts_with(path.as_str())
        }
        Scope::Producer { producer_id } => *producer_id == c.producer_id,
        Scope::Nothing => false,
    }
}

/// A certificate row.
pub struct CertRow {
    pub number: String,
    pub product: String,
    pub stars: String,
    pub kind: String,
    pub issued: String,
    pub expires: String,
    pub status: String,
    pub status_code: String,
    pub lookups: i64,
    pub flagged: bool,
}

fn row(c: certificate::Model, lang: Lang, today: chrono::NaiveDate, mean: f64) -> CertRow {
    let s = dc::status(c.revoked, c.expires_on, today);
    CertRow {
        stars: "★".repeat(c.stars.clamp(0, 5) as usize),
        kind: dc::Kind::parse(&c.kind)
            .map(|k| k.label(lang).to_string())
            .unwrap_or_default(),
        issued: ocop_domain::format::date_vn(c.issued_on),
        expires: ocop_domain::format::date_vn(c.expires_on),
        status: s.label(lang).into(),
        status_code: s.as_str().into(),
        // A label scanned far more often than its peers may be copied.
        flagged: c.lookups >= 20 && c.lookups as f64 > 5.0 * mean.max(1.0),
        lookups: c.lookups,
        number: c.number,
        product: c.product_name,
    }
}

#[derive(Template)]
#[template(path = "certificates.html")]
struct ListPage {
    l: Layout,
    rows: Vec<CertRow>,
    status: String,
    total: u64,
}

async fn list(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let today = ctx.state.today();
    let status = q.get("status").cloned().unwrap_or_default();
    let f = sc::CertFilter {
        status: Some(status.clone()).filter(|s| !s.is_empty()),
        page: q.get("page").and_then(|x| x.parse().ok()).unwrap_or(1),
        per_page: 200,
        ..Default::default()
    };
    let db = &ctx.state.db.conn;
    let (items, total) = sc::list(db, &p.scope, &f, today).await?;
    let mean = sc::mean_lookups(db).await?;
    let rows = items
        .into_iter()
        .map(|c| row(c, ctx.lang, today, mean))
        .collect();
    render(&ListPage {
        l: Layout::new(&ctx, t(ctx.lang, "cert.list_title")),
        rows,
        status,
        total,
    })
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertPage {
    l: Layout,
    c: certificate::Model,
    r: CertRow,
    qr_url: String,
    revoked_reason: String,
    can_revoke: bool,
    grounds: Vec<(String, String)>,
    /// Follow-up dossiers (re-evaluation, upgrade) offered to this user.
    fu: FollowUpView,
    /// The open revocation case, if any.
    case: Option<CaseView>,
    /// The user may open a revocation case (an officer, no case open, not revoked).
    can_open_case: bool,
    /// A refusal about revocation to show.
    case_error: String,
    today: String,
}

/// A revocation case as pages show it.
pub struct CaseView {
    id: i64,
    number: String,
    product: String,
    ground: String,
    conclusion: String,
    concluded: String,
    deadline: String,
    overdue: bool,
    status: String,
    outcome: String,
    closed: String,
    late: bool,
}

fn case_view(
    m: &ocop_store::entities::revocation_case::Model,
    c: &certificate::Model,
    lang: Lang,
    today: chrono::NaiveDate,
) -> CaseView {
    CaseView {
        id: m.id,
        number: c.number.clone(),
        product: c.product_name.clone(),
        ground: dc::revocation_label(&m.ground, lang),
        conclusion: m.conclusion_ref.clone(),
        concluded: ocop_domain::format::date_vn(m.concluded_on),
        deadline: ocop_domain::format::date_vn(m.deadline_on),
        overdue: m.status == "open" && today > m.deadline_on,
        status: t(lang, &format!("rev.s_{}", m.status)).to_string(),
        outcome: m.outcome.clone().unwrap_or_default(),
        closed: m
            .closed_on
            .map(ocop_domain::format::date_vn)
            .unwrap_or_default(),
        late: m.status == "revoked" && m.closed_on.is_some_and(|d| d > m.deadline_on),
    }
}

/// What the certificate page offers for a re-evaluation or an upgrade.
#[derive(Default)]
struct FollowUpView {
    /// The user may open dossiers for this product.
    allowed: bool,
    /// An open dossier of the product, which must finish first.
    open_dossier: Option<i64>,
    reeval_ok: bool,
    reeval_late: bool,
    /// Why a re-evaluation cannot start yet, when it cannot.
    reeval_note: String,
    /// Stars an upgrade may aim at (empty when no upgrade is possible).
    upgrade_targets: Vec<i32>,
    upgrade_note: String,
    /// A refusal to show after a failed attempt.
    error: String,
}

async fn load(ctx: &Ctx, number: &str) -> Result<certificate::Model, AppError> {
    let (p, _) = ctx.require()?;
    let c = sc::by_number(&ctx.state.db.conn, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if !visible(p, &c) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

async fn show(
    ctx: Ctx,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    if let Some(n) = number.strip_suffix(".pdf") {
        return pdf(ctx, headers, n).await;
    }
    page(&ctx, &headers, &number, String::new(), String::new()).await
}

fn location(c: &certificate::Model) -> Location<'_> {
    Location {
        producer_id: c.producer_id,
        unit_path: &c.unit_path,
        current_unit_path: &c.current_unit_path,
    }
}

async fn follow_up_view(
    ctx: &Ctx,
    p: &Principal,
    c: &certificate::Model,
    today: chrono::NaiveDate,
) -> Result<FollowUpView, AppError> {
    use ocop_domain::dossier::Kind;
    let lang = ctx.lang;
    let mut v = FollowUpView {
        allowed: p.may(Action::Edit, &location(c)) && c.superseded_by.is_none(),
        ..Default::default()
    };
    if !v.allowed {
        return Ok(v);
    }
    v.open_dossier = ocop_store::dossiers::open_for_product(&ctx.state.db.conn, c.product_id)
        .await?
        .map(|d| d.id);
    let lib = &ctx.state.library;
    match dc::follow_up(
        lib,
        Kind::ReEvaluation,
        c.stars,
        c.revoked,
        c.expires_on,
        c.stars,
        today,
    ) {
        Ok(plan) => {
            v.reeval_ok = true;
            v.reeval_late = plan.late;
        }
        Err(r) => v.reeval_note = r.message(lang),
    }
    let targets: Vec<i32> = ((c.stars + 1)..=5)
        .filter(|t| {
            dc::follow_up(
                lib,
                Kind::Upgrade,
                c.stars,
                c.revoked,
                c.expires_on,
                *t,
                today,
            )
            .is_ok()
        })
        .collect();
    if targets.is_empty() {
        if let Err(r) = dc::follow_up(
            lib,
            Kind::Upgrade,
            c.stars,
            c.revoked,
            c.expires_on,
            c.stars + 1,
            today,
        ) {
            v.upgrade_note = r.message(lang);
        }
    }
    v.upgrade_targets = targets;
    Ok(v)
}

async fn page(
    ctx: &Ctx,
    headers: &HeaderMap,
    number: &str,
    error: String,
    case_error: String,
) -> Result<Response, AppError> {
    let c = load(ctx, number).await?;
    let (p, _) = ctx.require()?;
    let today = ctx.state.today();
    let lang = ctx.lang;
    let base = crate::public::base_url(&ctx.state, headers);
    let mean = sc::mean_lookups(&ctx.state.db.conn).await?;
    let mut fu = follow_up_view(ctx, p, &c, today).await?;
    fu.error = error;
    let case = sc::open_case_of(&ctx.state.db.conn, c.id)
        .await?
        .map(|m| case_view(&m, &c, lang, today));
    let page = CertPage {
        can_open_case: !c.revoked
            && case.is_none()
            && ocop_domain::workflow::may_propose_revocation(p, &c.unit_path, &c.current_unit_path),
        case,
        case_error,
        today: ocop_domain::format::date_vn(today),
        fu,
        l: Layout::new(ctx, format!("{} {}", t(lang, "cert.title"), c.number)),
        qr_url: crate::public::qr_url(&base, &c),
        revoked_reason: c
            .revoked_ground
            .as_deref()
            .map(|g| dc::revocation_label(g, lang))
            .unwrap_or_default(),
        can_revoke: !c.revoked
            && ocop_domain::workflow::may_revoke(
                p,
                c.stars as u8,
                &c.unit_path,
                &c.current_unit_path,
            ),
        grounds: ocop_domain::workflow::REVOCATION_GROUNDS
            .iter()
            .map(|(k, _, _, _)| (k.to_string(), ocop_domain::workflow::ground_label(k, lang)))
            .collect(),
        r: row(c.clone(), lang, today, mean),
        c,
    };
    render(&page)
}

/// The certificate as an A4 PDF with its QR code.
async fn pdf(ctx: Ctx, headers: HeaderMap, number: &str) -> Result<Response, AppError> {
    use ocop_docs::pdf::Block;
    let c = load(&ctx, number).await?;
    let base = crate::public::base_url(&ctx.state, &headers);
    let url = crate::public::qr_url(&base, &c);
    let b = vec![
        Block::Center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(), 12.0, true),
        Block::Center("Độc lập – Tự do – Hạnh phúc".into(), 11.0, false),
        Block::Space(30.0),
        Block::Center("GIẤY CHỨNG NHẬN".into(), 22.0, true),
        Block::Center("SẢN PHẨM OCOP".into(), 18.0, true),
        Block::Center(format!("Số: {}", c.number), 12.0, false),
        Block::Space(20.0),
        Block::Center(c.product_name.clone(), 18.0, true),
        Block::Center(format!("Chủ thể: {}", c.producer_name), 12.0, false),
        Block::Space(10.0),
        Block::Center(
            format!(
                "Đạt hạng {} SAO  {}",
                c.stars,
                "★".repeat(c.stars.clamp(0, 5) as usize)
            ),
            20.0,
            true,
        ),
        Block::Space(10.0),
        Block::Center(
            format!(
                "Ngày cấp: {}  –  Có giá trị đến: {}",
                ocop_domain::format::date_vn(c.issued_on),
                ocop_domain::format::date_vn(c.expires_on)
            ),
            11.0,
            false,
        ),
        Block::Center(
            format!("{} · {}", c.issuing_body, c.decision_ref),
            10.0,
            false,
        ),
        Block::Space(20.0),
        Block::Qr(url.clone(), 150.0),
        Block::Center(
            "Quét mã QR để kiểm tra hiệu lực giấy chứng nhận".into(),
            10.0,
            false,
        ),
        Block::Center(url, 7.0, false),
    ];
    let bytes = ocop_docs::pdf::render(&format!("Giấy chứng nhận {}", c.number), &b)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}.pdf\"", c.number),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Starts a re-evaluation or an upgrade dossier from the certificate.
async fn follow_up(
    headers: HeaderMap,
    Path(number): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    use ocop_domain::dossier::Kind;
    let Posted { ctx, fields } = posted;
    let c = load(&ctx, &number).await?;
    let (p, _) = ctx.require()?;
    if !p.may(Action::Edit, &location(&c)) {
        return Err(AppError::Forbidden);
    }
    let kind = match fields.get("kind") {
        "upgrade" => Kind::Upgrade,
        "re_evaluation" => Kind::ReEvaluation,
        _ => return Err(AppError::BadRequest),
    };
    let target: i32 = fields.get("target_stars").parse().unwrap_or(0);
    let today = ctx.state.today();
    let rb = ctx.state.library.in_force_id(today);
    let lang = ctx.lang;
    match ocop_store::dossiers::start_follow_up(
        &ctx.state.db.conn,
        &ctx.state.library,
        &ctx.actor(),
        c.id,
        kind,
        target,
        &rb,
        today,
    )
    .await
    {
        Ok(d) => Ok(redirect_with_flash(
            &format!("/dossiers/{}", d.id),
            "created",
        )),
        Err(ocop_store::StoreError::Invalid(code)) => {
            let msg = follow_up_refusal(&ctx.state.library, &code, &c, kind, target, today, lang);
            let mut resp = page(&ctx, &headers, &number, msg, String::new()).await?;
            *resp.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

fn follow_up_refusal(
    lib: &ocop_domain::rulebook::Library,
    code: &str,
    c: &certificate::Model,
    kind: ocop_domain::dossier::Kind,
    target: i32,
    today: chrono::NaiveDate,
    lang: Lang,
) -> String {
    if code == "open_dossier_exists" {
        return t(lang, "cert.open_dossier").to_string();
    }
    if code == "superseded" {
        return t(lang, "cert.superseded_no_follow_up").to_string();
    }
    match dc::follow_up(lib, kind, c.stars, c.revoked, c.expires_on, target, today) {
        Err(r) => r.message(lang),
        Ok(_) => t(lang, "err.conflict").to_string(),
    }
}

#[derive(Template)]
#[template(path = "label_reports.html")]
struct ReportsPage {
    l: Layout,
    rows: Vec<(String, String, String, String, String)>,
}

async fn reports(ctx: Ctx) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !(p.role.is_officer() || matches!(p.role, Role::Admin | Role::Inspector)) {
        return Err(AppError::Forbidden);
    }
    let rows = sc::reports(&ctx.state.db.conn)
        .await?
        .into_iter()
        .map(|r| {
            (
                ocop_domain::format::datetime_vn(r.created_at),
                r.number,
                r.place,
                r.message,
                r.contact,
            )
        })
        .collect();
    render(&ReportsPage {
        l: Layout::new(&ctx, t(ctx.lang, "cert.reports")),
        rows,
    })
}

/// Words for a refusal of the revocation flow.
fn case_refusal(code: &str, lang: Lang) -> String {
    let key = match code {
        "ground"
        | "conclusion_ref"
        | "concluded_in_future"
        | "decided_before_conclusion"
        | "decided_in_future"
        | "decision_ref"
        | "reason"
        | "case_open" => {
            format!("rev.err_{code}")
        }
        _ => "err.conflict".into(),
    };
    t(lang, &key).to_string()
}

/// An officer records a conclusion that calls for revoking the certificate.
async fn open_case(
    headers: HeaderMap,
    Path(number): Path<String>,
    posted: Posted,
) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let c = load(&ctx, &number).await?;
    let (p, _) = ctx.require()?;
    let today = ctx.state.today();
    let Some(concluded) = ocop_domain::format::parse_date_vn(fields.get("concluded_on")) else {
        let msg = t(ctx.lang, "rev.err_date").to_string();
        return case_error_page(&ctx, &headers, &number, msg).await;
    };
    let r = sc::open_case(
        &ctx.state.db.conn,
        &ctx.actor(),
        Some(p),
        &c.number,
        fields.get("ground"),
        fields.get("conclusion_ref"),
        concluded,
        today,
    )
    .await;
    case_result(&ctx, &headers, &number, r).await
}

/// The competent level revokes on the case's ground, or dismisses the case.
async fn close_case(
    headers: HeaderMap,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let db = &ctx.state.db.conn;
    let (p, _) = ctx.require()?;
    let (_, c) = sc::get_case(db, id).await?;
    if !visible(p, &c) {
        return Err(AppError::NotFound);
    }
    let today = ctx.state.today();
    let number = c.number.clone();
    let outcome = match fields.get("action") {
        "revoke" => {
            let Some(on) = ocop_domain::format::parse_date_vn(fields.get("revoked_on")) else {
                let msg = t(ctx.lang, "rev.err_date").to_string();
                return case_error_page(&ctx, &headers, &number, msg).await;
            };
            sc::CaseOutcome::Revoke {
                decision_ref: fields.get("decision_ref"),
                on,
            }
        }
        "dismiss" => sc::CaseOutcome::Dismiss {
            reason: fields.get("reason"),
        },
        _ => return Err(AppError::BadRequest),
    };
    let r = sc::close_case(db, &ctx.actor(), Some(p), id, outcome, today).await;
    case_result(&ctx, &headers, &number, r).await
}

/// The certificate page again with a refusal of the revocation flow (422).
async fn case_error_page(
    ctx: &Ctx,
    headers: &HeaderMap,
    number: &str,
    msg: String,
) -> Result<Response, AppError> {
    let mut resp = page(ctx, headers, number, String::new(), msg).await?;
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

/// Back to the certificate after a step of the revocation flow, or its refusal.
async fn case_result<T>(
    ctx: &Ctx,
    headers: &HeaderMap,
    number: &str,
    r: Result<T, ocop_store::StoreError>,
) -> Result<Response, AppError> {
    match r {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/certificates/{number}"),
            "saved",
        )),
        Err(ocop_store::StoreError::Invalid(code)) => {
            case_error_page(ctx, headers, number, case_refusal(&code, ctx.lang)).await
        }
        Err(ocop_store::StoreError::Workflow(r)) => {
            let status = crate::error::refusal_status(&r);
            let mut resp = page(ctx, headers, number, String::new(), r.message(ctx.lang)).await?;
            *resp.status_mut() = status;
            Ok(resp)
        }
        Err(ocop_store::StoreError::Conflict) => Err(AppError::Conflict),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "revocation_cases.html")]
struct CasesPage {
    l: Layout,
    rows: Vec<CaseView>,
    overdue: usize,
}

/// Revocation cases: open ones by deadline (overdue flagged), then closed ones.
async fn cases(ctx: Ctx) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !(p.role.is_officer() || p.is_admin()) {
        return Err(AppError::Forbidden);
    }
    let today = ctx.state.today();
    let rows: Vec<CaseView> = sc::cases(&ctx.state.db.conn, &p.scope)
        .await?
        .iter()
        .map(|(m, c)| case_view(m, c, ctx.lang, today))
        .collect();
    render(&CasesPage {
        l: Layout::new(&ctx, t(ctx.lang, "rev.list_title")),
        overdue: rows.iter().filter(|r| r.overdue).count(),
        rows,
    })
}
