//! The public news pages (`/news`, `/news/{id}`): published announcements of the
//! programme, no login (issue 12, item 7). Drafts and withdrawn items are 404.

use crate::auth::lang_of;
use crate::error::AppError;
use crate::i18n::t;
use crate::pages::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use ocop_domain::format::{date_vn, to_vn};
use ocop_domain::news::NewsCategory;
use ocop_store::support_entities::news_item;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/news", get(list))
        .route("/news/{id}", get(show))
}

/// A news item as the page shows it.
pub struct NewsView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    /// Paragraphs of the body.
    pub paragraphs: Vec<String>,
    pub category: String,
    pub date: String,
}

fn view(m: news_item::Model, lang: crate::i18n::Lang) -> NewsView {
    NewsView {
        id: m.id,
        paragraphs: m
            .body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        category: m
            .category
            .parse::<NewsCategory>()
            .map(|c| c.label(lang).to_string())
            .unwrap_or_default(),
        date: m
            .published_at
            .map(|d| date_vn(to_vn(d).date_naive()))
            .unwrap_or_default(),
        title: m.title,
        summary: m.summary,
    }
}

#[derive(Template)]
#[template(path = "news_list.html")]
struct ListPage {
    l: Layout,
    items: Vec<NewsView>,
    page: u64,
    more: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: Option<u64>,
}

/// Published news, newest first, 20 a page.
async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let lang = lang_of(&headers);
    let p = ocop_store::news::published(&st.db.conn, q.page.unwrap_or(1), 20).await?;
    let more = p.page < p.pages();
    render(&ListPage {
        l: crate::public::public_layout(&st, lang, t(lang, "news.title").into(), String::new()),
        page: p.page,
        more,
        items: p.items.into_iter().map(|m| view(m, lang)).collect(),
    })
}

#[derive(Template)]
#[template(path = "news_item.html")]
struct ItemPage {
    l: Layout,
    n: NewsView,
}

/// One published item.
async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = lang_of(&headers);
    let m = ocop_store::news::public_item(&st.db.conn, id).await?;
    let n = view(m, lang);
    render(&ItemPage {
        l: crate::public::public_layout(&st, lang, n.title.clone(), String::new()),
        n,
    })
}
