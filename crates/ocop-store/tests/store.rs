//! Integration tests of the persistence crate, against a real database.
//!
//! Every test gets its own fresh database from [`fresh`]: SQLite in a new temporary
//! folder by default, or — when `TEST_DATABASE_URL` is set (e.g.
//! `postgres://postgres@127.0.0.1/postgres`) — a new database `ocop_t_<hex>` created
//! on that PostgreSQL server. Run both ways:
//!
//! ```sh
//! cargo test -p ocop-store --test store -- --test-threads=2
//! TEST_DATABASE_URL=postgres://postgres@127.0.0.1/postgres \
//!     cargo test -p ocop-store --test store -- --test-threads=2
//! ```

use ocop_domain::registry::{ProducerData, ProducerInput, ProductData, ProductInput};
use ocop_domain::roles::{Role, Scope};
use ocop_domain::units::Period;
use ocop_store::audit::{self, Actor};
use ocop_store::entities::{api_token, audit_entry, producer, product, session, setting, user};
use ocop_store::registry::{self, ProducerFilter, ProductFilter, Sort};
use ocop_store::users::{self, LoginError, NewUser, UserUpdate};
use ocop_store::{connect, demo, migrations, units, Db, OpenMode, StoreError};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use sea_orm_migration::MigratorTrait;
use std::collections::HashSet;

// ---------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------

/// Prefix of the SQLite temp folders of this test binary: `<prefix><pid>-<hex>`.
const TMP_PREFIX: &str = "ocop-store-it-";

fn rand_hex() -> String {
    users::random_token(8)
}

fn pg_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// Removes SQLite folders left by earlier runs of this binary whose process is gone.
fn remove_stale_sqlite_folders() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let Some(rest) = name.strip_prefix(TMP_PREFIX) else {
                continue;
            };
            let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    });
}

/// A connected database with no tables. On PostgreSQL `create_options` is appended to
/// `CREATE DATABASE <name>` (e.g. to choose a collation); SQLite ignores it.
async fn empty_db_with(create_options: &str) -> Db {
    match pg_url() {
        Some(url) => {
            let admin = connect(&url, OpenMode::MustExist)
                .await
                .expect("TEST_DATABASE_URL must be reachable");
            let name = format!("ocop_t_{}", rand_hex());
            admin
                .conn
                .execute_unprepared(&format!("CREATE DATABASE {name} {create_options}"))
                .await
                .expect("create the test database");
            let _ = admin.conn.close().await;
            let mut u = url::Url::parse(&url).expect("TEST_DATABASE_URL is a URL");
            u.set_path(&format!("/{name}"));
            let db = connect(u.as_str(), OpenMode::MustExist)
                .await
                .expect("connect to the test database");
            assert_eq!(db.backend, DatabaseBackend::Postgres);
            db
        }
        None => {
            remove_stale_sqlite_folders();
            let dir = std::env::temp_dir().join(format!(
                "{TMP_PREFIX}{}-{}",
                std::process::id(),
                rand_hex()
            ));
            std::fs::create_dir_all(&dir).expect("temp folder");
            let url = format!("sqlite://{}/ocop.db", dir.display());
            let db = connect(&url, OpenMode::CreateFile)
                .await
                .expect("open SQLite");
            assert_eq!(db.backend, DatabaseBackend::Sqlite);
            db
        }
    }
}

async fn empty_db() -> Db {
    empty_db_with("").await
}

/// A migrated, empty database with the Lai Châu units loaded.
async fn fresh() -> Db {
    let db = empty_db().await;
    prepare(&db).await;
    db
}

async fn prepare(db: &Db) {
    migrations::run(&db.conn).await.expect("migrations");
    demo::ensure_units(&db.conn).await.expect("units");
}

// ---------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------

fn tester() -> Actor {
    Actor {
        id: None,
        name: "test".into(),
    }
}

/// A validated producer located in `commune` of `period`; `tax` may be empty only
/// for a production household, so an empty `tax` selects that legal form.
async fn producer_data(
    db: &Db,
    name: &str,
    tax: &str,
    commune: &str,
    period: Period,
) -> ProducerData {
    let resolved = units::resolve(&db.conn, commune, period)
        .await
        .expect("resolve");
    assert!(resolved.is_some(), "unit {commune} {period:?} must exist");
    ProducerInput {
        name: name.into(),
        legal_form: if tax.is_empty() {
            "production_household"
        } else {
            "cooperative"
        }
        .into(),
        tax_code: tax.into(),
        commune_code: commune.into(),
        commune_period: period.as_str().into(),
        representative_name: "Lò Thị Mai".into(),
        representative_female: true,
        members_count: "7".into(),
        ..Default::default()
    }
    .validate(2026, |_, _| resolved.clone())
    .unwrap_or_else(|e| panic!("producer {name} should validate: {e:?}"))
}

async fn new_producer(db: &Db, name: &str, commune: &str, period: Period) -> producer::Model {
    let d = producer_data(db, name, "", commune, period).await;
    registry::create_producer(&db.conn, &tester(), &d)
        .await
        .expect("create producer")
}

fn product_data(name: &str, producer_id: i64) -> ProductData {
    ProductInput {
        name: name.into(),
        producer_id: producer_id.to_string(),
        set_code: "QD26-11".into(),
        description: "Mô tả".into(),
        ..Default::default()
    }
    .validate(|_| true, false)
    .unwrap_or_else(|e| panic!("product {name} should validate: {e:?}"))
}

async fn new_product(db: &Db, name: &str, producer_id: i64, year: i32) -> product::Model {
    registry::create_product(&db.conn, &tester(), &product_data(name, producer_id), year)
        .await
        .expect("create product")
}

async fn audit_count(db: &Db) -> u64 {
    audit_entry::Entity::find().count(&db.conn).await.unwrap()
}

fn pfilter() -> ProducerFilter {
    ProducerFilter {
        per_page: 50,
        page: 1,
        ..Default::default()
    }
}

fn prfilter() -> ProductFilter {
    ProductFilter {
        per_page: 50,
        page: 1,
        ..Default::default()
    }
}

fn unit_scope(path: &str) -> Scope {
    Scope::Unit { path: path.into() }
}

async fn producer_names(db: &Db, scope: &Scope, f: &ProducerFilter) -> Vec<String> {
    registry::list_producers(&db.conn, scope, f)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.name)
        .collect()
}

const PW: &str = "mat-khau-2026";

async fn new_user(db: &Db, username: &str) -> user::Model {
    users::create(
        &db.conn,
        &tester(),
        NewUser {
            username: username.into(),
            display_name: format!("Người dùng {username}"),
            password: PW.into(),
            role: Role::Admin,
            unit: None,
            producer_id: None,
        },
    )
    .await
    .expect("create user")
}

fn admin_update(u: &user::Model, disabled: bool) -> UserUpdate {
    UserUpdate {
        display_name: u.display_name.clone(),
        role: Role::Admin,
        unit: None,
        producer_id: None,
        disabled,
        new_password: None,
    }
}

// ---------------------------------------------------------------------------
// Connection and migrations
// ---------------------------------------------------------------------------

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_a_second_run_is_a_no_op() {
    let db = empty_db().await;
    assert!(
        migrations::Migrator::get_applied_migrations(&db.conn)
            .await
            .unwrap_or_default()
            .is_empty(),
        "a new database has no migration applied"
    );
    migrations::run(&db.conn).await.expect("first run");
    let applied = migrations::Migrator::get_applied_migrations(&db.conn)
        .await
        .unwrap();
    assert_eq!(applied.len(), migrations::Migrator::migrations().len());
    assert!(migrations::Migrator::get_pending_migrations(&db.conn)
        .await
        .unwrap()
        .is_empty());
    // Every table exists and is empty.
    assert_eq!(producer::Entity::find().count(&db.conn).await.unwrap(), 0);
    assert_eq!(product::Entity::find().count(&db.conn).await.unwrap(), 0);
    assert_eq!(user::Entity::find().count(&db.conn).await.unwrap(), 0);
    assert_eq!(audit_count(&db).await, 0);
    assert_eq!(units::count(&db.conn).await.unwrap(), 0);

    // Data written between the runs survives the second run, which changes nothing.
    setting::ActiveModel {
        key: Set("probe".into()),
        value: Set("42".into()),
    }
    .insert(&db.conn)
    .await
    .unwrap();
    migrations::run(&db.conn)
        .await
        .expect("second run is a no-op");
    let again = migrations::Migrator::get_applied_migrations(&db.conn)
        .await
        .unwrap();
    assert_eq!(again.len(), applied.len());
    let names = |v: &[sea_orm_migration::migrator::Migration]| {
        v.iter().map(|m| m.name().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(names(&again), names(&applied));
    let probe = setting::Entity::find_by_id("probe".to_string())
        .one(&db.conn)
        .await
        .unwrap();
    assert_eq!(probe.map(|s| s.value).as_deref(), Some("42"));
}

#[tokio::test]
async fn a_postgres_url_with_a_wrong_port_gives_a_one_line_error_with_the_password_hidden() {
    let url = "postgres://u:secret@127.0.0.1:1/x";
    let err = connect(url, OpenMode::MustExist)
        .await
        .expect_err("nothing listens on port 1");
    let msg = err.to_string();
    assert!(msg.contains("***"), "password placeholder missing: {msg}");
    assert!(!msg.contains("secret"), "password leaked: {msg}");
    assert!(
        msg.contains("postgres://u:***@127.0.0.1:1/x"),
        "URL missing: {msg}"
    );
    assert!(
        !msg.contains('\n') && !msg.contains('\r'),
        "not one line: {msg:?}"
    );
    // The Debug form (what `?` in main prints) must not leak it either.
    assert!(
        !format!("{err:?}").contains("secret"),
        "password leaked in Debug: {err:?}"
    );
}

// ---------------------------------------------------------------------------
// Administrative units
// ---------------------------------------------------------------------------

#[tokio::test]
async fn ensure_units_twice_adds_nothing_the_second_time() {
    let db = empty_db().await;
    migrations::run(&db.conn).await.unwrap();
    let first = demo::ensure_units(&db.conn).await.unwrap();
    assert!(first.units_added > 100, "{first:?}");
    assert_eq!(first.mappings_added, 106, "{first:?}");
    let n = units::count(&db.conn).await.unwrap();
    assert_eq!(n, first.units_added as u64);
    let second = demo::ensure_units(&db.conn).await.unwrap();
    assert_eq!(second, units::LoadReport::default());
    assert_eq!(second.units_added, 0);
    assert_eq!(second.mappings_added, 0);
    assert_eq!(units::count(&db.conn).await.unwrap(), n);
    assert_eq!(units::mappings(&db.conn).await.unwrap().len(), 106);
}

#[tokio::test]
async fn an_old_commune_resolves_to_the_path_of_its_successor() {
    let db = fresh().await;
    let successor = units::find(&db.conn, "03388", Period::Post2025)
        .await
        .unwrap()
        .expect("03388 post2025");
    let r = units::resolve(&db.conn, "03386", Period::Pre2025)
        .await
        .unwrap()
        .expect("03386 pre2025");
    assert_eq!(r.current_path, successor.path);
    assert_eq!(r.current_path, "VN/12/03388/");
    assert_eq!(r.path, "VN/12/105/03386/");
    assert_ne!(r.path, r.current_path);
    assert_eq!(r.period, Period::Pre2025);
    assert!(r.is_commune_level);
    assert_eq!(r.province_code, "12");
    // A post-reform unit is its own current unit.
    let post = units::resolve(&db.conn, "03388", Period::Post2025)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(post.path, post.current_path);
    // An unknown code resolves to nothing.
    assert!(units::resolve(&db.conn, "99999", Period::Pre2025)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_reused_code_names_different_units_in_each_period() {
    let db = fresh().await;
    let old = units::find(&db.conn, "03433", Period::Pre2025)
        .await
        .unwrap()
        .expect("old 03433");
    let new = units::find(&db.conn, "03433", Period::Post2025)
        .await
        .unwrap()
        .expect("new 03433");
    assert_ne!(old.name, new.name);
    assert!(old.name.contains("Mường Tè"), "{}", old.name);
    assert!(new.name.contains("Bum Tở"), "{}", new.name);
    assert_eq!(old.path, "VN/12/107/03433/");
    assert_eq!(new.path, "VN/12/03433/");
}

// ---------------------------------------------------------------------------
// Producers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn creating_a_producer_records_one_create_entry() {
    let db = fresh().await;
    let d = producer_data(
        &db,
        "HTX Chè Tam Đường",
        "6200100011",
        "03390",
        Period::Post2025,
    )
    .await;
    let p = registry::create_producer(&db.conn, &tester(), &d)
        .await
        .unwrap();
    assert_eq!(p.version, 1);
    assert_eq!(p.tax_code.as_deref(), Some("6200100011"));
    assert_eq!(p.unit_path, "VN/12/03390/");
    assert_eq!(p.current_unit_path, "VN/12/03390/");
    assert_eq!(registry::get_producer(&db.conn, p.id).await.unwrap(), p);
    let h = audit::history(&db.conn, "producer", p.id).await.unwrap();
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0].action, "create");
    assert_eq!(h[0].actor, "test");
    assert!(h[0].before.is_none());
    let after: serde_json::Value =
        serde_json::from_str(h[0].after.as_deref().expect("after")).unwrap();
    assert_eq!(after["name"], "HTX Chè Tam Đường");
    assert_eq!(after["id"], p.id);
    assert_eq!(audit_count(&db).await, 1);
}

#[tokio::test]
async fn an_update_at_the_right_version_bumps_it_and_records_before_and_after() {
    let db = fresh().await;
    let d = producer_data(
        &db,
        "HTX Thanh Xuân",
        "6200100028",
        "03390",
        Period::Post2025,
    )
    .await;
    let p = registry::create_producer(&db.conn, &tester(), &d)
        .await
        .unwrap();
    let mut d2 = d.clone();
    d2.name = "HTX Thanh Xuân Mới".into();
    let u = registry::update_producer(&db.conn, &tester(), p.id, p.version, &d2)
        .await
        .unwrap();
    assert_eq!(u.version, p.version + 1);
    assert_eq!(u.name, "HTX Thanh Xuân Mới");
    assert_eq!(u.name_fold, "htx thanh xuan moi");
    let stored = registry::get_producer(&db.conn, p.id).await.unwrap();
    assert_eq!(stored, u);
    let h = audit::history(&db.conn, "producer", p.id).await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].action, "update", "newest first");
    assert_eq!(h[1].action, "create");
    let before: serde_json::Value =
        serde_json::from_str(h[0].before.as_deref().expect("before")).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(h[0].after.as_deref().expect("after")).unwrap();
    assert_eq!(before["name"], "HTX Thanh Xuân");
    assert_eq!(after["name"], "HTX Thanh Xuân Mới");
    assert_eq!(before["version"], 1);
    assert_eq!(after["version"], 2);
}

#[tokio::test]
async fn an_update_at_a_stale_version_is_a_conflict_and_changes_nothing() {
    let db = fresh().await;
    let d = producer_data(
        &db,
        "HTX Mường Mít",
        "6200100045",
        "03390",
        Period::Post2025,
    )
    .await;
    let p = registry::create_producer(&db.conn, &tester(), &d)
        .await
        .unwrap();
    let mut d2 = d.clone();
    d2.name = "Tên thứ hai".into();
    let v2 = registry::update_producer(&db.conn, &tester(), p.id, 1, &d2)
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    let audits = audit_count(&db).await;

    let mut d3 = d.clone();
    d3.name = "Tên cũ ghi đè".into();
    let err = registry::update_producer(&db.conn, &tester(), p.id, 1, &d3)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
    let stored = registry::get_producer(&db.conn, p.id).await.unwrap();
    assert_eq!(stored, v2, "the row must be unchanged");
    assert_eq!(
        audit_count(&db).await,
        audits,
        "no audit entry for a refused update"
    );
    assert_eq!(
        audit::history(&db.conn, "producer", p.id)
            .await
            .unwrap()
            .len(),
        2
    );
    // A version from the future is refused as well.
    let err = registry::update_producer(&db.conn, &tester(), p.id, 7, &d3)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
    // An unknown id is NotFound.
    let err = registry::update_producer(&db.conn, &tester(), p.id + 1000, 1, &d3)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
}

#[tokio::test]
async fn a_duplicate_tax_code_is_refused_without_a_row_or_an_audit_entry() {
    let db = fresh().await;
    let a = producer_data(&db, "HTX Bình An", "6200100076", "03390", Period::Post2025).await;
    let first = registry::create_producer(&db.conn, &tester(), &a)
        .await
        .unwrap();
    let b = producer_data(&db, "HTX Khác", "6200 100 076", "03388", Period::Post2025).await;
    assert_eq!(
        b.tax_code.as_deref(),
        Some("6200100076"),
        "normalised to the same number"
    );
    let err = registry::create_producer(&db.conn, &tester(), &b)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate("tax_code")), "{err:?}");
    assert_eq!(producer::Entity::find().count(&db.conn).await.unwrap(), 1);
    assert_eq!(audit_count(&db).await, 1);

    // Changing another producer's number to a taken one is refused the same way.
    let c = producer_data(&db, "HTX Thứ Ba", "6200100083", "03388", Period::Post2025).await;
    let third = registry::create_producer(&db.conn, &tester(), &c)
        .await
        .unwrap();
    let mut c2 = c.clone();
    c2.tax_code = first.tax_code.clone();
    let err = registry::update_producer(&db.conn, &tester(), third.id, third.version, &c2)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate("tax_code")), "{err:?}");
    assert_eq!(
        registry::get_producer(&db.conn, third.id).await.unwrap(),
        third
    );
    assert_eq!(audit_count(&db).await, 2);
    // Several producers without a number (production households) are fine.
    new_producer(&db, "Hộ A", "03388", Period::Post2025).await;
    new_producer(&db, "Hộ B", "03388", Period::Post2025).await;
    assert_eq!(producer::Entity::find().count(&db.conn).await.unwrap(), 4);
}

#[tokio::test]
async fn moving_a_producer_to_another_commune_moves_its_products() {
    let db = fresh().await;
    let d = producer_data(&db, "HTX Di Chuyển", "6200100090", "03386", Period::Pre2025).await;
    let p = registry::create_producer(&db.conn, &tester(), &d)
        .await
        .unwrap();
    assert_eq!(p.unit_path, "VN/12/105/03386/");
    assert_eq!(p.current_unit_path, "VN/12/03388/");
    let x = new_product(&db, "Chè xanh", p.id, 2026).await;
    let y = new_product(&db, "Chè đen", p.id, 2026).await;
    let other = new_producer(&db, "Hộ Ở Lại", "03388", Period::Post2025).await;
    let z = new_product(&db, "Mật ong", other.id, 2026).await;
    for m in [&x, &y] {
        assert_eq!(m.unit_path, "VN/12/105/03386/");
        assert_eq!(m.current_unit_path, "VN/12/03388/");
    }

    let moved = producer_data(
        &db,
        "HTX Di Chuyển",
        "6200100090",
        "03390",
        Period::Post2025,
    )
    .await;
    let p2 = registry::update_producer(&db.conn, &tester(), p.id, p.version, &moved)
        .await
        .unwrap();
    assert_eq!(p2.unit_path, "VN/12/03390/");
    assert_eq!(p2.current_unit_path, "VN/12/03390/");
    assert_eq!(p2.commune_code, "03390");
    assert_eq!(p2.commune_period, "post2025");
    for m in [&x, &y] {
        let now = registry::get_product(&db.conn, m.id).await.unwrap();
        assert_eq!(now.unit_path, "VN/12/03390/");
        assert_eq!(now.current_unit_path, "VN/12/03390/");
        assert_eq!(now.product_code, m.product_code, "a product keeps its code");
    }
    // Another producer's product stays where it was.
    assert_eq!(registry::get_product(&db.conn, z.id).await.unwrap(), z);
    // Lists by unit follow the move.
    let in_new = registry::list_products(&db.conn, &unit_scope("VN/12/03390/"), &prfilter())
        .await
        .unwrap();
    assert_eq!(in_new.total, 2);
    let in_old = registry::list_products(&db.conn, &unit_scope("VN/12/03388/"), &prfilter())
        .await
        .unwrap();
    assert_eq!(
        in_old.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![z.id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_concurrent_updates_at_one_version_exactly_one_wins() {
    let db = fresh().await;
    let d = producer_data(
        &db,
        "HTX Tranh Chấp",
        "6200100107",
        "03390",
        Period::Post2025,
    )
    .await;
    let p = registry::create_producer(&db.conn, &tester(), &d)
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..2 {
        let (db, mut d) = (db.clone(), d.clone());
        d.name = format!("Người ghi {i}");
        tasks.spawn(
            async move { registry::update_producer(&db.conn, &tester(), p.id, 1, &d).await },
        );
    }
    let mut ok = 0;
    let mut conflicts = 0;
    let mut others = Vec::new();
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict) => conflicts += 1,
            Err(e) => others.push(e.to_string()),
        }
    }
    assert!(
        others.is_empty(),
        "a lost race must be a Conflict, not: {others:?}"
    );
    assert_eq!((ok, conflicts), (1, 1));
    let stored = registry::get_producer(&db.conn, p.id).await.unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(
        audit::history(&db.conn, "producer", p.id)
            .await
            .unwrap()
            .len(),
        2
    );
}

// ---------------------------------------------------------------------------
// Products
// ---------------------------------------------------------------------------

#[tokio::test]
async fn product_codes_follow_a_sequence_per_commune_and_year() {
    let db = fresh().await;
    let a = new_producer(&db, "Hộ Đoàn Kết", "03388", Period::Post2025).await;
    let b = new_producer(&db, "Hộ Bình Lư", "03390", Period::Post2025).await;
    let mut codes = Vec::new();
    for name in ["Một", "Hai", "Ba"] {
        codes.push(new_product(&db, name, a.id, 2026).await.product_code);
    }
    assert_eq!(
        codes,
        [
            "12-03388-001-2026",
            "12-03388-002-2026",
            "12-03388-003-2026"
        ]
    );
    assert_eq!(
        new_product(&db, "Khác xã", b.id, 2026).await.product_code,
        "12-03390-001-2026"
    );
    assert_eq!(
        new_product(&db, "Năm sau", a.id, 2027).await.product_code,
        "12-03388-001-2027"
    );
    assert_eq!(
        new_product(&db, "Lại 2026", a.id, 2026).await.product_code,
        "12-03388-004-2026"
    );
    assert_eq!(
        new_product(&db, "Xã khác 2", b.id, 2026).await.product_code,
        "12-03390-002-2026"
    );
    // A producer registered under an old commune shares the sequence of the commune
    // it merged into (03386 → 03388).
    let old = new_producer(&db, "Hộ Quyết Thắng", "03386", Period::Pre2025).await;
    assert_eq!(
        new_product(&db, "Sản phẩm cũ", old.id, 2026)
            .await
            .product_code,
        "12-03388-005-2026"
    );
    // Each product has its create entry.
    let all = product::Entity::find().all(&db.conn).await.unwrap();
    assert_eq!(all.len(), 8);
    for m in &all {
        let h = audit::history(&db.conn, "product", m.id).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].action, "create");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_products_in_one_commune_get_ten_distinct_codes() {
    let db = fresh().await;
    let p = new_producer(&db, "HTX Đông Vui", "03388", Period::Post2025).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let db = db.clone();
        let d = product_data(&format!("Sản phẩm {i}"), p.id);
        tasks.spawn(async move { registry::create_product(&db.conn, &tester(), &d, 2026).await });
    }
    let mut codes = Vec::new();
    let mut errors = Vec::new();
    while let Some(r) = tasks.join_next().await {
        match r.expect("task panicked") {
            Ok(m) => codes.push(m.product_code),
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(
        errors.is_empty(),
        "{} of 10 concurrent create_product calls failed: {errors:?}",
        errors.len()
    );
    let distinct: HashSet<_> = codes.iter().cloned().collect();
    assert_eq!(distinct.len(), 10, "{codes:?}");
    let expected: HashSet<String> = (1..=10).map(|i| format!("12-03388-{i:03}-2026")).collect();
    assert_eq!(distinct, expected);
    assert_eq!(product::Entity::find().count(&db.conn).await.unwrap(), 10);
    assert_eq!(
        audit::verify(&db.conn).await.unwrap(),
        None,
        "the chain survives concurrent writers"
    );
}

// ---------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------

#[tokio::test]
async fn lists_are_limited_to_the_scope() {
    let db = fresh().await;
    let in_ward = new_producer(&db, "Hộ Phường Đoàn Kết", "03388", Period::Post2025).await;
    let old_ward = new_producer(&db, "Hộ Quyết Thắng cũ", "03386", Period::Pre2025).await;
    let elsewhere = new_producer(&db, "Hộ Bình Lư", "03390", Period::Post2025).await;
    let p1 = new_product(&db, "Sản phẩm phường", in_ward.id, 2026).await;
    let p2 = new_product(&db, "Sản phẩm phường cũ", old_ward.id, 2026).await;
    let p3 = new_product(&db, "Sản phẩm xã", elsewhere.id, 2026).await;

    let ids = |v: Vec<producer::Model>| v.into_iter().map(|p| p.id).collect::<HashSet<_>>();
    let pids = |v: Vec<product::Model>| v.into_iter().map(|p| p.id).collect::<HashSet<_>>();
    let list = |scope: Scope| {
        let db = db.clone();
        async move {
            registry::list_producers(&db.conn, &scope, &pfilter())
                .await
                .unwrap()
        }
    };
    let plist = |scope: Scope| {
        let db = db.clone();
        async move {
            registry::list_products(&db.conn, &scope, &prfilter())
                .await
                .unwrap()
        }
    };

    // The new ward: its own producer and the one of the old ward merged into it.
    let ward = list(unit_scope("VN/12/03388/")).await;
    assert_eq!(ward.total, 2);
    assert_eq!(ids(ward.items), HashSet::from([in_ward.id, old_ward.id]));
    assert_eq!(
        pids(plist(unit_scope("VN/12/03388/")).await.items),
        HashSet::from([p1.id, p2.id])
    );
    // The old district sees only the old-period record.
    assert_eq!(
        ids(list(unit_scope("VN/12/105/")).await.items),
        HashSet::from([old_ward.id])
    );
    // The province sees all.
    assert_eq!(list(unit_scope("VN/12/")).await.total, 3);
    assert_eq!(plist(unit_scope("VN/12/")).await.total, 3);
    assert_eq!(list(Scope::All).await.total, 3);
    // Another commune.
    assert_eq!(
        ids(list(unit_scope("VN/12/03390/")).await.items),
        HashSet::from([elsewhere.id])
    );
    assert_eq!(
        pids(plist(unit_scope("VN/12/03390/")).await.items),
        HashSet::from([p3.id])
    );
    // A producer sees itself and its products only.
    let own = Scope::Producer {
        producer_id: elsewhere.id,
    };
    assert_eq!(
        ids(list(own.clone()).await.items),
        HashSet::from([elsewhere.id])
    );
    assert_eq!(pids(plist(own.clone()).await.items), HashSet::from([p3.id]));
    assert_eq!(registry::count_producers(&db.conn, &own).await.unwrap(), 1);
    // Nothing is nothing.
    let none = list(Scope::Nothing).await;
    assert_eq!((none.total, none.items.len()), (0, 0));
    assert_eq!(plist(Scope::Nothing).await.total, 0);
    assert_eq!(
        registry::count_producers(&db.conn, &Scope::Nothing)
            .await
            .unwrap(),
        0
    );
    assert!(registry::producer_choices(&db.conn, &Scope::Nothing)
        .await
        .unwrap()
        .is_empty());
    // The filter's unit narrows within a scope.
    let f = ProducerFilter {
        unit_path: Some("VN/12/03390/".into()),
        ..pfilter()
    };
    let narrowed = registry::list_producers(&db.conn, &unit_scope("VN/12/03388/"), &f)
        .await
        .unwrap();
    assert_eq!(narrowed.total, 0);
    // Counts by status follow the scope.
    let by_status = registry::count_products_by_status(&db.conn, &unit_scope("VN/12/03388/"))
        .await
        .unwrap();
    assert_eq!(by_status, vec![("idea".to_string(), 2)]);
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let db = fresh().await;
    let dong = new_producer(&db, "HTX Đông Hưng", "03388", Period::Post2025).await;
    let _other = new_producer(&db, "HTX Tây Sơn", "03388", Period::Post2025).await;
    let taxed = registry::create_producer(
        &db.conn,
        &tester(),
        &producer_data(&db, "Hộ Bản Hon", "12A8000169", "03390", Period::Post2025).await,
    )
    .await
    .unwrap();
    let q = |s: &str| ProducerFilter {
        q: Some(s.into()),
        ..pfilter()
    };
    for s in ["dong", "Dong", "ĐÔNG", "đông hưng", "dong hung"] {
        assert_eq!(
            producer_names(&db, &Scope::All, &q(s)).await,
            vec![dong.name.clone()],
            "q={s}"
        );
    }
    assert!(producer_names(&db, &Scope::All, &q("bac")).await.is_empty());
    // A tax number is found too, in any case.
    assert_eq!(
        producer_names(&db, &Scope::All, &q("12a8000169")).await,
        vec![taxed.name.clone()]
    );
    // Products as well.
    new_product(&db, "Miến dong Bình Lư", dong.id, 2026).await;
    new_product(&db, "Chè Shan tuyết", dong.id, 2026).await;
    let f = ProductFilter {
        q: Some("mien dong binh lu".into()),
        ..prfilter()
    };
    let found = registry::list_products(&db.conn, &Scope::All, &f)
        .await
        .unwrap();
    assert_eq!(
        found
            .items
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Miến dong Bình Lư"]
    );
    // An empty query is no filter.
    assert_eq!(
        registry::list_producers(&db.conn, &Scope::All, &q("  "))
            .await
            .unwrap()
            .total,
        3
    );
}

#[tokio::test]
async fn names_sort_in_vietnamese_order() {
    let db = fresh().await;
    for n in ["Ánh", "Anh", "Bình", "Đức", "Dũng"] {
        new_producer(&db, n, "03388", Period::Post2025).await;
    }
    let expected = vec!["Anh", "Ánh", "Bình", "Dũng", "Đức"];
    assert_eq!(producer_names(&db, &Scope::All, &pfilter()).await, expected);
    let desc = ProducerFilter {
        sort: Sort::NameDesc,
        ..pfilter()
    };
    let mut rev = expected.clone();
    rev.reverse();
    assert_eq!(producer_names(&db, &Scope::All, &desc).await, rev);
    let choices: Vec<String> = registry::producer_choices(&db.conn, &Scope::All)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(choices, expected);
    // Creation order.
    let newest = ProducerFilter {
        sort: Sort::NewestFirst,
        ..pfilter()
    };
    assert_eq!(
        producer_names(&db, &Scope::All, &newest).await,
        vec!["Dũng", "Đức", "Bình", "Anh", "Ánh"]
    );
    // Products sort the same way.
    let owner = new_producer(&db, "Chủ", "03388", Period::Post2025).await;
    for n in ["Đức", "Ánh", "Dũng", "Anh", "Bình"] {
        new_product(&db, n, owner.id, 2026).await;
    }
    let items = registry::list_products(&db.conn, &Scope::All, &prfilter())
        .await
        .unwrap()
        .items;
    assert_eq!(
        items.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        expected
    );
}

/// The sort key is designed to be compared byte by byte. A PostgreSQL database whose
/// default collation is not "C" (the usual `en_US.UTF-8` or an ICU locale) compares
/// text by linguistic rules instead, so the order must not depend on it.
#[tokio::test]
async fn name_order_does_not_depend_on_the_database_collation() {
    let db = empty_db_with("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'").await;
    prepare(&db).await;
    for n in ["Yên", "An", "Xuân", "Bình", "Ánh", "Zơ"] {
        new_producer(&db, n, "03388", Period::Post2025).await;
    }
    assert_eq!(
        producer_names(&db, &Scope::All, &pfilter()).await,
        vec!["An", "Ánh", "Bình", "Xuân", "Yên", "Zơ"]
    );
}

#[tokio::test]
async fn pages_report_totals() {
    let db = fresh().await;
    for i in 1..=5 {
        new_producer(&db, &format!("Hộ số {i}"), "03388", Period::Post2025).await;
    }
    let page = |page: u64, per_page: u64| ProducerFilter {
        page,
        per_page,
        ..Default::default()
    };
    let p1 = registry::list_producers(&db.conn, &Scope::All, &page(1, 2))
        .await
        .unwrap();
    assert_eq!(
        (p1.total, p1.items.len(), p1.page, p1.per_page, p1.pages()),
        (5, 2, 1, 2, 3)
    );
    assert_eq!(
        p1.items.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Hộ số 1", "Hộ số 2"]
    );
    let p3 = registry::list_producers(&db.conn, &Scope::All, &page(3, 2))
        .await
        .unwrap();
    assert_eq!((p3.total, p3.items.len()), (5, 1));
    assert_eq!(p3.items[0].name, "Hộ số 5");
    let past = registry::list_producers(&db.conn, &Scope::All, &page(9, 2))
        .await
        .unwrap();
    assert_eq!((past.total, past.items.len()), (5, 0));
    // Page 0 means page 1; per_page is clamped to 1..=200.
    let zero = registry::list_producers(&db.conn, &Scope::All, &page(0, 1000))
        .await
        .unwrap();
    assert_eq!(
        (zero.page, zero.per_page, zero.items.len(), zero.pages()),
        (1, 200, 5, 1)
    );
    // Totals count the whole filtered set, not the page.
    let f = ProducerFilter {
        q: Some("so".into()),
        page: 2,
        per_page: 3,
        ..Default::default()
    };
    let q = registry::list_producers(&db.conn, &unit_scope("VN/12/03388/"), &f)
        .await
        .unwrap();
    assert_eq!((q.total, q.items.len(), q.pages()), (5, 2, 2));
}

// ---------------------------------------------------------------------------
// Audit chain
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_audit_chain_verifies_and_reveals_an_edited_row() {
    let db = fresh().await;
    assert_eq!(
        audit::verify(&db.conn).await.unwrap(),
        None,
        "an empty chain is valid"
    );
    let d = producer_data(&db, "HTX Chuỗi", "6200100114", "03388", Period::Post2025).await;
    let p = registry::create_producer(&db.conn, &tester(), &d)
        .await
        .unwrap();
    let mut d2 = d.clone();
    d2.name = "HTX Chuỗi Mới".into();
    registry::update_producer(&db.conn, &tester(), p.id, 1, &d2)
        .await
        .unwrap();
    new_product(&db, "Chè", p.id, 2026).await;
    new_user(&db, "kiemtra").await;
    new_producer(&db, "Hộ Cuối", "03390", Period::Post2025).await;
    let entries = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0].prev_hash, "");
    for w in entries.windows(2) {
        assert_eq!(
            w[1].prev_hash, w[0].hash,
            "each entry links to the previous one"
        );
    }
    assert_eq!(audit::verify(&db.conn).await.unwrap(), None);

    // Edit the `after` of the update entry (the 2nd): verify points at it.
    let victim = entries[1].clone();
    assert_eq!(victim.action, "update");
    let mut am = victim.clone().into_active_model();
    am.after = Set(Some(r#"{"name":"HTX Giả Mạo"}"#.into()));
    am.update(&db.conn).await.unwrap();
    assert_eq!(audit::verify(&db.conn).await.unwrap(), Some(victim.id));

    // Putting it back repairs the chain; deleting a row breaks it at the next one.
    let mut am = victim.clone().into_active_model();
    am.after = Set(victim.after.clone());
    am.update(&db.conn).await.unwrap();
    assert_eq!(audit::verify(&db.conn).await.unwrap(), None);
    audit_entry::Entity::delete_by_id(entries[2].id)
        .exec(&db.conn)
        .await
        .unwrap();
    assert_eq!(audit::verify(&db.conn).await.unwrap(), Some(entries[3].id));
}

#[tokio::test]
async fn raw_sql_tampering_is_detected() {
    let db = fresh().await;
    for i in 0..3 {
        new_producer(&db, &format!("Hộ {i}"), "03388", Period::Post2025).await;
    }
    let last = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::Id)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit::verify(&db.conn).await.unwrap(), None);
    db.conn
        .execute_unprepared(&format!(
            r#"UPDATE audit_log SET "after" = '{{"name":"x"}}' WHERE id = {}"#,
            last.id
        ))
        .await
        .unwrap();
    assert_eq!(audit::verify(&db.conn).await.unwrap(), Some(last.id));
}

// ---------------------------------------------------------------------------
// Users, sessions, tokens
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_user_can_log_in_and_an_unknown_one_cannot() {
    let db = fresh().await;
    let u = new_user(&db, "  Can.Bo ").await;
    assert_eq!(
        u.username, "can.bo",
        "usernames are trimmed and lower-cased"
    );
    assert!(
        u.password_hash.starts_with("$argon2id$"),
        "{}",
        u.password_hash
    );
    assert!(!u.password_hash.contains(PW));
    let ok = users::authenticate(&db.conn, "CAN.BO", PW)
        .await
        .unwrap()
        .expect("login");
    assert_eq!(ok.id, u.id);
    assert!(ok.last_login_at.is_some());
    assert_eq!(
        users::authenticate(&db.conn, "nobody", PW)
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::BadCredentials
    );
    assert_eq!(
        users::authenticate(&db.conn, "can.bo", "sai-mat-khau")
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::BadCredentials
    );
    // A taken name is a Duplicate.
    let err = users::create(
        &db.conn,
        &tester(),
        NewUser {
            username: "CAN.BO".into(),
            display_name: String::new(),
            password: PW.into(),
            role: Role::Viewer,
            unit: None,
            producer_id: None,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate("username")), "{err:?}");
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_for_the_right_one() {
    let db = fresh().await;
    let u = new_user(&db, "khoa").await;
    for i in 1..users::MAX_FAILED_LOGINS {
        let r = users::authenticate(&db.conn, "khoa", "sai-mat-khau")
            .await
            .unwrap();
        assert_eq!(r.unwrap_err(), LoginError::BadCredentials, "attempt {i}");
        assert_eq!(users::get(&db.conn, u.id).await.unwrap().failed_logins, i);
    }
    let r = users::authenticate(&db.conn, "khoa", "sai-mat-khau")
        .await
        .unwrap();
    let until = match r {
        Err(LoginError::Locked { until }) => until,
        other => panic!("5th failure must lock, got {other:?}"),
    };
    assert!(until > ocop_store::now() + chrono::Duration::minutes(users::LOCK_MINUTES - 1));
    let stored = users::get(&db.conn, u.id).await.unwrap();
    assert!(stored.locked_until.is_some());
    // The right password does not help while locked.
    assert!(matches!(
        users::authenticate(&db.conn, "khoa", PW).await.unwrap(),
        Err(LoginError::Locked { .. })
    ));
    // Once the lock has passed, the right password works and clears it.
    let mut am = stored.into_active_model();
    am.locked_until = Set(Some(ocop_store::now() - chrono::Duration::seconds(1)));
    am.update(&db.conn).await.unwrap();
    let ok = users::authenticate(&db.conn, "khoa", PW)
        .await
        .unwrap()
        .expect("lock expired");
    assert_eq!((ok.failed_logins, ok.locked_until), (0, None));
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in() {
    let db = fresh().await;
    let u = new_user(&db, "tamngung").await;
    let d = users::update(&db.conn, &tester(), u.id, u.version, admin_update(&u, true))
        .await
        .unwrap();
    assert!(d.disabled);
    assert_eq!(d.version, u.version + 1);
    assert_eq!(
        users::authenticate(&db.conn, "tamngung", PW)
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::Disabled
    );
    // A wrong password still says only BadCredentials.
    assert_eq!(
        users::authenticate(&db.conn, "tamngung", "sai-mat-khau")
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::BadCredentials
    );
    // A stale version is a conflict.
    let err = users::update(
        &db.conn,
        &tester(),
        u.id,
        u.version,
        admin_update(&u, false),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict), "{err:?}");
}

#[tokio::test]
async fn sessions_find_their_user_and_expire() {
    let db = fresh().await;
    let u = new_user(&db, "phien").await;
    let (token, s) = users::create_session(&db.conn, u.id).await.unwrap();
    assert_ne!(s.id_hash, token, "only a hash of the cookie is stored");
    let (found, who) = users::session_user(&db.conn, &token)
        .await
        .unwrap()
        .expect("live session");
    assert_eq!(who.id, u.id);
    assert_eq!(found.id_hash, s.id_hash);
    assert!(users::session_user(&db.conn, &users::random_token(32))
        .await
        .unwrap()
        .is_none());

    let mut am = s.clone().into_active_model();
    am.expires_at = Set(ocop_store::now() - chrono::Duration::minutes(1));
    am.update(&db.conn).await.unwrap();
    assert!(users::session_user(&db.conn, &token)
        .await
        .unwrap()
        .is_none());
    assert!(
        session::Entity::find_by_id(s.id_hash.clone())
            .one(&db.conn)
            .await
            .unwrap()
            .is_none(),
        "an expired session is deleted when seen"
    );
    // Logout deletes a session.
    let (t2, _) = users::create_session(&db.conn, u.id).await.unwrap();
    users::delete_session(&db.conn, &t2).await.unwrap();
    assert!(users::session_user(&db.conn, &t2).await.unwrap().is_none());
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_tokens() {
    let db = fresh().await;
    let u = new_user(&db, "nghiviec").await;
    let keep = new_user(&db, "oilai").await;
    let (s1, _) = users::create_session(&db.conn, u.id).await.unwrap();
    let (_s2, _) = users::create_session(&db.conn, u.id).await.unwrap();
    let (t1, _) = users::create_token(&db.conn, u.id).await.unwrap();
    let (ks, _) = users::create_session(&db.conn, keep.id).await.unwrap();
    let (kt, _) = users::create_token(&db.conn, keep.id).await.unwrap();
    assert!(users::session_user(&db.conn, &s1).await.unwrap().is_some());

    users::update(&db.conn, &tester(), u.id, u.version, admin_update(&u, true))
        .await
        .unwrap();
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(u.id))
        .count(&db.conn)
        .await
        .unwrap();
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(u.id))
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!((sessions, tokens), (0, 0));
    assert!(users::session_user(&db.conn, &s1).await.unwrap().is_none());
    assert!(users::token_user(&db.conn, &t1).await.unwrap().is_none());
    // Other users keep theirs.
    assert_eq!(
        users::session_user(&db.conn, &ks)
            .await
            .unwrap()
            .map(|(_, u)| u.id),
        Some(keep.id)
    );
    assert_eq!(
        users::token_user(&db.conn, &kt)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(keep.id)
    );
    // The change is in the audit trail.
    let h = audit::history(&db.conn, "user", u.id).await.unwrap();
    assert_eq!(
        h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["update", "create"]
    );
}

#[tokio::test]
async fn api_tokens_find_their_user() {
    let db = fresh().await;
    let u = new_user(&db, "tichhop").await;
    let (token, expires) = users::create_token(&db.conn, u.id).await.unwrap();
    assert!(token.starts_with("ocop_"));
    assert!(expires > ocop_store::now() + chrono::Duration::days(users::TOKEN_DAYS - 1));
    assert_eq!(
        users::token_user(&db.conn, &token)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(u.id)
    );
    let stored = api_token::Entity::find()
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        stored.token_hash, token,
        "only a hash of the token is stored"
    );
    let random = format!("ocop_{}", users::random_token(32));
    assert!(users::token_user(&db.conn, &random)
        .await
        .unwrap()
        .is_none());
    assert!(users::token_user(&db.conn, "").await.unwrap().is_none());
    // An expired token no longer works.
    let mut am = stored.into_active_model();
    am.expires_at = Set(ocop_store::now() - chrono::Duration::seconds(1));
    am.update(&db.conn).await.unwrap();
    assert!(users::token_user(&db.conn, &token).await.unwrap().is_none());
}

// ---------------------------------------------------------------------------
// Demo
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_demo_loads_once() {
    let db = fresh().await;
    assert!(!demo::is_loaded(&db.conn).await.unwrap());
    let accounts = demo::load(&db.conn)
        .await
        .unwrap()
        .expect("first load creates the demo");
    assert_eq!(accounts.len(), demo::account_list().len());
    assert!(accounts.iter().any(|a| a.username == "admin"));
    assert!(demo::is_loaded(&db.conn).await.unwrap());
    let counts = |db: Db| async move {
        (
            producer::Entity::find().count(&db.conn).await.unwrap(),
            product::Entity::find().count(&db.conn).await.unwrap(),
            user::Entity::find().count(&db.conn).await.unwrap(),
            audit_entry::Entity::find().count(&db.conn).await.unwrap(),
        )
    };
    let before = counts(db.clone()).await;
    assert!(before.0 > 0 && before.1 > 0, "{before:?}");
    assert_eq!(before.2, accounts.len() as u64);

    assert!(
        demo::load(&db.conn).await.unwrap().is_none(),
        "second load is a no-op"
    );
    assert_eq!(counts(db.clone()).await, before);
    assert_eq!(audit::verify(&db.conn).await.unwrap(), None);
    // Demo accounts work with the demo password.
    assert!(users::authenticate(&db.conn, "admin", demo::DEMO_PASSWORD)
        .await
        .unwrap()
        .is_ok());
    // Product codes are unique and well-formed.
    let codes: Vec<String> = product::Entity::find()
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.product_code)
        .collect();
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), codes.len());
    assert!(
        codes
            .iter()
            .all(|c| c.starts_with("12-") && c.len() == "12-03388-001-2026".len()),
        "{codes:?}"
    );
}
