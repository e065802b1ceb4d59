//! The public catalogue's text search over the `search_products` index (created by
//! m0020): the database finds candidates by folded word prefixes (SQLite FTS5,
//! PostgreSQL full-text search), `ocop_domain::search` ranks them.
//!
//! The index is kept in step in the same transaction as the change: product create
//! and update, producer update (its name is indexed with its products), certificate
//! issue and revocation (the number is indexed). [`rebuild`] refills it from the
//! tables (migration, restore, `ocop gen`).

use crate::entities::{certificate, producer, product};
use crate::error::Result;
use crate::registry::Page;
use ocop_domain::search::{self as rank, Word};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Statement, Value,
};
use std::collections::HashMap;

/// At most this many candidates are ranked for one query.
const MAX_CANDIDATES: u64 = 5000;

/// The indexed text of a product: its name, then (after `NAME_END`) its code, its
/// producer's name and its certificate numbers.
fn doc(p: &product::Model, producer_name: &str, numbers: &[String]) -> String {
    let mut s = format!(
        "{}{} {} {}",
        p.name,
        ocop_domain::search::NAME_END,
        p.product_code,
        producer_name
    );
    for n in numbers {
        s.push(' ');
        s.push_str(n);
    }
    s
}

fn folded(text: &str) -> String {
    rank::words(text)
        .into_iter()
        .map(|w| w.fold)
        .collect::<Vec<_>>()
        .join(" ")
}

async fn put<C: ConnectionTrait>(c: &C, id: i64, text: &str) -> Result<(), DbErr> {
    let b = c.get_database_backend();
    let (del, ins) = match b {
        DatabaseBackend::Postgres => (
            "DELETE FROM search_products WHERE product_id = $1",
            "INSERT INTO search_products (product_id, fold, exact) VALUES ($1, $2, $3)",
        ),
        _ => (
            "DELETE FROM search_products WHERE rowid = ?",
            "INSERT INTO search_products (rowid, fold, exact) VALUES (?, ?, ?)",
        ),
    };
    c.execute_raw(Statement::from_sql_and_values(b, del, [id.into()]))
        .await?;
    c.execute_raw(Statement::from_sql_and_values(
        b,
        ins,
        [id.into(), folded(text).into(), text.to_lowercase().into()],
    ))
    .await?;
    Ok(())
}

async fn numbers_of<C: ConnectionTrait>(
    c: &C,
    product_ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in product_ids.chunks(1000) {
        for cert in certificate::Entity::find()
            .filter(certificate::Column::ProductId.is_in(chunk.to_vec()))
            .filter(certificate::Column::Revoked.eq(false))
            .order_by_asc(certificate::Column::Id)
            .all(c)
            .await?
        {
            out.entry(cert.product_id).or_default().push(cert.number);
        }
    }
    Ok(out)
}

async fn reindex<C: ConnectionTrait>(c: &C, products: Vec<product::Model>) -> Result<(), DbErr> {
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    let numbers = numbers_of(c, &ids).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for p in products {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(p.producer_id) {
            let n = producer::Entity::find_by_id(p.producer_id)
                .one(c)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            e.insert(n);
        }
        let text = doc(
            &p,
            &names[&p.producer_id],
            numbers.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
        );
        put(c, p.id, &text).await?;
    }
    Ok(())
}

/// Re-indexes one product (after create, update, or a certificate change).
pub async fn reindex_product<C: ConnectionTrait>(c: &C, product_id: i64) -> Result<(), DbErr> {
    let ps = product::Entity::find_by_id(product_id).all(c).await?;
    reindex(c, ps).await
}

/// Re-indexes every product of a producer (after its name changed).
pub async fn reindex_producer<C: ConnectionTrait>(c: &C, producer_id: i64) -> Result<(), DbErr> {
    let ps = product::Entity::find()
        .filter(product::Column::ProducerId.eq(producer_id))
        .all(c)
        .await?;
    reindex(c, ps).await
}

/// Empties and refills the whole index from the tables.
pub async fn rebuild<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    c.execute_unprepared("DELETE FROM search_products").await?;
    let mut last = 0i64;
    loop {
        use sea_orm::QuerySelect;
        let batch = product::Entity::find()
            .filter(product::Column::Id.gt(last))
            .order_by_asc(product::Column::Id)
            .limit(1000)
            .all(c)
            .await?;
        let Some(l) = batch.last() else { break };
        last = l.id;
        reindex(c, batch).await?;
    }
    Ok(())
}

/// Candidates `(product id, indexed text)` whose words start with every folded
/// query word.
async fn candidates<C: ConnectionTrait>(c: &C, q: &[Word]) -> Result<Vec<(i64, String)>> {
    let b = c.get_database_backend();
    let (sql, arg): (String, Value) = match b {
        DatabaseBackend::Postgres => (
            format!(
                "SELECT product_id AS id, exact FROM search_products \
                 WHERE to_tsvector('simple', fold) @@ to_tsquery('simple', $1) LIMIT {MAX_CANDIDATES}"
            ),
            rank::tsquery(q).into(),
        ),
        _ => (
            format!(
                "SELECT rowid AS id, exact FROM search_products \
                 WHERE search_products MATCH ? LIMIT {MAX_CANDIDATES}"
            ),
            rank::fts5_query(q).into(),
        ),
    };
    let rows = c
        .query_all_raw(Statement::from_sql_and_values(b, sql, [arg]))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push((
            r.try_get::<i64>("", "id")?,
            r.try_get::<String>("", "exact")?,
        ));
    }
    Ok(out)
}

/// Filters of the public catalogue.
#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    pub q: Option<String>,
    pub unit_path: Option<String>,
    pub set_code: Option<String>,
    pub stars: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

/// Certified products matching the filters, ranked by the query when it has words
/// (see `ocop_domain::search`), otherwise in Vietnamese name order.
pub async fn catalogue<C: ConnectionTrait>(
    c: &C,
    f: &CatalogueFilter,
) -> Result<Page<product::Model>> {
    let words = rank::query_words(f.q.as_deref().unwrap_or(""));
    if words.is_empty() {
        return crate::registry::list_products(
            c,
            &ocop_domain::roles::Scope::All,
            &crate::registry::ProductFilter {
                unit_path: f.unit_path.clone(),
                set_code: f.set_code.clone(),
                stars: f.stars,
                status: Some("certified".into()),
                page: f.page,
                per_page: f.per_page,
                ..Default::default()
            },
        )
        .await;
    }
    let found = candidates(c, &words).await?;
    let texts: HashMap<i64, String> = found.into_iter().collect();
    let mut models: Vec<product::Model> = Vec::new();
    let ids: Vec<i64> = texts.keys().copied().collect();
    for chunk in ids.chunks(1000) {
        use product::Column as Pr;
        let mut q = product::Entity::find()
            .filter(Pr::Id.is_in(chunk.to_vec()))
            .filter(Pr::Status.eq("certified"))
            .filter(crate::registry::unit_cond(
                &f.unit_path,
                Pr::UnitPath,
                Pr::CurrentUnitPath,
            ));
        if let Some(v) = &f.set_code {
            q = q.filter(Pr::SetCode.eq(v.as_str()));
        }
        if let Some(v) = f.stars {
            q = q.filter(Pr::Stars.eq(v));
        }
        models.extend(q.all(c).await?);
    }
    models.sort_by(|a, b| a.name_sort.cmp(&b.name_sort).then(a.id.cmp(&b.id)));
    let ordered = rank::order(
        &words,
        models
            .iter()
            .map(|m| (m.id, texts.get(&m.id).cloned().unwrap_or_default()))
            .collect(),
    );
    let mut by_id: HashMap<i64, product::Model> = models.into_iter().map(|m| (m.id, m)).collect();
    let (page, per) = crate::registry::page_bounds(f.page, f.per_page);
    let total = ordered.len() as u64;
    let items = ordered
        .into_iter()
        .skip(((page - 1) * per) as usize)
        .take(per as usize)
        .filter_map(|id| by_id.remove(&id))
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}
