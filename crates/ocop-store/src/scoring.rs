//! Stored score sheets: producers' self-assessments (council sheets will join them).

use crate::audit::{self, Actor};
use crate::entities::self_assessment;
use crate::error::{Result, StoreError};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

/// The saved self-assessment of a product on a sheet, if any.
pub async fn get_self_assessment<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
    sheet_code: &str,
) -> Result<Option<self_assessment::Model>> {
    Ok(self_assessment::Entity::find()
        .filter(self_assessment::Column::ProductId.eq(product_id))
        .filter(self_assessment::Column::SheetCode.eq(sheet_code))
        .one(c)
        .await?)
}

/// What is saved with a self-assessment.
#[derive(Debug, Clone)]
pub struct SelfAssessmentData {
    pub product_id: i64,
    pub sheet_code: String,
    pub rulebook_id: String,
    pub choices: serde_json::Value,
    pub total: i32,
    pub stars: i32,
    /// Criterion id → cited document ids.
    pub evidence: serde_json::Value,
}

/// Saves (creates or replaces) a self-assessment. `expected_version` is the version
/// the user read (0 when there was none); a mismatch is a conflict.
pub async fn save_self_assessment<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    expected_version: i32,
    d: SelfAssessmentData,
) -> Result<self_assessment::Model> {
    let txn = crate::db::begin_write(db).await?;
    let existing = get_self_assessment(&txn, d.product_id, &d.sheet_code).await?;
    let now = crate::now();
    let json = d.choices.to_string();
    let m = match existing {
        None if expected_version == 0 => self_assessment::ActiveModel {
            product_id: Set(d.product_id),
            sheet_code: Set(d.sheet_code.clone()),
            rulebook_id: Set(d.rulebook_id.clone()),
            choices: Set(json),
            total: Set(d.total),
            stars: Set(d.stars),
            updated_at: Set(now),
            updated_by: Set(actor.name.clone()),
            version: Set(1),
            evidence: Set(d.evidence.to_string()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(StoreError::unique_as("self_assessment"))?,
        Some(e) if e.version == expected_version => {
            let mut am = e.into_active_model();
            am.rulebook_id = Set(d.rulebook_id.clone());
            am.choices = Set(json);
            am.total = Set(d.total);
            am.stars = Set(d.stars);
            am.evidence = Set(d.evidence.to_string());
            am.updated_at = Set(now);
            am.updated_by = Set(actor.name.clone());
            am.version = Set(expected_version + 1);
            am.update(&txn).await?
        }
        _ => return Err(StoreError::Conflict),
    };
    audit::record(
        &txn,
        actor,
        "product",
        d.product_id,
        "self_assessment",
        None,
        Some(serde_json::json!({"sheet": d.sheet_code, "rulebook": d.rulebook_id, "total": d.total, "stars": d.stars, "evidence": d.evidence})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
