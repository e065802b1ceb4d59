//! Administration of accounts: list, create, disable, change role and scope.

use super::{redirect_with_flash, render, FormState, Layout};
use crate::auth::{Ctx, Fields, Posted};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::entities::user;
use ocop_store::DatabaseConnection;
use ocop_store::{users, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list))
        .route("/admin/users/new", get(new_form).post(create))
        .route("/admin/users/{id}", get(edit_form).post(update))
}

fn require_admin(ctx: &Ctx) -> Result<(), AppError> {
    let (p, _) = ctx.require()?;
    if !p.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// A user row.
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
    pub disabled: bool,
    pub last_login: String,
}

fn role_label(r: &str, lang: Lang) -> String {
    r.parse::<Role>()
        .map(|r| match lang {
            Lang::Vi => r.label_vi().to_string(),
            Lang::En => r.label_en().to_string(),
        })
        .unwrap_or_else(|_| r.to_string())
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    l: Layout,
    rows: Vec<UserRow>,
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    let rows = users::list(&ctx.state.db.conn)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            role: role_label(&u.role, ctx.lang),
            unit: match (&u.unit_code, u.producer_id) {
                (Some(c), _) => c.clone(),
                (None, Some(p)) => format!("#{p}"),
                _ => String::new(),
            },
            disabled: u.disabled,
            last_login: u
                .last_login_at
                .map(ocop_domain::format::datetime_vn)
                .unwrap_or_default(),
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    render(&UsersPage {
        l: Layout::new(&ctx, t(ctx.lang, "user.list_title")),
        rows,
    })
}

/// An option of a select.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage {
    l: Layout,
    heading: String,
    action: String,
    is_new: bool,
    f: FormState,
    roles: Vec<Opt>,
    producers: Vec<Opt>,
}

async fn form_page(
    ctx: &Ctx,
    f: FormState,
    existing: Option<&user::Model>,
) -> Result<UserFormPage, AppError> {
    let lang = ctx.lang;
    let producers =
        ocop_store::registry::producer_choices(&ctx.state.db.conn, &ocop_domain::roles::Scope::All)
            .await?;
    let (heading, action) = match existing {
        Some(u) => (t(lang, "user.edit_title"), format!("/admin/users/{}", u.id)),
        None => (t(lang, "user.new_title"), "/admin/users/new".into()),
    };
    Ok(UserFormPage {
        l: Layout::new(ctx, heading),
        heading: heading.into(),
        action,
        is_new: existing.is_none(),
        roles: Role::ALL
            .iter()
            .map(|r| Opt {
                value: r.as_str().into(),
                label: role_label(r.as_str(), lang),
                selected: f.is("role", r.as_str()),
            })
            .collect(),
        producers: producers
            .into_iter()
            .map(|(id, n)| Opt {
                selected: f.is("producer_id", &id.to_string()),
                value: id.to_string(),
                label: n,
            })
            .collect(),
        f,
    })
}

async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    let mut f = FormState::default();
    f.set("role", "viewer");
    f.set("unit_period", "post2025");
    render(&form_page(&ctx, f, None).await?)
}

/// Reads and checks role, unit and producer; errors go into `f`.
async fn scope_fields(
    db: &DatabaseConnection,
    fields: &Fields,
    f: &mut FormState,
    lang: Lang,
) -> Result<Option<(Role, Option<(String, Period, String)>, Option<i64>)>, AppError> {
    let role: Option<Role> = fields.get("role").parse().ok();
    if role.is_none() {
        f.errors.insert(
            "role".into(),
            ocop_domain::registry::Invalid::BadChoice.message(lang),
        );
    }
    let code = fields.get("unit_code").trim().to_string();
    let period: Period = fields
        .get("unit_period")
        .parse()
        .unwrap_or(Period::Post2025);
    let unit = if code.is_empty() {
        None
    } else {
        match ocop_store::units::find(db, &code, period).await? {
            Some(u) => Some((u.code, period, u.path)),
            None => {
                f.errors
                    .insert("unit_code".into(), t(lang, "user.unit_unknown").into());
                None
            }
        }
    };
    let producer_id: Option<i64> = fields.get("producer_id").parse().ok();
    if let Some(r) = role {
        if r.requires_unit() && unit.is_none() && !f.has_err("unit_code") {
            f.errors
                .insert("unit_code".into(), t(lang, "user.unit_required").into());
        }
        if r == Role::Producer && producer_id.is_none() {
            f.errors.insert(
                "producer_id".into(),
                t(lang, "user.producer_required").into(),
            );
        }
    }
    Ok(role
        .filter(|_| !f.has_errors())
        .map(|r| (r, unit, producer_id)))
}

async fn create(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    require_admin(&ctx)?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let mut f = FormState::from_fields(&fields);
    f.values.remove("password");
    if users::normalize_username(fields.get("username")).is_err() {
        f.errors
            .insert("username".into(), t(lang, "user.bad_username").into());
    }
    if let Err(w) = ocop_domain::passwords::check(
        fields.get("password"),
        fields.get("username"),
        fields.get("display_name"),
    ) {
        f.errors.insert("password".into(), w.message(lang));
    }
    let scope = scope_fields(db, &fields, &mut f, lang).await?;
    if let (Some((role, unit, producer_id)), false) = (scope, f.has_errors()) {
        let n = users::NewUser {
            username: fields.get("username").into(),
            display_name: fields.get("display_name").into(),
            password: fields.get("password").into(),
            role,
            unit,
            producer_id,
        };
        match users::create(db, &ctx.actor(), n).await {
            Ok(_) => return Ok(redirect_with_flash("/admin/users", "created")),
            Err(StoreError::Duplicate(_)) => {
                f.errors
                    .insert("username".into(), t(lang, "user.taken").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut r = render(&form_page(&ctx, f, None).await?)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

async fn edit_form(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    require_admin(&ctx)?;
    let u = users::get(&ctx.state.db.conn, id).await?;
    let mut f = FormState::default();
    f.set("username", &u.username);
    f.set("display_name", &u.display_name);
    f.set("role", &u.role);
    f.set("unit_code", u.unit_code.clone().unwrap_or_default());
    f.set(
        "unit_period",
        u.unit_period.clone().unwrap_or_else(|| "post2025".into()),
    );
    f.set(
        "producer_id",
        u.producer_id.map(|x| x.to_string()).unwrap_or_default(),
    );
    if u.disabled {
        f.set("disabled", "on");
    }
    f.set("version", u.version.to_string());
    render(&form_page(&ctx, f, Some(&u)).await?)
}

async fn update(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    require_admin(&ctx)?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let u = users::get(db, id).await?;
    let mut f = FormState::from_fields(&fields);
    f.values.remove("new_password");
    f.set("username", &u.username);
    let new_password = Some(fields.get("new_password").to_string()).filter(|p| !p.is_empty());
    if let Some(pw) = &new_password {
        if let Err(w) = ocop_domain::passwords::check(pw, &u.username, fields.get("display_name")) {
            f.errors.insert("new_password".into(), w.message(lang));
        }
    }
    let scope = scope_fields(db, &fields, &mut f, lang).await?;
    if let (Some((role, unit, producer_id)), false) = (scope, f.has_errors()) {
        let upd = users::UserUpdate {
            display_name: fields.get("display_name").into(),
            role,
            unit,
            producer_id,
            disabled: fields.checked("disabled"),
            new_password,
        };
        let version: i32 = fields.get("version").parse().unwrap_or(-1);
        match users::update(db, &ctx.actor(), id, version, upd).await {
            Ok(_) => return Ok(redirect_with_flash("/admin/users", "saved")),
            Err(StoreError::Conflict) => {
                f.errors
                    .insert("_form".into(), t(lang, "err.conflict").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut r = render(&form_page(&ctx, f, Some(&u)).await?)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}
