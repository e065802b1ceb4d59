//! The public points-of-sale page (no login): every OCOP point of sale, nearest
//! first from `?lat=&lon=`, with distances by the domain's haversine rule. A map is
//! drawn by `/static/trade-map.js` only when a tile server is configured
//! (`OCOP_MAP_TILES`); without one the page is a list and a distance table.

use crate::auth::lang_of;
use crate::i18n::t;
use crate::pages::{render, Layout};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NearForm {
    lat: Option<String>,
    lon: Option<String>,
}

pub struct PointRow {
    pub name: String,
    pub showroom: bool,
    pub address: String,
    pub unit: String,
    pub operator: String,
    pub lat: String,
    pub lon: String,
    pub distance: String,
    pub products: String,
}

#[derive(Template)]
#[template(path = "trade_points.html")]
struct PointsPage {
    l: Layout,
    lat: String,
    lon: String,
    has_position: bool,
    bad_position: bool,
    tiles: String,
    items: Vec<PointRow>,
}

/// The tile URL template (`https://tiles.example/{z}/{x}/{y}.png`), if configured.
fn tiles() -> String {
    std::env::var("OCOP_MAP_TILES")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| s.starts_with("https://") || s.starts_with("http://") || s.starts_with('/'))
        .unwrap_or_default()
}

fn number(s: &Option<String>) -> Result<Option<f64>, ()> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v.replace(',', ".").parse::<f64>().map(Some).map_err(|_| ()),
    }
}

pub async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NearForm>,
) -> Result<Response, crate::error::AppError> {
    let lang = lang_of(&headers);
    let parsed = match (number(&q.lat), number(&q.lon)) {
        (Ok(a), Ok(o)) => ocop_domain::trade::check_coordinates(a, o).ok(),
        _ => None,
    };
    let typed = q.lat.as_deref().is_some_and(|s| !s.trim().is_empty())
        || q.lon.as_deref().is_some_and(|s| !s.trim().is_empty());
    let from = parsed.flatten();
    let all = ocop_store::trade::public_points(&st.db.conn, from).await?;
    let items = all
        .into_iter()
        .map(|(p, km)| {
            let m = p.point;
            PointRow {
                name: m.name,
                showroom: m.showroom,
                address: m.address,
                unit: m.unit_name,
                operator: m.operator,
                lat: m.latitude.map(|v| format!("{v:.5}")).unwrap_or_default(),
                lon: m.longitude.map(|v| format!("{v:.5}")).unwrap_or_default(),
                distance: km
                    .map(|k| format!("{} km", ocop_domain::format::decimal_vn(k, 1)))
                    .unwrap_or_else(|| "–".into()),
                products: p
                    .products
                    .into_iter()
                    .map(|x| x.1)
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect();
    let page = PointsPage {
        l: crate::public::public_layout(&st, lang, t(lang, "trade.points").into(), String::new()),
        lat: from
            .map(|c| format!("{:.5}", c.0))
            .unwrap_or_else(|| q.lat.clone().unwrap_or_default()),
        lon: from
            .map(|c| format!("{:.5}", c.1))
            .unwrap_or_else(|| q.lon.clone().unwrap_or_default()),
        has_position: from.is_some(),
        bad_position: typed && from.is_none(),
        tiles: tiles(),
        items,
    };
    render(&page)
}
