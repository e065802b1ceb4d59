//! Periodic report pages (issue 13): the list with a form for a new report and the
//! completeness of the units below; a report's printable page with its steps
//! (annotate, submit, accept, return); its PDF and .xlsx; the national export.

use super::{render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, NaiveDate};
use ocop_domain::reports::{self as dr, ReportAction, ReportKind, ReportState};
use ocop_store::reports::{ReportFail, Snapshot};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list).post(create))
        .route("/reports/{id}", get(show))
        .route("/reports/{id}/pdf", get(pdf))
        .route("/reports/{id}/xlsx", get(xlsx))
        .route("/reports/{id}/{action}", post(act))
        .route("/exports/national.xlsx", get(national_xlsx))
        .route("/exports/national.csv", get(national_csv))
}

fn message(lang: Lang, e: &ReportFail) -> String {
    match e {
        ReportFail::Rule(r) => match lang {
            Lang::Vi => r.message_vi(),
            Lang::En => r.to_string(),
        },
        ReportFail::Store(ocop_store::StoreError::Conflict) => lang
            .pick(
                "Báo cáo vừa được người khác thay đổi.",
                "Someone else changed the report.",
            )
            .into(),
        ReportFail::Store(_) => lang
            .pick("Không thực hiện được.", "It could not be done.")
            .into(),
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    l: Layout,
    rows: Vec<(i64, String, String, String, String, String)>,
    can_create: bool,
    error: Option<String>,
    year: i32,
    quarter: u32,
    /// (unit, state label, on time) of the units below for the last quarter.
    standing: Vec<(String, String, String)>,
    standing_period: String,
    submitted: usize,
}

fn period_text(lang: Lang, kind: &str, from: NaiveDate, to: NaiveDate) -> String {
    let k: Option<ReportKind> = kind.parse().ok();
    let name = match k {
        Some(ReportKind::Quarterly) => format!(
            "{} {} {}",
            lang.pick("Quý", "Quarter"),
            (from.month() - 1) / 3 + 1,
            from.year()
        ),
        Some(ReportKind::SixMonthly) => format!(
            "{} {} {}",
            lang.pick("6 tháng", "Half-year"),
            (from.month() - 1) / 6 + 1,
            from.year()
        ),
        Some(ReportKind::Annual) => format!("{} {}", lang.pick("Năm", "Year"), from.year()),
        _ => lang.pick("Đột xuất", "Ad hoc").to_string(),
    };
    format!(
        "{name} ({} – {})",
        ocop_domain::format::date_vn(from),
        ocop_domain::format::date_vn(to)
    )
}

fn state_label(lang: Lang, s: &str) -> String {
    s.parse::<ReportState>()
        .map(|x| x.label(lang).to_string())
        .unwrap_or_else(|_| s.to_string())
}

async fn list_page(ctx: &Ctx, error: Option<String>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let (items, _) = ocop_store::reports::list(db, p, 1, 200).await?;
    let rows = items
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.unit_name.clone(),
                r.kind
                    .parse::<ReportKind>()
                    .map(|k| k.label(lang).to_string())
                    .unwrap_or_default(),
                period_text(lang, &r.kind, r.period_from, r.period_to),
                state_label(lang, &r.state),
                r.state.clone(),
            )
        })
        .collect();
    let today = ctx.state.today();
    // The last quarter that has ended.
    let q_now = (today.month() - 1) / 3 + 1;
    let (qy, qn) = if q_now == 1 {
        (today.year() - 1, 4)
    } else {
        (today.year(), q_now - 1)
    };
    let own = crate::api::indicators::own_unit(&ctx.state, p).await;
    let mut standing = Vec::new();
    let mut submitted = 0;
    let mut standing_period = String::new();
    if let (Some(unit), Some((from, to))) =
        (&own, dr::standard_period(ReportKind::Quarterly, qy, qn))
    {
        standing_period = period_text(lang, "quarterly", from, to);
        for s in
            ocop_store::reports::completeness(db, unit, ReportKind::Quarterly, from, to).await?
        {
            if s.on_time.is_some() {
                submitted += 1;
            }
            standing.push((
                s.unit_name,
                s.state
                    .as_deref()
                    .map(|x| state_label(lang, x))
                    .unwrap_or_else(|| lang.pick("Chưa báo cáo", "Not reported").into()),
                match s.on_time {
                    Some(true) => lang.pick("Đúng hạn", "On time").into(),
                    Some(false) => lang.pick("Trễ hạn", "Late").into(),
                    None => String::new(),
                },
            ));
        }
    }
    render(&ListPage {
        l: Layout::new(ctx, lang.pick("Báo cáo định kỳ", "Periodic reports")),
        rows,
        can_create: own.as_ref().is_some_and(|u| dr::may_create(p, &u.path)),
        error,
        year: qy,
        quarter: qn,
        standing,
        standing_period,
        submitted,
    })
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    list_page(&ctx, None).await
}

async fn create(posted: Posted) -> Result<Response, AppError> {
    let ctx = &posted.ctx;
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let f = &posted.fields;
    let kind: Option<ReportKind> = f.get("kind").parse().ok();
    let year: Option<i32> = crate::api::indicators::parse_year(f.get("year"));
    let n: u32 = f.get("n").trim().parse().unwrap_or(1);
    let period = match (kind, year) {
        (Some(ReportKind::AdHoc), _) => {
            match (
                ocop_domain::format::parse_date_vn(f.get("from")),
                ocop_domain::format::parse_date_vn(f.get("to")),
            ) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            }
        }
        (Some(k), Some(y)) => dr::standard_period(k, y, n),
        _ => None,
    };
    let (Some(kind), Some((from, to))) = (kind, period) else {
        return list_page(
            ctx,
            Some(
                lang.pick(
                    "Chọn loại báo cáo và kỳ báo cáo hợp lệ (năm là một số).",
                    "Choose a report kind and a valid period (the year is a number).",
                )
                .into(),
            ),
        )
        .await;
    };
    let Some(unit) = crate::api::indicators::own_unit(&ctx.state, p).await else {
        return Err(AppError::Forbidden);
    };
    match ocop_store::reports::create(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        ocop_store::reports::NewReport {
            unit_code: unit.code,
            unit_period: unit
                .period
                .parse()
                .unwrap_or(ocop_domain::units::Period::Post2025),
            unit_name: unit.name,
            unit_path: unit.path,
            kind,
            from,
            to,
            note: f.get("note").into(),
        },
    )
    .await
    {
        Ok(r) => Ok(Redirect::to(&format!("/reports/{}", r.id)).into_response()),
        Err(e) => list_page(ctx, Some(message(lang, &e))).await,
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    l: Layout,
    r: ocop_store::entities::report::Model,
    period: String,
    state: String,
    kind: String,
    figures: Vec<(usize, String, String, String, String)>,
    measured_on: String,
    may_edit: bool,
    may_decide: bool,
    error: Option<String>,
}

fn figure_rows(lang: Lang, s: &Snapshot) -> Vec<(usize, String, String, String, String)> {
    s.indicators
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let actual = match x.actual {
                None => "–".to_string(),
                Some(v) if x.measure == "percent" => {
                    format!("{} %", format!("{v:.1}").replace('.', ","))
                }
                Some(v) => ocop_domain::format::number_vn(v.round() as i64),
            };
            (
                i + 1,
                pick_s(lang, &x.name_vi, &x.name_en).to_string(),
                x.target_text.clone().unwrap_or_default(),
                actual,
                match x.met {
                    Some(true) => lang.pick("Đạt", "Met").into(),
                    Some(false) => lang.pick("Chưa đạt", "Not met").into(),
                    None => String::new(),
                },
            )
        })
        .collect()
}

fn pick_s<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

async fn report_page(ctx: &Ctx, id: i64, error: Option<String>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let r = ocop_store::reports::get(db, p, id).await?;
    let s = ocop_store::reports::figures(db, &r).await?;
    let state: ReportState = r.state.parse().unwrap_or(ReportState::Draft);
    let may_edit = matches!(state, ReportState::Draft | ReportState::Returned)
        && dr::officer_of(p, &r.unit_path);
    let may_decide = state == ReportState::Submitted && dr::officer_of(p, &r.receiver_path);
    render(&ReportPage {
        l: Layout::new(ctx, lang.pick("Báo cáo định kỳ", "Periodic report")),
        period: period_text(lang, &r.kind, r.period_from, r.period_to),
        state: state.label(lang).into(),
        kind: r
            .kind
            .parse::<ReportKind>()
            .map(|k| k.label(lang).to_string())
            .unwrap_or_default(),
        figures: figure_rows(lang, &s),
        measured_on: ocop_domain::format::date_vn(s.measured_on),
        may_edit,
        may_decide,
        error,
        r,
    })
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    report_page(&ctx, id, None).await
}

async fn act(
    Path((id, action)): Path<(i64, String)>,
    posted: Posted,
) -> Result<Response, AppError> {
    let ctx = &posted.ctx;
    let (p, _) = ctx.require()?;
    let a = match action.as_str() {
        "annotate" => ReportAction::Annotate,
        "submit" => ReportAction::Submit,
        "accept" => ReportAction::Accept,
        "return" => ReportAction::Return,
        _ => return Err(AppError::NotFound),
    };
    match ocop_store::reports::act(
        &ctx.state.db.conn,
        &ctx.actor(),
        p,
        id,
        a,
        posted.fields.get("text"),
    )
    .await
    {
        Ok(_) => Ok(super::redirect_with_flash(
            &format!("/reports/{id}"),
            "saved",
        )),
        Err(ReportFail::Store(ocop_store::StoreError::NotFound)) => Err(AppError::NotFound),
        Err(e) => report_page(ctx, id, Some(message(ctx.lang, &e))).await,
    }
}

/// What the PDF and the .xlsx share: the issuer, the title lines, the rows.
struct Official {
    issuer: String,
    title: String,
    subtitle: String,
    rows: Vec<Vec<String>>,
    note: String,
    place_date: String,
    maker: String,
}

async fn official(ctx: &Ctx, id: i64) -> Result<Official, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let r = ocop_store::reports::get(db, p, id).await?;
    let s = ocop_store::reports::figures(db, &r).await?;
    let day = r
        .submitted_at
        .map(|t| t.date_naive())
        .unwrap_or(ctx.state.today());
    Ok(Official {
        issuer: format!("UBND {}", r.unit_name.to_uppercase()),
        title: "BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH MỖI XÃ MỘT SẢN PHẨM (OCOP)".into(),
        subtitle: format!(
            "{} – Kỳ báo cáo: {} – Số liệu đến ngày {}",
            r.unit_name,
            period_text(Lang::Vi, &r.kind, r.period_from, r.period_to),
            ocop_domain::format::date_vn(s.measured_on)
        ),
        rows: figure_rows(Lang::Vi, &s)
            .into_iter()
            .map(|(i, a, b, c, d)| vec![i.to_string(), a, b, c, d])
            .collect(),
        note: if r.note.trim().is_empty() {
            "Không có.".into()
        } else {
            r.note.clone()
        },
        place_date: format!(
            "ngày {:02} tháng {:02} năm {}",
            day.day(),
            day.month(),
            day.year()
        ),
        maker: r.submitted_by.clone().unwrap_or(r.created_by.clone()),
    })
}

const HEADERS: [&str; 5] = ["TT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"];

async fn pdf(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    use ocop_docs::pdf::Block;
    let o = official(&ctx, id).await?;
    let b = vec![
        Block::Center(o.issuer.clone(), 11.0, true),
        Block::Center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(), 11.0, true),
        Block::Center("Độc lập - Tự do - Hạnh phúc".into(), 11.0, true),
        Block::Center(o.place_date.clone(), 10.0, false),
        Block::Space(10.0),
        Block::Center(o.title.clone(), 13.0, true),
        Block::Center(o.subtitle.clone(), 10.0, false),
        Block::Space(8.0),
        Block::Table {
            widths: vec![0.06, 0.46, 0.16, 0.16, 0.16],
            header: HEADERS.iter().map(|h| h.to_string()).collect(),
            rows: o.rows.clone(),
        },
        Block::Heading("Ý kiến, kiến nghị".into()),
        Block::Para(o.note.clone()),
        Block::Signatures(vec![
            ("NGƯỜI LẬP BIỂU".into(), o.maker.clone()),
            ("THỦ TRƯỞNG ĐƠN VỊ".into(), String::new()),
        ]),
    ];
    let bytes =
        ocop_docs::pdf::render(&o.title, &b).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

async fn xlsx(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let o = official(&ctx, id).await?;
    let bytes = ocop_docs::report_sheet::xlsx(&ocop_docs::report_sheet::OfficialReport {
        issuer: &o.issuer,
        title: &o.title,
        subtitle: &o.subtitle,
        headers: HEADERS.to_vec(),
        rows: o.rows.clone(),
        notes_heading: "Ý kiến, kiến nghị",
        notes: &o.note,
        signatures: vec![
            ("NGƯỜI LẬP BIỂU".into(), o.maker.clone()),
            ("THỦ TRƯỞNG ĐƠN VỊ".into(), String::new()),
        ],
        place_date: &o.place_date,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"bao-cao-ocop.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Columns of the national export (documented in `docs/indicators.md`).
pub const NATIONAL_HEADERS: [&str; 16] = [
    "TT",
    "Tên sản phẩm",
    "Mã sản phẩm",
    "Bộ sản phẩm",
    "Chủ thể",
    "Loại hình",
    "Mã số thuế",
    "Xã/phường",
    "Huyện (trước 07/2025)",
    "Tỉnh",
    "Hạng sao",
    "Số giấy chứng nhận",
    "Quyết định công nhận",
    "Ngày cấp",
    "Ngày hết hạn",
    "Tình trạng",
];

async fn national(ctx: &Ctx) -> Result<Vec<Vec<String>>, AppError> {
    let (p, _) = ctx.require()?;
    let path = match &p.scope {
        ocop_domain::roles::Scope::All => "VN/".to_string(),
        ocop_domain::roles::Scope::Unit { path }
            if p.role.is_officer() || p.role == ocop_domain::roles::Role::Viewer =>
        {
            path.clone()
        }
        _ => return Err(AppError::Forbidden),
    };
    let rows =
        ocop_store::reports::national_rows(&ctx.state.db.conn, &path, ctx.state.today()).await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.product,
                r.product_code,
                r.set_code,
                r.producer,
                r.legal_form,
                r.tax_code,
                r.commune,
                r.district,
                r.province,
                r.stars.to_string(),
                r.certificate_number,
                r.decision,
                ocop_domain::format::date_vn(r.issued_on),
                ocop_domain::format::date_vn(r.expires_on),
                r.status,
            ]
        })
        .collect())
}

async fn national_xlsx(ctx: Ctx) -> Result<Response, AppError> {
    let rows = national(&ctx).await?;
    let bytes = ocop_docs::xlsx(&ocop_docs::Table {
        sheet: "San pham OCOP",
        title: "Danh sách sản phẩm OCOP (mẫu Hệ thống thông tin OCOP quốc gia)",
        headers: NATIONAL_HEADERS.to_vec(),
        rows,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"san-pham-ocop.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

fn csv_field(s: &str) -> String {
    // A cell starting with = + - @ would be a formula in a spreadsheet.
    let s = &if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

async fn national_csv(ctx: Ctx) -> Result<Response, AppError> {
    let rows = national(&ctx).await?;
    // UTF-8 with a BOM so that Excel opens the diacritics right.
    let mut out = String::from("\u{feff}");
    out.push_str(
        &NATIONAL_HEADERS
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|v| csv_field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"san-pham-ocop.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
