//! Pages of post-certification monitoring: the inspection list and planning form,
//! leads from the public check, and the inspector's form (saved field by field by
//! `/static/inspection.js`, with a local draft while the connection is down).
//! Every action calls the same store function as the API.

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::format::{date_vn, parse_date_vn};
use ocop_domain::inspections as di;
use ocop_domain::roles::{Principal, Role, Scope};
use ocop_store::inspections as si;
use ocop_store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(list).post(create))
        .route("/inspections/leads", get(leads))
        .route("/inspections/leads/plan", post(plan_from_lead))
        .route("/inspections/{id}", get(show))
        .route("/inspections/{id}/fields", post(save_fields))
        .route("/inspections/{id}/samples", post(add_sample))
        .route("/inspections/{id}/violations", post(add_violation))
        .route("/inspections/{id}/recalls", post(add_recall))
        .route("/inspections/{id}/conclude", post(conclude))
        .route("/inspections/{id}/revocation", post(propose_revocation))
        .route("/inspections/{id}/answer", post(answer))
        .route("/inspection-violations/{id}/follow-up", post(follow_up))
}

/// Words in the page's language (this area keeps its strings beside its pages).
pub struct W(pub Lang);

impl W {
    pub fn s(&self, vi: &'static str, en: &'static str) -> &'static str {
        self.0.pick(vi, en)
    }
}

/// An option of a select: (value, label).
type Opt = (String, String);

fn is_planner(p: &Principal) -> bool {
    matches!(
        p.role,
        Role::ProvinceOfficer | Role::CentralOfficer | Role::Admin
    )
}

fn may_open(p: &Principal) -> bool {
    p.role.is_officer() || matches!(p.role, Role::Admin | Role::Inspector | Role::Producer)
}

/// Accounts that may be assigned in the planner's area.
async fn inspectors(st: &AppState, p: &Principal) -> Result<Vec<Opt>, AppError> {
    Ok(ocop_store::users::list(&st.db.conn)
        .await?
        .into_iter()
        .filter(|u| !u.disabled)
        .filter(|u| u.role.parse::<Role>().is_ok_and(di::may_inspect))
        .filter(|u| match (&p.scope, &u.unit_path) {
            (Scope::All, _) => true,
            (Scope::Unit { path }, Some(up)) => {
                up.starts_with(path.as_str()) || path.starts_with(up.as_str())
            }
            (Scope::Unit { .. }, None) => true,
            _ => false,
        })
        .map(|u| {
            (
                u.id.to_string(),
                format!("{} ({})", u.display_name, u.username),
            )
        })
        .collect())
}

pub struct Row {
    pub id: i64,
    pub subject: String,
    pub kind: String,
    pub planned_on: String,
    pub inspector: String,
    pub state: String,
    pub state_code: String,
    pub lead: bool,
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct ListPage {
    l: Layout,
    w: W,
    rows: Vec<Row>,
    planner: bool,
    products: Vec<Opt>,
    inspectors: Vec<Opt>,
    plans: Vec<Opt>,
    foci: Vec<(String, String, String)>,
    today: String,
    counts: (u64, u64, u64, u64),
    error: String,
}

async fn list_page(ctx: &Ctx, error: String) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !may_open(p) {
        return Err(AppError::Forbidden);
    }
    let st = &ctx.state;
    let lang = ctx.lang;
    let f = si::Filter {
        page: 1,
        per_page: 200,
        ..Default::default()
    };
    let (items, _) = si::list(&st.db.conn, p, &f).await?;
    let rows = items
        .into_iter()
        .map(|m| Row {
            id: m.id,
            subject: m.subject_name,
            kind: di::label(di::KINDS, &m.kind, lang),
            planned_on: date_vn(m.planned_on),
            inspector: m.inspector_name,
            state: di::label(di::STATES, &m.state, lang),
            state_code: m.state,
            lead: m.lead.is_some(),
        })
        .collect();
    let planner = is_planner(p);
    let today = st.today();
    let (mut products, mut insp, mut plans) = (vec![], vec![], vec![]);
    if planner {
        let cf = ocop_store::certificates::CertFilter {
            page: 1,
            per_page: 500,
            ..Default::default()
        };
        let (certs, _) = ocop_store::certificates::list(&st.db.conn, &p.scope, &cf, today).await?;
        for c in certs {
            if !products
                .iter()
                .any(|(id, _): &Opt| *id == c.product_id.to_string())
            {
                products.push((
                    c.product_id.to_string(),
                    format!("{} – {} ({})", c.product_name, c.producer_name, c.number),
                ));
            }
        }
        products.sort_by(|a, b| {
            ocop_domain::text::vi_sort_key(&a.1).cmp(&ocop_domain::text::vi_sort_key(&b.1))
        });
        insp = inspectors(st, p).await?;
        plans = si::plans(&st.db.conn, p)
            .await?
            .into_iter()
            .map(|x| (x.id.to_string(), format!("{} ({})", x.title, x.year)))
            .collect();
    }
    let counts = si::counts(&st.db.conn, &p.scope, chrono::Datelike::year(&today), today).await?;
    render(&ListPage {
        l: Layout::new(
            ctx,
            lang.pick(
                "Kiểm tra, giám sát sau công nhận",
                "Post-certification monitoring",
            ),
        ),
        w: W(lang),
        rows,
        planner,
        products,
        inspectors: insp,
        plans,
        foci: di::FOCI
            .iter()
            .filter(|f| f.subject == "product")
            .map(|f| {
                (
                    f.code.to_string(),
                    lang.pick(f.vi, f.en).to_string(),
                    f.subject.to_string(),
                )
            })
            .collect(),
        today: today.to_string(),
        counts,
        error,
    })
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    list_page(&ctx, String::new()).await
}

fn refusal_text(e: &StoreError, lang: Lang) -> Option<String> {
    match e {
        StoreError::Invalid(code) => {
            let (_, vi, en) = di::refusal(code);
            Some(lang.pick(vi, en).to_string())
        }
        StoreError::Workflow(r) => Some(r.message(lang)),
        StoreError::Conflict => Some(
            lang.pick(
                "Cuộc kiểm tra đã kết luận hoặc đã hủy: không thể ghi thêm.",
                "The inspection is concluded or cancelled: nothing more can be recorded.",
            )
            .to_string(),
        ),
        _ => None,
    }
}

fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// Plans an inspection from the list page's form.
async fn create(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let focus: Vec<&str> = fields
        .0
        .iter()
        .filter(|(k, _)| k == "focus")
        .map(|(_, v)| v.as_str())
        .collect();
    let Some(planned_on) = parse_date_vn(fields.get("planned_on")) else {
        return Ok(unprocessable(
            list_page(
                &ctx,
                lang.pick(
                    "Ngày kiểm tra dự kiến không hợp lệ.",
                    "Invalid planned date.",
                )
                .into(),
            )
            .await?,
        ));
    };
    let subject = match fields.get("unit_code").trim() {
        "" => match fields.get("product_id").parse() {
            Ok(id) => si::Subject::Product(id),
            Err(_) => {
                return Ok(unprocessable(
                    list_page(
                        &ctx,
                        lang.pick(
                            "Chọn sản phẩm cần kiểm tra.",
                            "Choose the product to inspect.",
                        )
                        .into(),
                    )
                    .await?,
                ))
            }
        },
        code => si::Subject::Unit {
            code: code.into(),
            period: if fields.get("unit_period") == "pre2025" {
                ocop_domain::units::Period::Pre2025
            } else {
                ocop_domain::units::Period::Post2025
            },
        },
    };
    let n = si::NewInspection {
        plan_id: fields.get("plan_id").parse().ok(),
        kind: fields.get("kind").into(),
        subject,
        focus: focus.join(","),
        planned_on,
        inspector_id: fields.get("inspector_id").parse().unwrap_or(0),
        lead: None,
    };
    match si::plan(&ctx.state.db.conn, &ctx.actor(), p, &n, ctx.state.today()).await {
        Ok(m) => Ok(redirect_with_flash(
            &format!("/inspections/{}", m.id),
            "created",
        )),
        Err(e) => match refusal_text(&e, lang) {
            Some(msg) => Ok(unprocessable(list_page(&ctx, msg).await?)),
            None => Err(e.into()),
        },
    }
}

pub struct LeadRow {
    pub source: String,
    pub place: String,
    pub week: String,
    pub number: String,
    pub product: String,
    pub status: String,
    pub count: u64,
    pub inspection_id: Option<i64>,
    pub key: String,
    pub plannable: bool,
}

#[derive(Template)]
#[template(path = "inspection_leads.html")]
struct LeadsPage {
    l: Layout,
    w: W,
    rows: Vec<LeadRow>,
    planner: bool,
    inspectors: Vec<Opt>,
    planned_on: String,
    error: String,
}

async fn leads_page(ctx: &Ctx, error: String) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !(p.role.is_officer() || matches!(p.role, Role::Admin | Role::Inspector)) {
        return Err(AppError::Forbidden);
    }
    let st = &ctx.state;
    let lang = ctx.lang;
    let today = st.today();
    let rows = si::leads(&st.db.conn, &p.scope, today - chrono::Duration::days(90))
        .await?
        .into_iter()
        .map(|l| LeadRow {
            source: if l.source == "lookup" {
                lang.pick(
                    "Tra cứu giấy hết hiệu lực/bị thu hồi",
                    "Lookup of an expired/revoked certificate",
                )
            } else {
                lang.pick("Phản ánh nhãn đáng ngờ", "Suspicious-label report")
            }
            .into(),
            status: match l.status.as_str() {
                "expired" => lang.pick("Hết hiệu lực", "Expired").into(),
                "revoked" => lang.pick("Đã thu hồi", "Revoked").into(),
                s => s.into(),
            },
            plannable: l.product_id.is_some() && l.inspection_id.is_none(),
            place: l.place,
            week: l.week,
            number: l.number,
            product: l.product,
            count: l.count,
            inspection_id: l.inspection_id,
            key: l.key,
        })
        .collect();
    let planner = is_planner(p);
    render(&LeadsPage {
        l: Layout::new(
            ctx,
            lang.pick(
                "Nguồn tin cho kế hoạch kiểm tra",
                "Leads for the inspection plan",
            ),
        ),
        w: W(lang),
        rows,
        inspectors: if planner {
            inspectors(st, p).await?
        } else {
            vec![]
        },
        planner,
        planned_on: (today + chrono::Duration::days(7)).to_string(),
        error,
    })
}

async fn leads(ctx: Ctx) -> Result<Response, AppError> {
    leads_page(&ctx, String::new()).await
}

/// One step: a lead becomes a planned ad-hoc inspection.
async fn plan_from_lead(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let Some(planned_on) = parse_date_vn(fields.get("planned_on")) else {
        return Ok(unprocessable(
            leads_page(
                &ctx,
                lang.pick(
                    "Ngày kiểm tra dự kiến không hợp lệ.",
                    "Invalid planned date.",
                )
                .into(),
            )
            .await?,
        ));
    };
    let inspector = fields.get("inspector_id").parse().unwrap_or(0);
    match si::plan_from_lead(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        fields.get("key"),
        inspector,
        planned_on,
        ctx.state.today(),
    )
    .await
    {
        Ok(m) => Ok(redirect_with_flash(
            &format!("/inspections/{}", m.id),
            "created",
        )),
        Err(e) => match refusal_text(&e, lang) {
            Some(msg) => Ok(unprocessable(leads_page(&ctx, msg).await?)),
            None => Err(e.into()),
        },
    }
}

pub struct CheckRow {
    pub item: String,
    pub text: String,
    pub result: String,
    pub note: String,
}

pub struct FocusBlock {
    pub code: String,
    pub title: String,
    pub checks: Vec<CheckRow>,
}

pub struct SampleRow {
    pub code: String,
    pub parameter: String,
    pub value: String,
    pub limit: String,
    pub passed: bool,
    pub lab: String,
}

pub struct ViolationRow {
    pub id: i64,
    pub focus: String,
    pub description: String,
    pub action: String,
    pub deadline: String,
    pub status: String,
    pub open: bool,
    pub overdue: bool,
}

pub struct RecallRow {
    pub batch: String,
    pub quantity: String,
    pub reason: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct ShowPage {
    l: Layout,
    w: W,
    id: i64,
    subject: String,
    subject_kind: String,
    kind: String,
    planned_on: String,
    inspector: String,
    state: String,
    state_code: String,
    foci: Vec<FocusBlock>,
    focus_opts: Vec<Opt>,
    findings: String,
    samples: Vec<SampleRow>,
    violations: Vec<ViolationRow>,
    recalls: Vec<RecallRow>,
    photos: usize,
    conclusion: String,
    outcome: String,
    done_on: String,
    certificate: String,
    case_id: Option<i64>,
    answer: String,
    recording: bool,
    following: bool,
    producer: bool,
    results: Vec<Opt>,
    grounds: Vec<Opt>,
    today: String,
    error: String,
}

async fn show_page(ctx: &Ctx, id: i64, error: String) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let st = &ctx.state;
    let lang = ctx.lang;
    let today = st.today();
    let d = si::detail(&st.db.conn, p, id).await?;
    let m = &d.inspection;
    let foci = m
        .focus
        .split(',')
        .filter_map(di::focus)
        .map(|f| FocusBlock {
            code: f.code.into(),
            title: lang.pick(f.vi, f.en).into(),
            checks: f
                .items
                .iter()
                .map(|i| {
                    let c = d.checks.iter().find(|c| c.item == i.0);
                    CheckRow {
                        item: i.0.into(),
                        text: lang.pick(i.1, i.2).into(),
                        result: c.map(|c| c.result.clone()).unwrap_or_default(),
                        note: c.map(|c| c.note.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect();
    let page = ShowPage {
        l: Layout::new(
            ctx,
            format!("{} KT-{id}", lang.pick("Kiểm tra", "Inspection")),
        ),
        w: W(lang),
        id,
        subject: m.subject_name.clone(),
        subject_kind: m.subject.clone(),
        kind: di::label(di::KINDS, &m.kind, lang),
        planned_on: date_vn(m.planned_on),
        inspector: m.inspector_name.clone(),
        state: di::label(di::STATES, &m.state, lang),
        state_code: m.state.clone(),
        foci,
        focus_opts: m
            .focus
            .split(',')
            .filter_map(di::focus)
            .map(|f| (f.code.to_string(), lang.pick(f.vi, f.en).to_string()))
            .collect(),
        findings: m.findings.clone(),
        samples: d
            .samples
            .iter()
            .map(|s| SampleRow {
                code: s.sample_code.clone(),
                parameter: s.parameter.clone(),
                value: format!("{} {}", s.value, s.unit),
                limit: format!(
                    "{} {} {}",
                    if s.limit_kind == "max" { "≤" } else { "≥" },
                    s.limit_value,
                    s.unit
                ),
                passed: s.passed,
                lab: s.lab.clone(),
            })
            .collect(),
        violations: d
            .violations
            .iter()
            .map(|v| ViolationRow {
                id: v.id,
                focus: di::focus(&v.focus)
                    .map(|f| lang.pick(f.vi, f.en))
                    .unwrap_or("")
                    .into(),
                description: v.description.clone(),
                action: v.corrective_action.clone(),
                deadline: date_vn(v.deadline_on),
                status: di::label(di::VIOLATION_STATES, &v.status, lang),
                open: v.status == "open",
                overdue: di::overdue(&v.status, v.deadline_on, today),
            })
            .collect(),
        recalls: d
            .recalls
            .iter()
            .map(|r| RecallRow {
                batch: r.batch.clone(),
                quantity: format!(
                    "{} {}",
                    ocop_domain::format::number_vn(r.quantity),
                    r.quantity_unit
                ),
                reason: r.reason.clone(),
                status: di::label(di::RECALL_STATES, &r.status, lang),
            })
            .collect(),
        photos: d.photos.len(),
        conclusion: m.conclusion.clone().unwrap_or_default(),
        outcome: m
            .outcome
            .as_deref()
            .map(|o| di::label(di::OUTCOMES, o, lang))
            .unwrap_or_default(),
        done_on: m.done_on.map(date_vn).unwrap_or_default(),
        certificate: d
            .certificate
            .as_ref()
            .map(|c| c.number.clone())
            .unwrap_or_default(),
        case_id: m.revocation_case_id,
        answer: m.producer_answer.clone().unwrap_or_default(),
        recording: di::may_record(p, m.inspector_id, &m.state),
        following: p.role != Role::Producer
            && di::may_follow_up(p, m.inspector_id, &m.unit_path, &m.current_unit_path),
        producer: p.role == Role::Producer,
        results: di::CHECK_RESULTS
            .iter()
            .map(|r| (r.0.to_string(), lang.pick(r.1, r.2).to_string()))
            .collect(),
        grounds: ocop_domain::workflow::REVOCATION_GROUNDS
            .iter()
            .map(|g| {
                (
                    g.0.to_string(),
                    format!("{} (Điều {})", lang.pick(g.2, g.3), g.1),
                )
            })
            .collect(),
        today: today.to_string(),
        error,
    };
    render(&page)
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    show_page(&ctx, id, String::new()).await
}

/// After an action: back to the inspection, or the page again with the refusal (422).
async fn after<T>(ctx: &Ctx, id: i64, r: Result<T, StoreError>) -> Result<Response, AppError> {
    match r {
        Ok(_) => Ok(redirect_with_flash(&format!("/inspections/{id}"), "saved")),
        Err(e) => match refusal_text(&e, ctx.lang) {
            Some(msg) => Ok(unprocessable(show_page(ctx, id, msg).await?)),
            None => Err(e.into()),
        },
    }
}

/// Saves the inspector's fields: one (as `inspection.js` sends each change, answered
/// 204 or 4xx with the reason as text) or all of them (the form without script).
async fn save_fields(
    headers: HeaderMap,
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let script = headers.get("x-ocop-field").is_some();
    let to_save: Vec<(String, String)> = fields
        .0
        .iter()
        .filter(|(k, _)| k == "findings" || k.starts_with("check:") || k.starts_with("note:"))
        .cloned()
        .collect();
    let r = si::save_fields(&ctx.state.db.conn, &ctx.actor(), p, id, &to_save).await;
    if script {
        return Ok(match r {
            Ok(_) => StatusCode::NO_CONTENT.into_response(),
            Err(StoreError::NotFound) => StatusCode::NOT_FOUND.into_response(),
            Err(e) => match refusal_text(&e, ctx.lang) {
                Some(msg) => (StatusCode::UNPROCESSABLE_ENTITY, msg).into_response(),
                None => return Err(e.into()),
            },
        });
    }
    after(&ctx, id, r).await
}

async fn add_sample(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let s = si::NewSample {
        sample_code: fields.get("sample_code").into(),
        parameter: fields.get("parameter").into(),
        value: fields.get("value").into(),
        unit: fields.get("unit").into(),
        limit_kind: fields.get("limit_kind").into(),
        limit: fields.get("limit").into(),
        lab: fields.get("lab").into(),
    };
    let r = si::add_sample(&ctx.state.db.conn, &ctx.actor(), p, id, &s).await;
    after(&ctx, id, r).await
}

async fn add_violation(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let Some(deadline) = parse_date_vn(fields.get("deadline_on")) else {
        return Ok(unprocessable(
            show_page(
                &ctx,
                id,
                ctx.lang
                    .pick("Hạn khắc phục không hợp lệ.", "Invalid deadline.")
                    .into(),
            )
            .await?,
        ));
    };
    let r = si::add_violation(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        id,
        fields.get("focus"),
        fields.get("description"),
        fields.get("corrective_action"),
        deadline,
        ctx.state.today(),
    )
    .await;
    after(&ctx, id, r).await
}

async fn add_recall(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let Ok(q) = fields
        .get("quantity")
        .trim()
        .replace('.', "")
        .parse::<i64>()
    else {
        let (_, vi, en) = di::refusal("quantity");
        return Ok(unprocessable(
            show_page(&ctx, id, ctx.lang.pick(vi, en).into()).await?,
        ));
    };
    let r = si::add_recall(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        id,
        fields.get("batch"),
        q,
        fields.get("quantity_unit"),
        fields.get("reason"),
    )
    .await;
    after(&ctx, id, r).await
}

async fn conclude(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let today = ctx.state.today();
    let on = parse_date_vn(fields.get("on")).unwrap_or(today);
    let r = si::conclude(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        id,
        fields.get("outcome"),
        fields.get("conclusion"),
        on,
        today,
    )
    .await;
    after(&ctx, id, r).await
}

async fn propose_revocation(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let r = si::propose_revocation(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        id,
        fields.get("ground"),
        ctx.state.today(),
    )
    .await;
    after(&ctx, id, r).await
}

async fn answer(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let r = si::answer(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        id,
        fields.get("answer"),
    )
    .await;
    after(&ctx, id, r).await
}

async fn follow_up(Path(vid): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let today = ctx.state.today();
    let r = si::follow_up(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        vid,
        fields.get("status"),
        fields.get("note"),
        today,
        today,
    )
    .await;
    let id: i64 = fields.get("inspection_id").parse().unwrap_or(0);
    after(&ctx, id, r).await
}
