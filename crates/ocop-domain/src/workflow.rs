//! The guards of the evaluation and certification workflow: which level exists on a
//! date, who recognises which stars, who revokes, which dossier a certified product
//! may open, what of a certified product is frozen. Each rule cites its article of
//! QĐ 26/2026/QĐ-TTg (or of the 2021–2025 rules where they differ); pages, API and
//! store call these functions and never decide on their own. See `docs/workflow.md`.

use crate::registry::Lang;
use crate::roles::{Principal, Role, Scope};
use crate::rulebook::{Library, Rulebook};
use crate::units::Period;
use chrono::NaiveDate;
use serde::Serialize;

/// A level of evaluation and recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// District People's Committee — only under QĐ 148/2023, before 1 July 2025.
    District,
    /// Provincial People's Committee (chairman): 3★ and 4★ (QĐ 26/2026 Art. 4.1).
    Province,
    /// The ministry: 5★ (QĐ 26/2026 Art. 4.1).
    Central,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::District => "district",
            Level::Province => "province",
            Level::Central => "central",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "district" => Some(Level::District),
            "province" => Some(Level::Province),
            "central" => Some(Level::Central),
            _ => None,
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Level::District => lang.pick("cấp huyện", "district level"),
            Level::Province => lang.pick("cấp tỉnh", "province level"),
            Level::Central => lang.pick("cấp trung ương", "central level"),
        }
    }
    /// The officer role that records this level's decisions.
    pub fn officer(self) -> Role {
        match self {
            Level::District => Role::DistrictOfficer,
            Level::Province => Role::ProvinceOfficer,
            Level::Central => Role::CentralOfficer,
        }
    }
}

/// The day districts ceased to exist (Law on Local Government 2025; the two-level
/// local government from 1 July 2025).
pub fn districts_abolished_on() -> NaiveDate {
    Period::reform_date()
}

/// Why the workflow refuses a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    /// No rulebook covers the date.
    NoRulebook { on: NaiveDate },
    /// A district council, session or decision dated on or after 1 July 2025.
    DistrictsAbolished { on: NaiveDate },
    /// The rulebook in force on the date has no such level.
    LevelNotInRulebook {
        level: Level,
        rulebook: String,
        on: NaiveDate,
    },
    /// The decision or revocation belongs to another authority.
    WrongAuthority { needed: Level, stars: u8 },
    /// A date in the future.
    DateInFuture { on: NaiveDate },
    /// A certified product opens an upgrade or a re-evaluation, not a first evaluation.
    CertifiedProduct { number: String },
    /// The certified identity (name, set, producer) changes only through a dossier.
    IdentityFrozen {
        fields: Vec<&'static str>,
        number: String,
    },
    /// A revocation ground outside Art. 8.1.
    UnknownGround,
    /// The council meets before the advisory team has reported to its chair.
    AdvisoryReportMissing,
    /// The advisory report is dated after the meeting or in the future.
    AdvisoryReportDate,
    /// An advisory report is recorded while the province holds the file before its
    /// council.
    AdvisoryReportWrongState,
    /// A step of the province's standing agency, taken by someone else.
    StandingAgencyOnly,
    /// The written notice of results goes out once the result is decided.
    NoticeNotDue,
    /// The written notice of results was already sent.
    NoticeAlreadySent { reference: String },
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoRulebook { .. } => "no_rulebook",
            Refusal::DistrictsAbolished { .. } => "districts_abolished",
            Refusal::LevelNotInRulebook { .. } => "level_not_in_rulebook",
            Refusal::WrongAuthority { .. } => "wrong_authority",
            Refusal::DateInFuture { .. } => "date_in_future",
            Refusal::CertifiedProduct { .. } => "certified_product",
            Refusal::IdentityFrozen { .. } => "identity_frozen",
            Refusal::UnknownGround => "unknown_ground",
            Refusal::AdvisoryReportMissing => "advisory_report_missing",
            Refusal::AdvisoryReportDate => "advisory_report_date",
            Refusal::AdvisoryReportWrongState => "advisory_report_wrong_state",
            Refusal::StandingAgencyOnly => "standing_agency_only",
            Refusal::NoticeNotDue => "notice_not_due",
            Refusal::NoticeAlreadySent { .. } => "notice_already_sent",
        }
    }

    /// The refusal in words, naming the rule and its article.
    pub fn message(&self, lang: Lang) -> String {
        use crate::format::date_vn;
        match (self, lang) {
            (Refusal::NoRulebook { on }, Lang::Vi) => format!(
                "Không có bộ tiêu chí nào có hiệu lực vào ngày {}.",
                date_vn(*on)
            ),
            (Refusal::NoRulebook { on }, Lang::En) => {
                format!("No rulebook is in force on {}.", date_vn(*on))
            }
            (Refusal::DistrictsAbolished { on }, Lang::Vi) => format!(
                "Cấp huyện đã chấm dứt hoạt động từ ngày 01/07/2025: không thể lập hội đồng, phiên họp hay quyết định cấp huyện vào ngày {} (QĐ 26/2026/QĐ-TTg Điều 4.1: chỉ cấp tỉnh và cấp trung ương đánh giá, công nhận).",
                date_vn(*on)
            ),
            (Refusal::DistrictsAbolished { on }, Lang::En) => format!(
                "Districts ceased to exist on 01/07/2025: no district council, session or decision can be dated {} (QĐ 26/2026 Art. 4.1: only the province and the ministry evaluate and recognise).",
                date_vn(*on)
            ),
            (Refusal::LevelNotInRulebook { level, rulebook, on }, Lang::Vi) => format!(
                "Ngày {} áp dụng {}: không có {} đánh giá, công nhận (QĐ 26/2026/QĐ-TTg Điều 4.1).",
                date_vn(*on),
                rulebook,
                level.label(lang)
            ),
            (Refusal::LevelNotInRulebook { level, rulebook, on }, Lang::En) => format!(
                "On {} the rules of {} apply: there is no {} evaluation or recognition (QĐ 26/2026 Art. 4.1).",
                date_vn(*on),
                rulebook,
                level.label(lang)
            ),
            (Refusal::WrongAuthority { needed, stars }, Lang::Vi) => format!(
                "Sản phẩm {stars} sao do {} quyết định (QĐ 26/2026/QĐ-TTg Điều 4.1, 8.2): tài khoản này không có thẩm quyền.",
                authority_name(*needed, lang)
            ),
            (Refusal::WrongAuthority { needed, stars }, Lang::En) => format!(
                "A {stars}-star product is decided by {} (QĐ 26/2026 Art. 4.1, 8.2): this account has no such authority.",
                authority_name(*needed, lang)
            ),
            (Refusal::DateInFuture { on }, Lang::Vi) => {
                format!("Ngày {} ở tương lai.", date_vn(*on))
            }
            (Refusal::DateInFuture { on }, Lang::En) => {
                format!("{} is in the future.", date_vn(*on))
            }
            (Refusal::CertifiedProduct { number }, Lang::Vi) => format!(
                "Sản phẩm đang có giấy chứng nhận {number} còn hiệu lực: chỉ lập hồ sơ nâng hạng hoặc đánh giá lại từ giấy chứng nhận đó (QĐ 26/2026/QĐ-TTg Điều 7.5, 7.6)."
            ),
            (Refusal::CertifiedProduct { number }, Lang::En) => format!(
                "The product holds certificate {number}, still in force: only an upgrade or a re-evaluation may start, from that certificate (QĐ 26/2026 Art. 7.5, 7.6)."
            ),
            (Refusal::IdentityFrozen { fields, number }, Lang::Vi) => format!(
                "Sản phẩm đã được chứng nhận ({number}): không sửa {} ngoài hồ sơ nâng hạng hoặc đánh giá lại (QĐ 26/2026/QĐ-TTg Điều 6.1, 7.5, 7.6).",
                fields.iter().map(|f| frozen_label(f, lang)).collect::<Vec<_>>().join(", ")
            ),
            (Refusal::IdentityFrozen { fields, number }, Lang::En) => format!(
                "The product is certified ({number}): its {} change only through an upgrade or re-evaluation dossier (QĐ 26/2026 Art. 6.1, 7.5, 7.6).",
                fields.iter().map(|f| frozen_label(f, lang)).collect::<Vec<_>>().join(", ")
            ),
            (Refusal::UnknownGround, Lang::Vi) => {
                "Căn cứ thu hồi phải là một trong các trường hợp của Điều 8.1 QĐ 26/2026/QĐ-TTg.".into()
            }
            (Refusal::UnknownGround, Lang::En) => {
                "The ground must be one of the cases of QĐ 26/2026 Art. 8.1.".into()
            }
            (Refusal::AdvisoryReportMissing, Lang::Vi) => "Chưa có báo cáo đánh giá hồ sơ của Tổ tư vấn (đánh giá lại: của cơ quan tham mưu) gửi Chủ tịch Hội đồng cấp tỉnh: Hội đồng chỉ họp sau khi có báo cáo này (Điều 7.3.c, 7.6.c QĐ 26/2026/QĐ-TTg).".into(),
            (Refusal::AdvisoryReportMissing, Lang::En) => "The advisory team's report on the file (re-evaluation: the standing agency's) has not reached the council's chair: the provincial council meets only after it (QĐ 26/2026 Art. 7.3.c, 7.6.c).".into(),
            (Refusal::AdvisoryReportDate, Lang::Vi) => "Ngày gửi báo cáo cho Chủ tịch Hội đồng phải trước hoặc đúng ngày họp và không sau ngày hôm nay (Điều 7.3.c QĐ 26/2026/QĐ-TTg).".into(),
            (Refusal::AdvisoryReportDate, Lang::En) => "The report must reach the chair on or before the meeting day and not in the future (QĐ 26/2026 Art. 7.3.c).".into(),
            (Refusal::AdvisoryReportWrongState, Lang::Vi) => "Báo cáo đánh giá hồ sơ được ghi nhận khi cấp tỉnh đã tiếp nhận hồ sơ và trước khi Hội đồng cấp tỉnh họp (Điều 7.3.a–c QĐ 26/2026/QĐ-TTg).".into(),
            (Refusal::AdvisoryReportWrongState, Lang::En) => "The report on the file is recorded once the province has received it and before its council meets (QĐ 26/2026 Art. 7.3.a–c).".into(),
            (Refusal::StandingAgencyOnly, Lang::Vi) => "Bước này do cơ quan tham mưu quản lý OCOP cấp tỉnh thực hiện (Điều 7.3.a, c, g QĐ 26/2026/QĐ-TTg): tài khoản này không có thẩm quyền.".into(),
            (Refusal::StandingAgencyOnly, Lang::En) => "This step belongs to the province's OCOP standing agency (QĐ 26/2026 Art. 7.3.a, c, g): this account has no such authority.".into(),
            (Refusal::NoticeNotDue, Lang::Vi) => "Chỉ thông báo kết quả bằng văn bản khi đã có kết quả: quyết định công nhận đã cấp giấy chứng nhận, hoặc sản phẩm không được công nhận (Điều 7.3.g QĐ 26/2026/QĐ-TTg).".into(),
            (Refusal::NoticeNotDue, Lang::En) => "The written notice of results goes out once there is a result: a recognition decision with its certificate, or a refusal (QĐ 26/2026 Art. 7.3.g).".into(),
            (Refusal::NoticeAlreadySent { reference }, Lang::Vi) => format!("Kết quả đã được thông báo bằng văn bản số {reference} (Điều 7.3.g QĐ 26/2026/QĐ-TTg)."),
            (Refusal::NoticeAlreadySent { reference }, Lang::En) => format!("The result was already notified by letter {reference} (QĐ 26/2026 Art. 7.3.g)."),
        }
    }
}

fn frozen_label(f: &str, lang: Lang) -> &'static str {
    match f {
        "name" => lang.pick("tên sản phẩm", "name"),
        "set_code" => lang.pick("bộ sản phẩm", "product set"),
        "producer_id" => lang.pick("chủ thể", "producer"),
        "stars" => lang.pick("hạng sao và trạng thái", "stars and status"),
        _ => lang.pick("thông tin đã chứng nhận", "certified facts"),
    }
}

/// Who decides at a level, in words.
pub fn authority_name(level: Level, lang: Lang) -> &'static str {
    match level {
        Level::District => lang.pick("Chủ tịch UBND cấp huyện", "the district chairman"),
        Level::Province => lang.pick("Chủ tịch UBND cấp tỉnh", "the provincial chairman"),
        Level::Central => lang.pick("Bộ trưởng Bộ Nông nghiệp và Môi trường", "the minister"),
    }
}

/// The rulebook under which a council of `level` may sit, or a decision of that
/// level be signed, on `on`: the one in force that day, which must have the level;
/// district councils end on 1 July 2025 whatever the rulebook says.
pub fn level_on(lib: &Library, level: Level, on: NaiveDate) -> Result<&Rulebook, Refusal> {
    if level == Level::District && on >= districts_abolished_on() {
        return Err(Refusal::DistrictsAbolished { on });
    }
    let rb = lib.in_force(on).ok_or(Refusal::NoRulebook { on })?;
    if rb.levels.iter().any(|l| l.level == level.as_str()) {
        Ok(rb)
    } else {
        Err(Refusal::LevelNotInRulebook {
            level,
            rulebook: rb.name.clone(),
            on,
        })
    }
}

/// [`level_on`] against the embedded rulebooks (for the store, which has no
/// library of its own): built once.
pub fn level_on_embedded(level: Level, on: NaiveDate) -> Result<(), Refusal> {
    static LIB: std::sync::OnceLock<Library> = std::sync::OnceLock::new();
    level_on(LIB.get_or_init(Library::embedded), level, on).map(|_| ())
}

/// The stars a level recognises under a rulebook (QĐ 26: province 3★/4★, ministry
/// 5★; QĐ 148/2023: district 3★, province 4★, centre 5★).
pub fn recognises(rb: &Rulebook, level: Level) -> Vec<u8> {
    rb.levels
        .iter()
        .find(|l| l.level == level.as_str())
        .map(|l| l.recognises.clone())
        .unwrap_or_default()
}

/// The level whose decision recognises `stars` on `on` (QĐ 26/2026 Art. 4.1: 3★/4★
/// the province, 5★ the ministry; before, per the rulebook's levels).
pub fn deciding_level(lib: &Library, stars: u8, on: NaiveDate) -> Level {
    let rb = lib.in_force(on);
    [Level::District, Level::Province, Level::Central]
        .into_iter()
        .filter(|l| *l != Level::District || on < districts_abolished_on())
        .find(|l| rb.is_some_and(|rb| recognises(rb, *l).contains(&stars)))
        .unwrap_or(if stars >= 5 {
            Level::Central
        } else {
            Level::Province
        })
}

/// The ministry's name on a date (the Ministry of Agriculture and Environment since
/// 1 March 2025; before, the Ministry of Agriculture and Rural Development).
pub fn ministry_name(on: NaiveDate) -> &'static str {
    if on >= NaiveDate::from_ymd_opt(2025, 3, 1).expect("constant date") {
        "Bộ Nông nghiệp và Môi trường"
    } else {
        "Bộ Nông nghiệp và Phát triển nông thôn"
    }
}

/// The body that issues a decision of `level` for the unit named `unit_name` on `on`:
/// printed on the decision, the certificate and /verify.
pub fn issuing_body(level: Level, unit_name: &str, on: NaiveDate) -> String {
    match level {
        Level::Central => ministry_name(on).to_string(),
        _ => crate::units::issuing_body(level.as_str(), unit_name),
    }
}

/// Is the principal the competent authority to record a decision of `level` for a
/// record at `unit_path` (QĐ 26/2026 Art. 4.1, 7.3.e, 7.4.e; Art. 8.2 for
/// revocations)? The officer of that level whose area holds the record; the system
/// administrator is not an authority.
pub fn is_authority(p: &Principal, level: Level, unit_path: &str, current_path: &str) -> bool {
    if p.role != level.officer() {
        return false;
    }
    match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            crate::units::path_within(unit_path, path)
                || crate::units::path_within(current_path, path)
        }
        _ => false,
    }
}

/// Who revokes a certificate of `stars` (QĐ 26/2026 Art. 8.2): the provincial
/// chairman for 3★ and 4★ (also those a district recognised before 07/2025), the
/// minister for 5★.
pub fn revoking_level(stars: u8) -> Level {
    if stars >= 5 {
        Level::Central
    } else {
        Level::Province
    }
}

/// May the principal decide the revocation of a certificate of `stars` located at
/// these paths?
pub fn may_revoke(p: &Principal, stars: u8, unit_path: &str, current_path: &str) -> bool {
    is_authority(p, revoking_level(stars), unit_path, current_path)
}

/// May the principal record a competent conclusion and *propose* a revocation
/// (Art. 8.3; the province may propose revoking a 5★ to the ministry, Art. 10.1.b
/// lets the ministry propose for 3★/4★)? Province and central officers, and
/// inspectors, in their area.
pub fn may_propose_revocation(p: &Principal, unit_path: &str, current_path: &str) -> bool {
    matches!(
        p.role,
        Role::ProvinceOfficer | Role::CentralOfficer | Role::Inspector
    ) && match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            crate::units::path_within(unit_path, path)
                || crate::units::path_within(current_path, path)
        }
        _ => false,
    }
}

/// The grounds of revocation, exactly QĐ 26/2026 Art. 8.1 a–e (code, article,
/// Vietnamese, English). Expiry is not a ground: an expired certificate simply
/// stops being valid.
pub const REVOCATION_GROUNDS: &[(&str, &str, &str, &str)] = &[
    (
        "false_dossier",
        "8.1.a",
        "Hồ sơ không trung thực hoặc giả mạo",
        "Untruthful or forged dossier",
    ),
    (
        "no_longer_meets",
        "8.1.b",
        "Sản phẩm không còn đáp ứng tiêu chí theo kết luận kiểm tra",
        "No longer meets the criteria (inspection conclusion)",
    ),
    (
        "law_violation",
        "8.1.c",
        "Vi phạm quy định về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ, nhãn hàng hóa hoặc pháp luật khác theo kết luận của cơ quan có thẩm quyền",
        "Violation of quality, food-safety, environment, IP, labelling or other law (competent conclusion)",
    ),
    (
        "mark_misuse",
        "8.1.d",
        "Sử dụng biểu trưng OCOP sai quy định, gây nhầm lẫn",
        "Misuse of the OCOP mark causing confusion",
    ),
    (
        "stopped",
        "8.1.đ",
        "Chủ thể không còn sản xuất sản phẩm",
        "The producer no longer makes the product",
    ),
    (
        "authority",
        "8.1.e",
        "Trường hợp khác theo kết luận và đề nghị của cơ quan nhà nước có thẩm quyền",
        "Other case concluded and proposed by a competent state body",
    ),
];

/// Is `code` a ground of Art. 8.1?
pub fn is_ground(code: &str) -> bool {
    REVOCATION_GROUNDS.iter().any(|g| g.0 == code)
}

/// A ground in words with its article; older records may carry codes that are no
/// longer grounds (shown as stored).
pub fn ground_label(code: &str, lang: Lang) -> String {
    match REVOCATION_GROUNDS.iter().find(|g| g.0 == code) {
        Some((_, art, vi, en)) => format!("{} (Điều {art})", lang.pick(vi, en)),
        None if code == "not_reevaluated" => lang
            .pick(
                "Không đánh giá lại khi hết hiệu lực (ghi nhận theo quy định trước QĐ 26/2026)",
                "Not re-evaluated at expiry (recorded under the rules before QĐ 26/2026)",
            )
            .to_string(),
        None => code.to_string(),
    }
}

/// The certificate a product holds on a date, as the workflow sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held<'a> {
    pub number: &'a str,
    pub stars: u8,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// In force past expiry under Art. 12.3 until this day.
    pub extended_until: Option<NaiveDate>,
}

impl Held<'_> {
    /// Still a valid label on `today`?
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.issued_on <= today
            && (today <= self.expires_on || self.extended_until.is_some_and(|l| today <= l))
    }
}

/// May a dossier of `kind` be opened for a product holding `held` (its current,
/// unrevoked, unsuperseded certificate) on `today`? A certified product opens only an
/// upgrade or a re-evaluation from its certificate (Art. 7.5, 7.6); a first
/// evaluation needs no certificate in force.
pub fn may_open(
    kind: crate::dossier::Kind,
    held: Option<&Held<'_>>,
    today: NaiveDate,
) -> Result<(), Refusal> {
    match (kind, held) {
        (crate::dossier::Kind::FirstEvaluation, Some(h)) if h.in_force(today) => {
            Err(Refusal::CertifiedProduct {
                number: h.number.to_string(),
            })
        }
        _ => Ok(()),
    }
}

/// Which identifying facts of a product an edit changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdentityChange {
    pub name: bool,
    pub set_code: bool,
    pub producer: bool,
    /// Stars or status: on a certified product they follow its certificate only.
    pub ranking: bool,
}

/// What of a product is frozen once certified: name, product set, producer, and its
/// stars and status (they follow the certificate). The catalogue and /verify show
/// what was certified; changes come through a new dossier (Art. 6.1, 7.5, 7.6).
pub fn frozen_changes(
    held: Option<&Held<'_>>,
    today: NaiveDate,
    change: IdentityChange,
) -> Result<(), Refusal> {
    let Some(h) = held.filter(|h| h.in_force(today)) else {
        return Ok(());
    };
    let fields: Vec<&'static str> = [
        (change.name, "name"),
        (change.set_code, "set_code"),
        (change.producer, "producer_id"),
        (change.ranking, "stars"),
    ]
    .into_iter()
    .filter(|(c, _)| *c)
    .map(|(_, f)| f)
    .collect();
    if fields.is_empty() {
        Ok(())
    } else {
        Err(Refusal::IdentityFrozen {
            fields,
            number: h.number.to_string(),
        })
    }
}

/// Who reports on a file to the provincial council's chair before the meeting: the
/// advisory team for a first evaluation or upgrade (Art. 7.3.c), the standing agency
/// for a re-evaluation (Art. 7.6.c).
pub fn advisory_author(kind: crate::dossier::Kind, lang: Lang) -> &'static str {
    if kind == crate::dossier::Kind::ReEvaluation {
        lang.pick(
            "Cơ quan tham mưu quản lý OCOP cấp tỉnh",
            "the province's OCOP standing agency",
        )
    } else {
        lang.pick(
            "Tổ tư vấn Hội đồng cấp tỉnh",
            "the provincial council's advisory team",
        )
    }
}

/// The report on a file to the provincial council's chair (Art. 7.3.c, 7.6.c).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AdvisoryReport {
    /// The report's number and sign, e.g. "05/BC-TTV".
    pub reference: String,
    pub sent_to_chair_on: Option<NaiveDate>,
    /// The day of the field survey at the producer's site, if one was made.
    pub field_survey_on: Option<NaiveDate>,
    /// Extra quality tests asked for, if any.
    #[serde(default)]
    pub lab_tests: String,
    pub findings: String,
    pub recommendation: String,
}

/// Longest text kept in one field of a report.
pub const REPORT_MAX_CHARS: usize = 4000;

impl AdvisoryReport {
    /// Fields that are missing, too long or inconsistent: (field, `required` |
    /// `too_long` | `after_report`).
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = vec![];
        for (f, v, required) in [
            ("reference", &self.reference, true),
            ("findings", &self.findings, true),
            ("recommendation", &self.recommendation, true),
            ("lab_tests", &self.lab_tests, false),
        ] {
            if required && v.trim().is_empty() {
                out.push((f, "required"));
            } else if v.chars().count()
                > if f == "reference" {
                    100
                } else {
                    REPORT_MAX_CHARS
                }
            {
                out.push((f, "too_long"));
            }
        }
        match (self.sent_to_chair_on, self.field_survey_on) {
            (None, _) => out.push(("sent_to_chair_on", "required")),
            (Some(sent), Some(survey)) if survey > sent => {
                out.push(("field_survey_on", "after_report"))
            }
            _ => {}
        }
        out
    }
}

/// May the provincial council record its result on a file at a meeting held on
/// `meeting_on`? Under a rulebook that asks for it, only when the advisory report
/// reached the chair on or before that day (Art. 7.3.c–d, 7.6.c–d).
pub fn council_may_meet(
    rb: &Rulebook,
    report_sent_on: Option<NaiveDate>,
    meeting_on: NaiveDate,
) -> Result<(), Refusal> {
    if !rb.advisory_report_before_meeting {
        return Ok(());
    }
    match report_sent_on {
        None => Err(Refusal::AdvisoryReportMissing),
        Some(d) if d > meeting_on => Err(Refusal::AdvisoryReportMissing),
        Some(_) => Ok(()),
    }
}

/// May an advisory report be recorded for a file in `state`, sent to the chair on
/// `sent_on`, by `role`, on `today`? Province officers only (the standing agency,
/// which also records the advisory team's report; an admin administers accounts, it
/// takes no workflow step), while the file is checked or waits for its council
/// (Art. 7.3.a–c).
pub fn may_record_advisory_report(
    state: crate::dossier::State,
    role: Role,
    sent_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Refusal> {
    use crate::dossier::State;
    if role != Role::ProvinceOfficer {
        return Err(Refusal::StandingAgencyOnly);
    }
    if !matches!(state, State::ProvinceCheck | State::ProvinceCouncil) {
        return Err(Refusal::AdvisoryReportWrongState);
    }
    if sent_on > today {
        return Err(Refusal::AdvisoryReportDate);
    }
    Ok(())
}

/// May the written notice of results (Art. 7.3.g) be sent for a file in `state`?
/// Once decided: recognised with its certificate issued (`certified`), or not
/// recognised; once only (`sent` names the earlier notice).
pub fn may_notify_result(
    role: Role,
    state: crate::dossier::State,
    certified: bool,
    sent: Option<&str>,
) -> Result<(), Refusal> {
    use crate::dossier::State;
    if role != Role::ProvinceOfficer {
        return Err(Refusal::StandingAgencyOnly);
    }
    if let Some(r) = sent {
        return Err(Refusal::NoticeAlreadySent {
            reference: r.to_string(),
        });
    }
    match state {
        State::Recognised if certified => Ok(()),
        State::NotRecognised => Ok(()),
        _ => Err(Refusal::NoticeNotDue),
    }
}

/// The Art. 12.3 extension: a certificate whose re-evaluation *could not* be filed
/// within QĐ 26's window because of the transition — the window (closing
/// `closes_days` before expiry) had closed before QĐ 26 came into force, or closed
/// within the time the old rules still allowed — stays in force after expiry until
/// the authority's result, at most `max_days` after expiry, provided a re-evaluation
/// was filed and is undecided. Any other late filing gets no extension.
pub fn art12_extension(
    lib: &Library,
    expires_on: NaiveDate,
    reevaluation_filed_on: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let filed = reevaluation_filed_on?;
    let new = lib
        .rulebooks
        .iter()
        .filter(|r| {
            r.transition
                .contains_key("late_reevaluation_max_days_past_expiry")
        })
        .max_by_key(|r| r.in_force_from)?;
    let (_, closes) = new.reevaluation_window_days()?;
    let max = new
        .transition
        .get("late_reevaluation_max_days_past_expiry")?
        .as_integer()?;
    // The window closed before the new rules existed: it could not be met.
    // Only certificates still running when the new rules came in.
    let window_closed = expires_on - chrono::Duration::days(closes);
    if window_closed >= new.in_force_from || expires_on < new.in_force_from {
        return None;
    }
    // Filed before expiry + the limit, i.e. while the label was still meant to live.
    let limit = expires_on + chrono::Duration::days(max);
    (filed <= limit).then_some(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Kind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn officer(role: Role, path: &str) -> Principal {
        Principal::new(1, "x".into(), role, Some(path.into()), None)
    }

    #[test]
    fn district_councils_end_on_1_july_2025() {
        let lib = Library::embedded();
        assert_eq!(
            level_on(&lib, Level::District, d(2025, 6, 30)).unwrap().id,
            "QD148-2023"
        );
        assert_eq!(
            level_on(&lib, Level::District, d(2025, 7, 1)),
            Err(Refusal::DistrictsAbolished { on: d(2025, 7, 1) })
        );
        assert!(matches!(
            level_on(&lib, Level::District, d(2026, 12, 2)),
            Err(Refusal::DistrictsAbolished { .. })
        ));
        assert_eq!(
            level_on(&lib, Level::Province, d(2026, 12, 2)).unwrap().id,
            "QD26-2026"
        );
        assert!(level_on(&lib, Level::Central, d(2024, 1, 10)).is_ok());
        assert!(matches!(
            level_on(&lib, Level::Province, d(2020, 1, 1)),
            Err(Refusal::NoRulebook { .. })
        ));
        let m = Refusal::DistrictsAbolished { on: d(2026, 12, 2) }.message(Lang::Vi);
        assert!(m.contains("Điều 4.1") && m.contains("02/12/2026"), "{m}");
    }

    #[test]
    fn who_recognises_which_stars() {
        let lib = Library::embedded();
        assert_eq!(deciding_level(&lib, 3, d(2024, 5, 1)), Level::District);
        assert_eq!(deciding_level(&lib, 4, d(2024, 5, 1)), Level::Province);
        assert_eq!(deciding_level(&lib, 3, d(2025, 8, 1)), Level::Province);
        assert_eq!(deciding_level(&lib, 4, d(2026, 12, 1)), Level::Province);
        assert_eq!(deciding_level(&lib, 5, d(2026, 12, 1)), Level::Central);
        let rb = lib.rulebook("QD26-2026").unwrap();
        assert_eq!(recognises(rb, Level::Province), vec![3, 4]);
        assert_eq!(recognises(rb, Level::Central), vec![5]);
        assert!(recognises(rb, Level::District).is_empty());
    }

    #[test]
    fn issuing_bodies_follow_the_level_and_the_date() {
        assert_eq!(
            issuing_body(Level::District, "Huyện Than Uyên", d(2024, 9, 1)),
            "UBND huyện Than Uyên"
        );
        assert_eq!(
            issuing_body(Level::Province, "Tỉnh Lai Châu", d(2026, 9, 1)),
            "UBND tỉnh Lai Châu"
        );
        assert_eq!(
            issuing_body(Level::Central, "Việt Nam", d(2026, 9, 1)),
            "Bộ Nông nghiệp và Môi trường"
        );
        assert_eq!(
            issuing_body(Level::Central, "Việt Nam", d(2024, 9, 1)),
            "Bộ Nông nghiệp và Phát triển nông thôn"
        );
    }

    #[test]
    fn revocation_belongs_to_the_province_for_3_and_4_stars_and_the_minister_for_5() {
        let prov = officer(Role::ProvinceOfficer, "VN/12/");
        let other_prov = officer(Role::ProvinceOfficer, "VN/11/");
        let central = Principal::new(2, "c".into(), Role::CentralOfficer, None, None);
        let admin = Principal::new(3, "a".into(), Role::Admin, None, None);
        let commune = officer(Role::CommuneOfficer, "VN/12/03388/");
        let at = "VN/12/03388/";
        assert!(may_revoke(&prov, 3, at, at));
        assert!(may_revoke(&prov, 4, at, at));
        assert!(
            !may_revoke(&prov, 5, at, at),
            "the province only proposes a 5★"
        );
        assert!(!may_revoke(&other_prov, 4, at, at), "another province");
        assert!(
            !may_revoke(&central, 3, at, at),
            "Art. 8.2: not the minister"
        );
        assert!(!may_revoke(&central, 4, at, at));
        assert!(may_revoke(&central, 5, at, at));
        assert!(
            !may_revoke(&admin, 4, at, at),
            "the administrator is no authority"
        );
        assert!(!may_revoke(&commune, 3, at, at));
        assert!(may_propose_revocation(&prov, at, at));
        assert!(may_propose_revocation(&central, at, at));
        assert!(!may_propose_revocation(&commune, at, at));
    }

    #[test]
    fn grounds_are_exactly_article_8_1() {
        let codes: Vec<&str> = REVOCATION_GROUNDS.iter().map(|g| g.0).collect();
        assert_eq!(codes.len(), 6);
        assert!(
            !is_ground("not_reevaluated"),
            "expiry is not a revocation ground"
        );
        assert!(!is_ground("expired"));
        assert!(is_ground("stopped"));
        assert!(ground_label("stopped", Lang::Vi).contains("8.1.đ"));
    }

    #[test]
    fn a_certified_product_opens_only_a_follow_up() {
        let held = Held {
            number: "OCOP-12-2026-00001",
            stars: 4,
            issued_on: d(2026, 6, 1),
            expires_on: d(2029, 6, 1),
            extended_until: None,
        };
        let today = d(2026, 12, 2);
        assert!(matches!(
            may_open(Kind::FirstEvaluation, Some(&held), today),
            Err(Refusal::CertifiedProduct { .. })
        ));
        assert!(may_open(Kind::Upgrade, Some(&held), today).is_ok());
        assert!(may_open(Kind::ReEvaluation, Some(&held), today).is_ok());
        assert!(may_open(Kind::FirstEvaluation, None, today).is_ok());
        let expired = Held {
            expires_on: d(2026, 1, 1),
            ..held.clone()
        };
        assert!(may_open(Kind::FirstEvaluation, Some(&expired), today).is_ok());
        let extended = Held {
            extended_until: Some(d(2026, 12, 31)),
            ..expired
        };
        assert!(may_open(Kind::FirstEvaluation, Some(&extended), today).is_err());
    }

    #[test]
    fn the_certified_identity_is_frozen() {
        let held = Held {
            number: "OCOP-12-2026-00001",
            stars: 4,
            issued_on: d(2026, 6, 1),
            expires_on: d(2029, 6, 1),
            extended_until: None,
        };
        let today = d(2026, 12, 2);
        let ch = |name, set_code, producer| IdentityChange {
            name,
            set_code,
            producer,
            ranking: false,
        };
        let e = frozen_changes(Some(&held), today, ch(true, true, false)).unwrap_err();
        assert_eq!(
            e,
            Refusal::IdentityFrozen {
                fields: vec!["name", "set_code"],
                number: "OCOP-12-2026-00001".into()
            }
        );
        assert!(e.message(Lang::Vi).contains("tên sản phẩm, bộ sản phẩm"));
        assert!(frozen_changes(Some(&held), today, ch(false, false, false)).is_ok());
        assert!(frozen_changes(None, today, ch(true, true, true)).is_ok());
        let ranking = IdentityChange {
            ranking: true,
            ..Default::default()
        };
        assert!(frozen_changes(Some(&held), today, ranking).is_err());
        let expired = Held {
            expires_on: d(2026, 1, 1),
            ..held
        };
        assert!(frozen_changes(Some(&expired), today, ch(true, false, false)).is_ok());
    }

    #[test]
    fn article_12_3_extends_only_certificates_the_transition_kept_from_the_window() {
        let lib = Library::embedded();
        // Expires 30/07/2026: its window closed on 31/03/2026, before QĐ 26 existed.
        let exp = d(2026, 7, 30);
        assert_eq!(
            art12_extension(&lib, exp, Some(d(2026, 7, 1))),
            Some(exp + chrono::Duration::days(180))
        );
        assert_eq!(art12_extension(&lib, exp, None), None, "nothing filed");
        // Expires 30/06/2027: the window (01/01–01/03/2027) could be met.
        assert_eq!(
            art12_extension(&lib, d(2027, 6, 30), Some(d(2027, 5, 1))),
            None
        );
    }

    #[test]
    fn the_council_meets_on_a_reported_file_only() {
        let lib = Library::embedded();
        let qd26 = lib.rulebook("QD26-2026").unwrap();
        let old = lib.rulebook("QD148-1489-2025").unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            council_may_meet(qd26, None, d(9, 10)),
            Err(Refusal::AdvisoryReportMissing)
        );
        assert_eq!(
            council_may_meet(qd26, Some(d(9, 11)), d(9, 10)),
            Err(Refusal::AdvisoryReportMissing)
        );
        assert_eq!(council_may_meet(qd26, Some(d(9, 10)), d(9, 10)), Ok(()));
        // The 2021–2025 rules asked for no such report.
        assert_eq!(council_may_meet(old, None, d(9, 10)), Ok(()));
    }

    #[test]
    fn advisory_reports_and_notices_belong_to_the_standing_agency() {
        use crate::dossier::State;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(
            may_record_advisory_report(
                State::ProvinceCheck,
                Role::ProvinceOfficer,
                d(9, 1),
                d(9, 2)
            ),
            Ok(())
        );
        assert_eq!(
            may_record_advisory_report(
                State::ProvinceCouncil,
                Role::CommuneOfficer,
                d(9, 1),
                d(9, 2)
            ),
            Err(Refusal::StandingAgencyOnly)
        );
        assert_eq!(
            may_record_advisory_report(State::Submitted, Role::ProvinceOfficer, d(9, 1), d(9, 2)),
            Err(Refusal::AdvisoryReportWrongState)
        );
        assert_eq!(
            may_record_advisory_report(
                State::ProvinceCouncil,
                Role::ProvinceOfficer,
                d(9, 3),
                d(9, 2)
            ),
            Err(Refusal::AdvisoryReportDate)
        );
        // The notice follows the decision, once.
        assert_eq!(
            may_notify_result(Role::ProvinceOfficer, State::Recognised, false, None),
            Err(Refusal::NoticeNotDue)
        );
        assert_eq!(
            may_notify_result(Role::ProvinceOfficer, State::Recognised, true, None),
            Ok(())
        );
        assert_eq!(
            may_notify_result(Role::ProvinceOfficer, State::NotRecognised, false, None),
            Ok(())
        );
        assert_eq!(
            may_notify_result(
                Role::ProvinceOfficer,
                State::NotRecognised,
                false,
                Some("12/TB-SNNMT")
            ),
            Err(Refusal::NoticeAlreadySent {
                reference: "12/TB-SNNMT".into()
            })
        );
        assert_eq!(
            may_notify_result(Role::CommuneOfficer, State::NotRecognised, false, None),
            Err(Refusal::StandingAgencyOnly)
        );
        assert!(Refusal::NoticeNotDue
            .message(Lang::Vi)
            .contains("Điều 7.3.g"));
    }
}
