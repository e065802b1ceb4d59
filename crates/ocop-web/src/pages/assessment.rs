//! The commune's written assessment of a dossier (QĐ 26/2026 Art. 7.2.a; Mẫu 03
//! section II): while it checks a submitted dossier, the commune writes four
//! contents — origin and local raw materials, local labour, origin of the idea,
//! local identity and knowledge — and its proposal. No points: the council scores
//! every criterion and is not bound by the assessment, which its members read on
//! the agenda item.
//!
//! `GET /dossiers/{id}/assessment` shows it (a form for the commune officer of the
//! dossier's commune, or a district or province officer of its area, while the
//! dossier is `submitted`); `POST` saves it.

use super::{redirect_with_flash, render, FormState, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ocop_domain::council::{may_assess, CommuneAssessment};
use ocop_domain::roles::{Principal, Scope};
use ocop_store::councils as cs;
use ocop_store::entities::dossier;

pub fn routes() -> Router<AppState> {
    Router::new().route("/dossiers/{id}/assessment", get(show).post(save))
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    l: Layout,
    dossier_id: i64,
    number: String,
    product: String,
    editable: bool,
    /// Why the form is not offered, in words.
    why_not: String,
    written_by: String,
    version: i32,
    fields: Vec<(&'static str, &'static str)>,
    f: FormState,
    error: Option<String>,
}

/// The user's area holds the dossier.
fn in_scope(p: &Principal, d: &dossier::Model) -> bool {
    match &p.scope {
        Scope::Unit { path } => {
            ocop_domain::units::path_within(&d.unit_path, path)
                || ocop_domain::units::path_within(&d.current_unit_path, path)
        }
        Scope::All => true,
        _ => false,
    }
}

const LABELS: [(&str, &str); 5] = [
    ("origin_materials", "assessment.origin_materials"),
    ("local_labour", "assessment.local_labour"),
    ("idea_origin", "assessment.idea_origin"),
    ("local_identity", "assessment.local_identity"),
    ("proposal", "assessment.proposal"),
];

async fn page(
    ctx: &Ctx,
    id: i64,
    posted: Option<FormState>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let d = ocop_store::dossiers::get(db, id).await?;
    if !p.can_see(&super::dossiers::loc(&d)) {
        return Err(AppError::NotFound);
    }
    let state =
        ocop_store::dossiers::parse_state(&d.state).unwrap_or(ocop_domain::dossier::State::Draft);
    let verdict = may_assess(p.role, in_scope(p, &d), state);
    let existing = cs::assessment(db, id).await?;
    let f = match posted {
        Some(f) => f,
        None => {
            let mut f = FormState::default();
            if let Some(a) = &existing {
                let a = cs::assessment_of(a);
                for field in CommuneAssessment::FIELDS {
                    f.set(field, a.get(field));
                }
            }
            f
        }
    };
    let product = ocop_store::registry::get_product(db, d.product_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    let mut r = render(&AssessmentPage {
        l: Layout::new(ctx, format!("{} · {product}", t(lang, "assessment.title"))),
        dossier_id: id,
        number: d.registration_number.clone(),
        product,
        editable: verdict.is_ok(),
        why_not: verdict.err().map(|e| e.message(lang)).unwrap_or_default(),
        written_by: existing
            .as_ref()
            .map(|a| a.written_by.clone())
            .unwrap_or_default(),
        version: existing.as_ref().map(|a| a.version).unwrap_or(0),
        fields: LABELS
            .iter()
            .map(|(k, label)| (*k, t(lang, label)))
            .collect(),
        f,
        error,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, id, None, None, StatusCode::OK).await
}

async fn save(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let d = ocop_store::dossiers::get(db, id).await?;
    if !p.can_see(&super::dossiers::loc(&d)) {
        return Err(AppError::NotFound);
    }
    let a = CommuneAssessment {
        origin_materials: fields.get("origin_materials").to_string(),
        local_labour: fields.get("local_labour").to_string(),
        idea_origin: fields.get("idea_origin").to_string(),
        local_identity: fields.get("local_identity").to_string(),
        proposal: fields.get("proposal").to_string(),
    };
    let mut f = FormState::from_fields(&fields);
    for (field, why) in a.problems() {
        f.errors.insert(
            field.into(),
            t(
                lang,
                if why == "too_long" {
                    "assessment.too_long"
                } else {
                    "assessment.required"
                },
            )
            .into(),
        );
    }
    if f.has_errors() {
        return page(
            &ctx,
            id,
            Some(f),
            Some(t(lang, "err.form").into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    match cs::save_assessment(db, &ctx.actor(), p.role, in_scope(p, &d), id, version, &a).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/dossiers/{id}/assessment"),
            "saved",
        )),
        Err(cs::WorkflowError::Assess(r)) => {
            let status = if r.code() == "wrong_role" {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            page(&ctx, id, Some(f), Some(r.message(lang)), status).await
        }
        Err(cs::WorkflowError::Store(ocop_store::StoreError::Conflict)) => {
            page(
                &ctx,
                id,
                Some(f),
                Some(t(lang, "err.conflict").into()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(cs::WorkflowError::Store(e)) => Err(e.into()),
        Err(_) => Err(AppError::Conflict),
    }
}
