//! The province's steps around its council on the dossier page (QĐ 26/2026 Art.
//! 7.3): the report on the file to the council's chair (c) and the written notice of
//! the result (g). The rules are `ocop_domain::workflow`'s; the writes are
//! `ocop_store::province_steps`'.

use super::redirect_with_flash;
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use ocop_domain::dossier::{Kind, State};
use ocop_domain::format::{date_vn, parse_date_vn};
use ocop_domain::roles::Principal;
use ocop_domain::workflow::{self as wf, AdvisoryReport};
use ocop_store::entities::dossier;
use ocop_store::province_steps as ps;
use ocop_store::StoreError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dossiers/{id}/advisory-report", post(save_report))
        .route("/dossiers/{id}/result-notice", post(send_notice))
}

/// What the dossier page shows of these steps.
#[derive(Debug, Default)]
pub struct StepsView {
    /// Who writes the report for this kind of dossier.
    pub author: String,
    /// The recorded report, for officers.
    pub report: Option<AdvisoryReport>,
    pub report_version: i32,
    /// The report form (province officers, while the province holds the file).
    pub report_form: bool,
    /// The notice sent: (reference, date).
    pub notice: Option<(String, String)>,
    /// The notice form (province officers, once decided).
    pub notice_form: bool,
}

impl StepsView {
    pub fn sent_on(&self) -> String {
        self.report
            .as_ref()
            .and_then(|r| r.sent_to_chair_on)
            .map(date_vn)
            .unwrap_or_default()
    }
    pub fn survey_on(&self) -> String {
        self.report
            .as_ref()
            .and_then(|r| r.field_survey_on)
            .map(date_vn)
            .unwrap_or_default()
    }
}

pub async fn view(
    ctx: &Ctx,
    p: &Principal,
    d: &dossier::Model,
    state: State,
    in_scope: bool,
) -> Result<StepsView, AppError> {
    let db = &ctx.state.db.conn;
    let today = ctx.state.today();
    let kind = ocop_store::dossiers::parse_kind(&d.kind).unwrap_or(Kind::FirstEvaluation);
    let report = ps::advisory_report(db, d.id).await?;
    let notice = ps::result_notice(db, d.id).await?;
    let certified = if state == State::Recognised {
        ocop_store::certificates::of_dossier(db, d.id)
            .await?
            .is_some()
    } else {
        false
    };
    let officer = p.role.is_officer() && in_scope;
    Ok(StepsView {
        author: wf::advisory_author(kind, ctx.lang).into(),
        report_version: report.as_ref().map(|r| r.version).unwrap_or(0),
        report_form: in_scope
            && wf::may_record_advisory_report(state, p.role, today, today).is_ok(),
        report: report.as_ref().filter(|_| officer).map(ps::report_of),
        notice_form: in_scope
            && notice.is_none()
            && wf::may_notify_result(p.role, state, certified, None).is_ok(),
        notice: notice.map(|n| (n.reference, date_vn(n.signed_on))),
    })
}

async fn dossier_in_scope(ctx: &Ctx, p: &Principal, id: i64) -> Result<bool, AppError> {
    let d = ocop_store::dossiers::get(&ctx.state.db.conn, id).await?;
    let in_scope = p.can_see(&super::dossiers::loc(&d));
    if !in_scope {
        return Err(AppError::NotFound);
    }
    Ok(in_scope)
}

async fn save_report(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let in_scope = dossier_in_scope(&ctx, p, id).await?;
    let lang = ctx.lang;
    let today = ctx.state.today();
    let sent = fields.get("sent_to_chair_on");
    let survey = fields.get("field_survey_on");
    let report = AdvisoryReport {
        reference: fields.get("reference").into(),
        sent_to_chair_on: parse_date_vn(sent),
        field_survey_on: parse_date_vn(survey),
        lab_tests: fields.get("lab_tests").into(),
        findings: fields.get("findings").into(),
        recommendation: fields.get("recommendation").into(),
    };
    let bad_date = (!sent.trim().is_empty() && report.sent_to_chair_on.is_none())
        || (!survey.trim().is_empty() && report.field_survey_on.is_none());
    let problems = report.problems();
    if bad_date || !problems.is_empty() {
        let msg = if bad_date {
            t(lang, "err.date").to_string()
        } else {
            problems
                .iter()
                .map(|(f, why)| {
                    format!(
                        "{}: {}",
                        t(lang, &format!("advisory.{f}")),
                        t(lang, &format!("advisory.why_{why}"))
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        return super::dossiers::refused(&ctx, id, msg, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    match ps::record_advisory_report(
        &ctx.state.db.conn,
        &ctx.actor(),
        p.role,
        in_scope,
        id,
        version,
        &report,
        today,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/dossiers/{id}#advisory"),
            "saved",
        )),
        Err(e) => refused(&ctx, id, e).await,
    }
}

async fn send_notice(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let in_scope = dossier_in_scope(&ctx, p, id).await?;
    let lang = ctx.lang;
    let today = ctx.state.today();
    let Some(signed_on) = parse_date_vn(fields.get("signed_on")) else {
        return super::dossiers::refused(
            &ctx,
            id,
            t(lang, "err.date").into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match ps::notify_result(
        &ctx.state.db.conn,
        &ctx.actor(),
        p.role,
        in_scope,
        id,
        fields.get("reference"),
        signed_on,
        today,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/dossiers/{id}#notice"),
            "saved",
        )),
        Err(e) => refused(&ctx, id, e).await,
    }
}

/// A refused step in words on the dossier page; nothing was written.
async fn refused(ctx: &Ctx, id: i64, e: StoreError) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (msg, status) = match e {
        StoreError::Workflow(r) => (r.message(lang), crate::error::refusal_status(&r)),
        StoreError::Invalid(code) => (
            t(lang, &format!("advisory.invalid_{code}")).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        StoreError::Conflict => (t(lang, "err.conflict").into(), StatusCode::CONFLICT),
        e => return Err(e.into()),
    };
    super::dossiers::refused(ctx, id, msg, status).await
}
