//! Office documents: Excel exports of registry lists (offices work in Excel).
//! PDF (certificates, minutes) will live here too, kept out of the other crates
//! because its engine is slow to build.

pub mod forms;
pub mod pdf;
pub mod report_sheet;
pub mod xlsx_read;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A table to export: a sheet name, a title row, column headers and rows of text.
pub struct Table<'a> {
    pub sheet: &'a str,
    pub title: &'a str,
    pub headers: Vec<&'a str>,
    pub rows: Vec<Vec<String>>,
}

/// Errors of document generation.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the spreadsheet: {0}")]
pub struct DocError(#[from] XlsxError);

/// Builds an .xlsx file: a bold title, bold headers, one row per record, columns
/// sized to their content (capped), the header row frozen.
pub fn xlsx(table: &Table<'_>) -> Result<Vec<u8>, DocError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(table.sheet)?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_background_color("#E8F0E8")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    ws.write_string_with_format(0, 0, table.title, &title)?;
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head)?;
    }
    let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
    for (r, row) in table.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(3 + r as u32, c as u16, v)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(v.chars().count());
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_zip_container_with_vietnamese_text() {
        let t = Table {
            sheet: "Chủ thể",
            title: "Danh sách chủ thể OCOP",
            headers: vec!["Tên", "Xã"],
            rows: vec![vec!["HTX Chè Tam Đường".into(), "Xã Bình Lư".into()]],
        };
        let bytes = xlsx(&t).unwrap();
        // .xlsx is a zip archive.
        assert_eq!(&bytes[..2], b"PK");
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn an_invalid_sheet_name_is_an_error_not_a_panic() {
        let t = Table {
            sheet: "a/b",
            title: "x",
            headers: vec![],
            rows: vec![],
        };
        assert!(xlsx(&t).is_err());
    }
}
