//! The trade and revenue lists as spreadsheets (Vietnamese headers with units),
//! shared by the API's and the pages' exports, and the columns of the revenue
//! import (the same headers as the export, so an exported file reads back).

use ocop_docs::xlsx_read::{ColType, Column};
use ocop_docs::Table;
use ocop_domain::format::date_vn;
use ocop_domain::operations::ChannelKind;
use ocop_domain::registry::Lang;
use ocop_domain::roles::Scope;
use ocop_store::entities::organisation_milestone;
use ocop_store::revenue::{GrowthRow, RevenueRow};
use ocop_store::trade::{Fair, PointOfSale};
use ocop_store::StoreError;

fn kind_label(code: &str) -> String {
    code.parse::<ChannelKind>()
        .map(|k| k.label(Lang::Vi).to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// Rows of the channel export: producer and product names resolved.
pub async fn channel_rows(
    c: &ocop_store::DatabaseConnection,
    scope: &Scope,
    max: u64,
) -> Result<Vec<Vec<String>>, StoreError> {
    let pg = ocop_store::trade::list_channels(
        c,
        scope,
        &ocop_store::trade::ChannelFilter {
            page: 1,
            per_page: max,
            ..Default::default()
        },
    )
    .await?;
    let mut out = Vec::with_capacity(pg.items.len());
    for m in pg.items {
        let producer = ocop_store::registry::get_producer(c, m.producer_id)
            .await
            .map(|p| p.name)
            .unwrap_or_default();
        let product = match m.product_id {
            Some(id) => ocop_store::registry::get_product(c, id)
                .await
                .map(|p| p.name)
                .unwrap_or_default(),
            None => "Tất cả sản phẩm".into(),
        };
        out.push(vec![
            producer,
            product,
            kind_label(&m.kind),
            m.partner,
            m.contract_ref.unwrap_or_default(),
            date_vn(m.started_on),
            m.ended_on.map(date_vn).unwrap_or_default(),
        ]);
    }
    Ok(out)
}

pub fn channels_table(rows: Vec<Vec<String>>) -> Table<'static> {
    Table {
        sheet: "Kênh bán hàng",
        title: "Kênh phân phối của chủ thể và sản phẩm OCOP",
        headers: vec![
            "Chủ thể",
            "Sản phẩm",
            "Loại kênh",
            "Đối tác",
            "Số hợp đồng",
            "Ngày bắt đầu",
            "Ngày kết thúc",
        ],
        rows,
    }
}

fn coord(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.5}")).unwrap_or_default()
}

pub fn points_table(items: &[PointOfSale]) -> Table<'static> {
    Table {
        sheet: "Điểm bán OCOP",
        title: "Điểm giới thiệu và bán sản phẩm OCOP",
        headers: vec![
            "Tên điểm bán",
            "Loại",
            "Địa chỉ",
            "Đơn vị hành chính",
            "Đơn vị vận hành",
            "Ngày khai trương",
            "Vĩ độ (độ)",
            "Kinh độ (độ)",
            "Số sản phẩm đang bán",
            "Sản phẩm",
        ],
        rows: items
            .iter()
            .map(|p| {
                let m = &p.point;
                vec![
                    m.name.clone(),
                    if m.showroom {
                        "Phòng trưng bày"
                    } else {
                        "Điểm bán"
                    }
                    .to_string(),
                    m.address.clone(),
                    m.unit_name.clone(),
                    m.operator.clone(),
                    m.opened_on.map(date_vn).unwrap_or_default(),
                    coord(m.latitude),
                    coord(m.longitude),
                    p.products.len().to_string(),
                    p.products
                        .iter()
                        .map(|x| x.1.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    }
}

pub fn fairs_table(items: &[Fair]) -> Table<'static> {
    Table {
        sheet: "Hội chợ",
        title: "Hội chợ, triển lãm xúc tiến thương mại",
        headers: vec![
            "Tên hội chợ, triển lãm",
            "Địa điểm",
            "Trong/ngoài tỉnh",
            "Từ ngày",
            "Đến ngày",
            "Số chủ thể tham gia",
            "Doanh thu bán hàng (đồng)",
            "Số hợp đồng ký kết",
            "Chủ thể tham gia",
        ],
        rows: items
            .iter()
            .map(|f| {
                let m = &f.fair;
                let mut names: Vec<&str> =
                    f.participants.iter().map(|p| p.producer.as_str()).collect();
                names.dedup();
                vec![
                    m.name.clone(),
                    m.place.clone(),
                    if m.in_province {
                        "Trong tỉnh"
                    } else {
                        "Ngoài tỉnh"
                    }
                    .to_string(),
                    date_vn(m.starts_on),
                    date_vn(m.ends_on),
                    names.len().to_string(),
                    m.sales_vnd.to_string(),
                    m.contracts_signed.to_string(),
                    names.join("; "),
                ]
            })
            .collect(),
    }
}

pub fn milestones_table(items: &[(organisation_milestone::Model, String)]) -> Table<'static> {
    Table {
        sheet: "Tổ chức kinh tế",
        title: "Tổ chức kinh tế thành lập mới và củng cố",
        headers: vec!["Năm", "Chủ thể", "Sự kiện", "Loại hình", "Ngày", "Ghi chú"],
        rows: items
            .iter()
            .map(|(m, name)| {
                vec![
                    m.year.to_string(),
                    name.clone(),
                    m.kind
                        .parse::<ocop_domain::operations::MilestoneKind>()
                        .map(|k| k.label(Lang::Vi).to_string())
                        .unwrap_or_else(|_| m.kind.clone()),
                    m.legal_form
                        .parse::<ocop_domain::registry::LegalForm>()
                        .map(|k| k.label(Lang::Vi).to_string())
                        .unwrap_or_else(|_| m.legal_form.clone()),
                    date_vn(m.occurred_on),
                    m.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// Columns of the revenue import, in the export's order: an exported file reads
/// back. Product and producer names are shown for people and ignored on import
/// (the product code decides).
pub const REVENUE_COLUMNS: [Column; 9] = [
    Column {
        key: "product_code",
        header: "Mã sản phẩm",
        ty: ColType::Text,
        required: true,
    },
    Column {
        key: "product",
        header: "Tên sản phẩm",
        ty: ColType::Text,
        required: false,
    },
    Column {
        key: "producer",
        header: "Chủ thể",
        ty: ColType::Text,
        required: false,
    },
    Column {
        key: "year",
        header: "Năm",
        ty: ColType::Integer,
        required: true,
    },
    Column {
        key: "quarter",
        header: "Quý (1-4, để trống = cả năm)",
        ty: ColType::Integer,
        required: false,
    },
    Column {
        key: "channel",
        header: "Mã kênh (để trống = mọi kênh)",
        ty: ColType::Text,
        required: false,
    },
    Column {
        key: "revenue",
        header: "Doanh thu (đồng)",
        ty: ColType::Integer,
        required: true,
    },
    Column {
        key: "output",
        header: "Sản lượng",
        ty: ColType::Decimal,
        required: false,
    },
    Column {
        key: "output_unit",
        header: "Đơn vị tính sản lượng",
        ty: ColType::Text,
        required: false,
    },
];

/// Reads a revenue .xlsx into import rows (the store checks them).
pub fn revenue_rows(
    bytes: &[u8],
) -> Result<Vec<ocop_store::revenue::ImportRow>, ocop_docs::xlsx_read::FileError> {
    let cols = &REVENUE_COLUMNS;
    let rows = ocop_docs::xlsx_read::read(bytes, cols)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let int = |k: &str| r.get(cols, k).int();
            let mut errors = r.errors.clone();
            let to_i32 = |v: Option<i64>, errors: &mut Vec<String>, what: &str| -> Option<i32> {
                v.and_then(|n| match i32::try_from(n) {
                    Ok(x) => Some(x),
                    Err(_) => {
                        errors.push(format!("Cột «{what}»: số quá lớn."));
                        None
                    }
                })
            };
            let year = to_i32(int("year"), &mut errors, "Năm").unwrap_or(0);
            let quarter = to_i32(int("quarter"), &mut errors, "Quý");
            let output_milli = r
                .get(cols, "output")
                .dec()
                .map(|x| (x * 1000.0).round())
                .filter(|x| x.abs() < 9.0e15)
                .map(|x| x as i64);
            ocop_store::revenue::ImportRow {
                number: r.number,
                product_code: r.get(cols, "product_code").text().unwrap_or("").to_string(),
                input: ocop_domain::trade::RevenueInput {
                    year,
                    quarter,
                    channel: r.get(cols, "channel").text().map(str::to_string),
                    revenue_vnd: int("revenue").unwrap_or(0),
                    output_milli,
                    output_unit: r.get(cols, "output_unit").text().map(str::to_string),
                },
                errors,
            }
        })
        .collect())
}

pub fn revenue_table(items: &[RevenueRow]) -> Table<'static> {
    Table {
        sheet: "Doanh thu",
        title: "Doanh thu và sản lượng sản phẩm OCOP",
        headers: REVENUE_COLUMNS.iter().map(|c| c.header).collect(),
        rows: items
            .iter()
            .map(|r| {
                let m = &r.record;
                vec![
                    r.product_code.clone(),
                    r.product.clone(),
                    r.producer.clone(),
                    m.year.to_string(),
                    m.quarter.map(|q| q.to_string()).unwrap_or_default(),
                    m.channel.clone().unwrap_or_default(),
                    m.revenue_vnd.to_string(),
                    m.output_milli
                        .map(|o| {
                            let s = format!("{:.3}", o as f64 / 1000.0);
                            s.trim_end_matches('0').trim_end_matches('.').to_string()
                        })
                        .unwrap_or_default(),
                    m.output_unit.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

pub fn growth_table(by_label: &'static str, rows: &[GrowthRow]) -> Table<'static> {
    Table {
        sheet: "Tăng trưởng",
        title: "Tăng trưởng doanh thu so với năm trước",
        headers: vec![
            by_label,
            "Doanh thu năm trước (đồng)",
            "Doanh thu năm nay (đồng)",
            "Tăng trưởng (%)",
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    r.previous_vnd.to_string(),
                    r.current_vnd.to_string(),
                    r.growth_percent
                        .map(|g| ocop_domain::format::decimal_vn(g, 1))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
    }
}
