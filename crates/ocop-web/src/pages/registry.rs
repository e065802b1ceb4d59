//! Registry pages: producers (chủ thể) and products.

use super::{history_lines, redirect_with_flash, render, FormState, HistoryLine, Layout, Pager};
use crate::auth::{Ctx, Fields, Posted};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ocop_domain::registry::{
    FieldErrors, Invalid, LegalForm, ProducerInput, ProducerStatus, ProductInput, ProductStatus,
};
use ocop_domain::roles::{Action, Location, Principal, Role, Scope};
use ocop_domain::sets::{sets_of, Decision};
use ocop_domain::units::Period;
use ocop_store::entities::{producer, product};
use ocop_store::registry::{self as reg, ProducerFilter, ProductFilter, Sort};
use ocop_store::DatabaseConnection;
use ocop_store::{audit, units};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/producers", get(producer_list))
        .route("/producers/export.xlsx", get(producer_export))
        .route("/products/export.xlsx", get(product_export))
        .route("/producers/new", get(producer_new).post(producer_create))
        .route("/producers/{id}", get(producer_show))
        .route(
            "/producers/{id}/edit",
            get(producer_edit).post(producer_update),
        )
        .route("/products", get(product_list))
        .route("/products/new", get(product_new).post(product_create))
        .route("/products/{id}", get(product_show))
        .route(
            "/products/{id}/edit",
            get(product_edit).post(product_update),
        )
        .route(
            "/products/{id}/photos",
            axum::routing::post(photo_upload).layer(axum::extract::DefaultBodyLimit::max(
                ocop_domain::registry::PHOTO_MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/photos/{id}", get(photo_show))
        .route("/photos/{id}/delete", axum::routing::post(photo_delete))
}

/// An option of a `<select>`: value, label, selected.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A labelled group of options.
pub struct OptGroup {
    pub label: String,
    pub options: Vec<Opt>,
}

fn opts<I: IntoIterator<Item = (String, String)>>(items: I, selected: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(value, label)| Opt {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

fn location(p: &producer::Model) -> Location<'_> {
    Location {
        producer_id: p.id,
        unit_path: &p.unit_path,
        current_unit_path: &p.current_unit_path,
    }
}

fn product_location(p: &product::Model) -> Location<'_> {
    Location {
        producer_id: p.producer_id,
        unit_path: &p.unit_path,
        current_unit_path: &p.current_unit_path,
    }
}

/// The root path of a principal's area ("VN/12/"), or of the only province loaded.
async fn scope_root(db: &DatabaseConnection, p: &Principal) -> Result<String, AppError> {
    Ok(match &p.scope {
        Scope::Unit { path } => path.clone(),
        _ => {
            let provinces = units::children(db, "VN", Period::Post2025).await?;
            if provinces.len() == 1 {
                provinces[0].path.clone()
            } else {
                "VN/".into()
            }
        }
    })
}

/// Area filter options: communes (current) and old districts under the user's root.
async fn area_options(
    db: &DatabaseConnection,
    p: &Principal,
    lang: Lang,
    selected: &str,
) -> Result<Vec<OptGroup>, AppError> {
    let root = scope_root(db, p).await?;
    let mut groups = Vec::new();
    if root == "VN/" {
        let provinces = units::children(db, "VN", Period::Post2025).await?;
        groups.push(OptGroup {
            label: t(lang, "common.unit").into(),
            options: opts(provinces.into_iter().map(|u| (u.path, u.name)), selected),
        });
        return Ok(groups);
    }
    let post = units::communes_under(db, &root, Period::Post2025).await?;
    groups.push(OptGroup {
        label: t(lang, "producer.period_post").into(),
        options: opts(post.into_iter().map(|u| (u.path, u.name)), selected),
    });
    let districts: Vec<_> = ocop_store::units::search(db, Period::Pre2025, None, None, 5000)
        .await?
        .into_iter()
        .filter(|u| u.level == "district" && u.path.starts_with(&root))
        .collect();
    if !districts.is_empty() {
        groups.push(OptGroup {
            label: t(lang, "producer.period_pre").into(),
            options: opts(districts.into_iter().map(|u| (u.path, u.name)), selected),
        });
    }
    Ok(groups)
}

/// Commune choices of the producer form, value "period:code".
async fn commune_options(
    db: &DatabaseConnection,
    p: &Principal,
    lang: Lang,
    selected: &str,
    province: Option<&str>,
) -> Result<Vec<OptGroup>, AppError> {
    let mut root = scope_root(db, p).await?;
    if root == "VN/" {
        let provinces = units::children(db, "VN", Period::Post2025).await?;
        root = provinces
            .iter()
            .find(|u| Some(u.code.as_str()) == province)
            .or(provinces.first())
            .map(|u| u.path.clone())
            .unwrap_or(root);
    }
    let mut groups = Vec::new();
    for (period, key) in [
        (Period::Post2025, "producer.period_post"),
        (Period::Pre2025, "producer.period_pre"),
    ] {
        let list = units::communes_under(db, &root, period).await?;
        groups.push(OptGroup {
            label: t(lang, key).into(),
            options: opts(
                list.into_iter().map(|u| {
                    (
                        format!("{}:{}", period.as_str(), u.code),
                        format!("{} ({})", u.name, u.code),
                    )
                }),
                selected,
            ),
        });
    }
    Ok(groups)
}

fn parse_sort(params: &HashMap<String, String>) -> Sort {
    Sort::parse(params.get("sort").map(String::as_str).unwrap_or(""))
}

fn page_of(params: &HashMap<String, String>) -> u64 {
    params.get("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

fn non_empty(params: &HashMap<String, String>, k: &str) -> Option<String> {
    params
        .get(k)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn sort_options(lang: Lang, current: Sort) -> Vec<Opt> {
    [
        (Sort::NameAsc, "common.sort_name"),
        (Sort::NameDesc, "common.sort_name_desc"),
        (Sort::NewestFirst, "common.sort_newest"),
        (Sort::OldestFirst, "common.sort_oldest"),
    ]
    .into_iter()
    .map(|(s, k)| Opt {
        value: s.as_str().into(),
        label: t(lang, k).into(),
        selected: s == current,
    })
    .collect()
}

fn legal_form_options(lang: Lang, selected: &str) -> Vec<Opt> {
    opts(
        LegalForm::ALL
            .iter()
            .map(|f| (f.as_str().to_string(), f.label(lang).to_string())),
        selected,
    )
}

fn product_status_options(lang: Lang, selected: &str, producer_only: bool) -> Vec<Opt> {
    opts(
        ProductStatus::ALL
            .iter()
            .filter(|s| !producer_only || s.settable_by_producer() || s.as_str() == selected)
            .map(|s| (s.as_str().to_string(), s.label(lang).to_string())),
        selected,
    )
}

fn set_groups(lang: Lang, selected: &str) -> Vec<OptGroup> {
    [
        (Decision::Qd26, "product.set_qd26"),
        (Decision::Qd148, "product.set_qd148"),
    ]
    .into_iter()
    .map(|(d, key)| OptGroup {
        label: t(lang, key).into(),
        options: opts(
            sets_of(d).map(|s| (s.code.clone(), format!("{} · {}", s.code, s.name))),
            selected,
        ),
    })
    .collect()
}

fn set_name(code: &str) -> String {
    ocop_domain::sets::find_set(code)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn stars_text(n: Option<i64>) -> String {
    n.map(|n| "★".repeat(n.clamp(0, 5) as usize))
        .unwrap_or_default()
}

// ----- producers -----

/// A producer row of the list.
pub struct ProducerRow {
    pub id: i64,
    pub name: String,
    pub legal_form: String,
    pub tax_code: String,
    pub commune: String,
    pub status: String,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "producers.html")]
struct ProducerListPage {
    l: Layout,
    rows: Vec<ProducerRow>,
    pager: Pager,
    q: String,
    areas: Vec<OptGroup>,
    legal_forms: Vec<Opt>,
    statuses: Vec<Opt>,
    sorts: Vec<Opt>,
    can_create: bool,
    export_href: String,
}

fn export_href(base: &str, params: &HashMap<String, String>) -> String {
    let mut q: Vec<(&String, &String)> = params
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
        .collect();
    q.sort();
    match serde_urlencoded::to_string(&q) {
        Ok(s) if !s.is_empty() => format!("{base}?{s}"),
        _ => base.to_string(),
    }
}

async fn producer_list(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    if let Scope::Producer { producer_id } = p.scope {
        // A producer has one record: its own page is its list.
        return Ok(
            axum::response::Redirect::to(&format!("/producers/{producer_id}")).into_response_page(),
        );
    }
    let f = producer_filter(&params, 25);
    let page = reg::list_producers(db, &p.scope, &f).await?;
    let pager = Pager::new("/producers", &params, page.page, page.pages(), page.total);
    let rows = page
        .items
        .into_iter()
        .map(|m| ProducerRow {
            id: m.id,
            legal_form: m
                .legal_form
                .parse::<LegalForm>()
                .map(|x| x.label(lang).to_string())
                .unwrap_or(m.legal_form.clone()),
            tax_code: m.tax_code.clone().unwrap_or_default(),
            commune: m.commune_name.clone(),
            status_label: m
                .status
                .parse::<ProducerStatus>()
                .map(|x| x.label(lang).to_string())
                .unwrap_or(m.status.clone()),
            status: m.status,
            name: m.name,
        })
        .collect();
    let page = ProducerListPage {
        l: Layout::new(&ctx, t(lang, "producer.list_title")),
        rows,
        pager,
        q: f.q.clone().unwrap_or_default(),
        areas: area_options(db, p, lang, f.unit_path.as_deref().unwrap_or("")).await?,
        legal_forms: legal_form_options(lang, f.legal_form.as_deref().unwrap_or("")),
        statuses: opts(
            ProducerStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label(lang).to_string())),
            f.status.as_deref().unwrap_or(""),
        ),
        sorts: sort_options(lang, f.sort),
        can_create: p.can_create_producer(),
        export_href: export_href("/producers/export.xlsx", &params),
    };
    render(&page)
}

fn producer_filter(params: &HashMap<String, String>, per_page: u64) -> ProducerFilter {
    ProducerFilter {
        q: non_empty(params, "q"),
        unit_path: non_empty(params, "unit"),
        legal_form: non_empty(params, "legal_form"),
        status: non_empty(params, "status"),
        sort: parse_sort(params),
        page: page_of(params),
        per_page,
    }
}

fn product_filter(params: &HashMap<String, String>, per_page: u64) -> ProductFilter {
    ProductFilter {
        q: non_empty(params, "q"),
        unit_path: non_empty(params, "unit"),
        producer_id: non_empty(params, "producer_id").and_then(|s| s.parse().ok()),
        legal_form: non_empty(params, "legal_form"),
        set_code: non_empty(params, "set"),
        stars: non_empty(params, "stars").and_then(|s| s.parse().ok()),
        status: non_empty(params, "status"),
        sort: parse_sort(params),
        page: page_of(params),
        per_page,
    }
}

/// Largest export, in rows: a province has a few hundred producers.
const EXPORT_MAX: u64 = 5000;

fn xlsx_response(name: &str, table: &ocop_docs::Table<'_>) -> Result<Response, AppError> {
    let bytes = ocop_docs::xlsx(table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(axum::response::IntoResponse::into_response((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )))
}

/// The producer list, with the same filters, as an Excel file.
async fn producer_export(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let mut f = producer_filter(&params, EXPORT_MAX);
    f.page = 1;
    let page = reg::list_producers(&ctx.state.db.conn, &p.scope, &f).await?;
    let rows = page
        .items
        .into_iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.legal_form
                    .parse::<LegalForm>()
                    .map(|x| x.label(lang).to_string())
                    .unwrap_or_default(),
                m.tax_code.clone().unwrap_or_default(),
                format!("{} ({})", m.commune_name, m.commune_code),
                m.address_detail.clone().unwrap_or_default(),
                m.representative_name.clone(),
                m.phone.clone().unwrap_or_default(),
                m.status
                    .parse::<ProducerStatus>()
                    .map(|x| x.label(lang).to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let table = ocop_docs::Table {
        sheet: "Producers",
        title: t(lang, "producer.list_title"),
        headers: vec![
            t(lang, "producer.name"),
            t(lang, "producer.legal_form"),
            t(lang, "producer.tax_code"),
            t(lang, "producer.commune"),
            t(lang, "producer.address_detail"),
            t(lang, "producer.representative"),
            t(lang, "producer.phone"),
            t(lang, "common.status"),
        ],
        rows,
    };
    xlsx_response("chu-the-ocop.xlsx", &table)
}

/// The product list, with the same filters, as an Excel file.
async fn product_export(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let mut f = product_filter(&params, EXPORT_MAX);
    f.page = 1;
    let page = reg::list_products(db, &p.scope, &f).await?;
    let ids: Vec<i64> = page.items.iter().map(|m| m.producer_id).collect();
    let names = reg::producer_names(db, &ids).await?;
    let rows = product_rows(page.items, &names, lang)
        .into_iter()
        .map(|r| {
            vec![
                r.name,
                r.code,
                r.producer,
                format!("{} · {}", r.set, set_name(&r.set)),
                if r.stars_n > 0 {
                    r.stars_n.to_string()
                } else {
                    String::new()
                },
                r.status_label,
            ]
        })
        .collect();
    let table = ocop_docs::Table {
        sheet: "Products",
        title: t(lang, "product.list_title"),
        headers: vec![
            t(lang, "product.name"),
            t(lang, "product.code"),
            t(lang, "product.producer"),
            t(lang, "product.set"),
            t(lang, "product.stars"),
            t(lang, "common.status"),
        ],
        rows,
    };
    xlsx_response("san-pham-ocop.xlsx", &table)
}

trait IntoPage {
    fn into_response_page(self) -> Response;
}
impl IntoPage for axum::response::Redirect {
    fn into_response_page(self) -> Response {
        axum::response::IntoResponse::into_response(self)
    }
}

#[derive(Template)]
#[template(path = "producer_form.html")]
struct ProducerFormPage {
    l: Layout,
    heading: String,
    action: String,
    f: FormState,
    legal_forms: Vec<Opt>,
    statuses: Vec<Opt>,
    communes: Vec<OptGroup>,
    cancel: String,
}

async fn producer_form_page(
    ctx: &Ctx,
    p: &Principal,
    f: FormState,
    existing: Option<&producer::Model>,
    province: Option<&str>,
) -> Result<ProducerFormPage, AppError> {
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let (heading, action, cancel) = match existing {
        Some(m) => (
            t(lang, "producer.edit_title"),
            format!("/producers/{}/edit", m.id),
            format!("/producers/{}", m.id),
        ),
        None => (
            t(lang, "producer.new_title"),
            "/producers/new".to_string(),
            "/producers".to_string(),
        ),
    };
    let commune_sel = format!("{}:{}", f.v("commune_period"), f.v("commune_code"));
    Ok(ProducerFormPage {
        l: Layout::new(ctx, heading),
        heading: heading.to_string(),
        action,
        legal_forms: legal_form_options(lang, f.v("legal_form")),
        statuses: opts(
            ProducerStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label(lang).to_string())),
            f.v("status"),
        ),
        communes: commune_options(db, p, lang, &commune_sel, province).await?,
        f,
        cancel,
    })
}

fn producer_form_values(m: &producer::Model) -> FormState {
    let mut f = FormState::default();
    f.set("name", &m.name);
    f.set("legal_form", &m.legal_form);
    f.set("tax_code", m.tax_code.clone().unwrap_or_default());
    f.set("commune_code", &m.commune_code);
    f.set("commune_period", &m.commune_period);
    f.set(
        "address_detail",
        m.address_detail.clone().unwrap_or_default(),
    );
    f.set("phone", m.phone.clone().unwrap_or_default());
    f.set("email", m.email.clone().unwrap_or_default());
    f.set("representative_name", &m.representative_name);
    if m.representative_female {
        f.set("representative_female", "on");
    }
    if m.representative_ethnic_minority {
        f.set("representative_ethnic_minority", "on");
    }
    f.set(
        "representative_ethnicity",
        m.representative_ethnicity.clone().unwrap_or_default(),
    );
    if m.representative_disability {
        f.set("representative_disability", "on");
    }
    f.set(
        "members_count",
        m.members_count.map(|x| x.to_string()).unwrap_or_default(),
    );
    f.set(
        "workers_count",
        m.workers_count.map(|x| x.to_string()).unwrap_or_default(),
    );
    f.set(
        "year_founded",
        m.year_founded.map(|x| x.to_string()).unwrap_or_default(),
    );
    f.set("status", &m.status);
    f.set("version", m.version.to_string());
    f
}

/// Reads the producer form; the commune select sends "period:code".
fn producer_input(fields: &Fields) -> ProducerInput {
    let (period, code) = match fields.get("commune").split_once(':') {
        Some((p, c)) => (p.to_string(), c.to_string()),
        None => (
            fields.get("commune_period").to_string(),
            fields.get("commune_code").to_string(),
        ),
    };
    ProducerInput {
        name: fields.get("name").into(),
        legal_form: fields.get("legal_form").into(),
        tax_code: fields.get("tax_code").into(),
        commune_code: code,
        commune_period: period,
        address_detail: fields.get("address_detail").into(),
        phone: fields.get("phone").into(),
        email: fields.get("email").into(),
        representative_name: fields.get("representative_name").into(),
        representative_female: fields.checked("representative_female"),
        representative_ethnic_minority: fields.checked("representative_ethnic_minority"),
        representative_ethnicity: fields.get("representative_ethnicity").into(),
        representative_disability: fields.checked("representative_disability"),
        members_count: fields.get("members_count").into(),
        workers_count: fields.get("workers_count").into(),
        year_founded: fields.get("year_founded").into(),
        status: fields.get("status").into(),
    }
}

/// Validates a producer input for a principal: shape, commune of the right period,
/// and that the commune lies in the principal's area.
pub async fn validate_producer(
    db: &DatabaseConnection,
    p: &Principal,
    input: &ProducerInput,
) -> Result<Result<ocop_domain::registry::ProducerData, FieldErrors>, ocop_store::StoreError> {
    let period = input
        .commune_period
        .parse::<Period>()
        .unwrap_or(Period::Post2025);
    let resolved = units::resolve(db, input.commune_code.trim(), period).await?;
    let year = chrono::Datelike::year(&ocop_domain::format::today_vn());
    let mut result = input.validate(year, |_, _| resolved.clone());
    if let Ok(d) = &result {
        if !p.may_place_in(&d.unit.path, &d.unit.current_path) {
            let mut e = FieldErrors::default();
            e.add("commune_code", Invalid::OutOfScope);
            result = Err(e);
        }
    }
    Ok(result)
}

fn form_with_input(fields: &Fields, input: &ProducerInput) -> FormState {
    let mut f = FormState::from_fields(fields);
    f.set("commune_code", &input.commune_code);
    f.set("commune_period", &input.commune_period);
    f
}

async fn producer_new(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !p.can_create_producer() {
        return Err(AppError::Forbidden);
    }
    let mut f = FormState::default();
    f.set("commune_period", "post2025");
    f.set("status", "active");
    let page =
        producer_form_page(&ctx, p, f, None, params.get("province").map(String::as_str)).await?;
    render(&page)
}

fn errors_for_form(mut errs: FieldErrors) -> FieldErrors {
    // The form shows one select for code and period.
    for (f, _) in errs.0.iter_mut() {
        if f == "commune_code" || f == "commune_period" {
            *f = "commune".into();
        }
    }
    errs
}

async fn producer_create(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    if !p.can_create_producer() {
        return Err(AppError::Forbidden);
    }
    let db = &ctx.state.db.conn;
    let input = producer_input(&fields);
    let errs = match validate_producer(db, p, &input).await? {
        Ok(data) => match reg::create_producer(db, &ctx.actor(), &data).await {
            Ok(m) => {
                return Ok(redirect_with_flash(
                    &format!("/producers/{}", m.id),
                    "created",
                ))
            }
            Err(ocop_store::StoreError::Duplicate(_)) => {
                let mut e = FieldErrors::default();
                e.add("tax_code", Invalid::DuplicateTaxCode);
                e
            }
            Err(e) => return Err(e.into()),
        },
        Err(e) => e,
    };
    let f = form_with_input(&fields, &input).with_errors(&errors_for_form(errs), ctx.lang);
    let page = producer_form_page(&ctx, p, f, None, None).await?;
    let mut r = render(&page)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

async fn load_producer_for(
    ctx: &Ctx,
    p: &Principal,
    id: i64,
    action: Action,
) -> Result<producer::Model, AppError> {
    let m = reg::get_producer(&ctx.state.db.conn, id).await?;
    if !p.may(action, &location(&m)) {
        return Err(AppError::Forbidden);
    }
    Ok(m)
}

async fn producer_edit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let m = load_producer_for(&ctx, p, id, Action::Edit).await?;
    let page = producer_form_page(&ctx, p, producer_form_values(&m), Some(&m), None).await?;
    render(&page)
}

async fn producer_update(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let m = load_producer_for(&ctx, p, id, Action::Edit).await?;
    let db = &ctx.state.db.conn;
    let input = producer_input(&fields);
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    // A producer may edit its own profile but not move it elsewhere: keep the commune.
    let principal_for_place = if p.role == Role::Producer {
        Principal::new(p.user_id, p.username.clone(), Role::Admin, None, None)
    } else {
        p.clone()
    };
    let mut errs = match validate_producer(db, &principal_for_place, &input).await? {
        Ok(data) => {
            if p.role == Role::Producer
                && (data.unit.code != m.commune_code
                    || data.unit.period.as_str() != m.commune_period)
            {
                let mut e = FieldErrors::default();
                e.add("commune_code", Invalid::OutOfScope);
                e
            } else {
                match reg::update_producer(db, &ctx.actor(), id, version, &data).await {
                    Ok(_) => return Ok(redirect_with_flash(&format!("/producers/{id}"), "saved")),
                    Err(ocop_store::StoreError::Duplicate(_)) => {
                        let mut e = FieldErrors::default();
                        e.add("tax_code", Invalid::DuplicateTaxCode);
                        e
                    }
                    Err(ocop_store::StoreError::Conflict) => FieldErrors::default(),
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Err(e) => e,
    };
    let conflict = errs.is_empty();
    errs = errors_for_form(errs);
    let mut f = form_with_input(&fields, &input).with_errors(&errs, ctx.lang);
    if conflict {
        f.errors
            .insert("_form".into(), t(ctx.lang, "err.conflict").into());
    }
    let page = producer_form_page(&ctx, p, f, Some(&m), None).await?;
    let mut r = render(&page)?;
    *r.status_mut() = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(r)
}

/// A product row in lists.
pub struct ProductRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub producer: String,
    pub producer_id: i64,
    pub set: String,
    pub stars: String,
    pub stars_n: i64,
    pub status: String,
    pub status_label: String,
}

fn product_rows(
    items: Vec<product::Model>,
    names: &HashMap<i64, String>,
    lang: Lang,
) -> Vec<ProductRow> {
    items
        .into_iter()
        .map(|m| ProductRow {
            id: m.id,
            code: m.product_code.clone(),
            producer: names.get(&m.producer_id).cloned().unwrap_or_default(),
            producer_id: m.producer_id,
            set: m.set_code.clone(),
            stars: stars_text(m.stars),
            stars_n: m.stars.unwrap_or(0),
            status_label: m
                .status
                .parse::<ProductStatus>()
                .map(|s| s.label(lang).to_string())
                .unwrap_or(m.status.clone()),
            status: m.status,
            name: m.name,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "producer.html")]
struct ProducerPage {
    l: Layout,
    m: producer::Model,
    legal_form: String,
    status_label: String,
    period_label: String,
    products: Vec<ProductRow>,
    history: Vec<HistoryLine>,
    can_edit: bool,
    created: String,
    updated: String,
}

async fn producer_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let m = load_producer_for(&ctx, p, id, Action::View).await?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let products = reg::list_products(
        db,
        &Scope::All,
        &ProductFilter {
            producer_id: Some(id),
            page: 1,
            per_page: 200,
            ..Default::default()
        },
    )
    .await?;
    let names = HashMap::from([(m.id, m.name.clone())]);
    let history = history_lines(audit::history(db, "producer", id).await?, lang);
    let page = ProducerPage {
        l: Layout::new(&ctx, m.name.clone()),
        legal_form: m
            .legal_form
            .parse::<LegalForm>()
            .map(|x| x.label(lang).to_string())
            .unwrap_or_default(),
        status_label: m
            .status
            .parse::<ProducerStatus>()
            .map(|x| x.label(lang).to_string())
            .unwrap_or_default(),
        period_label: t(
            lang,
            if m.commune_period == "pre2025" {
                "producer.period_pre"
            } else {
                "producer.period_post"
            },
        )
        .into(),
        products: product_rows(products.items, &names, lang),
        history,
        can_edit: p.may(Action::Edit, &location(&m)),
        created: ocop_domain::format::datetime_vn(m.created_at),
        updated: ocop_domain::format::datetime_vn(m.updated_at),
        m,
    };
    render(&page)
}

// ----- products -----

#[derive(Template)]
#[template(path = "products.html")]
struct ProductListPage {
    l: Layout,
    rows: Vec<ProductRow>,
    pager: Pager,
    q: String,
    areas: Vec<OptGroup>,
    legal_forms: Vec<Opt>,
    sets: Vec<OptGroup>,
    stars: Vec<Opt>,
    statuses: Vec<Opt>,
    sorts: Vec<Opt>,
    can_create: bool,
    show_area: bool,
    export_href: String,
}

async fn product_list(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let f = product_filter(&params, 25);
    let page = reg::list_products(db, &p.scope, &f).await?;
    let ids: Vec<i64> = page.items.iter().map(|m| m.producer_id).collect();
    let names = reg::producer_names(db, &ids).await?;
    let pager = Pager::new("/products", &params, page.page, page.pages(), page.total);
    let show_area = !matches!(p.scope, Scope::Producer { .. });
    let page = ProductListPage {
        l: Layout::new(&ctx, t(lang, "product.list_title")),
        rows: product_rows(page.items, &names, lang),
        pager,
        q: f.q.clone().unwrap_or_default(),
        areas: if show_area {
            area_options(db, p, lang, f.unit_path.as_deref().unwrap_or("")).await?
        } else {
            Vec::new()
        },
        legal_forms: legal_form_options(lang, f.legal_form.as_deref().unwrap_or("")),
        sets: set_groups(lang, f.set_code.as_deref().unwrap_or("")),
        stars: opts(
            (3..=5).map(|n| (n.to_string(), format!("{n} ★"))),
            &f.stars.map(|s| s.to_string()).unwrap_or_default(),
        ),
        statuses: product_status_options(lang, f.status.as_deref().unwrap_or(""), false),
        sorts: sort_options(lang, f.sort),
        can_create: p.can_write_registry(),
        show_area,
        export_href: export_href("/products/export.xlsx", &params),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "product_form.html")]
struct ProductFormPage {
    l: Layout,
    heading: String,
    action: String,
    f: FormState,
    producers: Vec<Opt>,
    sets: Vec<OptGroup>,
    statuses: Vec<Opt>,
    stars: Vec<Opt>,
    code: String,
    cancel: String,
    producer_locked: bool,
}

async fn product_form_page(
    ctx: &Ctx,
    p: &Principal,
    f: FormState,
    existing: Option<&product::Model>,
) -> Result<ProductFormPage, AppError> {
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let (heading, action, cancel) = match existing {
        Some(m) => (
            t(lang, "product.edit_title"),
            format!("/products/{}/edit", m.id),
            format!("/products/{}", m.id),
        ),
        None => (
            t(lang, "product.new_title"),
            "/products/new".to_string(),
            "/products".to_string(),
        ),
    };
    let producers = reg::producer_choices(db, &p.scope).await?;
    let producer_only = p.role == Role::Producer;
    Ok(ProductFormPage {
        l: Layout::new(ctx, heading),
        heading: heading.into(),
        action,
        producers: opts(
            producers.into_iter().map(|(id, n)| (id.to_string(), n)),
            f.v("producer_id"),
        ),
        sets: set_groups(lang, f.v("set_code")),
        statuses: product_status_options(lang, f.v("status"), producer_only),
        stars: opts(
            (3..=5).map(|n| (n.to_string(), format!("{n} ★"))),
            f.v("stars"),
        ),
        code: existing.map(|m| m.product_code.clone()).unwrap_or_default(),
        f,
        cancel,
        producer_locked: producer_only,
    })
}

fn product_input(fields: &Fields) -> ProductInput {
    ProductInput {
        name: fields.get("name").into(),
        producer_id: fields.get("producer_id").into(),
        set_code: fields.get("set_code").into(),
        description: fields.get("description").into(),
        raw_material_origin: fields.get("raw_material_origin").into(),
        status: fields.get("status").into(),
        stars: fields.get("stars").into(),
    }
}

/// Validates a product for a principal. Producers may only use their own record, may
/// not set stars, and may only set the statuses they own (or keep the current one).
pub async fn validate_product(
    db: &DatabaseConnection,
    p: &Principal,
    mut input: ProductInput,
    existing: Option<&product::Model>,
) -> Result<Result<ocop_domain::registry::ProductData, FieldErrors>, ocop_store::StoreError> {
    let producer_only = p.role == Role::Producer;
    if let (Scope::Producer { producer_id }, true) = (&p.scope, producer_only) {
        // A producer works on its own record: left empty, it is filled in; another
        // producer's id is refused below (not silently replaced).
        if input.producer_id.trim().is_empty() {
            input.producer_id = producer_id.to_string();
        }
        input.stars = existing
            .and_then(|m| m.stars)
            .map(|s| s.to_string())
            .unwrap_or_default();
    }
    let wanted: Option<i64> = input.producer_id.trim().parse().ok();
    let ok_id = match wanted {
        Some(id) => match reg::get_producer(db, id).await {
            Ok(m) if p.may(Action::Create, &location(&m)) => Some(id),
            Ok(_) | Err(ocop_store::StoreError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let keeps_status = existing.is_some_and(|m| m.status == input.status.trim());
    Ok(input.validate(|id| Some(id) == ok_id, producer_only && !keeps_status))
}

async fn product_new(
    ctx: Ctx,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !p.can_write_registry() {
        return Err(AppError::Forbidden);
    }
    let mut f = FormState::default();
    f.set("status", "idea");
    f.set("set_code", "");
    if let Some(id) = params.get("producer_id") {
        f.set("producer_id", id.clone());
    }
    if let Scope::Producer { producer_id } = p.scope {
        f.set("producer_id", producer_id.to_string());
    }
    let page = product_form_page(&ctx, p, f, None).await?;
    render(&page)
}

async fn product_create(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    if !p.can_write_registry() {
        return Err(AppError::Forbidden);
    }
    let db = &ctx.state.db.conn;
    let errs = match validate_product(db, p, product_input(&fields), None).await? {
        Ok(data) => {
            let year = chrono::Datelike::year(&ctx.state.today());
            let m = reg::create_product(db, &ctx.actor(), &data, year).await?;
            return Ok(redirect_with_flash(
                &format!("/products/{}", m.id),
                "created",
            ));
        }
        Err(e) => e,
    };
    let f = FormState::from_fields(&fields).with_errors(&errs, ctx.lang);
    let page = product_form_page(&ctx, p, f, None).await?;
    let mut r = render(&page)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

async fn load_product_for(
    ctx: &Ctx,
    p: &Principal,
    id: i64,
    action: Action,
) -> Result<product::Model, AppError> {
    let m = reg::get_product(&ctx.state.db.conn, id).await?;
    if !p.may(action, &product_location(&m)) {
        return Err(AppError::Forbidden);
    }
    Ok(m)
}

fn product_form_values(m: &product::Model) -> FormState {
    let mut f = FormState::default();
    f.set("name", &m.name);
    f.set("producer_id", m.producer_id.to_string());
    f.set("set_code", &m.set_code);
    f.set("description", m.description.clone().unwrap_or_default());
    f.set(
        "raw_material_origin",
        m.raw_material_origin.clone().unwrap_or_default(),
    );
    f.set("status", &m.status);
    f.set("stars", m.stars.map(|s| s.to_string()).unwrap_or_default());
    f.set("version", m.version.to_string());
    f
}

async fn product_edit(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let m = load_product_for(&ctx, p, id, Action::Edit).await?;
    let page = product_form_page(&ctx, p, product_form_values(&m), Some(&m)).await?;
    render(&page)
}

async fn product_update(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let m = load_product_for(&ctx, p, id, Action::Edit).await?;
    let db = &ctx.state.db.conn;
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    let (errs, conflict) = match validate_product(db, p, product_input(&fields), Some(&m)).await? {
        Ok(data) => match reg::update_product(db, &ctx.actor(), id, version, &data).await {
            Ok(_) => return Ok(redirect_with_flash(&format!("/products/{id}"), "saved")),
            Err(ocop_store::StoreError::Conflict) => (FieldErrors::default(), true),
            Err(e) => return Err(e.into()),
        },
        Err(e) => (e, false),
    };
    let mut f = FormState::from_fields(&fields).with_errors(&errs, ctx.lang);
    if conflict {
        f.errors
            .insert("_form".into(), t(ctx.lang, "err.conflict").into());
    }
    let page = product_form_page(&ctx, p, f, Some(&m)).await?;
    let mut r = render(&page)?;
    *r.status_mut() = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(r)
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    l: Layout,
    m: product::Model,
    producer_name: String,
    set_label: String,
    status_label: String,
    stars: String,
    history: Vec<HistoryLine>,
    can_edit: bool,
    created: String,
    updated: String,
    photos: Vec<i64>,
}

async fn product_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let m = load_product_for(&ctx, p, id, Action::View).await?;
    let db = &ctx.state.db.conn;
    let owner = reg::get_producer(db, m.producer_id).await?;
    let page = ProductPage {
        l: Layout::new(&ctx, m.name.clone()),
        producer_name: owner.name,
        set_label: format!("{} · {}", m.set_code, set_name(&m.set_code)),
        status_label: m
            .status
            .parse::<ProductStatus>()
            .map(|s| s.label(ctx.lang).to_string())
            .unwrap_or_default(),
        stars: stars_text(m.stars),
        history: history_lines(audit::history(db, "product", id).await?, ctx.lang),
        photos: reg::list_photos(db, id)
            .await?
            .into_iter()
            .map(|ph| ph.id)
            .collect(),
        can_edit: p.may(Action::Edit, &product_location(&m)),
        created: ocop_domain::format::datetime_vn(m.created_at),
        updated: ocop_domain::format::datetime_vn(m.updated_at),
        m,
    };
    render(&page)
}

// ----- photos -----

/// `POST /products/{id}/photos` (multipart: `csrf_token`, `photo`). The type is judged
/// by the bytes, the size by the limit; the answer is a redirect with a message.
async fn photo_upload(
    ctx: Ctx,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let back = format!("/products/{id}");
    let upload = crate::auth::Upload::read(&ctx, &headers, multipart, "photo").await?;
    let (too_large, photo) = (upload.too_large, upload.file.map(|(_, b)| b));
    let m = load_product_for(&ctx, p, id, Action::Edit).await?;
    if too_large {
        return Ok(redirect_with_flash(&back, "err_photo_size"));
    }
    let Some(bytes) = photo.filter(|b| !b.is_empty()) else {
        return Ok(redirect_with_flash(&back, "err_photo_none"));
    };
    if bytes.len() > ocop_domain::registry::PHOTO_MAX_BYTES {
        return Ok(redirect_with_flash(&back, "err_photo_size"));
    }
    let Some(ct) = ocop_domain::registry::sniff_image(&bytes) else {
        return Ok(redirect_with_flash(&back, "err_photo_type"));
    };
    match reg::add_photo(&ctx.state.db.conn, &ctx.actor(), m.id, ct, bytes).await {
        Ok(_) => Ok(redirect_with_flash(&back, "photo_added")),
        Err(ocop_store::StoreError::Invalid(_)) => Ok(redirect_with_flash(&back, "err_photo_many")),
        Err(e) => Err(e.into()),
    }
}

/// `GET /photos/{id}`: the image, for users who may see its product.
async fn photo_show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let photo = reg::get_photo(&ctx.state.db.conn, id).await?;
    load_product_for(&ctx, p, photo.product_id, Action::View).await?;
    Ok(axum::response::IntoResponse::into_response((
        [
            (axum::http::header::CONTENT_TYPE, photo.content_type.clone()),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400".to_string(),
            ),
            (
                axum::http::header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_string(),
            ),
        ],
        photo.data,
    )))
}

async fn photo_delete(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, .. } = posted;
    let (p, _) = ctx.require()?;
    let photo = reg::get_photo(&ctx.state.db.conn, id).await?;
    load_product_for(&ctx, p, photo.product_id, Action::Edit).await?;
    reg::delete_photo(&ctx.state.db.conn, &ctx.actor(), id).await?;
    Ok(redirect_with_flash(
        &format!("/products/{}", photo.product_id),
        "photo_deleted",
    ))
}
