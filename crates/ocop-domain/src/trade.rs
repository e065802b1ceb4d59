//! Trade promotion, sales channels, revenue and economic organisations (issue 12,
//! items 2, 3 and 6): the checks every way in (form, API, .xlsx import) goes through,
//! and the distance rule of the public "nearest points of sale" list.
//!
//! The channel, milestone and yearly-revenue rules themselves are in
//! [`crate::operations`]; this module validates what users type against them.

use crate::operations::{ChannelKind, MilestoneKind};
use crate::registry::{Lang, LegalForm};
use crate::text::clean;
use chrono::{Datelike, NaiveDate};

/// Why a trade record was refused. `code()` is stable (API, store errors);
/// `message()` is what a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeError {
    UnknownChannel,
    PartnerRequired,
    EndsBeforeStart,
    NameRequired,
    PlaceRequired,
    BadCoordinates,
    NegativeAmount,
    BadQuarter,
    BadYear,
    BeforeFounded,
    ProductOfOtherProducer,
    UnknownProduct,
    UnknownProducer,
    UnknownMilestone,
    UnknownLegalForm,
    YearMismatch,
    TooLong,
    NotANumber,
}

impl TradeError {
    pub const ALL: [TradeError; 18] = [
        TradeError::UnknownChannel,
        TradeError::PartnerRequired,
        TradeError::EndsBeforeStart,
        TradeError::NameRequired,
        TradeError::PlaceRequired,
        TradeError::BadCoordinates,
        TradeError::NegativeAmount,
        TradeError::BadQuarter,
        TradeError::BadYear,
        TradeError::BeforeFounded,
        TradeError::ProductOfOtherProducer,
        TradeError::UnknownProduct,
        TradeError::UnknownProducer,
        TradeError::UnknownMilestone,
        TradeError::UnknownLegalForm,
        TradeError::YearMismatch,
        TradeError::TooLong,
        TradeError::NotANumber,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TradeError::UnknownChannel => "unknown_channel",
            TradeError::PartnerRequired => "partner_required",
            TradeError::EndsBeforeStart => "ends_before_start",
            TradeError::NameRequired => "name_required",
            TradeError::PlaceRequired => "place_required",
            TradeError::BadCoordinates => "bad_coordinates",
            TradeError::NegativeAmount => "negative_amount",
            TradeError::BadQuarter => "bad_quarter",
            TradeError::BadYear => "bad_year",
            TradeError::BeforeFounded => "before_founded",
            TradeError::ProductOfOtherProducer => "product_of_other_producer",
            TradeError::UnknownProduct => "unknown_product",
            TradeError::UnknownProducer => "unknown_producer",
            TradeError::UnknownMilestone => "unknown_milestone",
            TradeError::UnknownLegalForm => "unknown_legal_form",
            TradeError::YearMismatch => "year_mismatch",
            TradeError::TooLong => "too_long",
            TradeError::NotANumber => "not_a_number",
        }
    }

    pub fn from_code(code: &str) -> Option<TradeError> {
        TradeError::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn message(self, lang: Lang) -> &'static str {
        use TradeError as E;
        match self {
            E::UnknownChannel => lang.pick(
                "Loại kênh bán hàng không hợp lệ.",
                "Unknown sales channel kind.",
            ),
            E::PartnerRequired => lang.pick(
                "Cần ghi tên đối tác (chuỗi siêu thị, sàn thương mại điện tử…).",
                "The partner (chain, platform…) is required.",
            ),
            E::EndsBeforeStart => lang.pick(
                "Ngày kết thúc không được trước ngày bắt đầu.",
                "The end date cannot be before the start date.",
            ),
            E::NameRequired => lang.pick("Cần nhập tên.", "A name is required."),
            E::PlaceRequired => lang.pick("Cần nhập địa điểm.", "A place is required."),
            E::BadCoordinates => lang.pick(
                "Tọa độ không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180, nhập cả hai.",
                "Invalid coordinates: latitude -90..90, longitude -180..180, both or neither.",
            ),
            E::NegativeAmount => lang.pick(
                "Số tiền và sản lượng không được âm.",
                "Amounts and output cannot be negative.",
            ),
            E::BadQuarter => lang.pick("Quý phải từ 1 đến 4.", "The quarter must be 1 to 4."),
            E::BadYear => lang.pick(
                "Năm không hợp lệ (từ 2000 đến năm sau).",
                "Invalid year (2000 to next year).",
            ),
            E::BeforeFounded => lang.pick(
                "Năm này trước năm thành lập của chủ thể.",
                "The year is before the producer was founded.",
            ),
            E::ProductOfOtherProducer => lang.pick(
                "Sản phẩm này thuộc chủ thể khác.",
                "The product belongs to another producer.",
            ),
            E::UnknownProduct => lang.pick("Không tìm thấy sản phẩm.", "No such product."),
            E::UnknownProducer => lang.pick("Không tìm thấy chủ thể.", "No such producer."),
            E::UnknownMilestone => lang.pick(
                "Loại sự kiện phải là thành lập mới hoặc củng cố.",
                "The kind must be established or consolidated.",
            ),
            E::UnknownLegalForm => {
                lang.pick("Loại hình tổ chức không hợp lệ.", "Unknown legal form.")
            }
            E::YearMismatch => lang.pick(
                "Ngày không thuộc năm đã chọn.",
                "The date is not in the chosen year.",
            ),
            E::TooLong => lang.pick("Nội dung quá dài.", "Text too long."),
            E::NotANumber => lang.pick(
                "Phải là một số nguyên (đồng), ví dụ 1.250.000.",
                "Must be a whole number (đồng), e.g. 1250000.",
            ),
        }
    }
}

impl std::fmt::Display for TradeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

const SHORT_MAX: usize = 255;

fn short(s: &str) -> Result<String, TradeError> {
    let s = clean(s);
    if s.chars().count() > SHORT_MAX {
        return Err(TradeError::TooLong);
    }
    Ok(s)
}

fn opt_short(s: Option<&str>) -> Result<Option<String>, TradeError> {
    match s.map(short).transpose()? {
        Some(v) if !v.is_empty() => Ok(Some(v)),
        _ => Ok(None),
    }
}

/// Both coordinates or neither, each within its range.
pub fn check_coordinates(
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<Option<(f64, f64)>, TradeError> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(a), Some(o))
            if a.is_finite()
                && o.is_finite()
                && (-90.0..=90.0).contains(&a)
                && (-180.0..=180.0).contains(&o) =>
        {
            Ok(Some((a, o)))
        }
        _ => Err(TradeError::BadCoordinates),
    }
}

/// Great-circle distance in kilometres (haversine, mean Earth radius 6,371 km).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

/// Orders places by distance from (lat, lon), nearest first; places without
/// coordinates come last in their given order. Returns (index, km).
pub fn nearest(places: &[Option<(f64, f64)>], lat: f64, lon: f64) -> Vec<(usize, Option<f64>)> {
    let mut out: Vec<(usize, Option<f64>)> = places
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.map(|(a, o)| haversine_km(lat, lon, a, o))))
        .collect();
    out.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.0.cmp(&b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    out
}

/// A sales channel as typed.
#[derive(Debug, Clone, Default)]
pub struct ChannelInput {
    pub kind: String,
    pub partner: String,
    pub contract_ref: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// A checked sales channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelData {
    pub kind: ChannelKind,
    pub partner: String,
    pub contract_ref: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl ChannelInput {
    pub fn validate(&self) -> Result<ChannelData, TradeError> {
        let kind: ChannelKind = self.kind.parse().map_err(|_| TradeError::UnknownChannel)?;
        let partner = short(&self.partner)?;
        if partner.is_empty() {
            return Err(TradeError::PartnerRequired);
        }
        if self.ended_on.is_some_and(|e| e < self.started_on) {
            return Err(TradeError::EndsBeforeStart);
        }
        Ok(ChannelData {
            kind,
            partner,
            contract_ref: opt_short(self.contract_ref.as_deref())?,
            started_on: self.started_on,
            ended_on: self.ended_on,
            note: opt_short(self.note.as_deref())?,
        })
    }
}

/// Years a revenue figure may be entered for: 2000 to next year.
pub fn check_year(year: i32, today: NaiveDate) -> Result<(), TradeError> {
    if (2000..=today.year() + 1).contains(&year) {
        Ok(())
    } else {
        Err(TradeError::BadYear)
    }
}

/// A revenue figure as typed (amounts already parsed as integers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevenueInput {
    pub year: i32,
    pub quarter: Option<i32>,
    pub channel: Option<String>,
    pub revenue_vnd: i64,
    /// Thousandths of `output_unit`.
    pub output_milli: Option<i64>,
    pub output_unit: Option<String>,
}

/// A checked revenue figure.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueData {
    pub year: i32,
    pub quarter: Option<i32>,
    pub channel: Option<ChannelKind>,
    pub revenue_vnd: i64,
    pub output_milli: Option<i64>,
    pub output_unit: Option<String>,
}

impl RevenueInput {
    /// Checks a figure for a product whose producer was founded in `founded` (if
    /// known) and which belongs to `product_owner`, entered for `producer_id`.
    pub fn validate(
        &self,
        today: NaiveDate,
        founded: Option<i64>,
    ) -> Result<RevenueData, TradeError> {
        check_year(self.year, today)?;
        if self.quarter.is_some_and(|q| !(1..=4).contains(&q)) {
            return Err(TradeError::BadQuarter);
        }
        if self.revenue_vnd < 0 || self.output_milli.is_some_and(|o| o < 0) {
            return Err(TradeError::NegativeAmount);
        }
        if founded.is_some_and(|f| i64::from(self.year) < f) {
            return Err(TradeError::BeforeFounded);
        }
        let channel = match self
            .channel
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(c) => Some(
                c.parse::<ChannelKind>()
                    .map_err(|_| TradeError::UnknownChannel)?,
            ),
        };
        Ok(RevenueData {
            year: self.year,
            quarter: self.quarter,
            channel,
            revenue_vnd: self.revenue_vnd,
            output_milli: self.output_milli,
            output_unit: opt_short(self.output_unit.as_deref())?,
        })
    }
}

/// Parses an amount typed by a person: digits with optional `.`/`,`/space as
/// thousands separators ("1.250.000", "1 250 000"). Negative → NegativeAmount.
pub fn parse_amount(s: &str) -> Option<Result<i64, TradeError>> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let digits: String = body
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Err(TradeError::NotANumber));
    }
    if neg {
        return Some(Err(TradeError::NegativeAmount));
    }
    Some(digits.parse::<i64>().map_err(|_| TradeError::NotANumber))
}

/// A point of sale or showroom as typed.
#[derive(Debug, Clone, Default)]
pub struct PointOfSaleInput {
    pub name: String,
    pub address: String,
    pub operator: String,
    pub opened_on: Option<NaiveDate>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub showroom: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PointOfSaleData {
    pub name: String,
    pub address: String,
    pub operator: String,
    pub opened_on: Option<NaiveDate>,
    pub coords: Option<(f64, f64)>,
    pub showroom: bool,
}

impl PointOfSaleInput {
    pub fn validate(&self) -> Result<PointOfSaleData, TradeError> {
        let name = short(&self.name)?;
        if name.is_empty() {
            return Err(TradeError::NameRequired);
        }
        let address = short(&self.address)?;
        if address.is_empty() {
            return Err(TradeError::PlaceRequired);
        }
        Ok(PointOfSaleData {
            name,
            address,
            operator: short(&self.operator)?,
            opened_on: self.opened_on,
            coords: check_coordinates(self.lat, self.lon)?,
            showroom: self.showroom,
        })
    }
}

/// A fair or exhibition as typed.
#[derive(Debug, Clone, Default)]
pub struct FairInput {
    pub name: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub in_province: bool,
    pub sales_vnd: i64,
    pub contracts_signed: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FairData {
    pub name: String,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub in_province: bool,
    pub sales_vnd: i64,
    pub contracts_signed: i64,
}

impl FairInput {
    pub fn validate(&self) -> Result<FairData, TradeError> {
        let name = short(&self.name)?;
        if name.is_empty() {
            return Err(TradeError::NameRequired);
        }
        let place = short(&self.place)?;
        if place.is_empty() {
            return Err(TradeError::PlaceRequired);
        }
        if self.ends_on < self.starts_on {
            return Err(TradeError::EndsBeforeStart);
        }
        if self.sales_vnd < 0 || self.contracts_signed < 0 {
            return Err(TradeError::NegativeAmount);
        }
        Ok(FairData {
            name,
            place,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            in_province: self.in_province,
            sales_vnd: self.sales_vnd,
            contracts_signed: self.contracts_signed,
        })
    }
}

/// An organisation milestone as typed.
#[derive(Debug, Clone, Default)]
pub struct MilestoneInput {
    pub year: i32,
    pub kind: String,
    pub legal_form: String,
    pub occurred_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneData {
    pub year: i32,
    pub kind: MilestoneKind,
    pub legal_form: LegalForm,
    pub occurred_on: NaiveDate,
    pub note: Option<String>,
}

impl MilestoneInput {
    pub fn validate(&self, today: NaiveDate) -> Result<MilestoneData, TradeError> {
        check_year(self.year, today)?;
        let kind = self
            .kind
            .parse()
            .map_err(|_| TradeError::UnknownMilestone)?;
        let legal_form = self
            .legal_form
            .parse()
            .map_err(|_| TradeError::UnknownLegalForm)?;
        if self.occurred_on.year() != self.year {
            return Err(TradeError::YearMismatch);
        }
        Ok(MilestoneData {
            year: self.year,
            kind,
            legal_form,
            occurred_on: self.occurred_on,
            note: opt_short(self.note.as_deref())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn haversine_matches_known_distances() {
        // Lai Châu city (Tân Phong) to Sìn Hồ: about 25 km as the crow flies.
        let km = haversine_km(22.3964, 103.4582, 22.3597, 103.2456);
        assert!((21.0..=24.0).contains(&km), "{km}");
        // Hà Nội to Lai Châu city: about 290 km.
        let hn = haversine_km(21.0285, 105.8542, 22.3964, 103.4582);
        assert!((280.0..=300.0).contains(&hn), "{hn}");
        assert_eq!(haversine_km(22.0, 103.0, 22.0, 103.0), 0.0);
    }

    #[test]
    fn nearest_puts_unknown_places_last() {
        let places = [
            Some((22.36, 103.25)),
            None,
            Some((22.39, 103.46)),
            Some((21.03, 105.85)),
        ];
        let order: Vec<usize> = nearest(&places, 22.40, 103.45)
            .iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(order, [2, 0, 3, 1]);
    }

    #[test]
    fn coordinates_both_or_neither_in_range() {
        assert_eq!(check_coordinates(None, None), Ok(None));
        assert_eq!(
            check_coordinates(Some(22.4), Some(103.4)),
            Ok(Some((22.4, 103.4)))
        );
        assert_eq!(
            check_coordinates(Some(22.4), None),
            Err(TradeError::BadCoordinates)
        );
        assert_eq!(
            check_coordinates(Some(91.0), Some(1.0)),
            Err(TradeError::BadCoordinates)
        );
        assert_eq!(
            check_coordinates(Some(f64::NAN), Some(1.0)),
            Err(TradeError::BadCoordinates)
        );
    }

    #[test]
    fn revenue_refuses_bad_figures() {
        let today = d(2026, 6, 1);
        let ok = RevenueInput {
            year: 2025,
            revenue_vnd: 1_000_000,
            ..Default::default()
        };
        assert!(ok.validate(today, Some(2020)).is_ok());
        let neg = RevenueInput {
            revenue_vnd: -1,
            ..ok.clone()
        };
        assert_eq!(neg.validate(today, None), Err(TradeError::NegativeAmount));
        let q = RevenueInput {
            quarter: Some(5),
            ..ok.clone()
        };
        assert_eq!(q.validate(today, None), Err(TradeError::BadQuarter));
        let q0 = RevenueInput {
            quarter: Some(0),
            ..ok.clone()
        };
        assert_eq!(q0.validate(today, None), Err(TradeError::BadQuarter));
        assert_eq!(
            ok.validate(today, Some(2026)),
            Err(TradeError::BeforeFounded)
        );
        let future = RevenueInput {
            year: 2028,
            ..ok.clone()
        };
        assert_eq!(future.validate(today, None), Err(TradeError::BadYear));
        let ch = RevenueInput {
            channel: Some("shop".into()),
            ..ok.clone()
        };
        assert_eq!(ch.validate(today, None), Err(TradeError::UnknownChannel));
        let ch = RevenueInput {
            channel: Some("ecommerce".into()),
            ..ok
        };
        assert_eq!(
            ch.validate(today, None).unwrap().channel,
            Some(ChannelKind::Ecommerce)
        );
    }

    #[test]
    fn amounts_read_the_vietnamese_way() {
        assert_eq!(parse_amount("1.250.000"), Some(Ok(1_250_000)));
        assert_eq!(parse_amount(" 1 250 000 "), Some(Ok(1_250_000)));
        assert_eq!(parse_amount(""), None);
        assert_eq!(parse_amount("-5"), Some(Err(TradeError::NegativeAmount)));
        assert!(parse_amount("abc").unwrap().is_err());
    }

    #[test]
    fn channel_needs_partner_and_ordered_dates() {
        let c = ChannelInput {
            kind: "supermarket".into(),
            partner: " WinMart ".into(),
            started_on: d(2025, 1, 1),
            ..Default::default()
        };
        assert_eq!(c.validate().unwrap().partner, "WinMart");
        let bad = ChannelInput {
            ended_on: Some(d(2024, 12, 31)),
            ..c.clone()
        };
        assert_eq!(bad.validate(), Err(TradeError::EndsBeforeStart));
        let np = ChannelInput {
            partner: "  ".into(),
            ..c.clone()
        };
        assert_eq!(np.validate(), Err(TradeError::PartnerRequired));
        let nk = ChannelInput {
            kind: "shop".into(),
            ..c
        };
        assert_eq!(nk.validate(), Err(TradeError::UnknownChannel));
    }

    #[test]
    fn fair_and_milestone_checks() {
        let f = FairInput {
            name: "Hội chợ OCOP".into(),
            place: "Hà Nội".into(),
            starts_on: d(2025, 10, 1),
            ends_on: d(2025, 10, 5),
            sales_vnd: 5,
            ..Default::default()
        };
        assert!(f.validate().is_ok());
        assert_eq!(
            FairInput {
                sales_vnd: -1,
                ..f.clone()
            }
            .validate(),
            Err(TradeError::NegativeAmount)
        );
        assert_eq!(
            FairInput {
                ends_on: d(2025, 9, 30),
                ..f
            }
            .validate(),
            Err(TradeError::EndsBeforeStart)
        );
        let m = MilestoneInput {
            year: 2025,
            kind: "established".into(),
            legal_form: "cooperative".into(),
            occurred_on: d(2025, 3, 1),
            note: None,
        };
        assert_eq!(
            m.validate(d(2026, 1, 1)).unwrap().kind,
            MilestoneKind::Established
        );
        assert_eq!(
            MilestoneInput {
                occurred_on: d(2024, 3, 1),
                ..m.clone()
            }
            .validate(d(2026, 1, 1)),
            Err(TradeError::YearMismatch)
        );
        assert_eq!(
            MilestoneInput {
                kind: "x".into(),
                ..m
            }
            .validate(d(2026, 1, 1)),
            Err(TradeError::UnknownMilestone)
        );
    }

    #[test]
    fn codes_round_trip() {
        for e in TradeError::ALL {
            assert_eq!(TradeError::from_code(e.code()), Some(e));
            assert!(!e.message(Lang::Vi).is_empty());
        }
    }
}
