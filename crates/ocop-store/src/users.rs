//! Accounts, passwords (Argon2id), login lockout, web sessions and API tokens.

use crate::audit::{self, Actor};
use crate::entities::{api_token, session, user};
use crate::error::{Result, StoreError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use ocop_domain::roles::{Principal, Role};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};

/// Consecutive failures before an account is locked.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// Session lifetime without activity.
pub const SESSION_HOURS: i64 = 12;
/// API token lifetime.
pub const TOKEN_DAYS: i64 = 90;

/// Hashes a password with Argon2id (PHC string).
pub fn hash_password(pw: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash password: {e}")))
}

fn verify_password(pw: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A random secret, hex-encoded.
pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Password rules: at least 8 characters, not all the same character.
pub fn check_password_strength(pw: &str) -> std::result::Result<(), &'static str> {
    let n = pw.chars().count();
    if n < 8 {
        return Err("too_short");
    }
    if n > 200 {
        return Err("too_long");
    }
    let first = pw.chars().next();
    if pw.chars().all(|c| Some(c) == first) {
        return Err("too_simple");
    }
    Ok(())
}

/// A new account's fields.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub unit: Option<(String, ocop_domain::units::Period, String)>,
    pub producer_id: Option<i64>,
}

/// Normalises a username: trimmed, lowercase; letters, digits, '.', '_', '-'.
pub fn normalize_username(s: &str) -> std::result::Result<String, &'static str> {
    let u = s.trim().to_lowercase();
    if u.len() < 3 || u.len() > 64 {
        return Err("bad_length");
    }
    if !u
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err("bad_chars");
    }
    Ok(u)
}

fn user_json(u: &user::Model) -> serde_json::Value {
    serde_json::json!({
        "username": u.username, "display_name": u.display_name, "role": u.role,
        "unit_code": u.unit_code, "unit_period": u.unit_period, "producer_id": u.producer_id,
        "disabled": u.disabled,
    })
}

/// Creates an account; `Duplicate("username")` if the name is taken.
pub async fn create<C: TransactionTrait>(db: &C, actor: &Actor, n: NewUser) -> Result<user::Model> {
    let username = normalize_username(&n.username).map_err(|_| {
        StoreError::Invalid("username: 3–64 characters: letters, digits, . _ - @".into())
    })?;
    check_password_strength(&n.password).map_err(|_| {
        StoreError::Invalid("password: at least 8 characters, not all the same".into())
    })?;
    if n.role.requires_unit() && n.unit.is_none() {
        return Err(StoreError::Invalid(format!("role {} needs a unit", n.role)));
    }
    if n.role == Role::Producer && n.producer_id.is_none() {
        return Err(StoreError::Invalid(
            "a producer account needs a producer".into(),
        ));
    }
    let hash = hash_password(&n.password)?;
    let now = crate::now();
    let txn = crate::db::begin_write(db).await?;
    let (unit_code, unit_period, unit_path) = match n.unit {
        Some((c, p, path)) => (Some(c), Some(p.as_str().to_string()), Some(path)),
        None => (None, None, None),
    };
    let m = user::ActiveModel {
        username: Set(username.clone()),
        display_name: Set(if n.display_name.trim().is_empty() {
            username.clone()
        } else {
            ocop_domain::text::clean(&n.display_name)
        }),
        password_hash: Set(hash),
        role: Set(n.role.as_str().to_string()),
        unit_code: Set(unit_code),
        unit_period: Set(unit_period),
        unit_path: Set(unit_path),
        producer_id: Set(n.producer_id),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(StoreError::unique_as("username"))?;
    audit::record(
        &txn,
        actor,
        "user",
        m.id,
        "create",
        None,
        Some(user_json(&m)),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn find_by_username<C: ConnectionTrait>(
    c: &C,
    username: &str,
) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username.trim().to_lowercase()))
        .one(c)
        .await?)
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<user::Model> {
    user::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn list<C: ConnectionTrait>(c: &C) -> Result<Vec<user::Model>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(c)
        .await?)
}

/// The principal the rules work with.
pub fn principal(u: &user::Model) -> Principal {
    let role = u.role.parse().unwrap_or(Role::Viewer);
    Principal::new(
        u.id,
        u.username.clone(),
        role,
        u.unit_path.clone(),
        u.producer_id,
    )
}

/// Why a login failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// Unknown user or wrong password: the same answer for both.
    BadCredentials,
    Disabled,
    Locked {
        until: DateTime<Utc>,
    },
}

/// Checks a username and password, counting failures and locking the account after
/// [`MAX_FAILED_LOGINS`] failures in a row.
///
/// The same work is done whatever the outcome: an unknown username is checked
/// against a dummy Argon2 hash with the same parameters, and a locked account's
/// password is still verified (and a failure still counted), so neither timing nor
/// the answer tells which names exist. Callers must show `BadCredentials` and
/// `Locked` the same way.
pub async fn authenticate<C: ConnectionTrait>(
    c: &C,
    username: &str,
    password: &str,
) -> Result<std::result::Result<user::Model, LoginError>> {
    let found = find_by_username(c, username).await?;
    let ok = verify_password(
        password,
        found
            .as_ref()
            .map(|u| u.password_hash.as_str())
            .unwrap_or_else(|| dummy_hash()),
    );
    let Some(u) = found else {
        return Ok(Err(LoginError::BadCredentials));
    };
    let now = crate::now();
    if !ok {
        let failures = count_failure(c, u.id, now).await?;
        return Ok(Err(if failures >= MAX_FAILED_LOGINS {
            LoginError::Locked {
                until: now + Duration::minutes(LOCK_MINUTES),
            }
        } else {
            LoginError::BadCredentials
        }));
    }
    if let Some(until) = u.locked_until.filter(|t| *t > now) {
        return Ok(Err(LoginError::Locked { until }));
    }
    if u.disabled {
        return Ok(Err(LoginError::Disabled));
    }
    let mut am = u.clone().into_active_model();
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.last_login_at = Set(Some(now));
    Ok(Ok(am.update(c).await?))
}

/// Counts a failed password in one `UPDATE … RETURNING` (atomic on both databases,
/// so parallel attempts all count): a lock that has run out starts the count again,
/// and reaching [`MAX_FAILED_LOGINS`] (re)locks the account for [`LOCK_MINUTES`]
/// from `now`. Returns the new count: the account is locked when it is at least
/// [`MAX_FAILED_LOGINS`].
pub async fn count_failure<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<i32> {
    use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Query};
    use user::Column as U;
    let lapsed = || {
        Expr::col(U::LockedUntil)
            .is_not_null()
            .and(Expr::col(U::LockedUntil).lte(now))
    };
    let count = || {
        CaseStatement::new()
            .case(lapsed(), Expr::val(1))
            .finally(Expr::col(U::FailedLogins).add(1))
    };
    let lock = CaseStatement::new()
        .case(
            Expr::expr(count()).gte(MAX_FAILED_LOGINS),
            Expr::val(now + Duration::minutes(LOCK_MINUTES)),
        )
        .case(lapsed(), Expr::val(Option::<DateTime<Utc>>::None))
        .finally(Expr::col(U::LockedUntil));
    let stmt = Query::update()
        .table(user::Entity)
        .value(U::FailedLogins, count())
        .value(U::LockedUntil, lock)
        .and_where(Expr::col(U::Id).eq(user_id))
        .returning_col(U::FailedLogins)
        .to_owned();
    let row = c.query_one(&stmt).await?.ok_or(StoreError::NotFound)?;
    Ok(row.try_get::<i32>("", "failed_logins")?)
}

/// An Argon2id hash (default parameters, like every stored one) of a random
/// password, made once, to spend the same time on unknown usernames.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token(16)).unwrap_or_default())
}

/// A new web session: the cookie value (returned once) and the stored row.
pub async fn create_session<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
) -> Result<(String, session::Model)> {
    let token = random_token(32);
    let now = crate::now();
    let m = session::ActiveModel {
        id_hash: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        csrf_token: Set(random_token(24)),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(SESSION_HOURS)),
        last_seen_at: Set(now),
    }
    .insert(c)
    .await?;
    Ok((token, m))
}

/// The live session and its user for a cookie value; `None` if unknown, expired or
/// the user is disabled. Extends the session on use (at most once a minute).
pub async fn session_user<C: ConnectionTrait>(
    c: &C,
    token: &str,
) -> Result<Option<(session::Model, user::Model)>> {
    let Some(s) = session::Entity::find_by_id(sha256_hex(token))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let now = crate::now();
    if s.expires_at <= now {
        session::Entity::delete_by_id(s.id_hash.clone())
            .exec(c)
            .await?;
        return Ok(None);
    }
    let Some(u) = user::Entity::find_by_id(s.user_id).one(c).await? else {
        return Ok(None);
    };
    if u.disabled {
        return Ok(None);
    }
    let s = if now - s.last_seen_at > Duration::minutes(1) {
        let mut am = s.into_active_model();
        am.last_seen_at = Set(now);
        am.expires_at = Set(now + Duration::hours(SESSION_HOURS));
        am.update(c).await?
    } else {
        s
    };
    Ok(Some((s, u)))
}

pub async fn delete_session<C: ConnectionTrait>(c: &C, token: &str) -> Result<()> {
    session::Entity::delete_by_id(sha256_hex(token))
        .exec(c)
        .await?;
    Ok(())
}

/// Ends a session by its stored id (logout).
pub async fn delete_session_by_hash<C: ConnectionTrait>(c: &C, id_hash: &str) -> Result<()> {
    session::Entity::delete_by_id(id_hash.to_string())
        .exec(c)
        .await?;
    Ok(())
}

/// Deletes expired sessions; returns how many.
pub async fn purge_sessions<C: ConnectionTrait>(c: &C) -> Result<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(crate::now()))
        .exec(c)
        .await?
        .rows_affected)
}

/// Longest lifetime of an API token, in days.
pub const TOKEN_MAX_DAYS: i64 = 365;
/// Longest token name.
pub const TOKEN_NAME_MAX: usize = 80;

/// Issues an unnamed API token for [`TOKEN_DAYS`] days; the plain value is returned
/// once and only its hash stored.
pub async fn create_token<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
) -> Result<(String, DateTime<Utc>)> {
    let (token, m) = create_named_token(c, user_id, "", TOKEN_DAYS).await?;
    Ok((token, m.expires_at))
}

/// Issues an API token named `name` for `days` days (clamped to
/// 1–[`TOKEN_MAX_DAYS`]); the plain value is returned once and only its hash stored.
pub async fn create_named_token<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    name: &str,
    days: i64,
) -> Result<(String, api_token::Model)> {
    let token = format!("ocop_{}", random_token(32));
    let now = crate::now();
    let days = days.clamp(1, TOKEN_MAX_DAYS);
    let name: String = ocop_domain::text::clean(name)
        .chars()
        .take(TOKEN_NAME_MAX)
        .collect();
    let m = api_token::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days)),
        last_used_at: Set(None),
        name: Set(name),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok((token, m))
}

/// The user of a live API token. Records when the token was last used (at most one
/// write a minute per token).
pub async fn token_user<C: ConnectionTrait>(c: &C, token: &str) -> Result<Option<user::Model>> {
    Ok(token_and_user(c, token).await?.map(|(_, u)| u))
}

/// The live API token and its (enabled) user.
pub async fn token_and_user<C: ConnectionTrait>(
    c: &C,
    token: &str,
) -> Result<Option<(api_token::Model, user::Model)>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(sha256_hex(token)))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let now = crate::now();
    if t.expires_at <= now {
        return Ok(None);
    }
    let Some(u) = user::Entity::find_by_id(t.user_id)
        .one(c)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(None);
    };
    if t.last_used_at
        .is_none_or(|at| now - at >= Duration::minutes(1))
    {
        // Conditional, so parallel requests write once; a failure only loses the stamp.
        let _ = api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(api_token::Column::Id.eq(t.id))
            .filter(
                sea_orm::Condition::any()
                    .add(api_token::Column::LastUsedAt.is_null())
                    .add(api_token::Column::LastUsedAt.lte(now - Duration::minutes(1))),
            )
            .exec(c)
            .await;
    }
    Ok(Some((t, u)))
}

/// A user's API tokens that have not expired, newest first.
pub async fn list_tokens<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::ExpiresAt.gt(crate::now()))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .all(c)
        .await?)
}

/// Revokes (deletes) one of the user's tokens; false if the user has no such token.
pub async fn revoke_token<C: ConnectionTrait>(c: &C, user_id: i64, token_id: i64) -> Result<bool> {
    Ok(api_token::Entity::delete_many()
        .filter(api_token::Column::Id.eq(token_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(c)
        .await?
        .rows_affected
        > 0)
}

/// Deletes expired API tokens; returns how many.
pub async fn purge_tokens<C: ConnectionTrait>(c: &C) -> Result<u64> {
    Ok(api_token::Entity::delete_many()
        .filter(api_token::Column::ExpiresAt.lte(crate::now()))
        .exec(c)
        .await?
        .rows_affected)
}

/// Changes a password after checking the old one; ends the user's other sessions
/// (all but `keep_session`, the id hash of the session making the change) and tokens.
pub async fn change_password<C: TransactionTrait>(
    db: &C,
    user_id: i64,
    keep_session: Option<&str>,
    old: &str,
    new: &str,
) -> Result<std::result::Result<(), &'static str>> {
    let txn = crate::db::begin_write(db).await?;
    let u = get(&txn, user_id).await?;
    if !verify_password(old, &u.password_hash) {
        return Ok(Err("wrong_old"));
    }
    if let Err(e) = check_password_strength(new) {
        return Ok(Err(e));
    }
    let mut am = u.clone().into_active_model();
    am.password_hash = Set(hash_password(new)?);
    am.updated_at = Set(crate::now());
    am.update(&txn).await?;
    let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep_session {
        others = others.filter(session::Column::IdHash.ne(keep));
    }
    others.exec(&txn).await?;
    api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor {
            id: Some(u.id),
            name: u.username.clone(),
        },
        "user",
        u.id,
        "change_password",
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Fields an administrator can change on an account.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub unit: Option<(String, ocop_domain::units::Period, String)>,
    pub producer_id: Option<i64>,
    pub disabled: bool,
    pub new_password: Option<String>,
}

/// Updates an account (admin pages), with the version check and an audit entry.
/// Disabling an account also ends its sessions and tokens.
pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
    expected_version: i32,
    upd: UserUpdate,
) -> Result<user::Model> {
    if upd.role.requires_unit() && upd.unit.is_none() {
        return Err(StoreError::Invalid("unit_required".into()));
    }
    if upd.role == Role::Producer && upd.producer_id.is_none() {
        return Err(StoreError::Invalid("producer_required".into()));
    }
    let txn = crate::db::begin_write(db).await?;
    let before = get(&txn, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let mut am = before.clone().into_active_model();
    am.display_name = Set(ocop_domain::text::clean(&upd.display_name));
    am.role = Set(upd.role.as_str().to_string());
    let (uc, up, upath) = match upd.unit {
        Some((c, p, path)) => (Some(c), Some(p.as_str().to_string()), Some(path)),
        None => (None, None, None),
    };
    am.unit_code = Set(uc);
    am.unit_period = Set(up);
    am.unit_path = Set(upath);
    am.producer_id = Set(if upd.role == Role::Producer {
        upd.producer_id
    } else {
        None
    });
    am.disabled = Set(upd.disabled);
    if let Some(pw) = &upd.new_password {
        check_password_strength(pw).map_err(|e| StoreError::Invalid(e.into()))?;
        am.password_hash = Set(hash_password(pw)?);
        am.failed_logins = Set(0);
        am.locked_until = Set(None);
    }
    am.updated_at = Set(crate::now());
    am.version = Set(before.version + 1);
    let after = am.update(&txn).await?;
    if after.disabled || upd.new_password.is_some() {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
        api_token::Entity::delete_many()
            .filter(api_token::Column::UserId.eq(id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        actor,
        "user",
        id,
        "update",
        Some(user_json(&before)),
        Some(user_json(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
