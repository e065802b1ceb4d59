//! Lai Châu demo programme: producers and products modelled on public facts about
//! Lai Châu OCOP (`data/reference/`), plus one account per role. Loaded once: a
//! marker in `settings` makes a second run a no-op. Everything here is demo data and
//! the pages say so.

use crate::audit::Actor;
use crate::entities::setting;
use crate::error::Result;
use crate::{registry, units, users};
use ocop_domain::registry::{ProducerInput, ProductInput};
use ocop_domain::roles::Role;
use ocop_domain::units::{Period, UnitSet};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

const MARKER: &str = "demo_loaded";

/// The password of every demo account (printed at start, with a warning).
pub const DEMO_PASSWORD: &str = "demo-ocop-2026";

/// A demo account, as printed at start.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub scope: String,
}

struct P {
    name: &'static str,
    form: &'static str,
    tax: &'static str,
    commune: &'static str,
    period: Period,
    village: &'static str,
    rep: &'static str,
    female: bool,
    ethnicity: Option<&'static str>,
    members: i64,
    workers: i64,
    year: i64,
    products: &'static [(&'static str, &'static str, &'static str, Option<i64>)],
}

/// Producers of the demo. Names and places follow public reporting on Lai Châu
/// OCOP; tax numbers and people are invented.
const PRODUCERS: &[P] = &[
    P {
        name: "HTX Chè Tam Đường (demo)",
        form: "cooperative",
        tax: "6200100011",
        commune: "03390",
        period: Period::Post2025,
        village: "Tổ dân phố 3",
        rep: "Lò Thị Mai",
        female: true,
        ethnicity: Some("Thái"),
        members: 12,
        workers: 35,
        year: 2016,
        products: &[
            (
                "Chè Shan tuyết cổ thụ Sà Dề Phìn",
                "QD26-11",
                "certified",
                Some(4),
            ),
            ("Trà Ô long Tam Đường", "QD26-11", "certified", Some(4)),
            (
                "Trà xanh hương nhài hữu cơ",
                "QD26-11",
                "in_development",
                None,
            ),
        ],
    },
    P {
        name: "HTX Thanh Xuân (demo)",
        form: "cooperative",
        tax: "6200100028",
        commune: "03595",
        period: Period::Pre2025,
        village: "Khu 5",
        rep: "Nguyễn Văn Xuân",
        female: false,
        ethnicity: None,
        members: 9,
        workers: 40,
        year: 2012,
        products: &[
            ("Gạo Séng Cù Than Uyên", "QD148-03", "certified", Some(4)),
            ("Gạo nếp Tan Mường Than", "QD148-03", "expired", Some(3)),
        ],
    },
    P {
        name: "Cơ sở sản xuất Thiết Hà (demo)",
        form: "household_business",
        tax: "12D8000031",
        commune: "03595",
        period: Period::Pre2025,
        village: "Khu 2",
        rep: "Lê Thị Hà",
        female: true,
        ethnicity: None,
        members: 2,
        workers: 6,
        year: 2015,
        products: &[(
            "Thịt trâu gác bếp Thiết Hà",
            "QD148-08",
            "certified",
            Some(3),
        )],
    },
    P {
        name: "HTX Nông nghiệp Mường Mít (demo)",
        form: "cooperative",
        tax: "6200100045",
        commune: "03625",
        period: Period::Pre2025,
        village: "Bản Khoang",
        rep: "Lò Văn Khoa",
        female: false,
        ethnicity: Some("Thái"),
        members: 8,
        workers: 14,
        year: 2018,
        products: &[("Mật ong Thanh Xuân", "QD148-04", "certified", Some(3))],
    },
    P {
        name: "HTX Nông nghiệp dịch vụ Bình Lư (demo)",
        form: "cooperative",
        tax: "6200100052",
        commune: "03390",
        period: Period::Post2025,
        village: "Bản Nà Bỏ",
        rep: "Tẩn Thị Mẩy",
        female: true,
        ethnicity: Some("Dao"),
        members: 15,
        workers: 28,
        year: 2017,
        products: &[
            ("Miến dong Bình Lư", "QD26-06", "certified", Some(3)),
            ("Bánh đa dong Bình Lư", "QD26-06", "submitted", None),
        ],
    },
    P {
        name: "Cơ sở sản xuất Lực Lệ (demo)",
        form: "household_business",
        tax: "12B8000069",
        commune: "03390",
        period: Period::Post2025,
        village: "Bản Sân Bay",
        rep: "Lực Thị Lệ",
        female: true,
        ethnicity: Some("Thái"),
        members: 1,
        workers: 4,
        year: 2019,
        products: &[("Chẩm chéo Lực Lệ", "QD26-09", "certified", Some(3))],
    },
    P {
        name: "HTX Bình An (demo)",
        form: "cooperative",
        tax: "6200100076",
        commune: "03445",
        period: Period::Post2025,
        village: "Bản Nậm Củm",
        rep: "Pờ Văn Sơn",
        female: false,
        ethnicity: Some("Hà Nhì"),
        members: 7,
        workers: 12,
        year: 2020,
        products: &[
            ("Mật ong Mường Tè", "QD26-04", "certified", Some(3)),
            ("Chè dây Mường Tè", "QD26-12", "certified", Some(3)),
        ],
    },
    P {
        name: "HTX Thanh Nga (demo)",
        form: "cooperative",
        tax: "6200100083",
        commune: "03439",
        period: Period::Post2025,
        village: "Bản Thu Lũm",
        rep: "Lỳ Thị Nga",
        female: true,
        ethnicity: Some("La Hủ"),
        members: 7,
        workers: 10,
        year: 2019,
        products: &[
            ("Ớt trung đoàn ngâm dấm", "QD26-07", "certified", Some(3)),
            ("Thảo quả Thu Lũm", "QD26-10", "in_development", None),
        ],
    },
    P {
        name: "Hộ kinh doanh Đao Văn Hơn (demo)",
        form: "household_business",
        tax: "12C8000090",
        commune: "03433",
        period: Period::Pre2025,
        village: "Khu phố 1",
        rep: "Đao Văn Hơn",
        female: false,
        ethnicity: Some("Cống"),
        members: 1,
        workers: 3,
        year: 2014,
        products: &[("Rượu Pusilung", "QD148-14", "certified", Some(3))],
    },
    P {
        name: "Hộ kinh doanh Phìn Thị Chiển (demo)",
        form: "household_business",
        tax: "12C8000107",
        commune: "03433",
        period: Period::Pre2025,
        village: "Khu phố 12",
        rep: "Phìn Thị Chiển",
        female: true,
        ethnicity: Some("Si La"),
        members: 1,
        workers: 5,
        year: 2016,
        products: &[
            ("Khoai sọ Mường Tè", "QD148-01", "certified", Some(3)),
            ("Cá trắm sấy", "QD148-08", "certified", Some(3)),
            ("Thịt lợn đen sấy", "QD148-08", "revoked", Some(3)),
            ("Lạp sườn lợn đen", "QD148-08", "certified", Some(3)),
        ],
    },
    P {
        name: "HTX Thành Phát (demo)",
        form: "cooperative",
        tax: "6200100114",
        commune: "03445",
        period: Period::Post2025,
        village: "Bản Pa Cheo",
        rep: "Chu Văn Phát",
        female: false,
        ethnicity: Some("Hà Nhì"),
        members: 10,
        workers: 22,
        year: 2018,
        products: &[
            ("Đẳng sâm sấy khô Mường Tè", "QD26-20", "certified", Some(4)),
            ("Trà đẳng sâm", "QD26-12", "certified", Some(3)),
        ],
    },
    P {
        name: "Hộ kinh doanh Trần Văn Tuyển (demo)",
        form: "household_business",
        tax: "12C8000121",
        commune: "03439",
        period: Period::Pre2025,
        village: "Bản Mé Gióng",
        rep: "Trần Văn Tuyển",
        female: false,
        ethnicity: None,
        members: 1,
        workers: 3,
        year: 2017,
        products: &[(
            "Mật ong Trường Tuyển Ka Lăng",
            "QD148-04",
            "certified",
            Some(3),
        )],
    },
    P {
        name: "Hộ kinh doanh Chu Nhù Pư (demo)",
        form: "household_business",
        tax: "12C8000138",
        commune: "03439",
        period: Period::Pre2025,
        village: "Bản Mé Gióng",
        rep: "Chu Nhù Pư",
        female: true,
        ethnicity: Some("Hà Nhì"),
        members: 1,
        workers: 8,
        year: 2015,
        products: &[("Bộ trang phục Hà Nhì", "QD148-22", "certified", Some(3))],
    },
    P {
        name: "Công ty TNHH MTV Trường Giang Lai Châu (demo)",
        form: "single_member_llc",
        tax: "6200100145",
        commune: "03388",
        period: Period::Post2025,
        village: "Tổ dân phố 3",
        rep: "Vũ Trường Giang",
        female: false,
        ethnicity: None,
        members: 1,
        workers: 60,
        year: 2013,
        products: &[
            ("Hạt mắc ca khô", "QD26-07", "certified", Some(4)),
            ("Dầu mắc ca nguyên chất", "QD26-07", "submitted", None),
        ],
    },
    P {
        name: "HTX Sâm Sìn Hồ (demo)",
        form: "cooperative",
        tax: "6200100152",
        commune: "03478",
        period: Period::Post2025,
        village: "Bản Hoa Quả",
        rep: "Giàng A Lử",
        female: false,
        ethnicity: Some("Mông"),
        members: 11,
        workers: 25,
        year: 2021,
        products: &[
            (
                "Sâm Lai Châu (Sâm Việt Nam)",
                "QD26-18",
                "in_development",
                None,
            ),
            ("Rượu sâm Sìn Hồ", "QD26-15", "idea", None),
        ],
    },
    P {
        name: "Tổ hợp tác Thổ cẩm Bản Hon (demo)",
        form: "cooperative_group",
        tax: "12A8000169",
        commune: "03424",
        period: Period::Post2025,
        village: "Bản Hon",
        rep: "Lò Thị Ín",
        female: true,
        ethnicity: Some("Thái"),
        members: 18,
        workers: 18,
        year: 2020,
        products: &[
            ("Túi thổ cẩm Bản Hon", "QD26-21", "certified", Some(3)),
            ("Khăn piêu Thái", "QD26-22", "submitted", None),
        ],
    },
    P {
        name: "Điểm du lịch cộng đồng Sì Thâu Chải (demo)",
        form: "cooperative_group",
        tax: "12A8000176",
        commune: "03394",
        period: Period::Post2025,
        village: "Bản Sì Thâu Chải",
        rep: "Tẩn Láo Lở",
        female: false,
        ethnicity: Some("Dao"),
        members: 20,
        workers: 30,
        year: 2017,
        products: &[(
            "Du lịch cộng đồng bản Sì Thâu Chải",
            "QD26-26",
            "certified",
            Some(3),
        )],
    },
    P {
        name: "HTX Rau an toàn Tân Uyên (demo)",
        form: "cooperative",
        tax: "6200100183",
        commune: "03598",
        period: Period::Post2025,
        village: "Tổ dân phố 26",
        rep: "Hoàng Thị Thu",
        female: true,
        ethnicity: Some("Tày"),
        members: 9,
        workers: 16,
        year: 2022,
        products: &[
            ("Cam Tân Uyên", "QD26-01", "idea", None),
            ("Chè Tân Uyên túi lọc", "QD26-11", "in_development", None),
        ],
    },
    P {
        name: "Hộ sản xuất Vàng A Páo (demo)",
        form: "production_household",
        tax: "",
        commune: "03562",
        period: Period::Post2025,
        village: "Bản Sì Lở Lầu",
        rep: "Vàng A Páo",
        female: false,
        ethnicity: Some("Mông"),
        members: 1,
        workers: 4,
        year: 2023,
        products: &[("Thảo quả sấy Sì Lở Lầu", "QD26-10", "idea", None)],
    },
    P {
        name: "HTX Dong riềng Nậm Nhùn (demo)",
        form: "cooperative",
        tax: "6200100190",
        commune: "03460",
        period: Period::Pre2025,
        village: "Bản Hua Bum",
        rep: "Lò Văn Pấng",
        female: false,
        ethnicity: Some("Cống"),
        members: 8,
        workers: 11,
        year: 2019,
        products: &[("Miến dong Hua Bum", "QD148-06", "withdrawn", None)],
    },
];

/// Accounts of the demo, one per role.
#[allow(clippy::type_complexity)]
fn accounts(
    first_producer: i64,
) -> Vec<(
    DemoAccount,
    &'static str,
    Option<(&'static str, Period)>,
    Option<i64>,
)> {
    let a = |u: &'static str, r: Role, scope: &str| DemoAccount {
        username: u,
        role: r,
        scope: scope.to_string(),
    };
    vec![
        (
            a("admin", Role::Admin, "toàn quốc / whole country"),
            "Quản trị hệ thống (demo)",
            None,
            None,
        ),
        (
            a(
                "trunguong",
                Role::CentralOfficer,
                "toàn quốc / whole country",
            ),
            "Văn phòng OCOP Trung ương (demo)",
            None,
            None,
        ),
        (
            a("tinh", Role::ProvinceOfficer, "12 Tỉnh Lai Châu"),
            "Cán bộ Sở NN&MT Lai Châu (demo)",
            Some(("12", Period::Post2025)),
            None,
        ),
        (
            a(
                "huyen",
                Role::DistrictOfficer,
                "110 Huyện Than Uyên (trước 07/2025)",
            ),
            "Cán bộ huyện Than Uyên (demo)",
            Some(("110", Period::Pre2025)),
            None,
        ),
        (
            a("xa.binhlu", Role::CommuneOfficer, "03390 Xã Bình Lư"),
            "Cán bộ xã Bình Lư (demo)",
            Some(("03390", Period::Post2025)),
            None,
        ),
        (
            a("hoidong", Role::CouncilMember, "12 Tỉnh Lai Châu"),
            "Thành viên Hội đồng tỉnh (demo)",
            Some(("12", Period::Post2025)),
            None,
        ),
        (
            a("thuky", Role::CouncilMember, "12 Tỉnh Lai Châu"),
            "Thư ký Hội đồng tỉnh (demo)",
            Some(("12", Period::Post2025)),
            None,
        ),
        (
            a("hoidong2", Role::CouncilMember, "12 Tỉnh Lai Châu"),
            "Thành viên Hội đồng tỉnh 2 (demo)",
            Some(("12", Period::Post2025)),
            None,
        ),
        (
            a("kiemtra", Role::Inspector, "12 Tỉnh Lai Châu"),
            "Cán bộ kiểm tra (demo)",
            Some(("12", Period::Post2025)),
            None,
        ),
        (
            a("chuthe", Role::Producer, "HTX Chè Tam Đường (demo)"),
            "Lò Thị Mai (demo)",
            None,
            Some(first_producer),
        ),
        (
            a("xem", Role::Viewer, "12 Tỉnh Lai Châu"),
            "Người xem (demo)",
            Some(("12", Period::Post2025)),
            None,
        ),
    ]
}

/// Loads the administrative units every deployment starts with (Lai Châu, both
/// periods). Idempotent.
pub async fn ensure_units(db: &DatabaseConnection) -> Result<units::LoadReport> {
    let set = UnitSet::laichau().map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
    units::load(db, &set).await
}

/// Loads the demo once. Returns the accounts created, or `None` when the demo was
/// already there.
pub async fn load(db: &DatabaseConnection) -> Result<Option<Vec<DemoAccount>>> {
    let files = crate::documents::LocalStore {
        root: std::env::temp_dir().join("ocop-files"),
    };
    load_with_files(db, &files).await
}

/// Loads the demo once, keeping its documents in `files`.
pub async fn load_with_files(
    db: &DatabaseConnection,
    files: &dyn crate::documents::FileStore,
) -> Result<Option<Vec<DemoAccount>>> {
    if setting::Entity::find_by_id(MARKER.to_string())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    ensure_units(db).await?;
    // One transaction: a demo is loaded whole or not at all.
    let outer = db;
    let txn = crate::db::begin_write(outer).await?;
    let db = &txn;
    let actor = Actor::system("demo");
    let mut first = None;
    for p in PRODUCERS {
        let input = ProducerInput {
            name: p.name.into(),
            legal_form: p.form.into(),
            tax_code: p.tax.into(),
            commune_code: p.commune.into(),
            commune_period: p.period.as_str().into(),
            address_detail: p.village.into(),
            phone: format!(
                "0912{:06}",
                p.tax.bytes().map(|b| b as u64).sum::<u64>() * 37 % 1_000_000
            ),
            email: String::new(),
            representative_name: p.rep.into(),
            representative_female: p.female,
            representative_ethnic_minority: p.ethnicity.is_some_and(|e| e != "Kinh"),
            representative_ethnicity: p.ethnicity.unwrap_or("Kinh").into(),
            representative_disability: false,
            members_count: p.members.to_string(),
            workers_count: p.workers.to_string(),
            year_founded: p.year.to_string(),
            status: "active".into(),
        };
        let resolved = units::resolve(db, p.commune, p.period).await?;
        let data = input.validate(2026, |_, _| resolved.clone()).map_err(|e| {
            crate::StoreError::Invalid(format!("demo producer {}: {:?}", p.name, e))
        })?;
        let m = registry::create_producer(db, &actor, &data).await?;
        first.get_or_insert(m.id);
        for (i, (name, set, status, stars)) in p.products.iter().enumerate() {
            let pi = ProductInput {
                name: (*name).into(),
                producer_id: m.id.to_string(),
                set_code: (*set).into(),
                description: format!(
                    "{name} – sản phẩm đặc trưng của Lai Châu (dữ liệu minh họa)."
                ),
                raw_material_origin: format!("Nguyên liệu tại địa phương, {}.", p.village),
                status: (*status).into(),
                stars: stars.map(|s| s.to_string()).unwrap_or_default(),
            };
            let d = pi
                .validate(|id| id == m.id, false)
                .map_err(|e| crate::StoreError::Invalid(format!("demo product {name}: {:?}", e)))?;
            // Older products carry the year they were first evaluated.
            let year = if p.period == Period::Pre2025 {
                2023 + (i as i32 % 2)
            } else {
                2026
            };
            registry::create_product(db, &actor, &d, year).await?;
        }
    }
    let first = first.unwrap_or(1);
    let mut out = Vec::new();
    for (acc, display, unit, producer_id) in accounts(first) {
        if users::find_by_username(db, acc.username).await?.is_some() {
            out.push(acc);
            continue;
        }
        let unit = match unit {
            Some((code, period)) => units::find(db, code, period)
                .await?
                .map(|u| (u.code, period, u.path)),
            None => None,
        };
        users::create(
            db,
            &actor,
            users::NewUser {
                username: acc.username.into(),
                display_name: display.into(),
                password: DEMO_PASSWORD.into(),
                role: acc.role,
                unit,
                producer_id,
            },
        )
        .await?;
        out.push(acc);
    }
    demo_council(db, &actor, files).await?;
    demo_certificates(db, &actor).await?;
    demo_dossiers(db, &actor, files).await?;
    demo_history(db, &actor, files).await?;
    crate::demo_trade::demo_trade(db, &actor).await?;
    crate::demo_support::load(db, &actor).await?;
    crate::demo_inspections::demo_inspections(db, &actor).await?;
    crate::demo_plan::demo_plan(db, &actor).await?;
    setting::ActiveModel {
        key: Set(MARKER.into()),
        value: Set("1".into()),
    }
    .insert(db)
    .await?;
    txn.commit().await?;
    Ok(Some(out))
}

/// The accounts of a loaded demo (for printing again at a later start).
pub fn account_list() -> Vec<DemoAccount> {
    accounts(0).into_iter().map(|(a, ..)| a).collect()
}

/// Has the demo been loaded into this database?
pub async fn is_loaded(db: &DatabaseConnection) -> Result<bool> {
    Ok(setting::Entity::find_by_id(MARKER.to_string())
        .one(db)
        .await?
        .is_some())
}

/// The first demo product whose name matches `name`.
async fn find_product<C: sea_orm::ConnectionTrait>(
    db: &C,
    name: &str,
) -> Result<Option<crate::entities::product::Model>> {
    let page = registry::list_products(
        db,
        &ocop_domain::roles::Scope::All,
        &registry::ProductFilter {
            q: Some(name.into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        },
    )
    .await?;
    Ok(page.items.into_iter().next())
}

/// Options chosen at a given "level" (0.0 worst … 1.0 best) on every criterion.
pub fn demo_choices(
    sheet: &ocop_domain::criteria::Sheet,
    level: f64,
) -> Vec<(String, Vec<String>)> {
    use ocop_domain::criteria::CriterionKind;
    let mut out = Vec::new();
    let mut alt = std::collections::HashSet::new();
    for (_, _, c) in sheet.criteria() {
        if let Some(a) = &c.alternative {
            if !alt.insert(a.section.clone()) {
                continue;
            }
        }
        let v = match c.kind {
            CriterionKind::YesNo => if level >= 0.5 { "yes" } else { "no" }.to_string(),
            CriterionKind::Options => {
                let mut opts: Vec<_> = c.options.iter().collect();
                opts.sort_by_key(|o| o.points);
                let i = ((opts.len() - 1) as f64 * level).round() as usize;
                opts[i].id.clone()
            }
        };
        out.push((c.id.clone(), vec![v]));
    }
    out
}

/// A provincial council with a session: one product scored and closed, one waiting
/// for the members (log in as `hoidong` to score it).
async fn demo_council<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    files: &dyn crate::documents::FileStore,
) -> Result<()> {
    use crate::councils as cs;
    use ocop_domain::council::{MemberRole, SessionMode};
    let lib = ocop_domain::rulebook::Library::embedded();
    let Some(rb) = lib.rulebook("QD26-2026") else {
        return Ok(());
    };
    let Some(unit) = units::find(db, "12", Period::Post2025).await? else {
        return Ok(());
    };
    let council = cs::create_council(
        db,
        actor,
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Lai Châu năm 2026 (demo)",
        "province",
        (unit.code, "post2025".into(), unit.path),
    )
    .await?;
    let mut ids = Vec::new();
    for (username, role, position) in [
        ("hoidong", MemberRole::Chair, "Phó Giám đốc Sở NN&MT"),
        (
            "thuky",
            MemberRole::Secretary,
            "Chi cục Phát triển nông thôn",
        ),
        ("hoidong2", MemberRole::Member, "Sở Công Thương"),
    ] {
        let u = users::find_by_username(db, username)
            .await?
            .ok_or(crate::StoreError::NotFound)?;
        ids.push(
            cs::add_member(
                db,
                actor,
                council.id,
                Some(u.id),
                &u.display_name,
                position,
                role,
            )
            .await?
            .id,
        );
    }
    let held_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");
    let session = cs::create_session(
        db,
        actor,
        council.id,
        "Phiên họp đánh giá, phân hạng đợt 2 năm 2026 (demo)",
        held_on,
        SessionMode::Meeting,
    )
    .await?;
    // A product scored and closed.
    if let (Some(p), Some(Ok(sheet))) = (
        find_product(db, "Bánh đa dong Bình Lư").await?,
        lib.sheet("QD26-06"),
    ) {
        let commune = rb.commune_ids(sheet);
        let given: Vec<_> = demo_choices(sheet, 0.7)
            .into_iter()
            .filter(|(k, _)| commune.contains(k))
            .collect();
        let json = |c: &[(String, Vec<String>)]| {
            serde_json::Value::Object(
                c.iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v[0].clone())))
                    .collect(),
            )
        };
        let item = cs::add_item(
            db,
            actor,
            session.id,
            p.id,
            &sheet.code,
            &rb.id,
            json(&given),
        )
        .await?;
        let mut sheets = Vec::new();
        for (member, level) in ids.iter().zip([0.62, 0.58, 0.66]) {
            let mut choices = demo_choices(sheet, level);
            choices.retain(|(k, _)| !commune.contains(k));
            choices.extend(given.iter().cloned());
            let e = ocop_domain::scoring::evaluate(
                sheet,
                rb,
                &[ocop_domain::scoring::MemberSheet {
                    member: "x".into(),
                    choices: choices.clone(),
                }],
                &[],
            )
            .map_err(|e| crate::StoreError::Invalid(e.message()))?;
            cs::write_sheet(
                db,
                actor,
                item.id,
                *member,
                0,
                Some(cs::SheetContent {
                    choices: json(&choices),
                    total: e.members[0].total,
                    evidence: serde_json::json!({}),
                }),
                cs::SheetAction::Submit,
            )
            .await?;
            cs::write_sheet(
                db,
                actor,
                item.id,
                *member,
                1,
                None,
                cs::SheetAction::Confirm,
            )
            .await?;
            sheets.push(ocop_domain::scoring::MemberSheet {
                member: member.to_string(),
                choices,
            });
        }
        let e = ocop_domain::scoring::evaluate(sheet, rb, &sheets, &[])
            .map_err(|e| crate::StoreError::Invalid(e.message()))?;
        let members: Vec<serde_json::Value> = cs::members(db, council.id)
            .await?
            .into_iter()
            .map(|m| serde_json::json!({"member": m.id.to_string(), "name": m.full_name}))
            .collect();
        let result = serde_json::json!({"evaluation": e, "members": members, "rulebook": rb.id, "sheet": sheet.code});
        let item = cs::get_item(db, item.id).await?;
        cs::close_item(
            db,
            actor,
            item.id,
            item.version,
            result,
            e.stars as i32,
            e.average,
            "Dữ liệu minh họa",
        )
        .await?;
    }
    // A product waiting for the members: its dossier, forwarded by the commune, is
    // put on the agenda the lawful way (only dossiers waiting at the council's level).
    if let Some(p) = find_product(db, "Sà Dề Phìn").await? {
        use ocop_domain::dossier::{Event, Kind};
        use ocop_domain::roles::Role;
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day).expect("valid date");
        let dossier = crate::dossiers::create(
            db,
            &lib,
            actor,
            p.id,
            Kind::FirstEvaluation,
            4,
            "QD26-2026",
            d(10, 12),
        )
        .await?;
        demo_documents(db, files, actor, &dossier, "Sà Dề Phìn", &QD26_DOCS).await?;
        demo_step(
            db,
            &lib,
            actor,
            dossier.id,
            Role::Producer,
            Event::Submit,
            d(10, 12),
        )
        .await?;
        demo_step(
            db,
            &lib,
            actor,
            dossier.id,
            Role::CommuneOfficer,
            Event::ForwardToCouncil,
            d(10, 26),
        )
        .await?;
        // The standing agency checks the file and the advisory team reports on it
        // to the council's chair (QĐ 26/2026 Art. 7.3.a, c).
        demo_step(
            db,
            &lib,
            actor,
            dossier.id,
            Role::ProvinceOfficer,
            Event::Accept,
            d(10, 29),
        )
        .await?;
        crate::province_steps::record_advisory_report(
            db,
            actor,
            Role::ProvinceOfficer,
            true,
            dossier.id,
            0,
            &ocop_domain::workflow::AdvisoryReport {
                reference: "18/BC-TTV (demo)".into(),
                sent_to_chair_on: Some(d(11, 9)),
                field_survey_on: Some(d(11, 5)),
                lab_tests: String::new(),
                findings: "Hồ sơ đủ thành phần theo Điều 6.2; khảo sát vùng chè Shan tuyết cổ thụ tại Sà Dề Phìn: nguồn nguyên liệu tại chỗ, quy trình chế biến thủ công đúng mô tả.".into(),
                recommendation: "Đề nghị Hội đồng cấp tỉnh đánh giá, phân hạng tại phiên họp tháng 11/2026.".into(),
            },
            ocop_domain::format::today_vn().max(d(11, 9)),
        )
        .await?;
        cs::put_on_agenda(db, &lib, actor, session.id, p.id)
            .await
            .map_err(|e| crate::StoreError::Invalid(format!("demo agenda: {e:?}")))?;
    }
    // The province's decision on what the session recognised (its certificates).
    let decision = crate::rounds::DecisionInput {
        number: "1520/QĐ-UBND (demo)".into(),
        signed_on: held_on + chrono::Duration::days(5),
        signer: "Phó Chủ tịch UBND tỉnh (demo)".into(),
    };
    let today = ocop_domain::format::today_vn().max(decision.signed_on);
    match crate::rounds::decide_session(db, &lib, actor, None, session.id, &decision, today).await {
        Ok(_) | Err(crate::StoreError::Invalid(_)) => {}
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Products that get no demo certificate: those whose 2023–2026 dossier history
/// [`demo_history`] tells (its stories name the same products), and the jasmine tea
/// kept uncertified so that a first evaluation can be walked through.
const HISTORY_PRODUCTS: [&str; 9] = [
    "Gạo Séng Cù Than Uyên",
    "Mật ong Thanh Xuân",
    "Rượu Pusilung",
    "Cá trắm sấy",
    "Lạp sườn lợn đen",
    "Khoai sọ Mường Tè",
    "Hạt mắc ca khô",
    "Dầu mắc ca nguyên chất",
    "Trà xanh hương nhài",
];

/// Certificates for the demo's recognised products: valid, expiring, expired and
/// revoked ones, signed like real ones.
async fn demo_certificates<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
) -> Result<()> {
    use chrono::{Duration, NaiveDate};
    let all = registry::list_products(
        db,
        &ocop_domain::roles::Scope::All,
        &registry::ProductFilter {
            sort: registry::Sort::OldestFirst,
            page: 1,
            per_page: 200,
            ..Default::default()
        },
    )
    .await?;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let mut n = 40;
    let mut case_opened = false;
    let lib = ocop_domain::rulebook::Library::embedded();
    for (i, p) in all.items.iter().enumerate() {
        let Some(stars) = p.stars else { continue };
        // Certified by the demo council's decision already: one label per product;
        // products whose dossier history follows get their story instead.
        if crate::certificates::current_of(db, p.id).await?.is_some()
            || HISTORY_PRODUCTS.contains(&p.name.as_str())
        {
            continue;
        }
        let (issued_on, revoke) = match (p.status.as_str(), p.set_code.starts_with("QD148")) {
            ("expired", _) => (d(2023, 6, 15) + Duration::days(i as i64), false),
            ("revoked", _) => (d(2024, 5, 10), true),
            ("certified", true) => (d(2024, 1, 10) + Duration::days(25 * i as i64), false),
            ("certified", false) => (d(2026, 6, 25), false),
            _ => continue,
        };
        n += 1;
        // The authority of the issue date: a district's committee for a 3★ before
        // 07/2025 (the product's old district), the province for 4★ or after.
        use ocop_domain::workflow::{deciding_level, Level};
        let level = deciding_level(&lib, stars as u8, issued_on);
        // A district recognition needs the product's old district; otherwise the province.
        let level = if level == Level::District && p.unit_path.split('/').count() != 5 {
            Level::Province
        } else {
            level
        };
        let path = crate::rounds::authority_path(level, &p.unit_path, &p.current_unit_path);
        let body = crate::rounds::body_of(db, level, &path, issued_on).await?;
        let symbol = if level == Level::District {
            "QĐ-UBND huyện"
        } else {
            "QĐ-UBND"
        };
        let c = crate::certificates::issue(
            db,
            actor,
            &crate::certificates::Issue {
                product_id: p.id,
                stars: stars as u8,
                issued_on,
                months: 36,
                issuing_body: body,
                decision_ref: format!("{n}/{symbol} (demo)"),
                dossier_id: None,
            },
        )
        .await?;
        // A market inspection found the label misused: a revocation case waits for the
        // province (log in as `tinh`, see /revocation-cases).
        if !case_opened && p.status == "certified" && p.set_code.starts_with("QD148") {
            case_opened = true;
            let today = ocop_domain::format::today_vn();
            crate::certificates::open_case(
                db,
                actor,
                None,
                &c.number,
                "mark_misuse",
                "Biên bản 17/BB-QLTT của Đội Quản lý thị trường số 2 (demo)",
                today - Duration::days(6),
                today,
            )
            .await?;
        }
        if revoke {
            crate::certificates::revoke(
                db,
                actor,
                None,
                &c.number,
                "no_longer_meets",
                "85/QĐ-UBND (demo)",
                d(2026, 9, 15),
            )
            .await?;
        }
    }
    Ok(())
}

/// Dossiers in several states, in a round: a draft, one waiting for the commune (past
/// its deadline), one waiting for a supplement, one received and checked by the
/// province (QĐ 26/2026 Art. 7.3.a).
async fn demo_dossiers<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    files: &dyn crate::documents::FileStore,
) -> Result<()> {
    use ocop_domain::dossier::{Event, Kind};
    use ocop_domain::roles::Role;
    let lib = ocop_domain::rulebook::Library::embedded();
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let Some(province) = units::find(db, "12", Period::Post2025).await? else {
        return Ok(());
    };
    let round = crate::rounds::create_round(
        db,
        actor,
        "Đợt 2 năm 2026 (demo)",
        "province",
        (province.code, province.path),
        // "Trước ngày 30/10 … 30/12" (QĐ 26/2026 Art. 5): the days before.
        d(2026, 10, 29),
        d(2026, 12, 29),
    )
    .await?;
    // (product, how far it went, filing date)
    for (name, steps, filed) in [
        ("Cam Tân Uyên", 0, d(2026, 11, 20)),
        ("Khăn piêu Thái", 1, d(2026, 10, 15)),
        ("Thảo quả Thu Lũm", 2, d(2026, 10, 25)),
        ("Chè Tân Uyên túi lọc", 3, d(2026, 10, 10)),
    ] {
        let Some(p) = find_product(db, name).await? else {
            continue;
        };
        let dossier = crate::dossiers::create(
            db,
            &lib,
            actor,
            p.id,
            Kind::FirstEvaluation,
            3,
            "QD26-2026",
            filed,
        )
        .await?;
        if steps == 0 {
            continue;
        }
        let cited = demo_documents(db, files, actor, &dossier, name, &QD26_DOCS).await?;
        // The producer's self-assessment (Mẫu 02 reports it), citing the documents.
        demo_self_assessment(db, actor, &lib, &p, 0.75, &cited).await?;
        demo_step(
            db,
            &lib,
            actor,
            dossier.id,
            Role::Producer,
            Event::Submit,
            filed,
        )
        .await?;
        crate::rounds::join(db, actor, dossier.id, round.id, filed).await?;
        match steps {
            2 => {
                demo_step(
                    db,
                    &lib,
                    actor,
                    dossier.id,
                    Role::CommuneOfficer,
                    Event::RequestSupplement {
                        reason: "Bổ sung phiếu kiểm nghiệm chỉ tiêu an toàn thực phẩm".into(),
                    },
                    filed + chrono::Duration::days(5),
                )
                .await?
            }
            3 => {
                demo_step(
                    db,
                    &lib,
                    actor,
                    dossier.id,
                    Role::CommuneOfficer,
                    Event::ForwardToCouncil,
                    filed + chrono::Duration::days(10),
                )
                .await?
            }
            _ => {}
        }
    }
    // The tea cooperative's evidence library and its self-assessments of the jasmine
    // tea it is preparing and of the tea waiting for the council: documents cited per
    // criterion, one of them expired.
    if let Some(p) = find_product(db, "Trà xanh hương nhài").await? {
        let mut docs = Vec::new();
        for (t, title, valid_until) in [
            ("business_registration", "Giấy chứng nhận đăng ký HTX", None),
            (
                "food_safety",
                "Giấy chứng nhận cơ sở đủ điều kiện ATTP",
                Some(d(2026, 6, 30)),
            ),
            ("raw_material", "Hợp đồng liên kết vùng chè", None),
        ] {
            let body = format!("%PDF-1.4\n% {title} (dữ liệu minh họa)\n");
            let doc = crate::documents::add(
                db,
                files,
                actor,
                crate::documents::NewDocument {
                    producer_id: p.producer_id,
                    doc_type: t,
                    title,
                    filename: "minh-hoa.pdf",
                    content_type: "application/pdf",
                    valid_until,
                    bytes: body.as_bytes(),
                },
            )
            .await?;
            docs.push(doc.id);
        }
        demo_self_assessment(db, actor, &lib, &p, 0.7, &docs).await?;
        // The product waiting in the council's session: members see these citations.
        if let Some(waiting) = find_product(db, "Sà Dề Phìn").await? {
            demo_self_assessment(db, actor, &lib, &waiting, 0.8, &docs).await?;
        }
    }
    Ok(())
}

/// The documents QĐ 26/2026 requires of a first evaluation (samples: not for tourism).
const QD26_DOCS: [&str; 5] = [
    "registration_form",
    "self_assessment_report",
    "business_registration",
    "label_packaging",
    "product_samples",
];

/// Small PDFs of these types in the producer's library, attached to the dossier.
async fn demo_documents<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    files: &dyn crate::documents::FileStore,
    actor: &Actor,
    dossier: &crate::entities::dossier::Model,
    name: &str,
    types: &[&str],
) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for t in types {
        let label = t
            .parse::<ocop_domain::documents::DocType>()
            .map(|x| x.label(ocop_domain::registry::Lang::Vi))
            .unwrap_or(t);
        let body = format!("%PDF-1.4\n% {label} – {name} (dữ liệu minh họa)\n");
        let doc = crate::documents::add(
            db,
            files,
            actor,
            crate::documents::NewDocument {
                producer_id: dossier.producer_id,
                doc_type: t,
                title: label,
                filename: "minh-hoa.pdf",
                content_type: "application/pdf",
                valid_until: None,
                bytes: body.as_bytes(),
            },
        )
        .await?;
        crate::documents::attach(db, actor, dossier.id, doc.id).await?;
        ids.push(doc.id);
    }
    Ok(ids)
}

/// The programme's history, 2023–2026: past rounds under QĐ 148 and QĐ 26 and
/// dossiers that ended in every way — recognised at the district, at the province,
/// not recognised, returned, withdrawn, a June 2025 district dossier finished by the
/// province after the reorganisation, one waiting for the central council — and the
/// decision of the demo council's session.
#[allow(clippy::type_complexity)]
async fn demo_history<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    files: &dyn crate::documents::FileStore,
) -> Result<()> {
    use ocop_domain::dossier::{Event, Kind};
    use ocop_domain::roles::Role::*;
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let lib = ocop_domain::rulebook::Library::embedded();
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let (Some(province), Some(district)) = (
        units::find(db, "12", Period::Post2025).await?,
        units::find(db, "110", Period::Pre2025).await?,
    ) else {
        return Ok(());
    };
    let mut rounds = Vec::new();
    for (name, level, unit, proposals, closes) in [
        (
            "Đợt 2 năm 2023 – huyện Than Uyên (demo)",
            "district",
            &district,
            d(2023, 9, 30),
            d(2023, 12, 30),
        ),
        (
            "Đợt 1 năm 2024 (demo)",
            "province",
            &province,
            d(2024, 4, 30),
            d(2024, 6, 30),
        ),
        (
            "Đợt 1 năm 2025 – huyện Than Uyên (demo)",
            "district",
            &district,
            d(2025, 6, 25),
            d(2025, 6, 30),
        ),
        (
            "Đợt 1 năm 2026 (demo)",
            "province",
            &province,
            d(2026, 4, 29),
            d(2026, 6, 29),
        ),
    ] {
        let r = crate::rounds::create_round(
            db,
            actor,
            name,
            level,
            (unit.code.clone(), unit.path.clone()),
            proposals,
            closes,
        )
        .await?;
        rounds.push(r);
    }
    let result = |score: f64, stars: u8| Event::CouncilResult { score, stars };
    let reason = |r: &str| r.to_string();
    // (product, round, rulebook, target stars, filed on, steps after submitting)
    let stories: Vec<(&str, usize, &str, i32, chrono::NaiveDate, Vec<(ocop_domain::roles::Role, Event, chrono::NaiveDate)>)> = vec![
        // Recognised at the province after the district forwarded it (≥ 70).
        ("Gạo Séng Cù Than Uyên", 0, "QD148-2023", 4, d(2023, 9, 12), vec![
            (CommuneOfficer, Event::ForwardToCouncil, d(2023, 9, 22)),
            (DistrictOfficer, result(78.5, 4), d(2023, 10, 20)),
            (ProvinceOfficer, result(80.25, 4), d(2023, 12, 15)),
        ]),
        // Recognised 3★ by the district.
        ("Mật ong Thanh Xuân", 0, "QD148-2023", 3, d(2023, 9, 15), vec![
            (CommuneOfficer, Event::ForwardToCouncil, d(2023, 9, 25)),
            (DistrictOfficer, result(63.5, 3), d(2023, 10, 20)),
        ]),
        // Not recognised: under 50 points.
        ("Rượu Pusilung", 0, "QD148-2023", 3, d(2023, 9, 18), vec![
            (CommuneOfficer, Event::ForwardToCouncil, d(2023, 9, 28)),
            (DistrictOfficer, result(44.0, 2), d(2023, 10, 20)),
        ]),
        // Returned by the commune.
        ("Cá trắm sấy", 1, "QD148-2023", 3, d(2024, 3, 5), vec![
            (CommuneOfficer, Event::Return { reason: reason("Sản phẩm chưa có nhãn hàng hóa theo quy định; hoàn thiện rồi nộp lại đợt sau") }, d(2024, 3, 15)),
        ]),
        // Withdrawn by the producer.
        ("Lạp sườn lợn đen", 2, "QD148-2023", 3, d(2025, 5, 20), vec![
            (Producer, Event::Withdraw, d(2025, 6, 2)),
        ]),
        // Filed in June 2025 under the district process, still open on 1 July: the
        // province's council finished it (transition rule, docs/design/dossiers.md).
        ("Khoai sọ Mường Tè", 2, "QD148-2023", 3, d(2025, 6, 5), vec![
            (CommuneOfficer, Event::ForwardToCouncil, d(2025, 6, 20)),
            (ProvinceOfficer, Event::ForwardToCouncil, d(2025, 7, 8)),
            (ProvinceOfficer, Event::Accept, d(2025, 7, 15)),
            (ProvinceOfficer, result(71.0, 3), d(2025, 9, 18)),
        ]),
        // Filed in April 2026, before QĐ 26/2026: finished under the old rules within
        // the 60 days of its Art. 12 (by 21/07/2026), recognised 4★ by the province.
        ("Hạt mắc ca khô", 3, "QD26-2026", 4, d(2026, 4, 2), vec![
            (CommuneOfficer, Event::ForwardToCouncil, d(2026, 4, 16)),
            (ProvinceOfficer, Event::Accept, d(2026, 4, 24)),
            (ProvinceOfficer, result(84.5, 4), d(2026, 6, 18)),
        ]),
        // ≥ 90 at the province: waiting for the central council's result (the province
        // officer records it from the dossier's page).
        ("Dầu mắc ca nguyên chất", 3, "QD26-2026", 5, d(2026, 4, 6), vec![
            (CommuneOfficer, Event::ForwardToCouncil, d(2026, 4, 20)),
            (ProvinceOfficer, Event::RequestSupplement { reason: reason("Bổ sung phiếu kết quả kiểm nghiệm chỉ tiêu axit béo của lô sản xuất gần nhất") }, d(2026, 4, 27)),
            (Producer, Event::Supplemented, d(2026, 5, 4)),
            (ProvinceOfficer, Event::Accept, d(2026, 5, 6)),
            (ProvinceOfficer, result(92.75, 5), d(2026, 6, 18)),
            (ProvinceOfficer, Event::ApproveResult { reference: reason("QĐ 1602/QĐ-UBND ngày 25/06/2026 phê duyệt kết quả đánh giá (demo)") }, d(2026, 6, 25)),
        ]),
    ];
    for (name, r, rb, stars, filed, steps) in stories {
        let Some(p) = find_product(db, name).await? else {
            continue;
        };
        let dossier = crate::dossiers::create(
            db,
            &lib,
            actor,
            p.id,
            Kind::FirstEvaluation,
            stars,
            rb,
            filed,
        )
        .await?;
        let types: &[&str] = if rb == "QD26-2026" {
            &QD26_DOCS
        } else {
            &["registration_form"]
        };
        demo_documents(db, files, actor, &dossier, name, types).await?;
        demo_step(db, &lib, actor, dossier.id, Producer, Event::Submit, filed).await?;
        crate::rounds::join(db, actor, dossier.id, rounds[r].id, filed).await?;
        for (role, event, on) in steps {
            demo_step(db, &lib, actor, dossier.id, role, event, on).await?;
        }
    }
    // Past rounds are closed.
    for r in rounds.into_iter().take(4) {
        let mut am = r.into_active_model();
        am.status = Set("closed".into());
        am.update(db).await?;
    }
    Ok(())
}

/// A demo self-assessment of `p` on its sheet, citing `docs` round-robin beside the
/// criteria that earn points — all but every fifth, so that the flag for points
/// without evidence shows too.
async fn demo_self_assessment<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    lib: &ocop_domain::rulebook::Library,
    p: &crate::entities::product::Model,
    level: f64,
    docs: &[i64],
) -> Result<()> {
    let (Some(Ok(sheet)), Some(rb)) = (lib.sheet(&p.set_code), lib.rulebook("QD26-2026")) else {
        return Ok(());
    };
    let choices = demo_choices(sheet, level);
    let e = ocop_domain::scoring::evaluate(
        sheet,
        rb,
        &[ocop_domain::scoring::MemberSheet {
            member: "self".into(),
            choices: choices.clone(),
        }],
        &[],
    )
    .map_err(|e| crate::StoreError::Invalid(e.message()))?;
    let mut evidence = serde_json::Map::new();
    if !docs.is_empty() {
        let earning = sheet
            .criteria()
            .filter(|(_, _, c)| !rb.is_commune_criterion(c))
            .filter(|(_, _, c)| e.criteria.get(&c.id).is_some_and(|p| *p > 0.0));
        for (i, (_, _, c)) in earning.enumerate() {
            if i % 5 != 4 {
                evidence.insert(c.id.clone(), serde_json::json!([docs[i % docs.len()]]));
            }
        }
    }
    crate::scoring::save_self_assessment(
        db,
        actor,
        0,
        crate::scoring::SelfAssessmentData {
            product_id: p.id,
            sheet_code: sheet.code.clone(),
            rulebook_id: rb.id.clone(),
            choices: serde_json::Value::Object(
                choices
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v[0].clone())))
                    .collect(),
            ),
            total: e.members[0].total,
            stars: e.stars as i32,
            evidence: serde_json::Value::Object(evidence),
        },
    )
    .await?;
    Ok(())
}

/// One workflow step of a demo dossier, at its current version.
async fn demo_step<C: sea_orm::TransactionTrait + sea_orm::ConnectionTrait>(
    db: &C,
    lib: &ocop_domain::rulebook::Library,
    actor: &Actor,
    id: i64,
    role: ocop_domain::roles::Role,
    event: ocop_domain::dossier::Event,
    on: chrono::NaiveDate,
) -> Result<()> {
    let version = crate::dossiers::get(db, id).await?.version;
    crate::dossiers::transition(db, lib, actor, role, id, version, &event, on)
        .await
        .map(|_| ())
        .map_err(|e| crate::StoreError::Invalid(format!("demo dossier {id}: {e:?}")))
}
