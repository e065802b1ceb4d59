//! Demo data of post-certification monitoring: the 2026 periodic plan of Lai Châu
//! with inspections of certified products assigned to the demo inspector
//! (`kiemtra`) — one concluded clean, one concluded with a labelling violation and a
//! deadline, the others waiting for the inspector — and a lead: an expired
//! certificate looked up on the public check. Deterministic: the products are the
//! valid certificates in id order; dates are fixed in 2026 or counted from today.

use crate::audit::Actor;
use crate::entities::{certificate, user};
use crate::error::{Result, StoreError};
use crate::inspections as si;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

async fn principal<C: ConnectionTrait>(
    c: &C,
    username: &str,
) -> Result<ocop_domain::roles::Principal> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(crate::users::principal(&u))
}

/// Loads the monitoring demo (called once by the demo loader).
pub async fn demo_inspections<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<()> {
    let today = ocop_domain::format::today_vn();
    let tinh = principal(db, "tinh").await?;
    let kiemtra = principal(db, "kiemtra").await?;
    let tinh_actor = Actor {
        id: Some(tinh.user_id),
        name: tinh.username.clone(),
    };
    let insp_actor = Actor {
        id: Some(kiemtra.user_id),
        name: kiemtra.username.clone(),
    };
    let _ = actor;
    let plan = si::create_plan(
        db,
        &tinh_actor,
        &tinh,
        "Kế hoạch kiểm tra, giám sát định kỳ sản phẩm OCOP năm 2026",
        2026,
        "periodic",
    )
    .await?;
    let valid = certificate::Entity::find()
        .filter(certificate::Column::Revoked.eq(false))
        .filter(certificate::Column::SupersededBy.is_null())
        .filter(certificate::Column::ExpiresOn.gte(today))
        .order_by_asc(certificate::Column::Id)
        .all(db)
        .await?;
    // Planned dates: fortnightly from March 2026, never before a year ago.
    let start = NaiveDate::from_ymd_opt(2026, 3, 10)
        .expect("date")
        .max(today - chrono::Duration::days(300));
    let mut ids = Vec::new();
    for (i, c) in valid.iter().take(5).enumerate() {
        let focus = if i % 2 == 0 {
            "output_quality,labelling"
        } else {
            "raw_material,process,traceability,labelling"
        };
        let n = si::NewInspection {
            plan_id: Some(plan.id),
            kind: "periodic".into(),
            subject: si::Subject::Product(c.product_id),
            focus: focus.into(),
            planned_on: (start + chrono::Duration::days(14 * i as i64))
                .min(today + chrono::Duration::days(30 + 14 * i as i64)),
            inspector_id: kiemtra.user_id,
            lead: None,
        };
        ids.push((
            si::plan(db, &tinh_actor, &tinh, &n, today).await?,
            c.clone(),
        ));
    }
    // One done, clean.
    if let Some((m, _)) = ids.first() {
        let lines: Vec<(String, String)> = ["out_standard", "out_safety", "out_sample", "lb_content", "lb_mark", "lb_promo"]
            .iter()
            .map(|i| (format!("check:{i}"), if *i == "out_sample" { "na" } else { "ok" }.to_string()))
            .chain(std::iter::once(("findings".to_string(), "Sản phẩm sản xuất đúng quy trình, phiếu kiểm nghiệm còn hiệu lực; nhãn ghi đủ nội dung, biểu trưng OCOP đúng hạng sao.".to_string())))
            .collect();
        si::save_fields(db, &insp_actor, &kiemtra, m.id, &lines).await?;
        let on = m.planned_on.min(today);
        si::conclude(db, &insp_actor, &kiemtra, m.id, "compliant", "Sản phẩm duy trì các tiêu chí theo hồ sơ đã đánh giá, phân hạng; sử dụng nhãn hiệu OCOP đúng quy định.", on, today).await?;
    }
    // One done, with a labelling violation and a deadline.
    if let Some((m, _)) = ids.get(1) {
        let lines = vec![
            ("check:lb_content".to_string(), "ok".to_string()),
            ("check:lb_mark".to_string(), "not_ok".to_string()),
            ("note:lb_mark".to_string(), "Bao bì in biểu trưng OCOP 4 sao, sản phẩm được công nhận 3 sao.".to_string()),
            ("check:rm_area".to_string(), "ok".to_string()),
            ("check:pr_same".to_string(), "ok".to_string()),
            ("findings".to_string(), "Tại cơ sở và 2 điểm bán ở thị trấn, bao bì lô mới in biểu trưng OCOP 4 sao trong khi giấy chứng nhận là 3 sao.".to_string()),
        ];
        si::save_fields(db, &insp_actor, &kiemtra, m.id, &lines).await?;
        si::add_sample(
            db,
            &insp_actor,
            &kiemtra,
            m.id,
            &si::NewSample {
                sample_code: "M-02/2026".into(),
                parameter: "Độ ẩm".into(),
                value: "4,2".into(),
                unit: "%".into(),
                limit_kind: "max".into(),
                limit: "5".into(),
                lab: "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Lai Châu".into(),
            },
        )
        .await?;
        si::add_violation(
            db,
            &insp_actor,
            &kiemtra,
            m.id,
            "labelling",
            "Sử dụng biểu trưng OCOP không đúng hạng sao được công nhận (4 sao thay vì 3 sao).",
            "In lại bao bì đúng hạng 3 sao; thu hồi bao bì đã in sai tại các điểm bán.",
            today + chrono::Duration::days(30),
            today,
        )
        .await?;
        si::add_recall(
            db,
            &insp_actor,
            &kiemtra,
            m.id,
            "L03/2026",
            240,
            "hộp",
            "Bao bì in sai hạng sao OCOP",
        )
        .await?;
        let on = m.planned_on.min(today);
        si::conclude(db, &insp_actor, &kiemtra, m.id, "violations", "Vi phạm về sử dụng nhãn hiệu OCOP (Điều 9.3.b); yêu cầu khắc phục trong 30 ngày, kiểm tra lại sau thời hạn.", on, today).await?;
    }
    // A lead: an expired certificate looked up on the public check this week.
    if let Some(expired) = certificate::Entity::find()
        .filter(certificate::Column::Revoked.eq(false))
        .filter(certificate::Column::ExpiresOn.lt(today))
        .order_by_asc(certificate::Column::Id)
        .one(db)
        .await?
    {
        for days in [0, 1, 2] {
            si::record_lookup(
                db,
                &expired,
                "expired",
                today - chrono::Duration::days(days),
            )
            .await?;
        }
    }
    Ok(())
}
