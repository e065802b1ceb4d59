//! The three dossier forms of QĐ 26/2026, appendix III, in the decision's wording,
//! laid out as PDF blocks: *Mẫu số 01* registration form, *Mẫu số 02* self-assessment
//! report (with the points per criterion and the documents that prove them), *Mẫu số
//! 03* the commune's report on parts of the dossier and its proposal. The web layer
//! gathers the facts from the registry and the dossier; these functions only lay them
//! out, so that a test can read every line. What the registry does not know (the
//! producer's history, plans, the commune's written assessments) is left as dotted
//! lines to be filled by hand, as on the printed form.

use crate::pdf::Block;

/// The producer as the forms name it.
#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    pub legal_form: String,
    pub address: String,
    pub representative: String,
    /// `Some(true)` for a woman.
    pub representative_female: Option<bool>,
    pub representative_ethnicity: String,
    pub phone: String,
    pub email: String,
    pub tax_code: String,
    /// Year founded / registered.
    pub founded: String,
}

/// What every form says about the dossier.
#[derive(Debug, Clone, Default)]
pub struct DossierFacts {
    /// `…/PĐK-(province)-(commune)-(year)`; empty before submission.
    pub registration_number: String,
    pub province: String,
    pub commune: String,
    /// dd/mm/yyyy of the form, and its year.
    pub date: String,
    pub year: i32,
    pub producer: Party,
    pub product_name: String,
    pub product_code: String,
    /// The product set and group (criteria sheet) it is evaluated under.
    pub sheet: String,
    /// The product's classification as Appendix I names it (from the rulebook
    /// library): sector (Ngành), group (Nhóm) and the set's own name (Phân nhóm).
    /// The forms print these words, never our internal sheet code.
    pub set_sector: String,
    pub set_group: String,
    pub set_name: String,
    /// first_evaluation, upgrade or re_evaluation.
    pub kind: String,
    pub target_stars: i32,
    /// The certificate a re-evaluation or upgrade follows, if any.
    pub previous_certificate: String,
    pub rulebook: String,
    /// A service (community tourism): no product samples.
    pub is_service: bool,
}

/// A document of the dossier: type code and words, title, valid until (or empty).
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub type_code: String,
    pub doc_type: String,
    pub title: String,
    pub valid_until: String,
    pub expired: bool,
}

/// One criterion of the self-assessment: `code title`, maximum, points claimed, the
/// documents cited for it.
#[derive(Debug, Clone, Default)]
pub struct ScoreLine {
    pub criterion: String,
    pub max_points: i32,
    pub points: String,
    pub evidence: String,
}

const DOTS: &str = "……………………………………………………";

fn or_dots(s: &str) -> String {
    if s.trim().is_empty() {
        DOTS.into()
    } else {
        s.into()
    }
}

fn tick(on: bool) -> &'static str {
    if on {
        "☒"
    } else {
        "☐"
    }
}

fn motto(b: &mut Vec<Block>) {
    b.push(Block::Center(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
        12.0,
        true,
    ));
    b.push(Block::Center(
        "Độc lập - Tự do - Hạnh phúc".into(),
        11.0,
        true,
    ));
    b.push(Block::Center("---------------".into(), 9.0, false));
    b.push(Block::Space(10.0));
}

fn place_date(b: &mut Vec<Block>, f: &DossierFacts) {
    b.push(Block::Space(8.0));
    b.push(Block::Para(format!(
        "{}, ngày {}",
        or_dots(&f.commune),
        f.date
    )));
}

fn gender(p: &Party) -> &'static str {
    match p.representative_female {
        Some(true) => "Nữ",
        Some(false) => "Nam",
        None => "……",
    }
}

/// "N. Tên người đại diện pháp luật:" and its three lines (forms 02 and 03).
fn representative(b: &mut Vec<Block>, p: &Party, n: u8) {
    b.push(Block::Para(format!("{n}. Tên người đại diện pháp luật:")));
    b.push(Block::Para(format!(
        "- Họ tên: {}",
        or_dots(&p.representative)
    )));
    b.push(Block::Para(format!(
        "- Giới tính: {} (Nam/nữ); Dân tộc: {}",
        gender(p),
        or_dots(&p.representative_ethnicity)
    )));
    b.push(Block::Para(format!("- Địa chỉ thường trú: {DOTS}")));
}

/// "Ngành, Nhóm, Phân nhóm" in words (Appendix I), without repeating a group that
/// has no sub-groups; dots when unknown.
fn classification(f: &DossierFacts) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in [&f.set_sector, &f.set_group, &f.set_name] {
        let p = p.trim();
        if !p.is_empty() && !parts.iter().any(|x| x.eq_ignore_ascii_case(p)) {
            parts.push(p);
        }
    }
    if parts.is_empty() {
        DOTS.into()
    } else {
        parts.join(" – ")
    }
}

fn has(docs: &[Evidence], code: &str) -> bool {
    docs.iter().any(|d| d.type_code == code && !d.expired)
}

fn evidence_table(b: &mut Vec<Block>, docs: &[Evidence]) {
    if docs.is_empty() {
        b.push(Block::Para("(Chưa có tài liệu kèm theo.)".into()));
        return;
    }
    b.push(Block::Table {
        widths: vec![0.07, 0.33, 0.4, 0.2],
        header: vec![
            "TT".into(),
            "Nội dung".into(),
            "Tài liệu".into(),
            "Hiệu lực đến".into(),
        ],
        rows: docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.doc_type.clone(),
                    d.title.clone(),
                    if d.expired {
                        format!("{} (đã hết hạn)", d.valid_until)
                    } else {
                        d.valid_until.clone()
                    },
                ]
            })
            .collect(),
    });
}

/// Mẫu số 01: the registration form (phiếu đăng ký) a producer files.
pub fn registration(f: &DossierFacts, docs: &[Evidence]) -> Vec<Block> {
    let p = &f.producer;
    let mut b = vec![Block::Para("Mẫu số 01".into())];
    motto(&mut b);
    b.push(Block::Center("PHIẾU ĐĂNG KÝ".into(), 15.0, true));
    b.push(Block::Center(
        format!(
            "Tham gia đánh giá, phân hạng sản phẩm OCOP của tỉnh {} năm {}",
            or_dots(&f.province),
            f.year
        ),
        12.0,
        true,
    ));
    b.push(Block::Space(8.0));
    b.push(Block::Heading("1. Thông tin về đơn vị đăng ký:".into()));
    b.push(Block::Para(format!("- Tên đơn vị: {}", or_dots(&p.name))));
    b.push(Block::Para(format!(
        "- Họ tên người đại diện pháp lý: {}",
        or_dots(&p.representative)
    )));
    b.push(Block::Para(format!("- Chức vụ: {DOTS}")));
    b.push(Block::Para(format!(
        "- Địa chỉ liên hệ: {}",
        or_dots(&p.address)
    )));
    b.push(Block::Para(format!(
        "- Điện thoại: {}    Email: {}",
        or_dots(&p.phone),
        or_dots(&p.email)
    )));
    b.push(Block::Heading(format!(
        "2. Tên sản phẩm: {}",
        or_dots(&f.product_name)
    )));
    b.push(Block::Heading(format!(
        "3. Nhóm sản phẩm đăng ký (Ngành, Nhóm, Phân nhóm): {}",
        classification(f)
    )));
    b.push(Block::Heading(format!(
        "4. Lần đăng ký đánh giá: Lần đầu {}   Nâng hạng: {}   Đánh giá lại: {}",
        tick(f.kind == "first_evaluation"),
        tick(f.kind == "upgrade"),
        tick(f.kind == "re_evaluation")
    )));
    if !f.previous_certificate.is_empty() {
        b.push(Block::Para(format!(
            "(Giấy chứng nhận OCOP đang có: {}; hạng đề nghị: {} sao)",
            f.previous_certificate, f.target_stars
        )));
    }
    b.push(Block::Heading("5. Tài liệu kèm theo:".into()));
    b.push(Block::Para(
        "- Báo cáo đánh giá về sản phẩm theo Bộ tiêu chí (bản gốc, bản điện tử).".into(),
    ));
    b.push(Block::Para(format!(
        "- Sản phẩm mẫu (số lượng): {}",
        if f.is_service {
            "không áp dụng (sản phẩm dịch vụ)"
        } else {
            "05 mẫu"
        }
    )));
    evidence_table(&mut b, docs);
    b.push(Block::Para(
        "Cam đoan những thông tin trong Phiếu đăng ký là đúng sự thật, chúng tôi xin cam \
         kết tuân thủ các quy định về đánh giá, phân hạng sản phẩm OCOP, chịu trách \
         nhiệm trước Hội đồng và pháp luật về Hồ sơ đăng ký đánh giá, phân hạng sản phẩm."
            .into(),
    ));
    place_date(&mut b, f);
    b.push(Block::Signatures(vec![(
        "ĐẠI DIỆN\n(Ký, đóng dấu, ghi rõ họ tên)".into(),
        p.representative.clone(),
    )]));
    b.push(Block::Space(10.0));
    b.push(Block::Heading("PHẦN DÀNH CHO CƠ QUAN QUẢN LÝ".into()));
    for who in [
        "DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ",
        "DÀNH CHO CƠ QUAN QUẢN LÝ OCOP CẤP TỈNH",
    ] {
        b.push(Block::Para(who.into()));
        b.push(Block::Para(if f.registration_number.is_empty() {
            "Phiếu số: ……-……. /PĐK- (Mã tỉnh) - (Mã xã) - (Năm) (cấp khi nộp hồ sơ)".into()
        } else {
            format!("Phiếu số: {}", f.registration_number)
        }));
        b.push(Block::Para(format!("Ngày nhận: {DOTS}")));
        b.push(Block::Para(format!(
            "Người tiếp nhận: {DOTS} Chữ ký: ……………"
        )));
    }
    b
}

/// Mẫu số 02: the self-assessment report, with the points claimed per criterion, the
/// documents cited for each and the evidence table. `not_recognised` ("Không đạt –
/// thiếu …") replaces the stars when the product is not recognised whatever its
/// score (unmet mandatory criteria): it is never printed as ranked 2★.
pub fn self_assessment(
    f: &DossierFacts,
    lines: &[ScoreLine],
    total: &str,
    stars: i32,
    not_recognised: &str,
    docs: &[Evidence],
) -> Vec<Block> {
    let p = &f.producer;
    let mut b = vec![Block::Para("Mẫu số 02".into())];
    b.push(Block::Center(
        "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM".into(),
        15.0,
        true,
    ));
    b.push(Block::Center(
        "(Dành cho chủ thể có sản phẩm đăng ký)".into(),
        11.0,
        false,
    ));
    b.push(Block::Space(8.0));
    b.push(Block::Heading("Phần I. THÔNG TIN CHUNG".into()));
    b.push(Block::Para(format!("1. Tên chủ thể: {}", or_dots(&p.name))));
    b.push(Block::Para(format!(
        "2. Loại hình tổ chức: {}",
        or_dots(&p.legal_form)
    )));
    b.push(Block::Para(format!("3. Địa chỉ: {}", or_dots(&p.address))));
    b.push(Block::Para(format!(
        "4. Điện thoại: {}    Email: {}",
        or_dots(&p.phone),
        or_dots(&p.email)
    )));
    representative(&mut b, p, 5);
    b.push(Block::Para(format!(
        "6. Ngày thành lập/đăng ký kinh doanh: {}    Số giấy đăng ký (nếu có): {}",
        or_dots(&p.founded),
        or_dots(&p.tax_code)
    )));
    b.push(Block::Para(format!(
        "7. Tên sản phẩm/dịch vụ, mô tả về quy cách sản phẩm, tiêu chuẩn: {} ({})",
        f.product_name,
        or_dots(&f.product_code)
    )));
    b.push(Block::Para("Đánh dấu (√) vào mục tương ứng:".into()));
    b.push(Block::Para(format!(
        "a) Giấy đăng ký kinh doanh: {}",
        tick(has(docs, "business_registration"))
    )));
    b.push(Block::Para(format!(
        "b) Đã công bố chất lượng sản phẩm theo quy định: {}",
        tick(has(docs, "quality_standard"))
    )));
    b.push(Block::Para(
        "c) Đã có các điều kiện sản xuất theo quy định:".into(),
    ));
    b.push(Block::Para(format!(
        "- Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực phẩm theo quy định của \
         pháp luật cho sản xuất sản phẩm: {}",
        tick(has(docs, "food_safety"))
    )));
    b.push(Block::Para(format!(
        "d) Đã có đăng ký sở hữu trí tuệ: {}",
        tick(has(docs, "trademark"))
    )));
    b.push(Block::Para(format!(
        "8. Lịch sử hình thành của chủ thể (nêu các giai đoạn hình thành và phát triển): {DOTS}"
    )));
    b.push(Block::Para(format!(
        "9. Cơ cấu tổ chức của chủ thể: {DOTS}"
    )));
    b.push(Block::Heading(
        "Phần II. KẾT QUẢ THỰC HIỆN PHƯƠNG ÁN SẢN XUẤT KINH DOANH".into(),
    ));
    b.push(Block::Para(format!(
        "(Tổ chức vùng nguyên liệu, công nghệ sản xuất, sơ chế, chế biến, đóng gói; sự \
         thay đổi về chất lượng sản phẩm; thị trường phân phối; kết quả sản xuất, kinh \
         doanh: doanh thu, lợi nhuận.) {DOTS}"
    )));
    b.push(Block::Heading(
        "Phần III. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN THEO BỘ TIÊU CHÍ SẢN PHẨM OCOP".into(),
    ));
    b.push(Block::Para(format!(
        "Chủ thể tự đánh giá kết quả (điểm số) theo thứ tự từng tiêu chí của Bộ tiêu chí \
         {}; tài liệu minh chứng được sắp xếp theo thứ tự các chỉ tiêu trong Bộ tiêu chí.",
        classification(f)
    )));
    if lines.is_empty() {
        b.push(Block::Para(
            "(Chủ thể chưa tự đánh giá sản phẩm theo phiếu.)".into(),
        ));
    } else {
        b.push(Block::Table {
            widths: vec![0.5, 0.1, 0.1, 0.3],
            header: vec![
                "Tiêu chí".into(),
                "Điểm tối đa".into(),
                "Tự chấm".into(),
                "Tài liệu minh chứng".into(),
            ],
            rows: lines
                .iter()
                .map(|l| {
                    vec![
                        l.criterion.clone(),
                        l.max_points.to_string(),
                        l.points.clone(),
                        l.evidence.clone(),
                    ]
                })
                .collect(),
        });
        b.push(Block::Para(if not_recognised.trim().is_empty() {
            format!("Tổng điểm tự đánh giá: {total}/100 – tương ứng {stars} sao.")
        } else {
            format!("Tổng điểm tự đánh giá: {total}/100 – {not_recognised}.")
        }));
    }
    b.push(Block::Para("Bảng tài liệu minh chứng kèm theo:".into()));
    evidence_table(&mut b, docs);
    if f.kind == "re_evaluation" {
        b.push(Block::Para(
            "Đối với sản phẩm đăng ký đánh giá, phân hạng lại: rà soát, cập nhật những nội \
             dung mới và đánh giá về những thay đổi, kết quả đạt được sau 3 năm được công \
             nhận OCOP."
                .into(),
        ));
    }
    b.push(Block::Heading(
        "Phần IV. KẾ HOẠCH SẢN XUẤT, KINH DOANH".into(),
    ));
    b.push(Block::Para(format!(
        "(Định hướng, kế hoạch trong thời gian tới về phát triển sản phẩm, tổ chức sản \
         xuất, thị trường.) {DOTS}"
    )));
    place_date(&mut b, f);
    b.push(Block::Signatures(vec![(
        "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ\n(Ký, họ tên, đóng dấu)".into(),
        p.representative.clone(),
    )]));
    b
}

/// The commune's check of the dossier for Mẫu số 03.
#[derive(Debug, Clone, Default)]
pub struct CommuneCheck {
    /// dd/mm/yyyy the dossier was filed, or empty.
    pub received_on: String,
    /// Each required document (in words) and whether the dossier has it.
    pub checklist: Vec<(String, bool)>,
    /// Where the dossier stands (in words).
    pub state: String,
}

/// Mẫu số 03: the commune's report on parts of the dossier and its proposal to the
/// province; section II left as dotted lines to fill by hand.
pub fn commune_report(f: &DossierFacts, c: &CommuneCheck) -> Vec<Block> {
    commune_report_with(f, c, None)
}

/// Mẫu số 03 with section II filled from the commune's written assessment
/// (QĐ 26/2026 Art. 7.2.a), when there is one.
pub fn commune_report_with(
    f: &DossierFacts,
    c: &CommuneCheck,
    assessment: Option<&ocop_domain::council::CommuneAssessment>,
) -> Vec<Block> {
    let p = &f.producer;
    let mut b = vec![Block::Para("Mẫu số 03".into())];
    b.push(Block::Center(
        format!("ỦY BAN NHÂN DÂN {}", or_dots(&f.commune).to_uppercase()),
        12.0,
        true,
    ));
    b.push(Block::Center("-------".into(), 9.0, false));
    motto(&mut b);
    b.push(Block::Center("BÁO CÁO".into(), 15.0, true));
    b.push(Block::Center(
        "Đánh giá một số nội dung của hồ sơ đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP"
            .into(),
        12.0,
        true,
    ));
    b.push(Block::Space(8.0));
    b.push(Block::Heading(
        "I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM".into(),
    ));
    b.push(Block::Para(format!("1. Tên chủ thể: {}", or_dots(&p.name))));
    b.push(Block::Para(format!(
        "2. Loại hình tổ chức: {}",
        or_dots(&p.legal_form)
    )));
    b.push(Block::Para(format!("3. Địa chỉ: {}", or_dots(&p.address))));
    representative(&mut b, p, 4);
    b.push(Block::Para(format!(
        "5. Sản phẩm đăng ký đánh giá: {} ({}); phiếu đăng ký {}, tiếp nhận ngày {}",
        f.product_name,
        or_dots(&f.product_code),
        if f.registration_number.is_empty() {
            "……".to_string()
        } else {
            f.registration_number.clone()
        },
        or_dots(&c.received_on)
    )));
    let complete = c.checklist.iter().all(|(_, ok)| *ok);
    b.push(Block::Table {
        widths: vec![0.08, 0.67, 0.25],
        header: vec!["TT".into(), "Thành phần hồ sơ".into(), "Kết quả".into()],
        rows: c
            .checklist
            .iter()
            .enumerate()
            .map(|(i, (name, ok))| {
                vec![
                    (i + 1).to_string(),
                    name.clone(),
                    if *ok { "Có" } else { "Thiếu" }.into(),
                ]
            })
            .collect(),
    });
    b.push(Block::Para(if complete {
        "Hồ sơ đầy đủ thành phần theo quy định.".into()
    } else {
        "Hồ sơ chưa đầy đủ: đề nghị chủ thể bổ sung các thành phần còn thiếu.".into()
    }));
    section_ii(&mut b, f, complete, assessment);
    place_date(&mut b, f);
    b.push(Block::Signatures(vec![(
        format!(
            "T.M ỦY BAN NHÂN DÂN {}\n(Ký tên và đóng dấu)",
            or_dots(&f.commune).to_uppercase()
        ),
        String::new(),
    )]));
    b
}

/// Mẫu số 03, section II: the commune's assessment of four contents (no points,
/// QĐ 26/2026 Art. 7.2.a) — written, or dotted lines to fill by hand — and its
/// proposal, made only for a complete dossier.
fn section_ii(
    b: &mut Vec<Block>,
    f: &DossierFacts,
    complete: bool,
    a: Option<&ocop_domain::council::CommuneAssessment>,
) {
    b.push(Block::Heading(
        "II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM".into(),
    ));
    let written = |text: Option<&str>| match text.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => DOTS.to_string(),
    };
    for (head, hint, text) in [
        ("1. Về sử dụng nguyên liệu địa phương:", "(Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng nguyên liệu thực tế của chủ thể trên địa bàn xã).", a.map(|a| a.origin_materials.as_str())),
        ("2. Về sử dụng lao động địa phương:", "(Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng thực tế về lao động địa phương của chủ thể trên địa bàn xã).", a.map(|a| a.local_labour.as_str())),
        ("3. Nguồn gốc ý tưởng sản phẩm:", "(Nhận xét về nguồn gốc sản phẩm (truyền thống, sản phẩm mới) của chủ thể dựa trên thực tế của địa phương).", a.map(|a| a.idea_origin.as_str())),
        ("4. Bản sắc/trí tuệ địa phương:", "(Đánh giá các giá trị văn hóa, tri thức bản địa (giống, nguyên liệu, điều kiện sản xuất), kinh nghiệm sản xuất của cộng đồng và phương thức sản xuất đặc trưng của địa phương, tạo nên sự khác biệt của sản phẩm).", a.map(|a| a.local_identity.as_str())),
    ] {
        if a.is_some() {
            b.push(Block::Para(head.into()));
        } else {
            b.push(Block::Para(format!("{head} {hint}")));
        }
        b.push(Block::Para(written(text)));
    }
    b.push(Block::Para(if complete {
        let proposal = a
            .map(|a| a.proposal.trim())
            .filter(|p| !p.is_empty())
            .map(|p| format!(" {p}"))
            .unwrap_or_default();
        format!(
            "Ủy ban nhân dân {} đề nghị Ủy ban nhân dân tỉnh {} đánh giá, phân hạng sản \
             phẩm OCOP cho sản phẩm {} của {} (đề nghị {} sao).{proposal}",
            or_dots(&f.commune),
            or_dots(&f.province),
            f.product_name,
            f.producer.name,
            f.target_stars
        )
    } else {
        "Chưa đủ điều kiện đề nghị Ủy ban nhân dân tỉnh đánh giá, phân hạng.".into()
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: &[Block]) -> String {
        b.iter()
            .map(|x| match x {
                Block::Center(s, _, _) | Block::Heading(s) | Block::Para(s) => s.clone(),
                Block::Table { header, rows, .. } => {
                    let mut s = header.join(" | ");
                    for r in rows {
                        s.push('\n');
                        s.push_str(&r.join(" | "));
                    }
                    s
                }
                Block::Signatures(v) => v
                    .iter()
                    .map(|(a, b)| format!("{a} {b}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                Block::Space(_) | Block::Qr(..) => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn facts() -> DossierFacts {
        DossierFacts {
            registration_number: "007/PĐK-12-03460-2026".into(),
            province: "Lai Châu".into(),
            commune: "xã Bình Lư".into(),
            date: "29/11/2026".into(),
            year: 2026,
            producer: Party {
                name: "HTX Chè Bình Lư".into(),
                representative: "Lò Thị Mai".into(),
                representative_female: Some(true),
                representative_ethnicity: "Thái".into(),
                ..Default::default()
            },
            product_name: "Chè Shan tuyết".into(),
            product_code: "12-03460-001-2026".into(),
            sheet: "QD26-11 – Chè tươi, chế biến".into(),
            set_sector: "Thực phẩm".into(),
            set_group: "Chè".into(),
            set_name: "Chè tươi, chế biến".into(),
            kind: "re_evaluation".into(),
            target_stars: 4,
            previous_certificate: "OCOP-12-2023-00004".into(),
            rulebook: "QĐ 26/2026/QĐ-TTg".into(),
            is_service: false,
        }
    }

    fn attp() -> Evidence {
        Evidence {
            type_code: "food_safety".into(),
            doc_type: "Giấy chứng nhận ATTP".into(),
            title: "ATTP 2024".into(),
            valid_until: "01/01/2026".into(),
            expired: true,
        }
    }

    #[test]
    fn the_registration_form_follows_form_01() {
        let t = text(&registration(&facts(), &[attp()]));
        for want in [
            "Mẫu số 01",
            "PHIẾU ĐĂNG KÝ",
            "Tham gia đánh giá, phân hạng sản phẩm OCOP của tỉnh Lai Châu năm 2026",
            "- Tên đơn vị: HTX Chè Bình Lư",
            "- Họ tên người đại diện pháp lý: Lò Thị Mai",
            "- Địa chỉ liên hệ: ……",
            "4. Lần đăng ký đánh giá: Lần đầu ☐   Nâng hạng: ☐   Đánh giá lại: ☒",
            "Giấy chứng nhận OCOP đang có: OCOP-12-2023-00004",
            "3. Nhóm sản phẩm đăng ký (Ngành, Nhóm, Phân nhóm): Thực phẩm – Chè – Chè tươi, chế biến",
            "- Sản phẩm mẫu (số lượng): 05 mẫu",
            "ATTP 2024 | 01/01/2026 (đã hết hạn)",
            "Cam đoan những thông tin trong Phiếu đăng ký là đúng sự thật",
            "DÀNH CHO ỦY BAN NHÂN DÂN CẤP XÃ",
            "Phiếu số: 007/PĐK-12-03460-2026",
        ] {
            assert!(t.contains(want), "{want:?} missing from\n{t}");
        }
        assert!(
            !t.contains("QD26-11"),
            "never the internal sheet code:\n{t}"
        );
        let mut draft = facts();
        draft.registration_number.clear();
        draft.is_service = true;
        let t = text(&registration(&draft, &[]));
        assert!(t.contains("cấp khi nộp hồ sơ"));
        assert!(t.contains("không áp dụng (sản phẩm dịch vụ)"));
        // A group without sub-groups is named once; an unknown set leaves dots.
        draft.set_group = "Cà phê, ca cao".into();
        draft.set_name = "Cà phê, ca cao".into();
        let t = text(&registration(&draft, &[]));
        assert!(
            t.contains("(Ngành, Nhóm, Phân nhóm): Thực phẩm – Cà phê, ca cao\n"),
            "{t}"
        );
        draft.set_sector.clear();
        draft.set_group.clear();
        draft.set_name.clear();
        let t = text(&registration(&draft, &[]));
        assert!(t.contains("(Ngành, Nhóm, Phân nhóm): ……"), "{t}");
        assert!(!t.contains("QD26-11"), "{t}");
    }

    #[test]
    fn the_self_assessment_report_follows_form_02_with_evidence_per_criterion() {
        let lines = [ScoreLine {
            criterion: "A1.1 Tổ chức sản xuất".into(),
            max_points: 5,
            points: "3".into(),
            evidence: "Giấy ĐKKD".into(),
        }];
        let docs = [
            attp(),
            Evidence {
                type_code: "business_registration".into(),
                ..Default::default()
            },
        ];
        let t = text(&self_assessment(&facts(), &lines, "72", 4, "", &docs));
        for want in [
            "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM",
            "Phần I. THÔNG TIN CHUNG",
            "- Giới tính: Nữ (Nam/nữ); Dân tộc: Thái",
            "a) Giấy đăng ký kinh doanh: ☒",
            "theo quy định của pháp luật cho sản xuất sản phẩm: ☐",
            "Phần III. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN THEO BỘ TIÊU CHÍ SẢN PHẨM OCOP",
            "A1.1 Tổ chức sản xuất | 5 | 3 | Giấy ĐKKD",
            "Tổng điểm tự đánh giá: 72/100 – tương ứng 4 sao.",
            "sau 3 năm được công nhận OCOP",
            "Phần IV. KẾ HOẠCH SẢN XUẤT, KINH DOANH",
            "ĐẠI DIỆN THEO PHÁP LUẬT CỦA CƠ SỞ",
        ] {
            assert!(t.contains(want), "{want:?} missing from\n{t}");
        }
        assert!(!t.contains("ATTP 2024 | 01/01/2026 (đã hết hạn) ☒"));
        assert!(
            t.contains(
                "theo thứ tự từng tiêu chí của Bộ tiêu chí Thực phẩm – Chè – Chè tươi, chế biến"
            ),
            "{t}"
        );
        assert!(!t.contains("QD26-11"), "{t}");
        // 75 points missing a mandatory 3★ criterion: not recognised, never "2 sao".
        let t = text(&self_assessment(
            &facts(),
            &lines,
            "75",
            2,
            "Không đạt – thiếu tiêu chí bắt buộc: 2.1 Tiêu chuẩn sản phẩm",
            &docs,
        ));
        assert!(
            t.contains("Tổng điểm tự đánh giá: 75/100 – Không đạt – thiếu tiêu chí bắt buộc: 2.1 Tiêu chuẩn sản phẩm."),
            "{t}"
        );
        assert!(!t.contains("2 sao"), "{t}");
        let t = text(&self_assessment(&facts(), &[], "0", 0, "", &[]));
        assert!(t.contains("chưa tự đánh giá"));
        assert!(t.contains("Chưa có tài liệu kèm theo"));
    }

    #[test]
    fn the_commune_report_follows_form_03_and_proposes_only_a_complete_dossier() {
        let mut c = CommuneCheck {
            received_on: "20/11/2026".into(),
            checklist: vec![("Phiếu đăng ký".into(), true), ("Mẫu 02".into(), true)],
            state: "Đã nộp".into(),
        };
        let t = text(&commune_report(&facts(), &c));
        for want in [
            "Mẫu số 03",
            "ỦY BAN NHÂN DÂN XÃ BÌNH LƯ",
            "Đánh giá một số nội dung của hồ sơ đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP",
            "I. THÔNG TIN CHUNG VỀ HỒ SƠ SẢN PHẨM",
            "II. ĐÁNH GIÁ MỘT SỐ NỘI DUNG CỦA HỒ SƠ SẢN PHẨM",
            "1. Về sử dụng nguyên liệu địa phương:",
            "4. Bản sắc/trí tuệ địa phương:",
            "Hồ sơ đầy đủ",
            "Ủy ban nhân dân xã Bình Lư đề nghị Ủy ban nhân dân tỉnh Lai Châu đánh giá",
            "(đề nghị 4 sao)",
            "T.M ỦY BAN NHÂN DÂN XÃ BÌNH LƯ",
        ] {
            assert!(t.contains(want), "{want:?} missing from\n{t}");
        }
        c.checklist.push(("Giấy đăng ký kinh doanh".into(), false));
        let t = text(&commune_report(&facts(), &c));
        assert!(t.contains("3 | Giấy đăng ký kinh doanh | Thiếu"), "{t}");
        assert!(t.contains("Chưa đủ điều kiện"));
        // Section II from the commune's written assessment.
        let a = ocop_domain::council::CommuneAssessment {
            origin_materials: "Chè shan tuyết thu hái tại xã".into(),
            local_labour: "15 lao động địa phương".into(),
            idea_origin: "Sản phẩm truyền thống".into(),
            local_identity: "Sao chè thủ công của người Dao".into(),
            proposal: "Đề nghị xem xét công nhận 4 sao.".into(),
        };
        c.checklist.pop();
        let t = text(&commune_report_with(&facts(), &c, Some(&a)));
        for want in [
            "1. Về sử dụng nguyên liệu địa phương:",
            "Chè shan tuyết thu hái tại xã",
            "15 lao động địa phương",
            "Sản phẩm truyền thống",
            "Sao chè thủ công của người Dao",
            "(đề nghị 4 sao). Đề nghị xem xét công nhận 4 sao.",
        ] {
            assert!(t.contains(want), "{want:?} missing from\n{t}");
        }
        // Every form renders as a PDF with its Vietnamese text.
        for blocks in [
            commune_report(&facts(), &c),
            registration(&facts(), &[attp()]),
            self_assessment(&facts(), &[], "0", 0, "", &[]),
        ] {
            let pdf = crate::pdf::render("Mẫu", &blocks).unwrap();
            assert!(pdf.starts_with(b"%PDF"));
        }
    }
}
