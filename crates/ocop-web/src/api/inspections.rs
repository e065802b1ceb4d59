//! Post-certification monitoring (QĐ 26/2026 Art. 9): plans, inspections, what the
//! inspector records, violations and follow-up, recalls, the proposal to revoke,
//! the producer's answer, and the leads of the public check. Every handler calls
//! the same store function as the pages; out of scope answers 404.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use ocop_domain::inspections as di;
use ocop_domain::registry::Lang;
use ocop_store::inspection_entities::*;
use ocop_store::inspections as si;
use ocop_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inspection-checklists", get(checklists))
        .route(
            "/api/v1/inspection-plans",
            get(list_plans).post(create_plan),
        )
        .route("/api/v1/inspections", get(list).post(create))
        .route("/api/v1/inspections/{id}", get(show))
        .route("/api/v1/inspections/{id}/fields", put(save_field))
        .route("/api/v1/inspections/{id}/samples", post(add_sample))
        .route("/api/v1/inspections/{id}/violations", post(add_violation))
        .route("/api/v1/inspections/{id}/recalls", post(add_recall))
        .route("/api/v1/inspections/{id}/conclude", post(conclude))
        .route("/api/v1/inspections/{id}/cancel", post(cancel))
        .route(
            "/api/v1/inspections/{id}/revocation",
            post(propose_revocation),
        )
        .route("/api/v1/inspections/{id}/answer", post(answer))
        .route(
            "/api/v1/inspection-violations/{id}/follow-up",
            post(follow_up),
        )
        .route(
            "/api/v1/inspection-recalls/{id}/status",
            post(recall_status),
        )
        .route("/api/v1/inspection-leads", get(leads))
        .route("/api/v1/inspection-leads/plan", post(plan_from_lead))
}

/// The OpenAPI part of this module (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(
    paths(
        checklists,
        list_plans,
        create_plan,
        list,
        create,
        show,
        save_field,
        add_sample,
        add_violation,
        add_recall,
        conclude,
        cancel,
        propose_revocation,
        answer,
        follow_up,
        recall_status,
        leads,
        plan_from_lead
    ),
    components(schemas(
        FocusOut,
        ItemOut,
        PlanIn,
        PlanOut,
        PlanList,
        InspectionIn,
        InspectionOut,
        InspectionList,
        DetailOut,
        CheckOut,
        SampleIn,
        SampleOut,
        ViolationIn,
        ViolationOut,
        RecallIn,
        RecallOut,
        FieldIn,
        ConcludeIn,
        RevocationIn,
        RevocationOut,
        AnswerIn,
        FollowUpIn,
        StatusIn,
        LeadOut,
        LeadList,
        LeadPlanIn
    ))
)]
pub struct InspectionsApi;

/// A store error in API words: refusals of the inspection rules become 422
/// `validation_failed` naming the field, in English and Vietnamese.
fn err(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(code) => {
            let (field, vi, en) = di::refusal(&code);
            let mut a = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", en);
            a.fields =
                Some(serde_json::json!({ field: {"code": code, "message": en, "message_vi": vi} }));
            a
        }
        StoreError::Conflict => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "the inspection, violation or recall is no longer in a state that allows this",
        ),
        e => e.into(),
    }
}

fn date(s: &str, name: &str) -> Result<chrono::NaiveDate, ApiError> {
    ocop_domain::format::parse_date_vn(s.trim()).ok_or_else(|| {
        let mut a = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", format!("{name} must be a date (YYYY-MM-DD)"));
        a.fields = Some(serde_json::json!({ name: {"code": "date", "message": "a date (YYYY-MM-DD)", "message_vi": "Ngày không hợp lệ (ngày/tháng/năm)."} }));
        a
    })
}

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub code: String,
    pub vi: String,
    pub en: String,
}

#[derive(Serialize, ToSchema)]
pub struct FocusOut {
    pub code: String,
    pub vi: String,
    pub en: String,
    /// product or unit.
    pub subject: String,
    pub items: Vec<ItemOut>,
}

/// The foci and their checklists (Art. 9.3), in Vietnamese and English.
#[utoipa::path(get, path = "/api/v1/inspection-checklists", responses((status = 200, body = [FocusOut])))]
pub async fn checklists(_u: ApiUser) -> Json<Vec<FocusOut>> {
    Json(
        di::FOCI
            .iter()
            .map(|f| FocusOut {
                code: f.code.into(),
                vi: f.vi.into(),
                en: f.en.into(),
                subject: f.subject.into(),
                items: f
                    .items
                    .iter()
                    .map(|i| ItemOut {
                        code: i.0.into(),
                        vi: i.1.into(),
                        en: i.2.into(),
                    })
                    .collect(),
            })
            .collect(),
    )
}

#[derive(Deserialize, ToSchema)]
pub struct PlanIn {
    pub title: String,
    pub year: i32,
    /// periodic or adhoc.
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanList {
    pub items: Vec<PlanOut>,
    pub total: u64,
}

fn plan_out(p: inspection_plan::Model) -> PlanOut {
    PlanOut {
        id: p.id,
        title: p.title,
        year: p.year,
        kind: p.kind,
    }
}

/// Inspection plans in the caller's area.
#[utoipa::path(get, path = "/api/v1/inspection-plans", responses((status = 200, body = PlanList)))]
pub async fn list_plans(
    State(st): State<AppState>,
    u: ApiUser,
) -> Result<Json<PlanList>, ApiError> {
    let items: Vec<PlanOut> = si::plans(&st.db.conn, &u.principal)
        .await?
        .into_iter()
        .map(plan_out)
        .collect();
    Ok(Json(PlanList {
        total: items.len() as u64,
        items,
    }))
}

/// Creates a plan (province or central officers).
#[utoipa::path(post, path = "/api/v1/inspection-plans", request_body = PlanIn, responses((status = 201, body = PlanOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_plan(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<PlanIn>,
) -> Result<(StatusCode, Json<PlanOut>), ApiError> {
    let p = si::create_plan(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        &b.title,
        b.year,
        &b.kind,
    )
    .await
    .map_err(err)?;
    Ok((StatusCode::CREATED, Json(plan_out(p))))
}

#[derive(Deserialize, ToSchema)]
pub struct InspectionIn {
    pub plan_id: Option<i64>,
    /// periodic or adhoc.
    pub kind: String,
    /// A certified product, or…
    pub product_id: Option<i64>,
    /// …a commune (or a district before 07/2025) whose evaluation work is inspected.
    pub unit_code: Option<String>,
    /// pre2025 or post2025 (default post2025).
    pub unit_period: Option<String>,
    /// Focus codes (see `/api/v1/inspection-checklists`).
    pub focus: Vec<String>,
    /// YYYY-MM-DD.
    pub planned_on: String,
    pub inspector_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct InspectionOut {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub kind: String,
    /// product or unit.
    pub subject: String,
    pub subject_name: String,
    pub producer_id: Option<i64>,
    pub product_id: Option<i64>,
    pub certificate_number: Option<String>,
    pub unit_code: Option<String>,
    pub focus: Vec<String>,
    pub planned_on: String,
    pub inspector_id: i64,
    pub inspector: String,
    /// planned, in_progress, done or cancelled.
    pub state: String,
    pub findings: String,
    /// compliant or violations, once done.
    pub outcome: Option<String>,
    pub conclusion: Option<String>,
    pub done_on: Option<String>,
    pub lead: Option<String>,
    pub revocation_case_id: Option<i64>,
    pub producer_answer: Option<String>,
    pub version: i32,
}

#[derive(Serialize, ToSchema)]
pub struct InspectionList {
    pub items: Vec<InspectionOut>,
    pub total: u64,
}

fn out(m: inspection::Model, number: Option<String>) -> InspectionOut {
    InspectionOut {
        id: m.id,
        plan_id: m.plan_id,
        kind: m.kind,
        subject: m.subject,
        subject_name: m.subject_name,
        producer_id: m.producer_id,
        product_id: m.product_id,
        certificate_number: number,
        unit_code: m.subject_unit_code,
        focus: m
            .focus
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        planned_on: m.planned_on.to_string(),
        inspector_id: m.inspector_id,
        inspector: m.inspector_name,
        state: m.state,
        findings: m.findings,
        outcome: m.outcome,
        conclusion: m.conclusion,
        done_on: m.done_on.map(|d| d.to_string()),
        lead: m.lead,
        revocation_case_id: m.revocation_case_id,
        producer_answer: m.producer_answer,
        version: m.version,
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct ListQuery {
    /// planned, in_progress, done or cancelled.
    pub state: Option<String>,
    /// true: only those assigned to the caller.
    pub mine: Option<bool>,
    pub plan_id: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Inspections the caller may see: officers and inspectors in their area;
/// producers the started or concluded inspections of their own products.
#[utoipa::path(get, path = "/api/v1/inspections", params(ListQuery), responses((status = 200, body = InspectionList), (status = 400, body = super::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<InspectionList>, ApiError> {
    let state = q.state.filter(|s| !s.is_empty());
    if let Some(s) = &state {
        if !di::is_code(di::STATES, s) {
            return Err(ApiError::bad_request(
                "state must be planned, in_progress, done or cancelled",
            ));
        }
    }
    let f = si::Filter {
        state,
        inspector_id: q.mine.unwrap_or(false).then_some(u.principal.user_id),
        plan_id: q.plan_id,
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
    };
    let (items, total) = si::list(&st.db.conn, &u.principal, &f).await?;
    Ok(Json(InspectionList {
        total,
        items: items.into_iter().map(|m| out(m, None)).collect(),
    }))
}

/// Plans an inspection of a certified product or of a unit's evaluation work.
#[utoipa::path(post, path = "/api/v1/inspections", request_body = InspectionIn, responses((status = 201, body = InspectionOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<InspectionIn>,
) -> Result<(StatusCode, Json<InspectionOut>), ApiError> {
    let subject = match (
        b.product_id,
        b.unit_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    ) {
        (Some(id), None) => si::Subject::Product(id),
        (None, Some(code)) => si::Subject::Unit {
            code: code.to_string(),
            period: match b.unit_period.as_deref().unwrap_or("post2025") {
                "pre2025" => ocop_domain::units::Period::Pre2025,
                "post2025" => ocop_domain::units::Period::Post2025,
                _ => {
                    return Err(ApiError::bad_request(
                        "unit_period must be pre2025 or post2025",
                    ))
                }
            },
        },
        _ => return Err(ApiError::bad_request("give either product_id or unit_code")),
    };
    let n = si::NewInspection {
        plan_id: b.plan_id,
        kind: b.kind,
        subject,
        focus: b.focus.join(","),
        planned_on: date(&b.planned_on, "planned_on")?,
        inspector_id: b.inspector_id,
        lead: None,
    };
    let m = si::plan(&st.db.conn, &u.actor(), &u.principal, &n, st.today())
        .await
        .map_err(err)?;
    Ok((StatusCode::CREATED, Json(out(m, None))))
}

#[derive(Serialize, ToSchema)]
pub struct CheckOut {
    pub item: String,
    pub focus: String,
    pub text: String,
    /// ok, not_ok, na or empty.
    pub result: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct SampleOut {
    pub id: i64,
    pub sample_code: String,
    pub parameter: String,
    pub value: String,
    pub unit: String,
    pub limit_kind: String,
    pub limit: String,
    /// Computed from value vs limit.
    pub passed: bool,
    pub lab: String,
}

#[derive(Serialize, ToSchema)]
pub struct ViolationOut {
    pub id: i64,
    pub focus: String,
    pub description: String,
    pub corrective_action: String,
    pub deadline_on: String,
    /// open, fixed or not_fixed.
    pub status: String,
    /// Open past its deadline.
    pub overdue: bool,
    pub followed_up_on: Option<String>,
    pub follow_up_note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecallOut {
    pub id: i64,
    pub batch: String,
    pub quantity: i64,
    pub quantity_unit: String,
    pub reason: String,
    /// ordered, in_progress or completed.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct DetailOut {
    pub inspection: InspectionOut,
    /// Every line of the checklists of the inspection's foci, answered or not.
    pub checks: Vec<CheckOut>,
    pub samples: Vec<SampleOut>,
    pub violations: Vec<ViolationOut>,
    pub recalls: Vec<RecallOut>,
    pub photos: usize,
}

fn sample_out(s: inspection_sample::Model) -> SampleOut {
    SampleOut {
        id: s.id,
        sample_code: s.sample_code,
        parameter: s.parameter,
        value: s.value,
        unit: s.unit,
        limit_kind: s.limit_kind,
        limit: s.limit_value,
        passed: s.passed,
        lab: s.lab,
    }
}

fn violation_out(v: inspection_violation::Model, today: chrono::NaiveDate) -> ViolationOut {
    ViolationOut {
        overdue: di::overdue(&v.status, v.deadline_on, today),
        id: v.id,
        focus: v.focus,
        description: v.description,
        corrective_action: v.corrective_action,
        deadline_on: v.deadline_on.to_string(),
        status: v.status,
        followed_up_on: v.followed_up_on.map(|d| d.to_string()),
        follow_up_note: v.follow_up_note,
    }
}

fn recall_out(r: inspection_recall::Model) -> RecallOut {
    RecallOut {
        id: r.id,
        batch: r.batch,
        quantity: r.quantity,
        quantity_unit: r.quantity_unit,
        reason: r.reason,
        status: r.status,
    }
}

/// The checklist lines of an inspection's foci with their answers.
pub fn checklist(
    m: &inspection::Model,
    checks: &[inspection_check::Model],
    lang: Lang,
) -> Vec<CheckOut> {
    m.focus
        .split(',')
        .filter_map(di::focus)
        .flat_map(|f| {
            f.items.iter().map(move |i| {
                let c = checks.iter().find(|c| c.item == i.0);
                CheckOut {
                    item: i.0.into(),
                    focus: f.code.into(),
                    text: lang.pick(i.1, i.2).into(),
                    result: c.map(|c| c.result.clone()).unwrap_or_default(),
                    note: c.map(|c| c.note.clone()).unwrap_or_default(),
                }
            })
        })
        .collect()
}

/// An inspection with its checklist, samples, violations and recalls.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", params(("id" = i64, Path)), responses((status = 200, body = DetailOut), (status = 404, body = super::ErrorBody)))]
pub async fn show(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DetailOut>, ApiError> {
    detail(&st, &u, id).await.map(Json)
}

async fn detail(st: &AppState, u: &ApiUser, id: i64) -> Result<DetailOut, ApiError> {
    let d = si::detail(&st.db.conn, &u.principal, id).await?;
    let today = st.today();
    Ok(DetailOut {
        checks: checklist(&d.inspection, &d.checks, Lang::Vi),
        samples: d.samples.into_iter().map(sample_out).collect(),
        violations: d
            .violations
            .into_iter()
            .map(|v| violation_out(v, today))
            .collect(),
        recalls: d.recalls.into_iter().map(recall_out).collect(),
        photos: d.photos.len(),
        inspection: out(d.inspection, d.certificate.map(|c| c.number)),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct FieldIn {
    /// `findings`, `check:<item>` (ok, not_ok, na) or `note:<item>`.
    pub field: String,
    pub value: String,
}

/// Saves one field of the inspector's form (the assigned inspector; the first
/// record moves the inspection to in_progress).
#[utoipa::path(put, path = "/api/v1/inspections/{id}/fields", params(("id" = i64, Path)), request_body = FieldIn, responses((status = 200, body = InspectionOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn save_field(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<FieldIn>,
) -> Result<Json<InspectionOut>, ApiError> {
    let m = si::save_field(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        id,
        &b.field,
        &b.value,
    )
    .await
    .map_err(err)?;
    Ok(Json(out(m, None)))
}

#[derive(Deserialize, ToSchema)]
pub struct SampleIn {
    #[serde(default)]
    pub sample_code: String,
    pub parameter: String,
    /// A decimal as text ("0.05" or "0,05").
    pub value: String,
    /// Required (mg/kg, %, CFU/g…).
    #[serde(default)]
    pub unit: String,
    /// max or min.
    pub limit_kind: String,
    pub limit: String,
    #[serde(default)]
    pub lab: String,
}

/// Records a sample's lab result; pass/fail is computed; no unit → 422.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/samples", params(("id" = i64, Path)), request_body = SampleIn, responses((status = 201, body = SampleOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn add_sample(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<SampleIn>,
) -> Result<(StatusCode, Json<SampleOut>), ApiError> {
    let s = si::NewSample {
        sample_code: b.sample_code,
        parameter: b.parameter,
        value: b.value,
        unit: b.unit,
        limit_kind: b.limit_kind,
        limit: b.limit,
        lab: b.lab,
    };
    let m = si::add_sample(&st.db.conn, &u.actor(), &u.principal, id, &s)
        .await
        .map_err(err)?;
    Ok((StatusCode::CREATED, Json(sample_out(m))))
}

#[derive(Deserialize, ToSchema)]
pub struct ViolationIn {
    /// One of the inspection's foci.
    pub focus: String,
    pub description: String,
    pub corrective_action: String,
    /// YYYY-MM-DD, not before today.
    pub deadline_on: String,
}

/// Records a violation with the corrective action required and its deadline.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/violations", params(("id" = i64, Path)), request_body = ViolationIn, responses((status = 201, body = ViolationOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn add_violation(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ViolationIn>,
) -> Result<(StatusCode, Json<ViolationOut>), ApiError> {
    let d = date(&b.deadline_on, "deadline_on")?;
    let today = st.today();
    let v = si::add_violation(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        id,
        &b.focus,
        &b.description,
        &b.corrective_action,
        d,
        today,
    )
    .await
    .map_err(err)?;
    Ok((StatusCode::CREATED, Json(violation_out(v, today))))
}

#[derive(Deserialize, ToSchema)]
pub struct RecallIn {
    pub batch: String,
    pub quantity: i64,
    pub quantity_unit: String,
    pub reason: String,
}

/// Orders a recall of a batch.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/recalls", params(("id" = i64, Path)), request_body = RecallIn, responses((status = 201, body = RecallOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn add_recall(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<RecallIn>,
) -> Result<(StatusCode, Json<RecallOut>), ApiError> {
    let r = si::add_recall(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        id,
        &b.batch,
        b.quantity,
        &b.quantity_unit,
        &b.reason,
    )
    .await
    .map_err(err)?;
    Ok((StatusCode::CREATED, Json(recall_out(r))))
}

#[derive(Deserialize, ToSchema)]
pub struct ConcludeIn {
    /// compliant or violations.
    pub outcome: String,
    pub conclusion: String,
    /// YYYY-MM-DD; default today.
    pub on: Option<String>,
}

/// Concludes the inspection (the assigned inspector).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/conclude", params(("id" = i64, Path)), request_body = ConcludeIn, responses((status = 200, body = InspectionOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn conclude(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ConcludeIn>,
) -> Result<Json<InspectionOut>, ApiError> {
    let today = st.today();
    let on = match b.on.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => date(s, "on")?,
        None => today,
    };
    let m = si::conclude(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        id,
        &b.outcome,
        &b.conclusion,
        on,
        today,
    )
    .await
    .map_err(err)?;
    Ok(Json(out(m, None)))
}

/// Cancels a planned or started inspection (a planner).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/cancel", params(("id" = i64, Path)), responses((status = 200, body = InspectionOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn cancel(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<InspectionOut>, ApiError> {
    let m = si::cancel(&st.db.conn, &u.actor(), &u.principal, id)
        .await
        .map_err(err)?;
    Ok(Json(out(m, None)))
}

#[derive(Deserialize, ToSchema)]
pub struct RevocationIn {
    /// A ground of Art. 8.1 (no_longer_meets, law_violation, mark_misuse…).
    pub ground: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevocationOut {
    pub inspection_id: i64,
    pub case_id: i64,
    pub certificate_number: String,
    /// The conclusion + 15 days (Art. 8.4).
    pub deadline_on: String,
    pub status: String,
}

/// Proposes revoking the inspected product's certificate: opens its revocation case.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/revocation", params(("id" = i64, Path)), request_body = RevocationIn, responses((status = 201, body = RevocationOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn propose_revocation(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<RevocationIn>,
) -> Result<(StatusCode, Json<RevocationOut>), ApiError> {
    let (m, case) = si::propose_revocation(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        id,
        &b.ground,
        st.today(),
    )
    .await
    .map_err(err)?;
    let cert = ocop_store::certificates::get(&st.db.conn, case.certificate_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(RevocationOut {
            inspection_id: m.id,
            case_id: case.id,
            certificate_number: cert.number,
            deadline_on: case.deadline_on.to_string(),
            status: case.status,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerIn {
    pub answer: String,
}

/// The producer answers the findings of its own inspection.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/answer", params(("id" = i64, Path)), request_body = AnswerIn, responses((status = 200, body = InspectionOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn answer(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AnswerIn>,
) -> Result<Json<InspectionOut>, ApiError> {
    let m = si::answer(&st.db.conn, &u.actor(), &u.principal, id, &b.answer)
        .await
        .map_err(err)?;
    Ok(Json(out(m, None)))
}

#[derive(Deserialize, ToSchema)]
pub struct FollowUpIn {
    /// fixed or not_fixed.
    pub status: String,
    #[serde(default)]
    pub note: String,
    /// YYYY-MM-DD; default today.
    pub on: Option<String>,
}

/// Follows a violation up.
#[utoipa::path(post, path = "/api/v1/inspection-violations/{id}/follow-up", params(("id" = i64, Path)), request_body = FollowUpIn, responses((status = 200, body = ViolationOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn follow_up(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<FollowUpIn>,
) -> Result<Json<ViolationOut>, ApiError> {
    let today = st.today();
    let on = match b.on.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => date(s, "on")?,
        None => today,
    };
    let v = si::follow_up(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        id,
        &b.status,
        &b.note,
        on,
        today,
    )
    .await
    .map_err(err)?;
    Ok(Json(violation_out(v, today)))
}

#[derive(Deserialize, ToSchema)]
pub struct StatusIn {
    /// in_progress or completed.
    pub status: String,
}

/// Moves a recall forward.
#[utoipa::path(post, path = "/api/v1/inspection-recalls/{id}/status", params(("id" = i64, Path)), request_body = StatusIn, responses((status = 200, body = RecallOut), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn recall_status(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<StatusIn>,
) -> Result<Json<RecallOut>, ApiError> {
    let r = si::recall_status(&st.db.conn, &u.actor(), &u.principal, id, &b.status)
        .await
        .map_err(err)?;
    Ok(Json(recall_out(r)))
}

#[derive(Serialize, ToSchema)]
pub struct LeadOut {
    /// lookup (an expired/revoked certificate looked up on the public check) or
    /// report (a suspicious-label report).
    pub source: String,
    pub place: String,
    /// ISO week, e.g. 2026-W07.
    pub week: String,
    pub number: String,
    pub product_id: Option<i64>,
    pub product: String,
    pub status: String,
    pub count: u64,
    pub inspection_id: Option<i64>,
    /// Give it to `POST /api/v1/inspection-leads/plan`.
    pub key: String,
}

#[derive(Serialize, ToSchema)]
pub struct LeadList {
    pub items: Vec<LeadOut>,
    pub total: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct LeadQuery {
    /// YYYY-MM-DD; default 90 days ago.
    pub since: Option<String>,
}

/// Leads for the inspection plan, grouped by place and ISO week.
#[utoipa::path(get, path = "/api/v1/inspection-leads", params(LeadQuery), responses((status = 200, body = LeadList), (status = 403, body = super::ErrorBody)))]
pub async fn leads(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<LeadQuery>,
) -> Result<Json<LeadList>, ApiError> {
    if !(u.principal.role.is_officer()
        || matches!(
            u.principal.role,
            ocop_domain::roles::Role::Admin | ocop_domain::roles::Role::Inspector
        ))
    {
        return Err(ApiError::forbidden());
    }
    let since = match q.since.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => date(s, "since")?,
        None => st.today() - chrono::Duration::days(90),
    };
    let items: Vec<LeadOut> = si::leads(&st.db.conn, &u.principal.scope, since)
        .await?
        .into_iter()
        .map(|l| LeadOut {
            source: l.source.into(),
            place: l.place,
            week: l.week,
            number: l.number,
            product_id: l.product_id,
            product: l.product,
            status: l.status,
            count: l.count,
            inspection_id: l.inspection_id,
            key: l.key,
        })
        .collect();
    Ok(Json(LeadList {
        total: items.len() as u64,
        items,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct LeadPlanIn {
    pub key: String,
    pub inspector_id: i64,
    /// YYYY-MM-DD.
    pub planned_on: String,
}

/// Turns a lead into a planned ad-hoc inspection (labelling focus) in one step.
#[utoipa::path(post, path = "/api/v1/inspection-leads/plan", request_body = LeadPlanIn, responses((status = 201, body = InspectionOut), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn plan_from_lead(
    State(st): State<AppState>,
    u: ApiUser,
    ApiJson(b): ApiJson<LeadPlanIn>,
) -> Result<(StatusCode, Json<InspectionOut>), ApiError> {
    let d = date(&b.planned_on, "planned_on")?;
    let m = si::plan_from_lead(
        &st.db.conn,
        &u.actor(),
        &u.principal,
        &b.key,
        b.inspector_id,
        d,
        st.today(),
    )
    .await
    .map_err(err)?;
    Ok((StatusCode::CREATED, Json(out(m, None))))
}
