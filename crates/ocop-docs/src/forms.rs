//! The three dossier forms of QĐ 26/2026 (appendix III), laid out as PDF blocks:
//! *Mẫu 01* registration form, *Mẫu 02* self-assessment report with its evidence
//! table, *Mẫu 03* the commune's report and proposal. The web layer gathers the facts
//! from the registry and the dossier; these functions only lay them out, so that a
//! test can read every line.

use crate::pdf::Block;

/// The producer as the forms name it.
#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    pub legal_form: String,
    pub address: String,
    pub representative: String,
    pub phone: String,
    pub email: String,
    pub tax_code: String,
}

/// What every form says about the dossier.
#[derive(Debug, Clone, Default)]
pub struct DossierFacts {
    /// `…/PĐK-(province)-(commune)-(year)`; empty before submission.
    pub registration_number: String,
    pub province: String,
    pub commune: String,
    /// dd/mm/yyyy of the form.
    pub date: String,
    pub producer: Party,
    pub product_name: String,
    pub product_code: String,
    /// The product set and group (criteria sheet) it is evaluated under.
    pub sheet: String,
    /// First evaluation, upgrade, re-evaluation (in words).
    pub kind: String,
    pub target_stars: i32,
    /// The certificate a re-evaluation or upgrade follows, if any.
    pub previous_certificate: String,
    pub rulebook: String,
}

/// A document of the dossier: type (in words), title, valid until (or empty).
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub doc_type: String,
    pub title: String,
    pub valid_until: String,
    pub expired: bool,
}

/// One criterion of the self-assessment: `code title`, maximum, points claimed.
#[derive(Debug, Clone, Default)]
pub struct ScoreLine {
    pub criterion: String,
    pub max_points: i32,
    pub points: String,
}

fn motto(b: &mut Vec<Block>, form: &str) {
    b.push(Block::Para(form.into()));
    b.push(Block::Center(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
        12.0,
        true,
    ));
    b.push(Block::Center(
        "Độc lập – Tự do – Hạnh phúc".into(),
        11.0,
        false,
    ));
    b.push(Block::Space(12.0));
}

/// The form's title lines, its number and a gap.
fn title(b: &mut Vec<Block>, lines: &[&str], f: &DossierFacts) {
    for l in lines {
        b.push(Block::Center((*l).into(), 15.0, true));
    }
    b.push(Block::Center(number_line(f), 11.0, false));
    b.push(Block::Space(8.0));
}

/// Place and date, then the signature block.
fn closing(b: &mut Vec<Block>, f: &DossierFacts, signer: &str, name: &str) {
    b.push(Block::Space(8.0));
    b.push(Block::Para(format!(
        "{}, ngày {}",
        or_dots(&f.commune),
        f.date
    )));
    b.push(Block::Signatures(vec![(signer.into(), name.into())]));
}

fn number_line(f: &DossierFacts) -> String {
    if f.registration_number.is_empty() {
        "Số: …/PĐK (cấp khi nộp hồ sơ)".into()
    } else {
        format!("Số: {}", f.registration_number)
    }
}

fn or_dots(s: &str) -> String {
    if s.trim().is_empty() {
        "……".into()
    } else {
        s.into()
    }
}

fn party_lines(b: &mut Vec<Block>, p: &Party) {
    b.push(Block::Para(format!("Tên chủ thể: {}", or_dots(&p.name))));
    b.push(Block::Para(format!(
        "Loại hình: {}",
        or_dots(&p.legal_form)
    )));
    b.push(Block::Para(format!("Địa chỉ: {}", or_dots(&p.address))));
    b.push(Block::Para(format!(
        "Người đại diện: {}",
        or_dots(&p.representative)
    )));
    b.push(Block::Para(format!(
        "Điện thoại: {}    Thư điện tử: {}",
        or_dots(&p.phone),
        or_dots(&p.email)
    )));
    b.push(Block::Para(format!(
        "Mã số thuế / mã số đăng ký: {}",
        or_dots(&p.tax_code)
    )));
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
            "Loại tài liệu".into(),
            "Tên tài liệu".into(),
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

/// Mẫu 01: the registration form (phiếu đăng ký) a producer files.
pub fn registration(f: &DossierFacts, docs: &[Evidence]) -> Vec<Block> {
    let mut b = vec![];
    motto(&mut b, "Mẫu 01");
    title(
        &mut b,
        &[
            "PHIẾU ĐĂNG KÝ SẢN PHẨM THAM GIA",
            "ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP",
        ],
        f,
    );
    b.push(Block::Para(format!(
        "Kính gửi: Ủy ban nhân dân {}, tỉnh {}",
        or_dots(&f.commune),
        f.province
    )));
    b.push(Block::Heading("1. Thông tin chủ thể".into()));
    party_lines(&mut b, &f.producer);
    b.push(Block::Heading("2. Sản phẩm đăng ký".into()));
    b.push(Block::Para(format!("Tên sản phẩm: {}", f.product_name)));
    b.push(Block::Para(format!(
        "Mã sản phẩm: {}",
        or_dots(&f.product_code)
    )));
    b.push(Block::Para(format!(
        "Bộ sản phẩm, nhóm: {}",
        or_dots(&f.sheet)
    )));
    b.push(Block::Heading("3. Nội dung đăng ký".into()));
    b.push(Block::Para(format!("Hình thức: {}", f.kind)));
    if !f.previous_certificate.is_empty() {
        b.push(Block::Para(format!(
            "Giấy chứng nhận OCOP đang có: {}",
            f.previous_certificate
        )));
    }
    b.push(Block::Para(format!(
        "Hạng sao đề nghị: {} sao",
        f.target_stars
    )));
    b.push(Block::Para(format!("Căn cứ đánh giá: {}", f.rulebook)));
    b.push(Block::Heading("4. Hồ sơ kèm theo".into()));
    evidence_table(&mut b, docs);
    b.push(Block::Heading("5. Cam kết".into()));
    b.push(Block::Para(
        "Chúng tôi cam kết các thông tin trên và hồ sơ kèm theo là đúng sự thật, \
         chịu trách nhiệm trước pháp luật về tính chính xác của hồ sơ và thực hiện \
         đúng quy định về đánh giá, phân hạng sản phẩm OCOP."
            .into(),
    ));
    closing(&mut b, f, "ĐẠI DIỆN CHỦ THỂ", &f.producer.representative);
    b
}

/// Mẫu 02: the self-assessment report, with the points claimed per criterion and the
/// evidence table.
pub fn self_assessment(
    f: &DossierFacts,
    lines: &[ScoreLine],
    total: &str,
    stars: i32,
    docs: &[Evidence],
) -> Vec<Block> {
    let mut b = vec![];
    motto(&mut b, "Mẫu 02");
    title(&mut b, &["BÁO CÁO TỰ ĐÁNH GIÁ SẢN PHẨM OCOP"], f);
    b.push(Block::Heading("1. Chủ thể và sản phẩm".into()));
    b.push(Block::Para(format!("Tên chủ thể: {}", f.producer.name)));
    b.push(Block::Para(format!(
        "Sản phẩm: {} ({})",
        f.product_name,
        or_dots(&f.product_code)
    )));
    b.push(Block::Para(format!(
        "Phiếu đánh giá: {}",
        or_dots(&f.sheet)
    )));
    b.push(Block::Heading("2. Kết quả tự đánh giá".into()));
    if lines.is_empty() {
        b.push(Block::Para(
            "(Chủ thể chưa tự đánh giá sản phẩm theo phiếu.)".into(),
        ));
    } else {
        b.push(Block::Table {
            widths: vec![0.7, 0.15, 0.15],
            header: vec!["Tiêu chí".into(), "Điểm tối đa".into(), "Tự chấm".into()],
            rows: lines
                .iter()
                .map(|l| {
                    vec![
                        l.criterion.clone(),
                        l.max_points.to_string(),
                        l.points.clone(),
                    ]
                })
                .collect(),
        });
        b.push(Block::Para(format!(
            "Tổng điểm tự đánh giá: {total}/100 – tương ứng {stars} sao."
        )));
    }
    b.push(Block::Heading("3. Bảng tài liệu minh chứng".into()));
    evidence_table(&mut b, docs);
    closing(&mut b, f, "ĐẠI DIỆN CHỦ THỂ", &f.producer.representative);
    b
}

/// The commune's check of the dossier for Mẫu 03.
#[derive(Debug, Clone, Default)]
pub struct CommuneCheck {
    /// dd/mm/yyyy the dossier was filed, or empty.
    pub received_on: String,
    /// Each required document (in words) and whether the dossier has it.
    pub checklist: Vec<(String, bool)>,
    /// Steps taken so far: date, who, what.
    pub steps: Vec<(String, String, String)>,
    /// Where the dossier stands (in words).
    pub state: String,
}

/// Mẫu 03: the commune's report on the dossier and its proposal to the province.
pub fn commune_report(f: &DossierFacts, c: &CommuneCheck) -> Vec<Block> {
    let mut b = vec![];
    motto(&mut b, "Mẫu 03");
    b.push(Block::Center(
        format!("ỦY BAN NHÂN DÂN {}", or_dots(&f.commune).to_uppercase()),
        12.0,
        true,
    ));
    b.push(Block::Center(
        "BÁO CÁO KẾT QUẢ KIỂM TRA HỒ SƠ VÀ ĐỀ NGHỊ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP".into(),
        13.0,
        true,
    ));
    b.push(Block::Center(number_line(f), 11.0, false));
    b.push(Block::Space(8.0));
    b.push(Block::Para(format!(
        "Kính gửi: Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh {}",
        f.province
    )));
    b.push(Block::Heading("1. Thông tin hồ sơ".into()));
    b.push(Block::Para(format!("Chủ thể: {}", f.producer.name)));
    b.push(Block::Para(format!(
        "Sản phẩm: {} ({})",
        f.product_name,
        or_dots(&f.product_code)
    )));
    b.push(Block::Para(format!("Hình thức: {}", f.kind)));
    b.push(Block::Para(format!(
        "Ngày tiếp nhận: {}",
        or_dots(&c.received_on)
    )));
    b.push(Block::Para(format!("Tình trạng: {}", c.state)));
    b.push(Block::Heading(
        "2. Kết quả kiểm tra thành phần hồ sơ".into(),
    ));
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
    if !c.steps.is_empty() {
        b.push(Block::Heading("3. Quá trình xử lý".into()));
        b.push(Block::Table {
            widths: vec![0.25, 0.3, 0.45],
            header: vec![
                "Thời gian".into(),
                "Người thực hiện".into(),
                "Nội dung".into(),
            ],
            rows: c
                .steps
                .iter()
                .map(|(a, w, x)| vec![a.clone(), w.clone(), x.clone()])
                .collect(),
        });
    }
    b.push(Block::Heading("4. Đề nghị".into()));
    b.push(Block::Para(if complete {
        format!(
            "Ủy ban nhân dân {} đề nghị Hội đồng cấp tỉnh đánh giá, phân hạng sản phẩm \
             {} của {} (đề nghị {} sao).",
            or_dots(&f.commune),
            f.product_name,
            f.producer.name,
            f.target_stars
        )
    } else {
        "Chưa đủ điều kiện đề nghị cấp tỉnh đánh giá.".into()
    }));
    closing(&mut b, f, "TM. ỦY BAN NHÂN DÂN", "");
    b
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
            producer: Party {
                name: "HTX Chè Bình Lư".into(),
                representative: "Lò Thị Mai".into(),
                ..Default::default()
            },
            product_name: "Chè Shan tuyết".into(),
            product_code: "12-03460-001-2026".into(),
            sheet: "Bộ 1 – Chè".into(),
            kind: "Đánh giá lại".into(),
            target_stars: 4,
            previous_certificate: "OCOP-12-2023-00004".into(),
            rulebook: "QĐ 26/2026/QĐ-TTg".into(),
        }
    }

    #[test]
    fn the_registration_form_names_the_number_the_commune_and_the_documents() {
        let docs = [Evidence {
            doc_type: "Giấy chứng nhận ATTP".into(),
            title: "ATTP 2024".into(),
            valid_until: "01/01/2026".into(),
            expired: true,
        }];
        let t = text(&registration(&facts(), &docs));
        for want in [
            "Mẫu 01",
            "Số: 007/PĐK-12-03460-2026",
            "Kính gửi: Ủy ban nhân dân xã Bình Lư, tỉnh Lai Châu",
            "Tên chủ thể: HTX Chè Bình Lư",
            "Địa chỉ: ……",
            "Giấy chứng nhận OCOP đang có: OCOP-12-2023-00004",
            "Hạng sao đề nghị: 4 sao",
            "ATTP 2024 | 01/01/2026 (đã hết hạn)",
            "ĐẠI DIỆN CHỦ THỂ Lò Thị Mai",
        ] {
            assert!(t.contains(want), "{want:?} missing from\n{t}");
        }
        let mut draft = facts();
        draft.registration_number.clear();
        assert!(text(&registration(&draft, &[])).contains("cấp khi nộp"));
    }

    #[test]
    fn the_self_assessment_report_lists_points_and_says_when_there_are_none() {
        let lines = [ScoreLine {
            criterion: "A1.1 Tổ chức sản xuất".into(),
            max_points: 5,
            points: "3".into(),
        }];
        let t = text(&self_assessment(&facts(), &lines, "72", 4, &[]));
        assert!(t.contains("A1.1 Tổ chức sản xuất | 5 | 3"), "{t}");
        assert!(t.contains("Tổng điểm tự đánh giá: 72/100 – tương ứng 4 sao."));
        assert!(t.contains("Chưa có tài liệu kèm theo"));
        let t = text(&self_assessment(&facts(), &[], "0", 0, &[]));
        assert!(t.contains("chưa tự đánh giá"));
    }

    #[test]
    fn the_commune_report_proposes_only_a_complete_dossier() {
        let mut c = CommuneCheck {
            received_on: "20/11/2026".into(),
            checklist: vec![("Phiếu đăng ký".into(), true), ("Mẫu 02".into(), true)],
            steps: vec![],
            state: "Đã nộp".into(),
        };
        let t = text(&commune_report(&facts(), &c));
        assert!(t.contains("ỦY BAN NHÂN DÂN XÃ BÌNH LƯ"));
        assert!(t.contains("Hồ sơ đầy đủ"));
        assert!(t.contains("đề nghị Hội đồng cấp tỉnh đánh giá"));
        assert!(t.contains("(đề nghị 4 sao)"));
        c.checklist.push(("Giấy đăng ký kinh doanh".into(), false));
        let t = text(&commune_report(&facts(), &c));
        assert!(t.contains("3 | Giấy đăng ký kinh doanh | Thiếu"), "{t}");
        assert!(t.contains("Chưa đủ điều kiện"));
        // Every form renders as a PDF with its Vietnamese text.
        let pdf = crate::pdf::render("Mẫu 03", &commune_report(&facts(), &c)).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
}
