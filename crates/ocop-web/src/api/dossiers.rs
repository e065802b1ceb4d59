//! Dossiers over JSON: list and read in the caller's scope, open one for a product,
//! move it through the domain's state machine, start a re-evaluation or an upgrade
//! from a certificate. The rules are the pages' rules (`ocop_domain::dossier`,
//! `ocop_store::dossiers`); only the shape differs.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::pages::dossiers::loc;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_domain::dossier::{Event, Kind, Refusal};
use ocop_domain::registry::Lang;
use ocop_domain::roles::{Action, Location};
use ocop_store::dossiers as sd;
use ocop_store::entities::dossier;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dossiers", get(list))
        .route("/api/v1/dossiers/{id}", get(show))
        .route("/api/v1/dossiers/{id}/transitions", post(transition))
        .route("/api/v1/products/{id}/dossiers", post(create))
        .route("/api/v1/certificates/{number}/follow-ups", post(follow_up))
}

#[derive(Serialize, ToSchema)]
pub struct DossierOut {
    pub id: i64,
    pub product_id: i64,
    pub producer_id: i64,
    /// first_evaluation, upgrade or re_evaluation.
    pub kind: String,
    pub target_stars: i32,
    pub rulebook_id: String,
    /// draft, submitted, supplement_requested, returned, district_council,
    /// province_council, central_council, recognised, not_recognised, withdrawn.
    pub state: String,
    /// `…/PĐK-(province)-(commune)-(year)`, given at submission.
    pub registration_number: String,
    pub filed_on: Option<String>,
    pub deadline_on: Option<String>,
    pub overdue: bool,
    /// The clock is stopped (waiting for the producer's supplement) since this date.
    pub paused_since: Option<String>,
    pub round_id: Option<i64>,
    /// The certificate a re-evaluation or upgrade follows.
    pub previous_certificate_id: Option<i64>,
    /// Send it back with a transition (optimistic locking).
    pub version: i32,
}

impl DossierOut {
    fn new(d: dossier::Model, today: chrono::NaiveDate) -> DossierOut {
        DossierOut {
            overdue: sd::overdue(&d, today),
            id: d.id,
            product_id: d.product_id,
            producer_id: d.producer_id,
            kind: d.kind,
            target_stars: d.target_stars,
            rulebook_id: d.rulebook_id,
            state: d.state,
            registration_number: d.registration_number,
            filed_on: d.filed_on.map(|x| x.to_string()),
            deadline_on: d.deadline_on.map(|x| x.to_string()),
            paused_since: d.paused_since.map(|x| x.to_string()),
            round_id: d.round_id,
            previous_certificate_id: d.previous_certificate_id,
            version: d.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DossierList {
    pub items: Vec<DossierOut>,
    pub total: u64,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub at: String,
    pub actor: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: i64,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub title: String,
    pub valid_until: Option<String>,
    pub expired: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DossierDetail {
    #[serde(flatten)]
    pub dossier: DossierOut,
    pub events: Vec<EventOut>,
    pub documents: Vec<DocumentOut>,
    /// Document types the rulebook's checklist requires and the dossier lacks.
    pub missing_documents: Vec<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct DossierQuery {
    pub state: Option<String>,
    /// Only those past their deadline.
    pub overdue: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Dossiers in the caller's area, newest first.
#[utoipa::path(get, path = "/api/v1/dossiers", params(DossierQuery), responses((status = 200, body = DossierList), (status = 400, body = super::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    u: ApiUser,
    Query(q): Query<DossierQuery>,
) -> Result<Json<DossierList>, ApiError> {
    let state = q.state.as_deref().unwrap_or("").trim();
    if !state.is_empty() && sd::parse_state(state).is_none() {
        return Err(ApiError::bad_request(format!("unknown state {state:?}")));
    }
    let today = st.today();
    let mut rows: Vec<DossierOut> = sd::list(&st.db.conn, &u.principal.scope, Some(state))
        .await?
        .into_iter()
        .map(|d| DossierOut::new(d, today))
        .collect();
    if q.overdue == Some(true) {
        rows.retain(|d| d.overdue);
    }
    let per_page = q.per_page.unwrap_or(50).clamp(1, 200);
    let page = q.page.unwrap_or(1).max(1);
    let total = rows.len() as u64;
    let items = rows
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .collect();
    Ok(Json(DossierList { items, total }))
}

async fn visible(st: &AppState, u: &ApiUser, id: i64) -> Result<dossier::Model, ApiError> {
    let d = sd::get(&st.db.conn, id).await?;
    if !u.principal.may(Action::View, &loc(&d)) {
        // Out of scope reads as unknown: no probing of other provinces' ids.
        return Err(ApiError::not_found());
    }
    Ok(d)
}

async fn detail(st: &AppState, d: dossier::Model) -> Result<DossierDetail, ApiError> {
    let db = &st.db.conn;
    let today = st.today();
    let attached = ocop_store::documents::of_dossier(db, d.id).await?;
    let present: Vec<(String, Option<chrono::NaiveDate>)> = attached
        .iter()
        .map(|a| (a.doc_type.clone(), a.valid_until))
        .collect();
    let set_code = ocop_store::registry::get_product(db, d.product_id)
        .await?
        .set_code;
    let legal_form = ocop_store::registry::get_producer(db, d.producer_id)
        .await?
        .legal_form;
    let facts = ocop_domain::documents::DossierFacts {
        kind: &d.kind,
        set_code: &set_code,
        target_stars: d.target_stars,
        legal_form: &legal_form,
    };
    let missing_documents = st
        .library
        .rulebook(&d.rulebook_id)
        .map(|rb| ocop_domain::documents::check(&rb.documents, facts, &present, today).0)
        .unwrap_or_default();
    let events = sd::events(db, d.id)
        .await?
        .into_iter()
        .map(|e| EventOut {
            at: e.at.to_rfc3339(),
            actor: e.actor,
            from: e.from_state,
            to: e.to_state,
            reason: e.reason,
        })
        .collect();
    Ok(DossierDetail {
        documents: attached
            .into_iter()
            .map(|a| DocumentOut {
                id: a.id,
                expired: a.valid_until.is_some_and(|v| v < today),
                doc_type: a.doc_type,
                title: a.title,
                valid_until: a.valid_until.map(|v| v.to_string()),
            })
            .collect(),
        missing_documents,
        events,
        dossier: DossierOut::new(d, today),
    })
}

/// One dossier with its steps, documents and what the checklist still lacks.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", responses((status = 200, body = DossierDetail), (status = 404, body = super::ErrorBody)))]
pub async fn show(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DossierDetail>, ApiError> {
    let d = visible(&st, &u, id).await?;
    Ok(Json(detail(&st, d).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewDossier {
    /// first_evaluation (default), upgrade or re_evaluation.
    #[serde(default)]
    pub kind: Option<String>,
    /// 3, 4 or 5 (default 3).
    #[serde(default)]
    pub target_stars: Option<i32>,
}

fn parse_target(t: Option<i32>) -> Result<i32, ApiError> {
    match t.unwrap_or(3) {
        t @ 3..=5 => Ok(t),
        _ => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "target_stars must be 3, 4 or 5",
        )),
    }
}

/// Opens a draft dossier for a product, under the rulebook in force today.
#[utoipa::path(post, path = "/api/v1/products/{id}/dossiers", request_body = NewDossier, responses((status = 201, body = DossierOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    u: ApiUser,
    Path(product_id): Path<i64>,
    ApiJson(body): ApiJson<NewDossier>,
) -> Result<(StatusCode, Json<DossierOut>), ApiError> {
    let db = &st.db.conn;
    let product = ocop_store::registry::get_product(db, product_id).await?;
    let l = Location {
        producer_id: product.producer_id,
        unit_path: &product.unit_path,
        current_unit_path: &product.current_unit_path,
    };
    if !u.principal.can_see(&l) {
        return Err(ApiError::not_found());
    }
    if !u.principal.may(Action::Edit, &l) {
        return Err(ApiError::forbidden());
    }
    let kind =
        sd::parse_kind(body.kind.as_deref().unwrap_or("first_evaluation")).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "kind must be first_evaluation, upgrade or re_evaluation",
            )
        })?;
    let target = parse_target(body.target_stars)?;
    let today = st.today();
    let rb = st.library.in_force_id(today);
    let d = sd::open(
        db,
        &st.library,
        &u.actor(),
        product_id,
        kind,
        target,
        &rb,
        today,
    )
    .await
    .map_err(open_refusal)?;
    Ok((StatusCode::CREATED, Json(DossierOut::new(d, today))))
}

fn open_refusal(e: ocop_store::StoreError) -> ApiError {
    match e {
        ocop_store::StoreError::Invalid(code) if code == "open_dossier_exists" => ApiError::new(
            StatusCode::CONFLICT,
            "open_dossier_exists",
            "the product already has an open dossier",
        ),
        ocop_store::StoreError::Invalid(code) if code == "no_certificate" => ApiError::new(
            StatusCode::CONFLICT,
            "no_certificate",
            "an upgrade or a re-evaluation follows a certificate in force; this product holds none",
        ),
        e => e.into(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionIn {
    /// submit, request_supplement, supplemented, forward, return, withdraw;
    /// approve (the chairman's approval of a ≥ 90 result, Art. 7.3.e);
    /// central_result (recording the central council's result); and, under 90 at
    /// the ministry, recognise_central, evaluate_again or decline (Art. 7.4.g).
    pub event: String,
    /// Required for request_supplement, return and decline; for approve, the
    /// approval decision; for central_result, the letter that brought the result.
    #[serde(default)]
    pub reason: String,
    /// central_result: the central council's average score and stars — the stars
    /// must follow from the score and marks (refused otherwise).
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub stars: Option<u8>,
    /// central_result: the lowest star level whose mandatory marks are unmet.
    #[serde(default)]
    pub marks_unmet_from: Option<u8>,
    /// central_result: a knock-out applies (0 stars).
    #[serde(default)]
    pub knockout: bool,
    /// The dossier's version as read.
    pub version: i32,
}

/// Moves a dossier on: who may do what from which state is the domain's state
/// machine under the rulebook in force.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/transitions", request_body = TransitionIn, responses((status = 200, body = DossierOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn transition(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<TransitionIn>,
) -> Result<Json<DossierOut>, ApiError> {
    visible(&st, &u, id).await?;
    let reason = body.reason;
    let event = match body.event.as_str() {
        "central_result" => match (body.score, body.stars) {
            (Some(score), Some(stars)) if (0.0..=100.0).contains(&score) && stars <= 5 => {
                Event::CentralResult {
                    score,
                    stars,
                    reference: reason,
                    marks_unmet_from: body.marks_unmet_from,
                    knockout: body.knockout,
                }
            }
            _ => {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    "central_result needs score (0–100) and stars (0–5)",
                ))
            }
        },
        other => match Event::from_code(other, reason) {
            Some(e) => e,
            None => {
                let known: Vec<&str> = Event::CODES.iter().map(|c| c.0).collect();
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    format!(
                        "unknown event {other:?}: {} or central_result",
                        known.join(", ")
                    ),
                ));
            }
        },
    };
    let today = st.today();
    match sd::transition(
        &st.db.conn,
        &st.library,
        &u.actor(),
        u.principal.role,
        id,
        body.version,
        &event,
        today,
    )
    .await
    {
        Ok(d) => Ok(Json(DossierOut::new(d, today))),
        Err(sd::TransitionError::Refused(r)) => Err(match r {
            Refusal::WrongRole { .. } => ApiError::new(
                StatusCode::FORBIDDEN,
                "wrong_role",
                "your role may not take this step",
            ),
            Refusal::WrongState { state } => ApiError::new(
                StatusCode::CONFLICT,
                "wrong_state",
                format!("this step is not possible from state {}", state.as_str()),
            ),
            Refusal::ReasonRequired => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "reason_required",
                "this step needs a reason",
            ),
            Refusal::StarsMismatch { expected } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "stars_mismatch",
                format!("the stars do not follow from the score and marks: the calculator gives {expected}"),
            ),
            Refusal::BelowThreeStars => ApiError::new(
                StatusCode::CONFLICT,
                "below_three_stars",
                "fewer than 3 stars are not recognised (QĐ 26/2026 Art. 4.1.a)",
            ),
        }),
        Err(sd::TransitionError::MissingDocuments(missing)) => {
            let mut e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing_documents",
                format!("required documents are missing: {}", missing.join(", ")),
            );
            e.fields = Some(serde_json::json!({ "missing": missing }));
            Err(e)
        }
        Err(sd::TransitionError::Store(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct FollowUpIn {
    /// re_evaluation (at expiry) or upgrade (aim higher while in force).
    pub kind: String,
    /// For an upgrade: the stars aimed at.
    #[serde(default)]
    pub target_stars: Option<i32>,
}

/// Starts a re-evaluation or an upgrade dossier from a certificate, linked to it and
/// reusing the recognised dossier's documents.
#[utoipa::path(post, path = "/api/v1/certificates/{number}/follow-ups", request_body = FollowUpIn, responses((status = 201, body = DossierOut), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn follow_up(
    State(st): State<AppState>,
    u: ApiUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<FollowUpIn>,
) -> Result<(StatusCode, Json<DossierOut>), ApiError> {
    let db = &st.db.conn;
    let c = ocop_store::certificates::by_number(db, &number)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let l = Location {
        producer_id: c.producer_id,
        unit_path: &c.unit_path,
        current_unit_path: &c.current_unit_path,
    };
    if !u.principal.can_see(&l) {
        return Err(ApiError::not_found());
    }
    if !u.principal.may(Action::Edit, &l) {
        return Err(ApiError::forbidden());
    }
    let kind = match body.kind.as_str() {
        "re_evaluation" => Kind::ReEvaluation,
        "upgrade" => Kind::Upgrade,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "kind must be re_evaluation or upgrade",
            ))
        }
    };
    let target = match kind {
        Kind::Upgrade => body.target_stars.unwrap_or(c.stars + 1),
        _ => c.stars,
    };
    let today = st.today();
    let rb = st.library.in_force_id(today);
    match sd::start_follow_up(db, &st.library, &u.actor(), c.id, kind, target, &rb, today).await {
        Ok(d) => Ok((StatusCode::CREATED, Json(DossierOut::new(d, today)))),
        Err(ocop_store::StoreError::Invalid(code)) if code == "open_dossier_exists" => {
            Err(open_refusal(ocop_store::StoreError::Invalid(code)))
        }
        Err(ocop_store::StoreError::Invalid(_)) => {
            let msg = ocop_domain::certificates::follow_up(
                &st.library,
                kind,
                c.stars,
                c.revoked,
                c.expires_on,
                target,
                today,
            )
            .err()
            .map(|r| r.message(Lang::En))
            .unwrap_or_else(|| "refused".into());
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "follow_up_refused",
                msg,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
