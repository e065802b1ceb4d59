//! Periodic reports and the national export as .xlsx laid out like an official
//! report (issue 13): the issuing unit and the national motto at the top, the title,
//! the unit and period, a numbered table, the notes and a signature block.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

/// A report to lay out.
pub struct OfficialReport<'a> {
    /// "UBND TỈNH LAI CHÂU" — the issuing body, upper case.
    pub issuer: &'a str,
    pub title: &'a str,
    /// "Kỳ báo cáo: Quý III năm 2025 (01/07/2025 – 30/09/2025)".
    pub subtitle: &'a str,
    pub headers: Vec<&'a str>,
    pub rows: Vec<Vec<String>>,
    pub notes_heading: &'a str,
    pub notes: &'a str,
    /// (role, name) columns of the signature block.
    pub signatures: Vec<(String, String)>,
    pub place_date: &'a str,
}

/// Builds the workbook.
pub fn xlsx(r: &OfficialReport<'_>) -> Result<Vec<u8>, crate::DocError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo")?;
    let cols = r.headers.len().max(2) as u16;
    let bold_c = Format::new().set_bold().set_align(FormatAlign::Center);
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let center = Format::new().set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let half = (cols / 2).max(1);
    ws.merge_range(0, 0, 0, half - 1, r.issuer, &bold_c)?;
    ws.merge_range(
        0,
        half,
        0,
        cols - 1,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &bold_c,
    )?;
    ws.merge_range(1, half, 1, cols - 1, "Độc lập - Tự do - Hạnh phúc", &bold_c)?;
    ws.merge_range(2, half, 2, cols - 1, r.place_date, &center)?;
    ws.merge_range(4, 0, 4, cols - 1, r.title, &title)?;
    ws.merge_range(5, 0, 5, cols - 1, r.subtitle, &center)?;
    for (c, h) in r.headers.iter().enumerate() {
        ws.write_string_with_format(7, c as u16, *h, &head)?;
    }
    for (i, row) in r.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(8 + i as u32, c as u16, v, &cell)?;
        }
    }
    let mut at = 9 + r.rows.len() as u32;
    ws.write_string_with_format(at, 0, r.notes_heading, &Format::new().set_bold())?;
    at += 1;
    ws.merge_range(at, 0, at, cols - 1, r.notes, &Format::new().set_text_wrap())?;
    at += 2;
    for (i, (role, name)) in r.signatures.iter().enumerate() {
        let c = if i == 0 { 0 } else { half };
        ws.write_string_with_format(at, c, role, &bold_c)?;
        ws.write_string_with_format(at + 1, c, "(Ký, ghi rõ họ tên)", &center)?;
        ws.write_string_with_format(at + 4, c, name, &bold_c)?;
    }
    ws.set_column_width(0, 6)?;
    for c in 1..cols {
        ws.set_column_width(c, if c == 1 { 48 } else { 16 })?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn the_report_reads_back_with_its_headings_and_signatures() {
        let r = OfficialReport {
            issuer: "UBND TỈNH LAI CHÂU",
            title: "BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH OCOP",
            subtitle: "Quý III năm 2025",
            headers: vec!["TT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"],
            rows: vec![vec![
                "1".into(),
                "Sản phẩm được công nhận mới".into(),
                "> 60".into(),
                "12".into(),
            ]],
            notes_heading: "Ý kiến, kiến nghị",
            notes: "Không",
            signatures: vec![
                ("NGƯỜI LẬP BIỂU".into(), "tinh".into()),
                ("THỦ TRƯỞNG ĐƠN VỊ".into(), String::new()),
            ],
            place_date: "Lai Châu, ngày 05 tháng 10 năm 2025",
        };
        let bytes = xlsx(&r).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Báo cáo").unwrap();
        let text: Vec<String> = range
            .rows()
            .flat_map(|row| {
                row.iter().filter_map(|c| match c {
                    Data::String(s) => Some(s.clone()),
                    _ => None,
                })
            })
            .collect();
        for want in [
            "UBND TỈNH LAI CHÂU",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Sản phẩm được công nhận mới",
            "NGƯỜI LẬP BIỂU",
            "> 60",
        ] {
            assert!(text.iter().any(|t| t == want), "{want} in {text:?}");
        }
    }
}
