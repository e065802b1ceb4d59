//! Post-certification monitoring (QĐ 26/2026 Art. 9): inspections of certified
//! products and of units' evaluation work, their checklists, lab results,
//! violations and recalls, and who may move them. See `docs/inspections.md`.

use crate::registry::Lang;
use crate::roles::{Principal, Role, Scope};
use chrono::{Datelike, NaiveDate};

/// Periodic (planned) or ad-hoc inspection — Art. 9.2.a.
pub const KINDS: &[(&str, &str, &str)] = &[
    ("periodic", "Kiểm tra định kỳ", "Periodic inspection"),
    ("adhoc", "Kiểm tra đột xuất", "Ad-hoc inspection"),
];

/// What an inspection looks at: a certified product (Art. 9.3) or a unit's
/// evaluation work (Art. 10.1.b; communes, and districts before 07/2025).
pub const SUBJECTS: &[&str] = &["product", "unit"];

/// One line of a checklist: (code, Vietnamese, English).
pub type Item = (&'static str, &'static str, &'static str);

/// A focus area with its checklist.
pub struct Focus {
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    /// "product" or "unit".
    pub subject: &'static str,
    pub items: &'static [Item],
}

/// Focus areas and their checklists. Product foci follow Art. 9.3.a (the criteria
/// of the evaluated dossier: raw materials, inputs, output, process, traceability)
/// and 9.3.b (the OCOP mark, information and promotion).
pub const FOCI: &[Focus] = &[
    Focus {
        code: "raw_material",
        vi: "Vùng nguyên liệu",
        en: "Raw-material area",
        subject: "product",
        items: &[
            (
                "rm_area",
                "Vùng nguyên liệu đúng địa điểm, quy mô như hồ sơ đã đánh giá",
                "The raw-material area is where and as large as in the evaluated dossier",
            ),
            (
                "rm_contract",
                "Có hợp đồng/cam kết liên kết cung ứng nguyên liệu còn hiệu lực",
                "Supply contracts or commitments for raw materials are in force",
            ),
            (
                "rm_practice",
                "Canh tác/khai thác theo quy trình đã công bố (VietGAP, hữu cơ…)",
                "Farming or harvesting follows the declared practice (VietGAP, organic…)",
            ),
        ],
    },
    Focus {
        code: "input_quality",
        vi: "Chất lượng đầu vào",
        en: "Input quality",
        subject: "product",
        items: &[
            (
                "in_origin",
                "Nguyên liệu, phụ gia có nguồn gốc rõ ràng, hóa đơn chứng từ",
                "Ingredients and additives have a clear origin with invoices",
            ),
            (
                "in_storage",
                "Nguyên liệu được bảo quản đúng điều kiện",
                "Inputs are stored under the right conditions",
            ),
        ],
    },
    Focus {
        code: "output_quality",
        vi: "Chất lượng đầu ra",
        en: "Output quality",
        subject: "product",
        items: &[
            (
                "out_standard",
                "Sản phẩm đạt tiêu chuẩn công bố (có phiếu kiểm nghiệm còn hiệu lực)",
                "The product meets its declared standard (a valid test report)",
            ),
            (
                "out_safety",
                "Đáp ứng quy định an toàn thực phẩm / chất lượng hàng hóa",
                "Food safety and product quality rules are met",
            ),
            (
                "out_sample",
                "Lấy mẫu kiểm nghiệm khi cần thiết",
                "Samples taken for testing where needed",
            ),
        ],
    },
    Focus {
        code: "process",
        vi: "Quy trình sản xuất",
        en: "Production process",
        subject: "product",
        items: &[
            (
                "pr_same",
                "Quy trình sản xuất đúng như hồ sơ đã đánh giá",
                "The process is the one of the evaluated dossier",
            ),
            (
                "pr_hygiene",
                "Cơ sở, thiết bị bảo đảm vệ sinh, điều kiện sản xuất",
                "Premises and equipment meet hygiene and production conditions",
            ),
            (
                "pr_records",
                "Có sổ sách ghi chép sản xuất",
                "Production records are kept",
            ),
        ],
    },
    Focus {
        code: "traceability",
        vi: "Truy xuất nguồn gốc",
        en: "Traceability",
        subject: "product",
        items: &[
            (
                "tr_code",
                "Có mã truy xuất nguồn gốc hoạt động đúng",
                "A working traceability code",
            ),
            (
                "tr_batch",
                "Truy được lô sản xuất đến nguyên liệu đầu vào",
                "A batch can be traced back to its inputs",
            ),
        ],
    },
    Focus {
        code: "labelling",
        vi: "Nhãn, sử dụng nhãn hiệu OCOP và thông tin",
        en: "Labelling, use of the OCOP mark and information",
        subject: "product",
        items: &[
            (
                "lb_content",
                "Nhãn hàng hóa đủ nội dung bắt buộc",
                "The label carries every mandatory item",
            ),
            (
                "lb_mark",
                "Dùng biểu trưng OCOP đúng hạng sao và còn hiệu lực",
                "The OCOP mark shows the right stars and is in force",
            ),
            (
                "lb_promo",
                "Thông tin, quảng bá sản phẩm OCOP đúng sự thật",
                "Information and promotion of the OCOP product are truthful",
            ),
        ],
    },
    Focus {
        code: "evaluation_work",
        vi: "Công tác đánh giá, phân hạng của đơn vị",
        en: "The unit's evaluation work",
        subject: "unit",
        items: &[
            (
                "ev_council",
                "Hội đồng/tổ đánh giá thành lập đúng thành phần, đúng thẩm quyền",
                "The council was formed with the right members and authority",
            ),
            (
                "ev_dossier",
                "Tiếp nhận, kiểm tra hồ sơ đúng thời hạn và thành phần",
                "Dossiers were received and checked in time and complete",
            ),
            (
                "ev_scoring",
                "Chấm điểm đúng Bộ tiêu chí, có phiếu chấm của từng thành viên",
                "Scoring followed the rulebook with each member's sheet",
            ),
            (
                "ev_records",
                "Biên bản, kết quả được lưu trữ và công khai",
                "Minutes and results are kept and published",
            ),
        ],
    },
];

/// A focus by code.
pub fn focus(code: &str) -> Option<&'static Focus> {
    FOCI.iter().find(|f| f.code == code)
}

/// The checklist item with this code, and its focus.
pub fn item(code: &str) -> Option<(&'static Focus, &'static Item)> {
    FOCI.iter()
        .find_map(|f| f.items.iter().find(|i| i.0 == code).map(|i| (f, i)))
}

/// Parses a comma-separated list of foci for a subject: known, of that subject,
/// deduplicated, in the order of [`FOCI`]. Empty or unknown → `Err` naming it.
pub fn parse_foci(s: &str, subject: &str) -> Result<Vec<&'static str>, String> {
    let want: Vec<&str> = s
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect();
    if want.is_empty() {
        return Err("focus".into());
    }
    for w in &want {
        match focus(w) {
            Some(f) if f.subject == subject => {}
            _ => return Err(format!("focus:{w}")),
        }
    }
    Ok(FOCI
        .iter()
        .filter(|f| want.contains(&f.code))
        .map(|f| f.code)
        .collect())
}

/// An inspection's state. `planned` → `in_progress` (the inspector's first record)
/// → `done` (a conclusion); `planned`/`in_progress` → `cancelled` (the planner).
/// "Done vs planned" counts `done` against all but `cancelled`.
pub const STATES: &[(&str, &str, &str)] = &[
    ("planned", "Đã lập kế hoạch", "Planned"),
    ("in_progress", "Đang kiểm tra", "In progress"),
    ("done", "Đã kết luận", "Concluded"),
    ("cancelled", "Đã hủy", "Cancelled"),
];

/// Outcomes of a concluded inspection.
pub const OUTCOMES: &[(&str, &str, &str)] = &[
    (
        "compliant",
        "Đạt – duy trì tiêu chí",
        "Compliant – criteria kept",
    ),
    ("violations", "Có vi phạm", "Violations found"),
];

/// Results of a checklist line.
pub const CHECK_RESULTS: &[(&str, &str, &str)] = &[
    ("ok", "Đạt", "Met"),
    ("not_ok", "Không đạt", "Not met"),
    ("na", "Không áp dụng", "Not applicable"),
];

/// Violation follow-up: `open` → `fixed` or `not_fixed`; an open one past its
/// deadline is overdue (computed, not stored).
pub const VIOLATION_STATES: &[(&str, &str, &str)] = &[
    ("open", "Đang chờ khắc phục", "Awaiting correction"),
    ("fixed", "Đã khắc phục", "Fixed"),
    ("not_fixed", "Không khắc phục", "Not fixed"),
];

/// Recall: `ordered` → `in_progress` → `completed`.
pub const RECALL_STATES: &[(&str, &str, &str)] = &[
    ("ordered", "Đã yêu cầu thu hồi", "Recall ordered"),
    ("in_progress", "Đang thu hồi", "Recall in progress"),
    ("completed", "Đã thu hồi xong", "Recall completed"),
];

/// The label of a code in one of the tables above (the code itself if unknown).
pub fn label(
    table: &[(&'static str, &'static str, &'static str)],
    code: &str,
    lang: Lang,
) -> String {
    table
        .iter()
        .find(|x| x.0 == code)
        .map(|x| lang.pick(x.1, x.2).to_string())
        .unwrap_or_else(|| code.to_string())
}

pub fn is_code(table: &[(&str, &str, &str)], code: &str) -> bool {
    table.iter().any(|x| x.0 == code)
}

fn in_scope(p: &Principal, unit_path: &str, current: &str) -> bool {
    match &p.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            crate::units::path_within(unit_path, path) || crate::units::path_within(current, path)
        }
        _ => false,
    }
}

/// May the principal plan inspections (and cancel them) at this place? The
/// province's OCOP office organises monitoring (Art. 9.4.a), the ministry for 5★
/// and when needed (9.4.b): province and central officers and admins, in scope.
pub fn may_plan(p: &Principal, unit_path: &str, current: &str) -> bool {
    matches!(
        p.role,
        Role::ProvinceOfficer | Role::CentralOfficer | Role::Admin
    ) && in_scope(p, unit_path, current)
}

/// May the principal be assigned to carry out inspections?
pub fn may_inspect(role: Role) -> bool {
    matches!(
        role,
        Role::Inspector | Role::ProvinceOfficer | Role::CentralOfficer
    )
}

/// May the principal record on an inspection (checks, findings, samples, violations,
/// recalls, conclusion, proposal to revoke)? Only the assigned inspector, while the
/// inspection is planned or in progress.
pub fn may_record(p: &Principal, inspector_id: i64, state: &str) -> bool {
    p.user_id == inspector_id && matches!(state, "planned" | "in_progress")
}

/// May the principal follow a violation up (fixed / not fixed, recall status)? The
/// assigned inspector or a planner in scope.
pub fn may_follow_up(p: &Principal, inspector_id: i64, unit_path: &str, current: &str) -> bool {
    p.user_id == inspector_id || may_plan(p, unit_path, current)
}

/// May the principal see an inspection? Officers, inspectors and admins in scope
/// (unit inspections included); a producer only the started or concluded
/// inspections of its own products — an ad-hoc inspection is not announced.
pub fn may_see(
    p: &Principal,
    producer_id: Option<i64>,
    unit_path: &str,
    current: &str,
    state: &str,
) -> bool {
    match &p.scope {
        Scope::Producer { producer_id: own } => {
            producer_id == Some(*own) && matches!(state, "in_progress" | "done")
        }
        _ if p.role == Role::Viewer || p.role == Role::CouncilMember => false,
        _ => in_scope(p, unit_path, current),
    }
}

/// An exact decimal (six decimal places), parsed from "12", "0,05" or "1.5".
fn decimal(s: &str) -> Option<i128> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() || s.len() > 30 {
        return None;
    }
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 6
    {
        return None;
    }
    let i: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: i128 = format!("{frac:0<6}").parse().ok()?;
    let v = i * 1_000_000 + f;
    Some(if neg { -v } else { v })
}

/// What is wrong with a lab result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabError {
    Parameter,
    Value,
    Unit,
    Limit,
    LimitKind,
}

impl LabError {
    pub fn field(self) -> &'static str {
        match self {
            LabError::Parameter => "parameter",
            LabError::Value => "value",
            LabError::Unit => "unit",
            LabError::Limit => "limit",
            LabError::LimitKind => "limit_kind",
        }
    }
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            LabError::Parameter => lang.pick("Chưa nhập chỉ tiêu.", "The parameter is missing."),
            LabError::Value => lang.pick(
                "Kết quả phải là một số (ví dụ 0,05).",
                "The value must be a number (e.g. 0.05).",
            ),
            LabError::Unit => lang.pick(
                "Kết quả kiểm nghiệm phải có đơn vị đo (mg/kg, %, CFU/g…).",
                "A lab result needs its unit (mg/kg, %, CFU/g…).",
            ),
            LabError::Limit => lang.pick("Giới hạn phải là một số.", "The limit must be a number."),
            LabError::LimitKind => lang.pick(
                "Giới hạn là tối đa (max) hoặc tối thiểu (min).",
                "The limit is a maximum (max) or a minimum (min).",
            ),
        }
    }
}

/// A lab result passes when its value is within its limit: at most the limit for a
/// maximum ("max", e.g. lead ≤ 0.1 mg/kg), at least for a minimum ("min", e.g.
/// protein ≥ 20 %). A result without unit is refused.
pub fn lab_pass(
    parameter: &str,
    value: &str,
    unit: &str,
    limit_kind: &str,
    limit: &str,
) -> Result<bool, LabError> {
    if parameter.trim().is_empty() {
        return Err(LabError::Parameter);
    }
    let v = decimal(value).ok_or(LabError::Value)?;
    if unit.trim().is_empty() {
        return Err(LabError::Unit);
    }
    let l = decimal(limit).ok_or(LabError::Limit)?;
    match limit_kind {
        "max" => Ok(v <= l),
        "min" => Ok(v >= l),
        _ => Err(LabError::LimitKind),
    }
}

/// Is an open violation past its deadline?
pub fn overdue(status: &str, deadline: NaiveDate, today: NaiveDate) -> bool {
    status == "open" && deadline < today
}

/// The ISO week of a day as "2026-W07" (leads are grouped by it).
pub fn iso_week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The status a public lookup records as a lead: revoked or expired (after any
/// Art. 12.3 extension), else none.
pub fn lead_status(
    revoked: bool,
    expires_on: NaiveDate,
    extended_until: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<&'static str> {
    if revoked {
        Some("revoked")
    } else if expires_on < today && extended_until.is_none_or(|e| e < today) {
        Some("expired")
    } else {
        None
    }
}

/// Photo types an inspection accepts, and their size cap (4 MB, like product photos).
pub const PHOTO_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];
pub const PHOTO_MAX_BYTES: usize = 4 * 1024 * 1024;

/// Is this an acceptable inspection photo (type and size)?
pub fn photo_ok(content_type: &str, size: usize) -> bool {
    PHOTO_TYPES.contains(&content_type) && size > 0 && size <= PHOTO_MAX_BYTES
}

/// Words for a refusal code of the inspection store (field, Vietnamese, English).
pub fn refusal(code: &str) -> (&'static str, &'static str, &'static str) {
    let lab = |e: LabError| (e.field(), e.message(Lang::Vi), e.message(Lang::En));
    match code {
        "lab:parameter" => lab(LabError::Parameter),
        "lab:value" => lab(LabError::Value),
        "lab:unit" => lab(LabError::Unit),
        "lab:limit" => lab(LabError::Limit),
        "lab:limit_kind" => lab(LabError::LimitKind),
        "kind" => ("kind", "Loại kiểm tra là định kỳ hoặc đột xuất.", "The kind is periodic or adhoc."),
        "title" => ("title", "Chưa nhập tên kế hoạch.", "The plan needs a title."),
        "year" => ("year", "Năm không hợp lệ.", "Invalid year."),
        "planned_on" => ("planned_on", "Ngày kiểm tra dự kiến không hợp lệ (quá xa hôm nay).", "The planned date is invalid (too far from today)."),
        "not_certified" => ("product_id", "Sản phẩm chưa từng được cấp giấy chứng nhận OCOP: không thuộc diện kiểm tra sau công nhận.", "The product has never been certified: post-certification monitoring does not apply."),
        "unit_level" => ("unit_code", "Chỉ kiểm tra công tác đánh giá của cấp xã (và cấp huyện trước 01/07/2025).", "Only communes (and districts before 01/07/2025) are inspected for their evaluation work."),
        "inspector" => ("inspector_id", "Người được giao kiểm tra phải là cán bộ kiểm tra hoặc cán bộ cấp tỉnh/Trung ương có phạm vi bao gồm đối tượng.", "The inspector must be an inspector or a province/central officer whose area covers the subject."),
        "plan" => ("plan_id", "Không có kế hoạch này.", "No such plan."),
        "field" => ("field", "Mục không có trong phiếu kiểm tra của cuộc kiểm tra này.", "That line is not on this inspection's checklist."),
        "value" => ("value", "Kết quả là Đạt, Không đạt hoặc Không áp dụng.", "The result is ok, not_ok or na."),
        "not_inspector" => ("inspector_id", "Chỉ cán bộ được giao kiểm tra (hoặc người lập kế hoạch) mới được ghi nội dung này.", "Only the assigned inspector (or the planner) may record this."),
        "not_planner" => ("state", "Chỉ cán bộ lập kế hoạch mới được hủy cuộc kiểm tra.", "Only a planner may cancel an inspection."),
        "description" => ("description", "Chưa mô tả vi phạm.", "Describe the violation."),
        "corrective_action" => ("corrective_action", "Chưa nêu biện pháp khắc phục yêu cầu.", "State the corrective action required."),
        "deadline_past" => ("deadline_on", "Hạn khắc phục không được trước ngày hôm nay.", "The deadline cannot be before today."),
        "focus" => ("focus", "Chọn ít nhất một nội dung kiểm tra phù hợp với đối tượng.", "Choose at least one focus that fits the subject."),
        "status" => ("status", "Trạng thái không hợp lệ.", "Invalid status."),
        "date_future" => ("on", "Ngày không được sau hôm nay.", "The date cannot be after today."),
        "date_before_plan" => ("on", "Ngày kết luận quá sớm so với ngày kiểm tra dự kiến.", "The conclusion date is too early for the planned date."),
        "batch" => ("batch", "Chưa nhập lô sản phẩm.", "The batch is missing."),
        "quantity" => ("quantity", "Số lượng thu hồi phải là số nguyên dương.", "The quantity must be a positive whole number."),
        "quantity_unit" => ("quantity_unit", "Chưa nhập đơn vị tính của số lượng.", "The unit of the quantity is missing."),
        "reason" => ("reason", "Chưa nêu lý do.", "The reason is missing."),
        "not_a_product" => ("subject", "Chỉ áp dụng cho cuộc kiểm tra sản phẩm.", "Only for inspections of a product."),
        "outcome" => ("outcome", "Kết luận là Đạt hoặc Có vi phạm.", "The outcome is compliant or violations."),
        "conclusion" => ("conclusion", "Chưa nhập nội dung kết luận.", "The conclusion text is missing."),
        "has_violations" => ("outcome", "Đã ghi nhận vi phạm: kết luận phải là “Có vi phạm”.", "Violations were recorded: the outcome must be violations."),
        "no_violations" => ("outcome", "Chưa ghi nhận vi phạm nào: hãy ghi vi phạm trước khi kết luận “Có vi phạm”.", "No violation was recorded: record one before concluding with violations."),
        "not_started" => ("state", "Cuộc kiểm tra chưa bắt đầu.", "The inspection has not started."),
        "case_open" => ("ground", "Giấy chứng nhận đã có hồ sơ đề nghị thu hồi đang mở.", "The certificate already has an open revocation case."),
        "answer" => ("answer", "Chưa nhập nội dung trả lời.", "The answer is empty."),
        "not_producer" => ("answer", "Chỉ chủ thể của sản phẩm mới trả lời kết quả kiểm tra.", "Only the product's producer answers the findings."),
        "photo" => ("photo", "Ảnh phải là JPEG, PNG hoặc WebP, tối đa 4 MB.", "A photo is a JPEG, PNG or WebP image of 4 MB at most."),
        "lead" => ("key", "Nguồn tin không hợp lệ.", "Invalid lead."),
        "lead_planned" => ("key", "Nguồn tin này đã được lập kế hoạch kiểm tra.", "An inspection is already planned from this lead."),
        "conclusion_ref" | "concluded_in_future" => ("ground", "Không mở được hồ sơ thu hồi với kết luận này.", "A revocation case cannot be opened on this conclusion."),
        _ => ("", "Dữ liệu không hợp lệ.", "Invalid input."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_focus_has_items_with_unique_codes_and_vietnamese_words() {
        let mut codes = std::collections::HashSet::new();
        for f in FOCI {
            assert!(!f.items.is_empty(), "{}", f.code);
            assert!(SUBJECTS.contains(&f.subject));
            for i in f.items {
                assert!(codes.insert(i.0), "duplicate item {}", i.0);
                assert!(!i.1.is_ascii(), "Vietnamese words: {}", i.0);
            }
        }
        assert_eq!(item("lb_mark").unwrap().0.code, "labelling");
    }

    #[test]
    fn foci_are_checked_against_the_subject() {
        assert_eq!(
            parse_foci("labelling, raw_material,labelling", "product").unwrap(),
            vec!["raw_material", "labelling"]
        );
        assert!(parse_foci("", "product").is_err());
        assert_eq!(
            parse_foci("evaluation_work", "product").unwrap_err(),
            "focus:evaluation_work"
        );
        assert!(parse_foci("evaluation_work", "unit").is_ok());
        assert!(parse_foci("bogus", "unit").is_err());
    }

    #[test]
    fn lab_results_pass_or_fail_from_value_and_limit() {
        assert_eq!(
            lab_pass("Chì (Pb)", "0,05", "mg/kg", "max", "0.1"),
            Ok(true)
        );
        assert_eq!(
            lab_pass("Chì (Pb)", "0.15", "mg/kg", "max", "0,1"),
            Ok(false)
        );
        assert_eq!(lab_pass("Chì (Pb)", "0.1", "mg/kg", "max", "0.1"), Ok(true));
        assert_eq!(lab_pass("Protein", "19.99", "%", "min", "20"), Ok(false));
        assert_eq!(lab_pass("Protein", "20", "%", "min", "20"), Ok(true));
        assert_eq!(
            lab_pass("Chì", "0.05", " ", "max", "0.1"),
            Err(LabError::Unit)
        );
        assert_eq!(
            lab_pass("Chì", "abc", "mg/kg", "max", "0.1"),
            Err(LabError::Value)
        );
        assert_eq!(
            lab_pass("Chì", "1e3", "mg/kg", "max", "0.1"),
            Err(LabError::Value)
        );
        assert_eq!(
            lab_pass("Chì", "1", "mg/kg", "max", ""),
            Err(LabError::Limit)
        );
        assert_eq!(
            lab_pass("", "1", "mg/kg", "max", "2"),
            Err(LabError::Parameter)
        );
        assert_eq!(
            lab_pass("Chì", "1", "mg/kg", "about", "2"),
            Err(LabError::LimitKind)
        );
    }

    #[test]
    fn only_the_assigned_inspector_records_and_only_before_the_conclusion() {
        let insp = Principal::new(5, "k".into(), Role::Inspector, Some("VN/12/".into()), None);
        assert!(may_record(&insp, 5, "planned"));
        assert!(may_record(&insp, 5, "in_progress"));
        assert!(!may_record(&insp, 5, "done"));
        assert!(!may_record(&insp, 6, "planned"));
        assert!(!may_plan(&insp, "VN/12/03388/", "VN/12/03388/"));
        let prov = Principal::new(
            1,
            "t".into(),
            Role::ProvinceOfficer,
            Some("VN/12/".into()),
            None,
        );
        assert!(may_plan(&prov, "VN/12/03388/", "VN/12/03388/"));
        assert!(!may_plan(&prov, "VN/11/1/", "VN/11/1/"));
        let commune = Principal::new(
            2,
            "x".into(),
            Role::CommuneOfficer,
            Some("VN/12/03388/".into()),
            None,
        );
        assert!(!may_plan(&commune, "VN/12/03388/", "VN/12/03388/"));
        assert!(may_see(
            &commune,
            Some(1),
            "VN/12/03388/",
            "VN/12/03388/",
            "planned"
        ));
        assert!(!may_see(
            &commune,
            Some(1),
            "VN/12/03390/",
            "VN/12/03390/",
            "planned"
        ));
    }

    #[test]
    fn producers_see_their_own_inspections_once_started() {
        let p = Principal::new(9, "p".into(), Role::Producer, None, Some(7));
        assert!(!may_see(&p, Some(7), "x/", "x/", "planned"));
        assert!(may_see(&p, Some(7), "x/", "x/", "done"));
        assert!(!may_see(&p, Some(8), "x/", "x/", "done"));
        assert!(!may_see(&p, None, "x/", "x/", "done"));
    }

    #[test]
    fn overdue_weeks_and_lead_status() {
        assert!(overdue("open", d("2026-03-01"), d("2026-03-02")));
        assert!(!overdue("open", d("2026-03-02"), d("2026-03-02")));
        assert!(!overdue("fixed", d("2026-03-01"), d("2026-04-01")));
        assert_eq!(iso_week(d("2026-01-01")), "2026-W01");
        assert_eq!(iso_week(d("2027-01-01")), "2026-W53");
        let today = d("2026-06-01");
        assert_eq!(
            lead_status(true, d("2027-01-01"), None, today),
            Some("revoked")
        );
        assert_eq!(
            lead_status(false, d("2026-05-31"), None, today),
            Some("expired")
        );
        assert_eq!(
            lead_status(false, d("2026-05-31"), Some(d("2026-11-27")), today),
            None
        );
        assert_eq!(lead_status(false, d("2026-06-01"), None, today), None);
    }
}
