//! The province's steps around its council (QĐ 26/2026 Art. 7.3): the report on a
//! file to the council's chair before the meeting (c), and the written notice of the
//! result to the commune and the producer (g). The receipt and check of the file (a)
//! are dossier states (`province_check`, `province_supplement`). Each function is one
//! transaction; the rules are `ocop_domain::workflow`'s.

use crate::audit::{self, Actor};
use crate::entities::*;
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use ocop_domain::dossier::State;
use ocop_domain::roles::Role;
use ocop_domain::workflow::{self as wf, AdvisoryReport};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

/// The report on a dossier's file, if recorded.
pub async fn advisory_report<C: ConnectionTrait>(
    c: &C,
    dossier_id: i64,
) -> Result<Option<advisory_report::Model>> {
    Ok(advisory_report::Entity::find()
        .filter(advisory_report::Column::DossierId.eq(dossier_id))
        .one(c)
        .await?)
}

pub fn report_of(m: &advisory_report::Model) -> AdvisoryReport {
    AdvisoryReport {
        reference: m.reference.clone(),
        sent_to_chair_on: Some(m.sent_to_chair_on),
        field_survey_on: m.field_survey_on,
        lab_tests: m.lab_tests.clone(),
        findings: m.findings.clone(),
        recommendation: m.recommendation.clone(),
    }
}

/// Records (or rewrites, at `expected_version`; 0 for the first) the report on a
/// dossier's file. `in_scope` says the user's area holds the dossier: outside it the
/// dossier does not exist for them. Invalid fields → `Invalid("advisory_invalid")`.
#[allow(clippy::too_many_arguments)]
pub async fn record_advisory_report<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    role: Role,
    in_scope: bool,
    dossier_id: i64,
    expected_version: i32,
    r: &AdvisoryReport,
    today: NaiveDate,
) -> Result<advisory_report::Model> {
    if !in_scope {
        return Err(StoreError::NotFound);
    }
    let txn = crate::db::begin_write(db).await?;
    let d = crate::dossiers::get(&txn, dossier_id).await?;
    let state = crate::dossiers::parse_state(&d.state).unwrap_or(State::Draft);
    let clean = AdvisoryReport {
        reference: ocop_domain::text::clean(&r.reference),
        sent_to_chair_on: r.sent_to_chair_on,
        field_survey_on: r.field_survey_on,
        lab_tests: ocop_domain::text::clean(&r.lab_tests),
        findings: ocop_domain::text::clean(&r.findings),
        recommendation: ocop_domain::text::clean(&r.recommendation),
    };
    let sent = clean.sent_to_chair_on.unwrap_or(today);
    wf::may_record_advisory_report(state, role, sent, today).map_err(StoreError::Workflow)?;
    if !clean.problems().is_empty() {
        return Err(StoreError::Invalid("advisory_invalid".into()));
    }
    let existing = advisory_report(&txn, dossier_id).await?;
    if existing.as_ref().map(|e| e.version).unwrap_or(0) != expected_version {
        return Err(StoreError::Conflict);
    }
    let before = existing.as_ref().map(|e| serde_json::json!(report_of(e)));
    let m = match existing {
        Some(e) => {
            let mut am = e.into_active_model();
            am.reference = Set(clean.reference.clone());
            am.sent_to_chair_on = Set(sent);
            am.field_survey_on = Set(clean.field_survey_on);
            am.lab_tests = Set(clean.lab_tests.clone());
            am.findings = Set(clean.findings.clone());
            am.recommendation = Set(clean.recommendation.clone());
            am.written_by = Set(actor.name.clone());
            am.updated_at = Set(crate::now());
            am.version = Set(expected_version + 1);
            am.update(&txn).await?
        }
        None => advisory_report::ActiveModel {
            dossier_id: Set(dossier_id),
            reference: Set(clean.reference.clone()),
            sent_to_chair_on: Set(sent),
            field_survey_on: Set(clean.field_survey_on),
            lab_tests: Set(clean.lab_tests.clone()),
            findings: Set(clean.findings.clone()),
            recommendation: Set(clean.recommendation.clone()),
            written_by: Set(actor.name.clone()),
            updated_at: Set(crate::now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(StoreError::unique_as("dossier_id"))?,
    };
    audit::record(
        &txn,
        actor,
        "dossier",
        dossier_id,
        "advisory_report",
        before,
        Some(serde_json::json!(clean)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// The written notice of a dossier's result, if sent.
pub async fn result_notice<C: ConnectionTrait>(
    c: &C,
    dossier_id: i64,
) -> Result<Option<result_notice::Model>> {
    Ok(result_notice::Entity::find()
        .filter(result_notice::Column::DossierId.eq(dossier_id))
        .one(c)
        .await?)
}

/// Sends the written notice of a dossier's result (Art. 7.3.g): recorded once with
/// the dossier, and delivered to the producer's and the commune's
/// accounts. `signed_on` may not be in the future. A blank reference →
/// `Invalid("reference")`.
#[allow(clippy::too_many_arguments)]
pub async fn notify_result<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    role: Role,
    in_scope: bool,
    dossier_id: i64,
    reference: &str,
    signed_on: NaiveDate,
    today: NaiveDate,
) -> Result<result_notice::Model> {
    if !in_scope {
        return Err(StoreError::NotFound);
    }
    let reference = ocop_domain::text::clean(reference);
    let txn = crate::db::begin_write(db).await?;
    let d = crate::dossiers::get(&txn, dossier_id).await?;
    let state = crate::dossiers::parse_state(&d.state).unwrap_or(State::Draft);
    let certified = crate::certificates::of_dossier(&txn, dossier_id)
        .await?
        .is_some();
    let sent = result_notice(&txn, dossier_id).await?;
    wf::may_notify_result(
        role,
        state,
        certified,
        sent.as_ref().map(|n| n.reference.as_str()),
    )
    .map_err(StoreError::Workflow)?;
    if reference.is_empty() || reference.chars().count() > 100 {
        return Err(StoreError::Invalid("reference".into()));
    }
    if signed_on > today {
        return Err(StoreError::Workflow(wf::Refusal::DateInFuture {
            on: signed_on,
        }));
    }
    let m = result_notice::ActiveModel {
        dossier_id: Set(dossier_id),
        reference: Set(reference.clone()),
        signed_on: Set(signed_on),
        result: Set(state.as_str().into()),
        sent_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("dossier_id"))?;
    let outcome = if state == State::Recognised {
        format!(
            "được công nhận sản phẩm OCOP {} sao",
            d.recognised_stars.unwrap_or(0)
        )
    } else {
        "không được công nhận sản phẩm OCOP".to_string()
    };
    let title = format!("Thông báo kết quả hồ sơ #{dossier_id}: {outcome}");
    let body = format!(
        "Văn bản số {reference} ngày {} của cơ quan tham mưu quản lý OCOP cấp tỉnh.",
        ocop_domain::format::date_vn(signed_on)
    );
    crate::notify::to_parties(
        &txn,
        d.producer_id,
        &title,
        &body,
        &format!("/dossiers/{dossier_id}"),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "dossier",
        dossier_id,
        "result_notice",
        None,
        Some(serde_json::json!({"reference": reference, "signed_on": signed_on, "result": state.as_str()})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
