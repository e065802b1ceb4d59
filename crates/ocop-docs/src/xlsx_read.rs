//! Reading an .xlsx sheet for an import, generically: the first sheet, a header row
//! checked against the expected columns, typed cells, and errors in Vietnamese.
//!
//! A file-level problem (not an .xlsx, missing or unknown columns, merged cells,
//! more than [`MAX_ROWS`] rows) refuses the whole file; a cell problem (a formula,
//! text in a number column, a bad date) marks only its row, so a preview can show
//! every row with its errors. What the values *mean* is checked by the caller
//! with the domain's rules.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use std::io::Cursor;

/// The most data rows an import accepts.
pub const MAX_ROWS: usize = 20_000;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Text,
    /// A whole number (amounts in đồng, years, quarters).
    Integer,
    /// A decimal number (coordinates, output).
    Decimal,
    Date,
}

/// An expected column: its header as exported (Vietnamese, with units) and its type.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static str,
    pub ty: ColType,
    pub required: bool,
}

/// A typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Dec(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(*n),
            _ => None,
        }
    }
    pub fn dec(&self) -> Option<f64> {
        match self {
            Cell::Dec(x) => Some(*x),
            Cell::Int(n) => Some(*n as f64),
            _ => None,
        }
    }
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) => Some(*d),
            _ => None,
        }
    }
}

/// One data row: its number as Excel shows it (the header is row 1), its cells in
/// the order of the expected columns, and what was wrong with its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
    pub errors: Vec<String>,
}

impl Row {
    /// The cell of the column with this key.
    pub fn get(&self, cols: &[Column], key: &str) -> &Cell {
        cols.iter()
            .position(|c| c.key == key)
            .and_then(|i| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }
}

/// Why a file was refused as a whole.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("Tệp không phải là bảng tính Excel .xlsx (hoặc bị hỏng).")]
    NotXlsx,
    #[error("Bảng tính không có dữ liệu.")]
    Empty,
    #[error("Thiếu cột: {}.", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("Cột không được hỗ trợ: {}. Hãy dùng tệp mẫu.", .0.join(", "))]
    UnknownColumns(Vec<String>),
    #[error("Bảng tính có ô gộp ({0}); hãy bỏ gộp ô rồi tải lại.")]
    MergedCells(String),
    #[error("Tệp có {0} dòng dữ liệu, vượt quá giới hạn {MAX_ROWS} dòng; hãy chia nhỏ tệp.")]
    TooManyRows(usize),
}

fn col_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// Header text compared without case, surrounding space or doubled spaces.
fn norm(s: &str) -> String {
    ocop_domain::text::nfc(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Excel's serial day (1900 system) to a date.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

fn typed(v: &Data, col: &Column) -> Result<Cell, String> {
    let header = col.header;
    let text_of = |v: &Data| -> Option<String> {
        match v {
            Data::String(s) => Some(s.trim().to_string()),
            Data::DateTimeIso(s) => Some(s.clone()),
            _ => None,
        }
    };
    if matches!(v, Data::Empty) || text_of(v).is_some_and(|s| s.is_empty()) {
        return Ok(Cell::Empty);
    }
    if let Data::Error(e) = v {
        return Err(format!("Cột «{header}»: ô có lỗi Excel ({e:?})."));
    }
    match col.ty {
        ColType::Text => Ok(Cell::Text(match v {
            Data::Int(n) => n.to_string(),
            Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
            Data::Float(x) => x.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => excel_date(d.as_f64())
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            other => ocop_domain::text::clean(&text_of(other).unwrap_or_default()),
        })),
        ColType::Integer => match v {
            Data::Int(n) => Ok(Cell::Int(*n)),
            Data::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Cell::Int(*x as i64)),
            Data::Float(_) => Err(format!("Cột «{header}»: phải là số nguyên.")),
            Data::String(s) => {
                // Negative numbers are read as such: the caller's rule refuses them
                // with its own message.
                let t = s.trim();
                let (neg, body) = t.strip_prefix('-').map_or((false, t), |b| (true, b));
                match ocop_domain::trade::parse_amount(body) {
                    Some(Ok(n)) => Ok(Cell::Int(if neg { -n } else { n })),
                    _ => Err(format!(
                        "Cột «{header}»: «{}» không phải là số.",
                        ocop_domain::text::truncate_chars(t, 40)
                    )),
                }
            }
            _ => Err(format!("Cột «{header}»: phải là số.")),
        },
        ColType::Decimal => match v {
            Data::Int(n) => Ok(Cell::Dec(*n as f64)),
            Data::Float(x) => Ok(Cell::Dec(*x)),
            Data::String(s) => s
                .trim()
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Cell::Dec)
                .ok_or_else(|| {
                    format!(
                        "Cột «{header}»: «{}» không phải là số.",
                        ocop_domain::text::truncate_chars(s.trim(), 40)
                    )
                }),
            _ => Err(format!("Cột «{header}»: phải là số.")),
        },
        ColType::Date => match v {
            Data::DateTime(d) => excel_date(d.as_f64())
                .map(Cell::Date)
                .ok_or_else(|| format!("Cột «{header}»: ngày không hợp lệ.")),
            Data::String(s) | Data::DateTimeIso(s) => {
                let s = s.trim();
                ocop_domain::format::parse_date_vn(s)
                    .or_else(|| s.get(..10).and_then(ocop_domain::format::parse_date_vn))
                    .map(Cell::Date)
                    .ok_or_else(|| {
                        format!(
                            "Cột «{header}»: «{}» không phải là ngày (dd/mm/yyyy).",
                            ocop_domain::text::truncate_chars(s, 40)
                        )
                    })
            }
            _ => Err(format!("Cột «{header}»: phải là ngày (dd/mm/yyyy).")),
        },
    }
}

/// Reads the first sheet of an .xlsx file against the expected columns (in any
/// order; optional ones may be left out). Blank rows are skipped.
pub fn read(bytes: &[u8], cols: &[Column]) -> Result<Vec<Row>, FileError> {
    // An .xlsx is a zip: anything else (a CSV, an old .xls, a renamed image) stops here.
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(FileError::NotXlsx);
    }
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::NotXlsx)?;
    let name = wb.sheet_names().first().cloned().ok_or(FileError::Empty)?;
    let range = wb.worksheet_range(&name).map_err(|_| FileError::NotXlsx)?;
    let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    if let Some(m) = merged.first() {
        return Err(FileError::MergedCells(format!(
            "{}:{}",
            cell_ref(m.start.0, m.start.1),
            cell_ref(m.end.0, m.end.1)
        )));
    }
    let formulas = wb.worksheet_formula(&name).ok();
    let Some((r0, c0)) = range.start() else {
        return Err(FileError::Empty);
    };
    // The header is the first row naming one of the expected columns: an exported
    // list has a title above it, and reads back as it is.
    let known = |v: &Data| cols.iter().any(|c| norm(c.header) == norm(&v.to_string()));
    let skip = range
        .rows()
        .take(10)
        .position(|r| r.iter().any(known))
        .unwrap_or(0);
    let r0 = r0 + skip as u32;
    let mut rows = range.rows().skip(skip);
    let header = rows.next().ok_or(FileError::Empty)?;
    // Map each expected column to its position in the sheet.
    let mut pos: Vec<Option<usize>> = vec![None; cols.len()];
    let mut unknown = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = match h {
            Data::Empty => continue,
            other => other.to_string(),
        };
        if h.trim().is_empty() {
            continue;
        }
        match cols.iter().position(|c| norm(c.header) == norm(&h)) {
            Some(k) if pos[k].is_none() => pos[k] = Some(i),
            _ => unknown.push(h.trim().to_string()),
        }
    }
    let missing: Vec<String> = cols
        .iter()
        .zip(&pos)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| c.header.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    if !unknown.is_empty() {
        return Err(FileError::UnknownColumns(unknown));
    }
    let data_rows = range.height().saturating_sub(1 + skip);
    if data_rows > MAX_ROWS {
        return Err(FileError::TooManyRows(data_rows));
    }
    let mut out = Vec::new();
    for (k, raw) in rows.enumerate() {
        let abs_row = r0 + 1 + k as u32;
        if raw.iter().all(|v| {
            matches!(v, Data::Empty) || matches!(v, Data::String(s) if s.trim().is_empty())
        }) {
            continue;
        }
        let mut errors = Vec::new();
        let mut cells = Vec::with_capacity(cols.len());
        for (col, p) in cols.iter().zip(&pos) {
            let Some(i) = *p else {
                cells.push(Cell::Empty);
                continue;
            };
            let abs_col = c0 + i as u32;
            let has_formula = formulas.as_ref().is_some_and(|f| {
                f.get_value((abs_row, abs_col))
                    .is_some_and(|s| !s.is_empty())
            });
            if has_formula {
                errors.push(format!(
                    "Ô {} (cột «{}») chứa công thức; hãy dán giá trị thay cho công thức.",
                    cell_ref(abs_row, abs_col),
                    col.header
                ));
                cells.push(Cell::Empty);
                continue;
            }
            let v = raw.get(i).unwrap_or(&Data::Empty);
            match typed(v, col) {
                Ok(c) => {
                    if col.required && c == Cell::Empty {
                        errors.push(format!("Cột «{}»: bắt buộc, đang để trống.", col.header));
                    }
                    cells.push(c)
                }
                Err(e) => {
                    errors.push(e);
                    cells.push(Cell::Empty)
                }
            }
        }
        out.push(Row {
            number: abs_row as usize + 1,
            cells,
            errors,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Formula, Workbook};

    const COLS: [Column; 3] = [
        Column {
            key: "code",
            header: "Mã sản phẩm",
            ty: ColType::Text,
            required: true,
        },
        Column {
            key: "year",
            header: "Năm",
            ty: ColType::Integer,
            required: true,
        },
        Column {
            key: "revenue",
            header: "Doanh thu (đồng)",
            ty: ColType::Integer,
            required: true,
        },
    ];

    fn book(f: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        f(ws);
        wb.save_to_buffer().unwrap()
    }

    fn header(ws: &mut rust_xlsxwriter::Worksheet) {
        ws.write(0, 0, "Mã sản phẩm").unwrap();
        ws.write(0, 1, "Năm").unwrap();
        ws.write(0, 2, "Doanh thu (đồng)").unwrap();
    }

    #[test]
    fn reads_typed_rows_and_marks_bad_cells() {
        let bytes = book(|ws| {
            header(ws);
            ws.write(1, 0, "SP-1").unwrap();
            ws.write(1, 1, 2025).unwrap();
            ws.write(1, 2, 1_500_000).unwrap();
            ws.write(2, 0, "SP-2").unwrap();
            ws.write(2, 1, 2025).unwrap();
            ws.write(2, 2, "một triệu").unwrap();
            ws.write(3, 0, "SP-3").unwrap();
            ws.write(3, 1, 2025).unwrap();
            ws.write_formula(3, 2, Formula::new("=1+1")).unwrap();
            ws.write(4, 0, "SP-4").unwrap();
            ws.write(4, 1, 2025).unwrap();
            ws.write(4, 2, "1.250.000").unwrap();
        });
        let rows = read(&bytes, &COLS).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[0].get(&COLS, "revenue").int(), Some(1_500_000));
        assert!(rows[0].errors.is_empty());
        assert!(
            rows[1].errors[0].contains("không phải là số"),
            "{:?}",
            rows[1].errors
        );
        assert!(
            rows[2].errors[0].contains("công thức"),
            "{:?}",
            rows[2].errors
        );
        assert_eq!(rows[3].get(&COLS, "revenue").int(), Some(1_250_000));
    }

    #[test]
    fn refuses_files_that_are_not_what_we_expect() {
        assert_eq!(read(b"name,year\n", &COLS).unwrap_err(), FileError::NotXlsx);
        assert_eq!(
            read(b"PK\x03\x04garbage", &COLS).unwrap_err(),
            FileError::NotXlsx
        );
        let missing = book(|ws| {
            ws.write(0, 0, "Mã sản phẩm").unwrap();
        });
        assert!(matches!(read(&missing, &COLS), Err(FileError::MissingColumns(c)) if c.len() == 2));
        let unknown = book(|ws| {
            header(ws);
            ws.write(0, 3, "Ghi chú lạ").unwrap();
        });
        assert!(matches!(
            read(&unknown, &COLS),
            Err(FileError::UnknownColumns(_))
        ));
        let merged = book(|ws| {
            header(ws);
            ws.merge_range(1, 0, 2, 0, "SP", &rust_xlsxwriter::Format::new())
                .unwrap();
        });
        let e = read(&merged, &COLS).unwrap_err();
        assert!(
            matches!(e, FileError::MergedCells(ref r) if r == "A2:A3"),
            "{e:?}"
        );
        assert!(e.to_string().contains("ô gộp"));
    }

    #[test]
    fn refuses_more_than_the_row_limit() {
        let bytes = book(|ws| {
            header(ws);
            for r in 1..=(MAX_ROWS as u32 + 1) {
                ws.write(r, 1, 2025).unwrap();
            }
        });
        assert_eq!(
            read(&bytes, &COLS).unwrap_err(),
            FileError::TooManyRows(MAX_ROWS + 1)
        );
    }
}
