//! Demo data of the plan area (issue 13): the Lai Châu 2025 plan (Kế hoạch số
//! 1426/KH-UBND) with its six targets, so the dashboard and
//! `GET /api/v1/indicators?unit=12&year=2025` show them.

use crate::audit::Actor;
use crate::error::Result;
use ocop_domain::indicators::{Comparator, Target};
use ocop_domain::units::Period;

/// The six targets of the 2025 plan (`docs/indicators.md`).
pub fn lai_chau_2025_targets() -> Vec<(String, Target)> {
    let t = |id: &str, comparator, value, max| {
        (
            id.to_string(),
            Target {
                comparator,
                value,
                max,
            },
        )
    };
    vec![
        t("new_recognitions", Comparator::Gt, 60.0, None),
        t("re_recognitions", Comparator::Gt, 30.0, None),
        t("total_products", Comparator::Gt, 282.0, None),
        t("organisations_developed", Comparator::Gt, 20.0, None),
        t("modern_channel_share", Comparator::Ge, 70.0, None),
        t("revenue_growth", Comparator::Range, 5.0, Some(10.0)),
    ]
}

/// Stores the province's 2025 plan unless one exists.
pub async fn demo_plan<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<()> {
    let Some(province) = crate::units::find(db, "12", Period::Post2025).await? else {
        return Ok(());
    };
    if crate::indicators::plan_of(db, &province.path, 2025)
        .await?
        .is_some()
    {
        return Ok(());
    }
    crate::indicators::create_plan(
        db,
        actor,
        crate::indicators::NewPlan {
            unit_code: province.code,
            unit_period: Period::Post2025,
            unit_level: province.level,
            unit_path: province.path,
            year: 2025,
            title: "Kế hoạch số 1426/KH-UBND thực hiện Chương trình OCOP tỉnh Lai Châu năm 2025"
                .into(),
            targets: lai_chau_2025_targets(),
        },
    )
    .await?;
    Ok(())
}
