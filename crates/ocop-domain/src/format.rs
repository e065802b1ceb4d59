//! Vietnamese display conventions for dates, times and numbers.
//!
//! Timestamps are stored in UTC; every date a person sees or types is a date
//! in Vietnam. Vietnam has used UTC+07:00 all year since 1975 (no daylight
//! saving), so a fixed offset is exact for every date the system deals with
//! and avoids depending on a time-zone database on the server.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+07:00, checked at compile time so no run-time failure is possible.
const VN_OFFSET: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+07:00 is a valid offset"),
};

/// Largest number of decimals [`decimal_vn`] prints: an `f64` carries about
/// 17 significant digits, so more would only show binary noise (and an
/// unbounded value could exhaust memory).
const MAX_DECIMALS: usize = 20;

/// The offset of Vietnam time (Asia/Ho_Chi_Minh).
///
/// A fixed offset rather than a named zone because Vietnam has no daylight
/// saving, so this is exact and needs no tz database.
pub fn vn_offset() -> FixedOffset {
    VN_OFFSET
}

/// Today's date in Vietnam.
///
/// The server may run in UTC, where between 00:00 and 07:00 Vietnam time it
/// is still "yesterday"; deadlines and default dates must use the date users
/// see on their calendars.
pub fn today_vn() -> NaiveDate {
    to_vn(Utc::now()).date_naive()
}

/// Converts a stored UTC timestamp to Vietnam local time for display or for
/// taking its local date.
pub fn to_vn(dt: DateTime<Utc>) -> DateTime<FixedOffset> {
    dt.with_timezone(&vn_offset())
}

/// Formats a date as `dd/mm/yyyy`, the form used on Vietnamese forms and
/// official documents (e.g. `05/07/2025`).
pub fn date_vn(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Formats a UTC timestamp as `dd/mm/yyyy HH:MM` in Vietnam time, so users see
/// the wall-clock time they experienced rather than the server's.
pub fn datetime_vn(dt: DateTime<Utc>) -> String {
    to_vn(dt).format("%d/%m/%Y %H:%M").to_string()
}

/// Parses a date typed by a user or found in an imported sheet.
///
/// Accepts `dd/mm/yyyy` and `d/m/yyyy` (Vietnamese habit) and ISO
/// `yyyy-mm-dd` (HTML date inputs, exports); surrounding whitespace is
/// ignored. The year must have four digits so that `05/07/25` is not
/// silently read as year 25. Returns `None` for anything else, including
/// impossible dates such as `31/02/2025`.
pub fn parse_date_vn(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some([day, month, year]) = split3(s, '/') {
        let day = digits(day, 1, 2)?;
        let month = digits(month, 1, 2)?;
        let year = digits(year, 4, 4)?;
        return ymd(year, month, day);
    }
    if let Some([year, month, day]) = split3(s, '-') {
        let year = digits(year, 4, 4)?;
        let month = digits(month, 2, 2)?;
        let day = digits(day, 2, 2)?;
        return ymd(year, month, day);
    }
    None
}

/// Splits into exactly three parts.
fn split3(s: &str, sep: char) -> Option<[&str; 3]> {
    let mut parts = s.split(sep);
    let a = parts.next()?;
    let b = parts.next()?;
    let c = parts.next()?;
    match parts.next() {
        Some(_) => None,
        None => Some([a, b, c]),
    }
}

/// Parses an unsigned decimal of `min..=max` ASCII digits (no sign, no space).
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn ymd(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Inserts `.` between groups of three digits of an ASCII digit string.
fn group_thousands(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Formats an integer the Vietnamese way, with `.` as thousands separator
/// (`1.234.567`); `1,234,567` would read as a decimal number to Vietnamese
/// users. Works for the whole `i64` range, including `i64::MIN`.
pub fn number_vn(n: i64) -> String {
    let grouped = group_thousands(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// Formats a decimal number the Vietnamese way: `.` groups thousands and `,`
/// is the decimal mark (`1.234,5`), rounded to `decimals` places (at most
/// 20).
///
/// A value that rounds to zero is shown without a minus sign (`-0,00` is
/// confusing on a score sheet). Non-finite values, which indicate a bug
/// upstream, are shown as `NaN`, `∞` or `-∞` rather than hidden.
pub fn decimal_vn(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    let decimals = decimals.min(MAX_DECIMALS);
    let plain = format!("{:.*}", decimals, x.abs());
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
    let nonzero = plain.bytes().any(|b| (b'1'..=b'9').contains(&b));
    if x.is_sign_negative() && nonzero {
        out.push('-');
    }
    out.push_str(&group_thousands(int_part));
    if let Some(frac) = frac_part {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Formats an amount in Vietnamese đồng: `1.234.567 đ`.
///
/// The đồng has no subunit in use, hence an integer. The separator before
/// `đ` is a normal space, not a no-break space, so that values survive CSV
/// export, search and copy-paste unchanged; keep it on one line with CSS
/// (`white-space: nowrap`) where needed.
pub fn money_vn(n: i64) -> String {
    format!("{} đ", number_vn(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn offset_is_plus_seven() {
        assert_eq!(vn_offset().local_minus_utc(), 7 * 3600);
        assert_eq!(vn_offset().to_string(), "+07:00");
    }

    #[test]
    fn evening_utc_is_next_day_in_vietnam() {
        let utc = Utc
            .with_ymd_and_hms(2025, 6, 30, 20, 0, 0)
            .single()
            .expect("valid");
        let local = to_vn(utc);
        assert_eq!(local.date_naive(), date(2025, 7, 1));
        assert_eq!(local.hour(), 3);
        assert_eq!(datetime_vn(utc), "01/07/2025 03:00");
        assert_eq!(date_vn(local.date_naive()), "01/07/2025");
        // Same instant.
        assert_eq!(local.with_timezone(&Utc), utc);
    }

    #[test]
    fn datetime_formatting() {
        let utc = Utc
            .with_ymd_and_hms(2025, 7, 5, 7, 3, 59)
            .single()
            .expect("valid");
        assert_eq!(datetime_vn(utc), "05/07/2025 14:03");
        let before_midnight = Utc
            .with_ymd_and_hms(2025, 12, 31, 16, 59, 0)
            .single()
            .expect("valid");
        assert_eq!(datetime_vn(before_midnight), "31/12/2025 23:59");
        let new_year = Utc
            .with_ymd_and_hms(2025, 12, 31, 17, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(datetime_vn(new_year), "01/01/2026 00:00");
    }

    #[test]
    fn today_is_vietnam_date() {
        let before = to_vn(Utc::now()).date_naive();
        let today = today_vn();
        let after = to_vn(Utc::now()).date_naive();
        assert!(today == before || today == after);
    }

    #[test]
    fn date_formatting_pads() {
        assert_eq!(date_vn(date(2025, 7, 5)), "05/07/2025");
        assert_eq!(date_vn(date(2024, 12, 31)), "31/12/2024");
    }

    #[test]
    fn parses_vietnamese_and_iso_dates() {
        assert_eq!(parse_date_vn("05/07/2025"), Some(date(2025, 7, 5)));
        assert_eq!(parse_date_vn("5/7/2025"), Some(date(2025, 7, 5)));
        assert_eq!(parse_date_vn("05/7/2025"), Some(date(2025, 7, 5)));
        assert_eq!(parse_date_vn(" 31/12/2024 "), Some(date(2024, 12, 31)));
        assert_eq!(parse_date_vn("2025-07-05"), Some(date(2025, 7, 5)));
        assert_eq!(parse_date_vn("29/02/2024"), Some(date(2024, 2, 29)));
        for round_trip in [date(2025, 1, 1), date(2000, 2, 29), date(1999, 12, 31)] {
            assert_eq!(parse_date_vn(&date_vn(round_trip)), Some(round_trip));
        }
    }

    #[test]
    fn rejects_invalid_dates() {
        for bad in [
            "31/02/2025",
            "29/02/2025",
            "2025-02-31",
            "00/01/2025",
            "32/01/2025",
            "01/13/2025",
            "01/00/2025",
            "05/07/25",
            "05/07/02025",
            "005/07/2025",
            "2025-7-5",
            "25-07-05",
            "05-07-2025",
            "05/07/2025/1",
            "+5/07/2025",
            "5 /07/2025",
            "a5/07/2025",
            "05/07",
            "",
            "  ",
            "hôm nay",
            "٥/٧/٢٠٢٥",
        ] {
            assert_eq!(parse_date_vn(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn integer_grouping() {
        assert_eq!(number_vn(0), "0");
        assert_eq!(number_vn(7), "7");
        assert_eq!(number_vn(999), "999");
        assert_eq!(number_vn(1000), "1.000");
        assert_eq!(number_vn(1_234_567), "1.234.567");
        assert_eq!(number_vn(-1234), "-1.234");
        assert_eq!(number_vn(-999), "-999");
        assert_eq!(number_vn(100_000), "100.000");
        assert_eq!(number_vn(i64::MAX), "9.223.372.036.854.775.807");
        assert_eq!(number_vn(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn decimal_formatting() {
        assert_eq!(decimal_vn(90.75, 2), "90,75");
        assert_eq!(decimal_vn(1234.5, 1), "1.234,5");
        assert_eq!(decimal_vn(1234.5, 0), "1.234");
        assert_eq!(decimal_vn(1235.5, 0), "1.236");
        assert_eq!(decimal_vn(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(decimal_vn(-1234.5, 1), "-1.234,5");
        assert_eq!(decimal_vn(0.0, 2), "0,00");
        assert_eq!(decimal_vn(-0.0, 2), "0,00");
        assert_eq!(decimal_vn(-0.001, 2), "0,00");
        assert_eq!(decimal_vn(-0.005001, 2), "-0,01");
        assert_eq!(decimal_vn(70.0, 0), "70");
        assert_eq!(decimal_vn(f64::NAN, 2), "NaN");
        assert_eq!(decimal_vn(f64::INFINITY, 2), "∞");
        assert_eq!(decimal_vn(f64::NEG_INFINITY, 2), "-∞");
        assert_eq!(
            decimal_vn(1.5, usize::MAX),
            format!("1,5{}", "0".repeat(19))
        );
        assert!(decimal_vn(f64::MAX, 0).starts_with("179.769.313"));
    }

    #[test]
    fn money_formatting() {
        assert_eq!(money_vn(1_234_567), "1.234.567 đ");
        assert_eq!(money_vn(0), "0 đ");
        assert_eq!(money_vn(-50_000), "-50.000 đ");
        assert_eq!(money_vn(i64::MIN), "-9.223.372.036.854.775.808 đ");
    }
}
