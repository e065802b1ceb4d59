//! Server-rendered pages. Each handler: extract context → authorise → call the store
//! → render a template. Shared page furniture (layout, pager, form state, history)
//! lives here.

mod account;
mod admin;
mod assessment;
mod certificates;
mod councils;
mod criteria;
pub(crate) mod dashboard_plan;
pub(crate) mod dossiers;
mod inbox;
mod inspections;
mod province_steps;
pub mod registry;
mod reports;
pub mod rounds;
mod self_assessment;
mod support;
mod units;

use crate::auth::{Ctx, FLASH_COOKIE, LANG_COOKIE};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use ocop_domain::registry::FieldErrors;
use ocop_domain::roles::Role;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/lang/{code}", get(switch_lang))
        .merge(account::routes())
        .merge(registry::routes())
        .merge(units::routes())
        .merge(criteria::routes())
        .merge(councils::routes())
        .merge(assessment::routes())
        .merge(certificates::routes())
        .merge(dossiers::routes())
        .merge(province_steps::routes())
        .merge(inbox::routes())
        .merge(rounds::routes())
        .merge(self_assessment::routes())
        .merge(admin::routes())
        .merge(support::routes())
        .merge(inspections::routes())
        .merge(dashboard_plan::routes())
        .merge(reports::routes())
        .layer(axum::middleware::from_fn(page_middleware))
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A link in the main navigation.
pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// What every page's layout needs.
pub struct Layout {
    pub lang: Lang,
    pub title: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub role_label: String,
    pub nav: Vec<NavItem>,
    pub demo: bool,
    /// The pinned system date of a training copy, shown in a banner.
    pub pinned_today: Option<String>,
    pub flash: Option<&'static str>,
    /// Whether the flash message reports a failure.
    pub flash_error: bool,
    pub path: String,
}

impl Layout {
    pub fn new(ctx: &Ctx, title: impl Into<String>) -> Layout {
        let lang = ctx.lang;
        let mut nav = Vec::new();
        let path_only = ctx.path.split('?').next().unwrap_or("/").to_string();
        let mut add = |href: String, key: &str| {
            // Rounds and decisions belong to the dossiers' section; revocation cases and
            // label reports to the certificates'.
            let section: &str = match path_only.as_str() {
                p if p.starts_with("/rounds") || p.starts_with("/decisions") => "/dossiers",
                p if p.starts_with("/revocation-cases") || p.starts_with("/label-reports") => {
                    "/certificates"
                }
                p => p,
            };
            let current = if href == "/" {
                path_only == "/"
            } else {
                section.starts_with(&href)
            };
            nav.push(NavItem {
                href,
                label: t(lang, key),
                current,
            });
        };
        match &ctx.principal {
            Some(p) => {
                add("/".into(), "nav.dashboard");
                add("/producers".into(), "nav.producers");
                add("/products".into(), "nav.products");
                add("/dossiers".into(), "nav.dossiers");
                add("/criteria".into(), "nav.criteria");
                if p.role != Role::Producer {
                    add("/councils".into(), "nav.councils");
                }
                add("/certificates".into(), "nav.certificates");
                if matches!(p.role, Role::Admin | Role::Inspector | Role::Producer)
                    || p.role.is_officer()
                {
                    add("/inspections".into(), "nav.inspections");
                }
                if p.role != Role::Producer {
                    add("/units".into(), "nav.units");
                }
                add("/supports".into(), "nav.supports");
                add("/inbox".into(), "nav.inbox");
                if p.is_admin() {
                    add("/admin/users".into(), "nav.users");
                }
            }
            None => add("/login".into(), "nav.login"),
        }
        let flash = ctx.flash.as_deref().and_then(|k| match k {
            "saved" => Some("flash.saved"),
            "created" => Some("flash.created"),
            "logged_out" => Some("flash.logged_out"),
            "password_changed" => Some("flash.password_changed"),
            "token_revoked" => Some("flash.token_revoked"),
            "welcome" => Some("flash.welcome"),
            "photo_added" => Some("flash.photo_added"),
            "photo_deleted" => Some("flash.photo_deleted"),
            "err_photo_type" => Some("flash.err_photo_type"),
            "err_photo_size" => Some("flash.err_photo_size"),
            "err_photo_many" => Some("flash.err_photo_many"),
            "err_photo_none" => Some("flash.err_photo_none"),
            "open_dossier_exists" => Some("flash.open_dossier_exists"),
            "already_certified" => Some("flash.already_certified"),
            _ => None,
        });
        let flash_error = ctx.flash.as_deref().is_some_and(|k| k.starts_with("err_"));
        Layout {
            lang,
            title: title.into(),
            csrf: ctx.csrf_token(),
            user_name: ctx.user.as_ref().map(|u| u.display_name.clone()),
            role_label: ctx
                .principal
                .as_ref()
                .map(|p| match lang {
                    Lang::Vi => p.role.label_vi(),
                    Lang::En => p.role.label_en(),
                })
                .unwrap_or("")
                .to_string(),
            nav,
            demo: ctx.state.cfg.demo,
            pinned_today: ctx.state.cfg.today.map(ocop_domain::format::date_vn),
            flash: flash.map(|k| t(lang, k)),
            flash_error,
            path: ctx.path.clone(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// Link to switch language and come back here.
    pub fn lang_href(&self, code: &str) -> String {
        format!("/lang/{code}?next={}", urlencode(&self.path))
    }
}

/// Renders a template into a response.
pub fn render<T: Template>(tpl: &T) -> Result<Response, AppError> {
    Ok(Html(tpl.render()?).into_response())
}

/// A redirect that shows a flash message on the next page.
pub fn redirect_with_flash(to: &str, flash: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={flash}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// Clears the flash cookie once a page has shown it, and renders error pages.
async fn page_middleware(req: Request, next: Next) -> Response {
    let had_flash = crate::auth::cookie(req.headers(), FLASH_COOKIE).is_some();
    let mut resp = crate::error::render_error_pages(req, next).await;
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had_flash && is_html && resp.status() == StatusCode::OK {
        resp.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("ocop_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
        );
    }
    // Pages carry personal data: never cache them in shared caches.
    resp.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    message: String,
}

/// An error page in the given language (no user context: it must render even when
/// the database does not answer).
pub fn error_page(lang: Lang, status: StatusCode, key: &str) -> Response {
    error_page_text(lang, status, t(lang, key).to_string())
}

/// An error page with a message of its own (a workflow refusal naming its rule).
pub fn error_page_text(lang: Lang, status: StatusCode, message: String) -> Response {
    let l = Layout {
        lang,
        title: t(lang, "err.title").to_string(),
        csrf: String::new(),
        user_name: None,
        role_label: String::new(),
        nav: vec![NavItem {
            href: "/".into(),
            label: t(lang, "nav.dashboard"),
            current: false,
        }],
        demo: false,
        pinned_today: None,
        flash: None,
        flash_error: false,
        path: "/".into(),
    };
    let page = ErrorPage {
        l,
        message: message.clone(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message).into_response(),
    }
}

/// Field values and errors of a form being (re)displayed.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
}

impl FormState {
    pub fn from_fields(fields: &crate::auth::Fields) -> FormState {
        FormState {
            values: fields.0.iter().cloned().collect(),
            errors: HashMap::new(),
        }
    }
    pub fn with_errors(mut self, errs: &FieldErrors, lang: Lang) -> FormState {
        for (f, e) in &errs.0 {
            self.errors.insert(f.clone(), e.message(lang));
        }
        self
    }
    pub fn set(&mut self, k: &str, v: impl Into<String>) {
        self.values.insert(k.to_string(), v.into());
    }
    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }
    pub fn is(&self, k: &str, val: &str) -> bool {
        self.v(k) == val
    }
    pub fn checked(&self, k: &str) -> bool {
        !self.v(k).is_empty() && self.v(k) != "false"
    }
    pub fn err(&self, k: &str) -> Option<&str> {
        self.errors.get(k).map(String::as_str)
    }
    pub fn has_err(&self, k: &str) -> bool {
        self.errors.contains_key(k)
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Paging links that keep the other query parameters.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(
        base: &str,
        params: &HashMap<String, String>,
        page: u64,
        pages: u64,
        total: u64,
    ) -> Pager {
        let link = |p: u64| {
            let mut q: Vec<(String, String)> = params
                .iter()
                .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            q.sort();
            q.push(("page".into(), p.to_string()));
            format!(
                "{base}?{}",
                serde_urlencoded::to_string(&q).unwrap_or_default()
            )
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// One line of a record's history, ready to show.
pub struct HistoryLine {
    pub when: String,
    pub who: String,
    pub action: String,
    /// A creation shows only the values set, not an empty "before" column.
    pub is_create: bool,
    pub changes: Vec<(String, String, String)>,
}

/// The label of a stored field name.
fn field_label(lang: Lang, k: &str) -> String {
    let key = match k {
        "name" => "producer.name",
        "legal_form" => "producer.legal_form",
        "tax_code" => "producer.tax_code",
        "commune_code" => "producer.commune",
        "commune_name" => "history.commune_name",
        "commune_period" => "producer.commune_period",
        "province_code" => "history.province_code",
        "address_detail" => "producer.address_detail",
        "phone" => "producer.phone",
        "email" => "producer.email",
        "representative_name" => "producer.representative_name",
        "representative_female" => "producer.female",
        "representative_ethnic_minority" => "producer.ethnic_minority",
        "representative_ethnicity" => "producer.ethnicity",
        "representative_disability" => "producer.disability",
        "members_count" => "producer.members",
        "workers_count" => "producer.workers",
        "year_founded" => "producer.year_founded",
        "status" => "common.status",
        "producer_id" => "product.producer",
        "set_code" => "product.set",
        "product_code" => "product.code",
        "description" => "product.description",
        "raw_material_origin" => "product.raw_material",
        "stars" => "product.stars",
        "username" => "user.username",
        "display_name" => "user.display_name",
        "role" => "user.role",
        "unit_code" => "user.unit",
        "unit_period" => "user.unit_period",
        "disabled" => "user.disabled",
        "photo" => "history.photo",
        "content_type" => "history.content_type",
        "size" => "history.size",
        "sheet" => "criteria.sheet",
        "rulebook" => "criteria.rulebook",
        "total" => "sa.total",
        _ => return k.to_string(),
    };
    t(lang, key).to_string()
}

/// A stored value as a person reads it: labels for codes, Có/Không for booleans.
fn field_value(lang: Lang, k: &str, v: Option<&serde_json::Value>) -> String {
    use ocop_domain::registry::{LegalForm, ProducerStatus, ProductStatus};
    match v {
        None | Some(serde_json::Value::Null) => "—".into(),
        Some(serde_json::Value::Bool(b)) => {
            t(lang, if *b { "common.yes" } else { "common.no" }).into()
        }
        Some(serde_json::Value::String(s)) => match k {
            "legal_form" => s
                .parse::<LegalForm>()
                .map(|x| x.label(lang).to_string())
                .unwrap_or_else(|_| s.clone()),
            "status" => s
                .parse::<ProducerStatus>()
                .map(|x| x.label(lang).to_string())
                .or_else(|_| {
                    s.parse::<ProductStatus>()
                        .map(|x| x.label(lang).to_string())
                })
                .unwrap_or_else(|_| s.clone()),
            "commune_period" | "unit_period" => match s.as_str() {
                "pre2025" => t(lang, "producer.period_pre").into(),
                "post2025" => t(lang, "producer.period_post").into(),
                _ => s.clone(),
            },
            "role" => s
                .parse::<Role>()
                .map(|r| match lang {
                    Lang::Vi => r.label_vi().to_string(),
                    Lang::En => r.label_en().to_string(),
                })
                .unwrap_or_else(|_| s.clone()),
            _ => s.clone(),
        },
        Some(x) => x.to_string(),
    }
}

fn action_label(lang: Lang, a: &str) -> String {
    let key = match a {
        "create" => "history.create",
        "update" => "history.update",
        "add_photo" => "history.add_photo",
        "delete_photo" => "history.delete_photo",
        "self_assessment" => "history.self_assessment",
        "change_password" => "history.change_password",
        _ => return a.to_string(),
    };
    t(lang, key).to_string()
}

/// Turns audit entries into lines with the fields that changed, in the user's language.
pub fn history_lines(
    entries: Vec<ocop_store::entities::audit_entry::Model>,
    lang: Lang,
) -> Vec<HistoryLine> {
    entries
        .into_iter()
        .map(|e| {
            let before: serde_json::Value = e
                .before
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            let after: serde_json::Value = e
                .after
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or_default();
            let mut keys: Vec<String> = before
                .as_object()
                .into_iter()
                .chain(after.as_object())
                .flat_map(|o| o.keys().cloned())
                .filter(|k| k != "version" && k != "id")
                .collect();
            keys.sort();
            keys.dedup();
            let changes = keys
                .into_iter()
                .filter_map(|k| {
                    let b = before.get(&k);
                    let a = after.get(&k);
                    (b != a).then(|| {
                        (
                            field_label(lang, &k),
                            field_value(lang, &k, b),
                            field_value(lang, &k, a),
                        )
                    })
                })
                .collect();
            HistoryLine {
                when: ocop_domain::format::datetime_vn(e.at),
                who: match e.actor.strip_prefix("system:") {
                    Some(what) => format!("{} ({what})", t(lang, "history.system")),
                    None => e.actor,
                },
                is_create: e.action == "create",
                action: action_label(lang, &e.action),
                changes,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    scope_label: String,
    producers: u64,
    products: i64,
    certified: i64,
    in_progress: i64,
    by_status: Vec<(String, String, String)>,
    can_create_producer: bool,
    can_write: bool,
    /// What waits for someone: (link, label, count, urgent).
    todo: Vec<(String, String, usize, bool)>,
    plan: Option<dashboard_plan::PlanPanel>,
}

/// The dashboard's "to do": dossiers and certificates that wait for someone in the
/// viewer's area, only what is not zero.
async fn todo_list(
    ctx: &Ctx,
    p: &ocop_domain::roles::Principal,
) -> Result<Vec<(String, String, usize, bool)>, AppError> {
    let db = &ctx.state.db.conn;
    let today = ctx.state.today();
    let lang = ctx.lang;
    let dossiers = ocop_store::dossiers::list(db, &p.scope, None).await?;
    let count = |state: &str| dossiers.iter().filter(|d| d.state == state).count();
    let officer = p.role.is_officer() || p.is_admin();
    let mut out = vec![(
        "/dossiers?overdue=1".to_string(),
        t(lang, "dash.todo_overdue").to_string(),
        dossiers
            .iter()
            .filter(|d| ocop_store::dossiers::overdue(d, today))
            .count(),
        true,
    )];
    if p.role == ocop_domain::roles::Role::Producer {
        out.push((
            "/dossiers?state=supplement_requested".into(),
            t(lang, "dash.todo_supplement").into(),
            count("supplement_requested"),
            true,
        ));
        out.push((
            "/dossiers?state=province_supplement".into(),
            t(lang, "dash.todo_province_supplement").into(),
            count("province_supplement"),
            true,
        ));
        out.push((
            "/dossiers?state=draft".into(),
            t(lang, "dash.todo_drafts").into(),
            count("draft"),
            false,
        ));
    } else {
        out.push((
            "/dossiers?state=submitted".into(),
            t(lang, "dash.todo_check").into(),
            count("submitted"),
            false,
        ));
        out.push((
            "/dossiers?state=province_check".into(),
            t(lang, "dash.todo_province_check").into(),
            count("province_check"),
            false,
        ));
        out.push((
            "/dossiers?state=province_council".into(),
            t(lang, "dash.todo_council").into(),
            count("province_council") + count("district_council"),
            false,
        ));
        out.push((
            "/dossiers?state=province_approval".into(),
            t(lang, "dash.todo_approval").into(),
            count("province_approval"),
            count("province_approval") > 0,
        ));
        out.push((
            "/dossiers?state=central_council".into(),
            t(lang, "dash.todo_central").into(),
            count("central_council"),
            false,
        ));
        out.push((
            "/dossiers?state=central_returned".into(),
            t(lang, "dash.todo_central_choice").into(),
            count("central_returned"),
            count("central_returned") > 0,
        ));
    }
    let (_, expiring) = ocop_store::certificates::list(
        db,
        &p.scope,
        &ocop_store::certificates::CertFilter {
            status: Some("expiring".into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        },
        today,
    )
    .await?;
    out.push((
        "/certificates?status=expiring".into(),
        t(lang, "dash.todo_expiring").into(),
        expiring as usize,
        false,
    ));
    if officer {
        let cases = ocop_store::certificates::cases(db, &p.scope).await?;
        let open: Vec<_> = cases.iter().filter(|(c, _)| c.status == "open").collect();
        out.push((
            "/revocation-cases".into(),
            t(lang, "dash.todo_cases").into(),
            open.len(),
            open.iter().any(|(c, _)| today > c.deadline_on),
        ));
    }
    out.retain(|x| x.2 > 0);
    Ok(out)
}

async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    let (p, u) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let producers = ocop_store::registry::count_producers(db, &p.scope).await?;
    let counts = ocop_store::registry::count_products_by_status(db, &p.scope).await?;
    let get = |s: &str| {
        counts
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let by_status = ocop_domain::registry::ProductStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                s.label(ctx.lang).to_string(),
                ocop_domain::format::number_vn(get(s.as_str())),
            )
        })
        .collect();
    let scope_label = match (&u.unit_code, &u.unit_period) {
        (Some(code), Some(period)) => match ocop_store::units::find(
            db,
            code,
            period
                .parse()
                .unwrap_or(ocop_domain::units::Period::Post2025),
        )
        .await?
        {
            Some(unit) => unit.name,
            None => code.clone(),
        },
        _ => match p.scope {
            ocop_domain::roles::Scope::All => t(ctx.lang, "dash.scope_all").to_string(),
            _ => String::new(),
        },
    };
    let page = DashboardPage {
        l: Layout::new(&ctx, t(ctx.lang, "dash.title")),
        scope_label,
        producers,
        products: counts.iter().map(|(_, n)| n).sum(),
        certified: get("certified"),
        in_progress: get("in_development") + get("submitted"),
        by_status,
        can_create_producer: p.can_create_producer(),
        can_write: p.can_write_registry(),
        todo: todo_list(&ctx, p).await?,
        plan: dashboard_plan::panel(&ctx, p).await?,
    };
    render(&page)
}

#[derive(serde::Deserialize)]
struct NextParam {
    next: Option<String>,
}

/// Only local paths may be redirect targets (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"), and a
        // newline cannot go into a header: refuse any control or space character.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

async fn switch_lang(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(q): Query<NextParam>,
    axum::extract::State(st): axum::extract::State<AppState>,
) -> Response {
    let lang = if code == "en" { "en" } else { "vi" };
    let mut r = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let c = crate::auth::set_cookie(
        LANG_COOKIE,
        lang,
        Some(365 * 24 * 3600),
        st.cfg.secure_cookies,
    );
    if let Ok(v) = HeaderValue::from_str(&c) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}
