//! News and announcements: officers write drafts, publish and withdraw them; the
//! public site lists published items (issue 12, item 7).

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::registry::Page;
use crate::support::SupportError;
use crate::support_entities::news_item;
use ocop_domain::news::{self as rules, NewsCategory, NewsStatus};
use ocop_domain::registry::{FieldErrors, Invalid};
use ocop_domain::roles::{Principal, Scope};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

/// A news item as written.
#[derive(Debug, Clone, Default)]
pub struct NewsInput {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category: String,
}

fn check(i: &NewsInput) -> Result<(String, String, String), SupportError> {
    let mut errs = FieldErrors::default();
    let title = ocop_domain::text::clean(&i.title);
    if title.is_empty() {
        errs.add("title", Invalid::Required);
    } else if title.chars().count() > 200 {
        errs.add("title", Invalid::TooLong { max: 200 });
    }
    let summary = ocop_domain::text::clean(&i.summary);
    if summary.chars().count() > 500 {
        errs.add("summary", Invalid::TooLong { max: 500 });
    }
    let body = ocop_domain::text::clean_multiline(&i.body);
    if body.is_empty() {
        errs.add("body", Invalid::Required);
    } else if body.chars().count() > 20_000 {
        errs.add("body", Invalid::TooLong { max: 20_000 });
    }
    if i.category.parse::<NewsCategory>().is_err() {
        errs.add("category", Invalid::BadChoice);
    }
    if errs.is_empty() {
        Ok((title, summary, body))
    } else {
        Err(SupportError::Invalid(errs))
    }
}

/// Writes a draft in the officer's unit.
pub async fn create<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    i: &NewsInput,
) -> Result<news_item::Model, SupportError> {
    if !rules::may_write(by) {
        return Err(SupportError::Forbidden);
    }
    let (title, summary, body) = check(i)?;
    let path = match &by.scope {
        Scope::Unit { path } => path.clone(),
        _ => "VN/".into(),
    };
    let txn = crate::db::begin_write(db).await?;
    let now = crate::now();
    let m = news_item::ActiveModel {
        title: Set(title),
        summary: Set(summary),
        body: Set(body),
        category: Set(i.category.trim().to_string()),
        status: Set(NewsStatus::Draft.as_str().into()),
        published_at: Set(None),
        unit_path: Set(path.clone()),
        current_unit_path: Set(path),
        created_by: Set(actor.name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "news",
        m.id,
        "create",
        None,
        Some(serde_json::json!({"title": m.title, "category": m.category})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// A news item an officer may see (its unit's, above or below); others: NotFound.
pub async fn get<C: ConnectionTrait>(c: &C, by: &Principal, id: i64) -> Result<news_item::Model> {
    let m = news_item::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let ok = rules::may_write(by)
        && match &by.scope {
            Scope::All => true,
            Scope::Unit { path } => m.unit_path.starts_with(path.as_str()),
            _ => false,
        };
    if !ok {
        return Err(StoreError::NotFound);
    }
    Ok(m)
}

/// Publishes (`publish = true`) or withdraws an item at the version read.
pub async fn set_published<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    id: i64,
    version: i32,
    publish: bool,
) -> Result<news_item::Model, SupportError> {
    let txn = crate::db::begin_write(db).await?;
    let before = get(&txn, by, id).await?;
    if before.version != version {
        return Err(StoreError::Conflict.into());
    }
    let from: NewsStatus = before
        .status
        .parse()
        .map_err(|_| StoreError::Invalid("status".into()))?;
    let Some(to) = rules::next_status(from, publish) else {
        return Err(StoreError::Invalid(format!(
            "a {} item cannot be {}",
            from.as_str(),
            if publish { "published" } else { "withdrawn" }
        ))
        .into());
    };
    let mut am = before.clone().into_active_model();
    am.status = Set(to.as_str().into());
    if publish {
        am.published_at = Set(Some(crate::now()));
    }
    am.updated_at = Set(crate::now());
    am.version = Set(before.version + 1);
    let res = news_item::Entity::update_many()
        .set(am)
        .filter(news_item::Column::Id.eq(id))
        .filter(news_item::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(StoreError::Conflict.into());
    }
    let after = news_item::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::record(
        &txn,
        actor,
        "news",
        id,
        to.as_str(),
        Some(serde_json::json!({"status": before.status})),
        Some(serde_json::json!({"status": after.status})),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Items officers of this scope see (all states), newest first.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    page: u64,
    per_page: u64,
) -> Result<Page<news_item::Model>> {
    use news_item::Column as N;
    let cond = match scope {
        Scope::All => Condition::all(),
        Scope::Unit { path } => Condition::all().add(N::UnitPath.starts_with(path)),
        _ => Condition::all().add(Expr::val(1).eq(Expr::val(0))),
    };
    let q = news_item::Entity::find().filter(cond).order_by_desc(N::Id);
    let (page, per) = crate::registry::page_bounds(page, per_page);
    let total = q.clone().count(c).await?;
    let items = q.offset((page - 1) * per).limit(per).all(c).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}

/// Published items, newest first (the public site).
pub async fn published<C: ConnectionTrait>(
    c: &C,
    page: u64,
    per_page: u64,
) -> Result<Page<news_item::Model>> {
    use news_item::Column as N;
    let q = news_item::Entity::find()
        .filter(N::Status.eq(NewsStatus::Published.as_str()))
        .order_by_desc(N::PublishedAt)
        .order_by_desc(N::Id);
    let (page, per) = crate::registry::page_bounds(page, per_page);
    let total = q.clone().count(c).await?;
    let items = q.offset((page - 1) * per).limit(per).all(c).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}

/// One published item; anything else is NotFound.
pub async fn public_item<C: ConnectionTrait>(c: &C, id: i64) -> Result<news_item::Model> {
    news_item::Entity::find_by_id(id)
        .filter(news_item::Column::Status.eq(NewsStatus::Published.as_str()))
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}
