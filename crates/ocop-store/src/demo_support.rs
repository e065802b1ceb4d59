//! Demo data of support and funding, training and communication, and news (issue
//! 12): realistic Lai Châu records, written through the same store use cases as the
//! pages and the API. Deterministic: fixed names, amounts and dates.

use crate::audit::Actor;
use crate::entities::producer;
use crate::error::{Result, StoreError};
use crate::support::{self, LineInput, Move, SupportError, SupportInput};
use crate::{news, training};
use chrono::NaiveDate;
use ocop_domain::roles::{Principal, Role};
use ocop_domain::support::SupportAction;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid demo date")
}

fn store(e: SupportError) -> StoreError {
    match e {
        SupportError::Store(s) => s,
        other => StoreError::Invalid(format!("demo support data: {other}")),
    }
}

async fn producer_id<C: ConnectionTrait>(c: &C, name: &str) -> Result<i64> {
    producer::Entity::find()
        .filter(producer::Column::Name.eq(name))
        .one(c)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| StoreError::Invalid(format!("demo producer {name} missing")))
}

/// Loads the support, training, communication and news demo (called once by
/// `demo::load_with_files`, inside its transaction).
pub async fn load<C: TransactionTrait + ConnectionTrait>(db: &C, actor: &Actor) -> Result<()> {
    let province = Principal::new(
        0,
        actor.name.clone(),
        Role::ProvinceOfficer,
        Some("VN/12/".into()),
        None,
    );
    let mut lines = Vec::new();
    for (year, source, policy, name, allocated) in [
        (
            2025,
            "provincial",
            Some("nq-07-2021"),
            "Hỗ trợ phát triển sản phẩm OCOP năm 2025 (NQ 07/2021/NQ-HĐND)",
            2_500_000_000i64,
        ),
        (
            2025,
            "central",
            Some("nq-63-2023"),
            "Chương trình MTQG xây dựng nông thôn mới – hợp phần OCOP năm 2025",
            1_800_000_000,
        ),
        (
            2026,
            "provincial",
            Some("nq-63-2023"),
            "Hỗ trợ phát triển sản xuất, sản phẩm OCOP năm 2026 (NQ 63/2023/NQ-HĐND)",
            2_000_000_000,
        ),
        (
            2026,
            "central",
            None,
            "Chương trình MTQG xây dựng nông thôn mới – hợp phần OCOP năm 2026",
            1_500_000_000,
        ),
    ] {
        let l = support::create_line(
            db,
            actor,
            &province,
            &LineInput {
                year,
                source: source.into(),
                policy_code: policy.map(Into::into),
                name: name.into(),
                allocated_vnd: allocated,
                unit_code: None,
            },
        )
        .await
        .map_err(store)?;
        lines.push(l.id);
    }
    // (producer, kind, policy, source, line, title, planned, proposed, approved (amount, date),
    //  disbursements (amount, date, reason), completed)
    type Pay = (i64, NaiveDate, Option<&'static str>);
    type Approval = Option<(i64, NaiveDate)>;
    type Text = &'static str;
    type Rec = (
        Text,
        Text,
        Text,
        Text,
        usize,
        Text,
        i64,
        NaiveDate,
        Approval,
        Vec<Pay>,
        Option<NaiveDate>,
    );
    let records: [Rec; 5] = [
        (
            "HTX Chè Tam Đường (demo)",
            "packaging",
            "nq-07-2021",
            "provincial",
            0,
            "Thiết kế bộ nhận diện, bao bì và tem truy xuất cho chè shan tuyết",
            150_000_000,
            d(2025, 2, 20),
            Some((120_000_000, d(2025, 3, 18))),
            vec![
                (60_000_000, d(2025, 5, 6), None),
                (60_000_000, d(2025, 8, 12), None),
            ],
            Some(d(2025, 8, 29)),
        ),
        (
            "HTX Sâm Sìn Hồ (demo)",
            "trademark",
            "nq-07-2021",
            "provincial",
            0,
            "Đăng ký nhãn hiệu tập thể \"Sâm Sìn Hồ\"",
            60_000_000,
            d(2025, 3, 3),
            Some((50_000_000, d(2025, 4, 2))),
            vec![
                (30_000_000, d(2025, 6, 10), None),
                (
                    25_000_000,
                    d(2025, 9, 15),
                    Some(
                        "Phí thẩm định đơn nhãn hiệu tăng theo biểu phí mới của Cục Sở hữu trí tuệ",
                    ),
                ),
            ],
            None,
        ),
        (
            "HTX Nông nghiệp dịch vụ Bình Lư (demo)",
            "equipment",
            "nq-63-2023",
            "central",
            1,
            "Máy sấy và máy đóng gói chân không cho dây chuyền chè",
            400_000_000,
            d(2025, 4, 8),
            Some((350_000_000, d(2025, 5, 20))),
            vec![(200_000_000, d(2025, 7, 1), None)],
            None,
        ),
        (
            "HTX Dong riềng Nậm Nhùn (demo)",
            "equipment",
            "nq-63-2023",
            "provincial",
            2,
            "Dây chuyền tráng miến dong riềng bán tự động",
            300_000_000,
            d(2026, 1, 15),
            None,
            vec![],
            None,
        ),
        (
            "Cơ sở sản xuất Thiết Hà (demo)",
            "trade_fair",
            "nq-07-2021",
            "provincial",
            2,
            "Tham gia Hội chợ OCOP khu vực miền núi phía Bắc 2026",
            25_000_000,
            d(2026, 2, 2),
            Some((20_000_000, d(2026, 2, 25))),
            vec![],
            None,
        ),
    ];
    for (
        name,
        kind,
        policy,
        source,
        line,
        title,
        planned,
        proposed_on,
        approved,
        pays,
        completed,
    ) in records
    {
        let pid = producer_id(db, name).await?;
        let r = support::propose(
            db,
            actor,
            &province,
            &SupportInput {
                producer_id: pid,
                product_id: None,
                kind: kind.into(),
                policy_code: Some(policy.into()),
                source: source.into(),
                budget_line_id: Some(lines[line]),
                title: title.into(),
                note: None,
                planned_vnd: planned,
                proposed_on,
            },
        )
        .await
        .map_err(store)?;
        let mut version = r.version;
        let step = |action, amount: Option<i64>, on, reason: Option<&str>| Move {
            action,
            version: 0,
            amount_vnd: amount,
            on,
            reason: reason.map(Into::into),
        };
        let mut moves = Vec::new();
        if let Some((amount, on)) = approved {
            moves.push(step(SupportAction::Approve, Some(amount), on, None));
        }
        for (amount, on, reason) in pays {
            moves.push(step(SupportAction::Disburse, Some(amount), on, reason));
        }
        if let Some(on) = completed {
            moves.push(step(SupportAction::Complete, None, on, None));
        }
        for mut m in moves {
            m.version = version;
            version = support::transition(db, actor, &province, r.id, &m)
                .await
                .map_err(store)?
                .version;
        }
    }

    let courses = [
        (
            "Tập huấn nghiệp vụ triển khai Chương trình OCOP cho cán bộ cấp xã năm 2025",
            d(2025, 4, 15),
            d(2025, 4, 16),
            "Hội trường Sở Nông nghiệp và Môi trường, phường Tân Phong",
            "Văn phòng Điều phối nông thôn mới tỉnh",
            vec![
                ("Lò Văn Thắng", "official", "03390"),
                ("Tao Thị Hương", "official", "03388"),
                ("Giàng A Sử", "official", "03439"),
                ("Lường Văn Phong", "official", "03445"),
            ],
        ),
        (
            "Xây dựng câu chuyện sản phẩm, thiết kế bao bì và truy xuất nguồn gốc cho chủ thể OCOP",
            d(2025, 6, 9),
            d(2025, 6, 11),
            "UBND xã Bình Lư",
            "Trung tâm Khuyến nông tỉnh Lai Châu",
            vec![
                ("Đao Văn Hơn", "producer", "03433"),
                ("Phìn Thị Chiển", "producer", "03433"),
                ("Vàng A Páo", "producer", "03562"),
                ("Lò Thị Mai", "producer", "03390"),
                ("Hoàng Văn Thanh", "official", "03390"),
            ],
        ),
        (
            "Kỹ năng bán hàng trên sàn thương mại điện tử cho sản phẩm OCOP",
            d(2025, 9, 22),
            d(2025, 9, 23),
            "Trung tâm Xúc tiến đầu tư, thương mại và du lịch tỉnh",
            "Sở Công Thương Lai Châu",
            vec![
                ("Trần Văn Tuyển", "producer", "03439"),
                ("Chu Nhù Pư", "producer", "03439"),
                ("Nguyễn Thị Lan", "official", "03445"),
            ],
        ),
        (
            "Tập huấn áp dụng QĐ 26/2026/QĐ-TTg trong đánh giá, phân hạng sản phẩm OCOP",
            d(2026, 3, 10),
            d(2026, 3, 11),
            "Hội trường UBND tỉnh Lai Châu",
            "Văn phòng Điều phối nông thôn mới Trung ương",
            vec![
                ("Lò Văn Thắng", "official", "03390"),
                ("Tao Thị Hương", "official", "03388"),
                ("Sùng A Dơ", "official", "03478"),
            ],
        ),
    ];
    for (topic, starts, ends, place, trainer, people) in courses {
        training::create_course(
            db,
            actor,
            &province,
            &training::CourseInput {
                topic: topic.into(),
                starts_on: Some(starts),
                ends_on: Some(ends),
                place: place.into(),
                trainer: trainer.into(),
                unit_code: None,
                attendees: people
                    .into_iter()
                    .map(|(n, r, u)| training::AttendeeInput {
                        name: n.into(),
                        role: r.into(),
                        unit_code: Some(u.into()),
                        producer_id: None,
                    })
                    .collect(),
            },
        )
        .await
        .map_err(store)?;
    }
    for (kind, title, on, outlet) in [
        (
            "article",
            "Lai Châu: chè shan tuyết Tam Đường đạt 4 sao OCOP",
            d(2025, 7, 3),
            "Báo Lai Châu",
        ),
        (
            "clip",
            "Phóng sự: Sản phẩm OCOP – hướng đi bền vững cho đồng bào vùng cao",
            d(2025, 8, 20),
            "Đài Phát thanh và Truyền hình Lai Châu",
        ),
        (
            "panel",
            "Pa nô tuyên truyền Chương trình OCOP tại trung tâm xã Bình Lư",
            d(2025, 5, 5),
            "UBND xã Bình Lư",
        ),
        (
            "event",
            "Tuần hàng sản phẩm OCOP và đặc sản Lai Châu 2025",
            d(2025, 11, 14),
            "Sở Công Thương Lai Châu",
        ),
    ] {
        training::create_piece(
            db,
            actor,
            &province,
            &training::PieceInput {
                kind: kind.into(),
                title: title.into(),
                published_on: Some(on),
                outlet: outlet.into(),
                link: None,
                unit_code: None,
            },
        )
        .await
        .map_err(store)?;
    }
    for (title, summary, body, category, publish) in [
        ("Mở đợt đánh giá, phân hạng sản phẩm OCOP tỉnh Lai Châu năm 2026",
         "Các chủ thể nộp hồ sơ tại UBND xã trước ngày 30/6/2026.",
         "UBND tỉnh Lai Châu thông báo mở đợt đánh giá, phân hạng sản phẩm OCOP năm 2026 theo Quyết định 26/2026/QĐ-TTg.\nChủ thể nộp phiếu đăng ký và hồ sơ sản phẩm tại UBND xã nơi sản xuất; cán bộ xã hướng dẫn tự đánh giá theo bộ tiêu chí.",
         "round_opened", true),
        ("Hội chợ OCOP và đặc sản vùng miền Lai Châu 2025",
         "Hơn 60 gian hàng của các chủ thể OCOP trong tỉnh.",
         "Từ ngày 14 đến 18/11/2025, tại Quảng trường nhân dân tỉnh diễn ra Tuần hàng sản phẩm OCOP và đặc sản Lai Châu với hơn 60 gian hàng: chè shan tuyết, sâm Lai Châu, miến dong, gạo Séng Cù…",
         "fair", true),
        ("Kết quả đánh giá, phân hạng sản phẩm OCOP đợt 1 năm 2026",
         "Dự thảo — chờ quyết định công nhận của UBND tỉnh.",
         "Hội đồng cấp tỉnh đã đánh giá các sản phẩm đợt 1 năm 2026; danh sách được công bố sau khi có quyết định công nhận.",
         "results", false),
    ] {
        let n = news::create(db, actor, &province, &news::NewsInput { title: title.into(), summary: summary.into(), body: body.into(), category: category.into() })
            .await
            .map_err(store)?;
        if publish {
            news::set_published(db, actor, &province, n.id, n.version, true).await.map_err(store)?;
        }
    }
    Ok(())
}
