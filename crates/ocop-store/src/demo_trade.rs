//! Demo data of trade promotion (issue 12): points of sale in Lai Châu, two fairs
//! (one in Hà Nội), modern sales channels for about three quarters of the certified
//! producers, revenue 2023–2026 for certified products (5–10 % growth for most), and
//! organisation milestones in 2025. Deterministic: everything follows from ids and
//! fixed tables. Written through the same store use cases as the pages.

use crate::audit::Actor;
use crate::entities::{producer, product};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use ocop_domain::roles::{Principal, Role};
use ocop_domain::trade::{ChannelInput, FairInput, MilestoneInput, PointOfSaleInput, RevenueInput};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// (name, showroom, address, unit code, operator, opened, lat, lon)
type DemoPoint = (
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static str,
    (i32, u32, u32),
    f64,
    f64,
);

const POINTS: &[DemoPoint] = &[
    (
        "Trung tâm giới thiệu sản phẩm OCOP tỉnh Lai Châu (demo)",
        true,
        "Đại lộ Lê Lợi, phường Tân Phong",
        "03408",
        "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh",
        (2023, 4, 28),
        22.3937,
        103.4587,
    ),
    (
        "Điểm bán sản phẩm OCOP Sìn Hồ (demo)",
        false,
        "Khu 5, xã Sìn Hồ",
        "03478",
        "HTX Sâm Sìn Hồ",
        (2024, 9, 2),
        22.3606,
        103.2446,
    ),
    (
        "Điểm bán sản phẩm OCOP Tam Đường (demo)",
        false,
        "Quốc lộ 4D, xã Bình Lư",
        "03390",
        "HTX Chè Tam Đường",
        (2024, 1, 15),
        22.4195,
        103.6103,
    ),
    (
        "Điểm bán sản phẩm OCOP Than Uyên (demo)",
        false,
        "Khu 3, xã Than Uyên",
        "03595",
        "UBND xã Than Uyên",
        (2025, 3, 20),
        21.9590,
        103.8870,
    ),
];

/// Modern channels handed out in turn: (kind, partner).
const CHANNELS: &[(&str, &str)] = &[
    ("supermarket", "WinMart"),
    ("ecommerce", "Shopee"),
    ("supermarket", "Co.op Mart"),
    ("ecommerce", "Postmart"),
    ("own_online", "Cửa hàng trực tuyến của chủ thể"),
    ("ecommerce", "Tiki"),
    ("convenience", "WinMart+"),
    ("ecommerce", "Lazada"),
];

/// Loads the trade demo inside the demo's transaction.
pub(crate) async fn demo_trade<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<()> {
    let admin = Principal::new(0, actor.name.clone(), Role::Admin, None, None);
    let certified: Vec<product::Model> = product::Entity::find()
        .filter(product::Column::Status.eq("certified"))
        .order_by_asc(product::Column::Id)
        .all(db)
        .await?;
    let mut owners: Vec<i64> = certified.iter().map(|p| p.producer_id).collect();
    owners.sort_unstable();
    owners.dedup();

    // Points of sale, each selling a few certified products.
    for (i, (name, showroom, address, unit, operator, (y, m, dd), lat, lon)) in
        POINTS.iter().enumerate()
    {
        let ids: Vec<i64> = certified
            .iter()
            .enumerate()
            .filter(|(k, _)| i == 0 || k % POINTS.len() == i)
            .map(|(_, p)| p.id)
            .collect();
        let input = PointOfSaleInput {
            name: (*name).into(),
            address: (*address).into(),
            operator: (*operator).into(),
            opened_on: Some(d(*y, *m, *dd)),
            lat: Some(*lat),
            lon: Some(*lon),
            showroom: *showroom,
        };
        crate::trade::create_point(db, &admin, actor, unit, &input, &ids).await?;
    }

    // Modern channels for three producers in four.
    for (i, pid) in owners.iter().enumerate() {
        if i % 4 == 3 {
            continue;
        }
        let (kind, partner) = CHANNELS[i % CHANNELS.len()];
        let input = ChannelInput {
            kind: kind.into(),
            partner: partner.into(),
            contract_ref: Some(format!("HĐ {:02}/2024/OCOP-LC", i + 1)),
            started_on: d(2024, 1 + (i as u32 % 12), 1 + (i as u32 * 3 % 27)),
            ended_on: None,
            note: None,
        };
        crate::trade::create_channel(db, &admin, actor, *pid, None, &input).await?;
        // Every other one also sells at the provincial point of sale.
        if i % 2 == 0 {
            let pos = ChannelInput {
                kind: "point_of_sale".into(),
                partner: POINTS[0].0.into(),
                started_on: d(2023, 5, 1),
                ..Default::default()
            };
            crate::trade::create_channel(db, &admin, actor, *pid, None, &pos).await?;
        }
    }

    // Revenue 2023–2026: a base per product, 5–10 % growth a year for most (every
    // fifth product dips in 2025), in the modern and traditional channels.
    for p in &certified {
        let founded = producer::Entity::find_by_id(p.producer_id)
            .one(db)
            .await?
            .and_then(|o| o.year_founded)
            .unwrap_or(2000);
        let mut amount: i64 = 250_000_000 + (p.id * 37 % 20) * 40_000_000;
        for year in 2023..=2026 {
            if i64::from(year) >= founded {
                let (modern, traditional) = (amount * 2 / 5, amount - amount * 2 / 5);
                for (channel, v) in [("ecommerce", modern), ("traditional", traditional)] {
                    let input = RevenueInput {
                        year,
                        quarter: None,
                        channel: Some(channel.into()),
                        revenue_vnd: v,
                        output_milli: Some(v / 200_000 * 1000),
                        output_unit: Some("kg".into()),
                    };
                    match crate::revenue::save_revenue(db, &admin, actor, p.id, None, &input).await
                    {
                        Ok(_) | Err(StoreError::Invalid(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            let pct = if p.id % 5 == 0 && year == 2024 {
                -4
            } else {
                5 + p.id % 6
            };
            amount = amount * (100 + pct) / 100;
        }
    }

    // Two fairs: one in Hà Nội, one in the province.
    let parts: Vec<(i64, Option<i64>)> = certified
        .iter()
        .take(5)
        .map(|p| (p.producer_id, Some(p.id)))
        .collect();
    let fairs = [
        (
            "Hội chợ sản phẩm OCOP khu vực phía Bắc 2025 (demo)",
            "Trung tâm Triển lãm Giảng Võ, Hà Nội",
            d(2025, 10, 15),
            d(2025, 10, 19),
            false,
            420_000_000,
            6,
            &parts[..parts.len().min(3)],
        ),
        (
            "Hội chợ Thương mại – OCOP tỉnh Lai Châu 2025 (demo)",
            "Quảng trường Nhân dân tỉnh, phường Tân Phong",
            d(2025, 12, 10),
            d(2025, 12, 14),
            true,
            680_000_000,
            9,
            &parts[..],
        ),
    ];
    for (name, place, from, to, inside, sales, contracts, who) in fairs {
        let input = FairInput {
            name: name.into(),
            place: place.into(),
            starts_on: from,
            ends_on: to,
            in_province: inside,
            sales_vnd: sales,
            contracts_signed: contracts,
        };
        crate::trade::create_fair(db, &admin, actor, "12", &input, who).await?;
    }

    // Organisation milestones of 2025: producers founded that year are new, the
    // others were consolidated (reorganised under the cooperative law).
    let all: Vec<producer::Model> = producer::Entity::find()
        .order_by_asc(producer::Column::Id)
        .all(db)
        .await?;
    for (i, o) in all.iter().enumerate().filter(|(i, _)| i % 2 == 0).take(8) {
        let kind = if o.year_founded == Some(2025) {
            "established"
        } else {
            "consolidated"
        };
        let input = MilestoneInput {
            year: 2025,
            kind: kind.into(),
            legal_form: o.legal_form.clone(),
            occurred_on: d(2025, 2 + (i as u32 % 10), 10 + (i as u32 % 15)),
            note: Some("Theo kế hoạch OCOP 2025 của tỉnh (demo)".into()),
        };
        crate::trade::record_milestone(db, &admin, actor, o.id, &input).await?;
    }
    Ok(())
}
