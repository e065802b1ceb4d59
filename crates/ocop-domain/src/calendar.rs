//! Working days: Vietnam's public holidays and make-up working days as data
//! (`data/calendar/vn-holidays.toml`, embedded), one entry per year.
//!
//! A working day is a weekday that is not a day off, or a weekend day declared a
//! working day in exchange for one moved next to a holiday (*làm bù*). Years whose
//! days the Government has not announced yet are listed from the Labour Code and the
//! lunar calendar and marked `provisional`. A date in a year the data does not
//! cover is an error ([`NoCalendar`]), never a guess: add the year to the data.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The embedded holiday data.
pub const EMBEDDED: &str = include_str!("../../../data/calendar/vn-holidays.toml");

/// A date in a year the holiday calendar does not cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "Chưa có lịch ngày nghỉ lễ năm {year} (data/calendar/vn-holidays.toml): không tính được \
     thời hạn theo ngày làm việc. / No holiday calendar for {year}: working-day deadlines \
     cannot be computed until the year is added."
)]
pub struct NoCalendar {
    pub year: i32,
}

/// One year of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Year {
    /// Derived from the law and the lunar calendar, not yet announced.
    pub provisional: bool,
    pub source: String,
    pub days_off: BTreeSet<NaiveDate>,
    /// Weekend days declared working days (làm bù).
    pub working_days: BTreeSet<NaiveDate>,
}

/// Holidays and make-up working days by year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    pub years: BTreeMap<i32, Year>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    provisional: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    days_off: Vec<NaiveDate>,
    #[serde(default)]
    working_days: Vec<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    years: Vec<RawYear>,
}

impl Calendar {
    /// Reads the TOML format of `data/calendar/vn-holidays.toml`. Refuses a year
    /// listed twice, a date outside its year, a make-up day that is not a weekend
    /// day, and a day both off and working.
    pub fn from_toml(text: &str) -> Result<Calendar, String> {
        let raw: RawCalendar = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut years = BTreeMap::new();
        for y in raw.years {
            let days_off: BTreeSet<NaiveDate> = y.days_off.into_iter().collect();
            let working_days: BTreeSet<NaiveDate> = y.working_days.into_iter().collect();
            if let Some(d) = days_off
                .iter()
                .chain(&working_days)
                .find(|d| d.year() != y.year)
            {
                return Err(format!("year {}: {d} is not in that year", y.year));
            }
            if let Some(d) = working_days
                .iter()
                .find(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            {
                return Err(format!(
                    "year {}: {d} is a weekday; working_days lists weekend days made working days",
                    y.year
                ));
            }
            if let Some(d) = days_off.intersection(&working_days).next() {
                return Err(format!("year {}: {d} is both off and working", y.year));
            }
            let year = Year {
                provisional: y.provisional,
                source: y.source,
                days_off,
                working_days,
            };
            if years.insert(y.year, year).is_some() {
                return Err(format!("year {} is listed twice", y.year));
            }
        }
        Ok(Calendar { years })
    }

    /// The calendar compiled into the binary.
    pub fn embedded() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        // The embedded file is checked by the tests below; a broken one cannot ship.
        CAL.get_or_init(|| Calendar::from_toml(EMBEDDED).unwrap_or_default())
    }

    /// Is `d` a working day?
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, NoCalendar> {
        let y = self
            .years
            .get(&d.year())
            .ok_or(NoCalendar { year: d.year() })?;
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        Ok(if weekend {
            y.working_days.contains(&d)
        } else {
            !y.days_off.contains(&d)
        })
    }

    /// The day by which `n` working days after `start` have passed, not counting the
    /// days inside `paused` (inclusive ranges: the clock stops while a supplement is
    /// awaited).
    pub fn deadline(
        &self,
        start: NaiveDate,
        n: u32,
        paused: &[(NaiveDate, NaiveDate)],
    ) -> Result<NaiveDate, NoCalendar> {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            let stopped = paused.iter().any(|(a, b)| d >= *a && d <= *b);
            if !stopped && self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days in a year.
    pub fn working_days_in(&self, year: i32) -> Result<usize, NoCalendar> {
        let mut d = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(NoCalendar { year })?;
        let mut n = 0;
        while d.year() == year {
            if self.is_working_day(d)? {
                n += 1;
            }
            d += Duration::days(1);
        }
        Ok(n)
    }

    /// Is the year's data only derived from the law, not announced yet?
    pub fn is_provisional(&self, year: i32) -> Option<bool> {
        self.years.get(&year).map(|y| y.provisional)
    }
}

/// Is `d` a working day (embedded calendar)?
pub fn is_working_day(d: NaiveDate) -> Result<bool, NoCalendar> {
    Calendar::embedded().is_working_day(d)
}

/// [`Calendar::deadline`] on the embedded calendar.
pub fn deadline(
    start: NaiveDate,
    n: u32,
    paused: &[(NaiveDate, NaiveDate)],
) -> Result<NaiveDate, NoCalendar> {
    Calendar::embedded().deadline(start, n, paused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_embedded_calendar_covers_2021_to_2030() {
        let c = Calendar::from_toml(EMBEDDED).unwrap();
        assert_eq!(
            c.years.keys().copied().collect::<Vec<_>>(),
            (2021..=2030).collect::<Vec<_>>()
        );
        for (year, y) in &c.years {
            // Every year has 1/1, the five days of Tết or more, 30/4, 1/5, 2/9 and its
            // companion, Hùng Kings: at least 11 days, weekends included.
            assert!(y.days_off.len() >= 11, "{year}: {:?}", y.days_off);
            for (m, day) in [(1, 1), (4, 30), (5, 1), (9, 2)] {
                assert!(y.days_off.contains(&d(*year, m, day)), "{year}-{m}-{day}");
            }
            assert_eq!(y.provisional, *year >= 2027, "{year}");
        }
        assert_eq!(c.is_provisional(2030), Some(true));
        assert_eq!(c.is_provisional(2031), None);
    }

    #[test]
    fn a_year_has_its_working_day_count() {
        let c = Calendar::embedded();
        // 2024: 262 weekdays − 12 days off on weekdays (1/1; Tết 8, 9, 12, 13, 14/2;
        // 18/4; 29/4, 30/4, 1/5; 2/9, 3/9) + Saturday 4/5 made a working day.
        assert_eq!(c.working_days_in(2024), Ok(251));
        // 2025: 261 weekdays − 12 days off on weekdays (1/1; Tết 27–31/1; 7/4; 30/4,
        // 1/5, 2/5; 1/9, 2/9) + Saturday 26/4 made a working day.
        assert_eq!(c.working_days_in(2025), Ok(261 - 12 + 1));
        assert_eq!(c.working_days_in(2031), Err(NoCalendar { year: 2031 }));
    }

    #[test]
    fn a_make_up_saturday_is_a_working_day() {
        assert_eq!(
            is_working_day(d(2024, 5, 4)),
            Ok(true),
            "làm bù for 29/4/2024"
        );
        assert_eq!(
            is_working_day(d(2024, 4, 29)),
            Ok(false),
            "moved next to 30/4"
        );
        assert_eq!(
            is_working_day(d(2026, 1, 10)),
            Ok(true),
            "làm bù for 2/1/2026"
        );
        assert_eq!(
            is_working_day(d(2026, 1, 17)),
            Ok(false),
            "an ordinary Saturday"
        );
        // Friday 2/1/2026 is off; 6 working days from Wed 31/12/2025 end on the
        // make-up Saturday 10/1 (5, 6, 7, 8, 9, 10 after 1/1 and 2/1 off).
        assert_eq!(deadline(d(2025, 12, 31), 6, &[]), Ok(d(2026, 1, 10)));
    }

    #[test]
    fn a_deadline_into_a_year_without_calendar_is_an_error() {
        assert_eq!(
            deadline(d(2030, 12, 20), 15, &[]),
            Err(NoCalendar { year: 2031 })
        );
        assert_eq!(
            is_working_day(d(2020, 6, 1)),
            Err(NoCalendar { year: 2020 })
        );
        let e = NoCalendar { year: 2031 }.to_string();
        assert!(e.contains("2031") && e.contains("Chưa có lịch"), "{e}");
        // Within the data it works up to the last day.
        assert_eq!(deadline(d(2030, 12, 20), 5, &[]), Ok(d(2030, 12, 27)));
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_paused_days() {
        // Friday 25/04/2025 + 3 working days: (Sat 26/4 is a make-up day) 26/4, 28/4,
        // 29/4; 30/4, 1/5 and 2/5 are off.
        assert_eq!(deadline(d(2025, 4, 25), 3, &[]), Ok(d(2025, 4, 29)));
        assert_eq!(deadline(d(2025, 4, 25), 4, &[]), Ok(d(2025, 5, 5)));
        // 15 working days from Monday 3/11/2025: three weeks.
        assert_eq!(deadline(d(2025, 11, 3), 15, &[]), Ok(d(2025, 11, 24)));
        // A supplement awaited for a week pushes it by five working days.
        assert_eq!(
            deadline(d(2025, 11, 3), 15, &[(d(2025, 11, 5), d(2025, 11, 11))]),
            Ok(d(2025, 12, 1))
        );
        assert_eq!(is_working_day(d(2026, 2, 17)), Ok(false), "Tết");
        assert_eq!(is_working_day(d(2026, 9, 2)), Ok(false));
        assert_eq!(
            is_working_day(d(2026, 4, 27)),
            Ok(false),
            "Hùng Kings on a Sunday"
        );
        assert_eq!(
            is_working_day(d(2024, 9, 3)),
            Ok(false),
            "2/9/2024 with 3/9"
        );
        assert_eq!(is_working_day(d(2024, 9, 1)), Ok(false), "a Sunday");
        assert_eq!(is_working_day(d(2024, 9, 4)), Ok(true));
    }

    #[test]
    fn bad_calendar_data_is_refused() {
        for (bad, why) in [
            ("[[years]]\nyear = 2031\ndays_off = [\"2030-01-01\"]\n", "not in that year"),
            ("[[years]]\nyear = 2031\nworking_days = [\"2031-01-06\"]\n", "weekday"),
            ("[[years]]\nyear = 2031\n[[years]]\nyear = 2031\n", "twice"),
            (
                "[[years]]\nyear = 2031\ndays_off = [\"2031-01-04\"]\nworking_days = [\"2031-01-04\"]\n",
                "both",
            ),
            ("[[years]]\nyear = 2031\nholidays = []\n", "unknown field"),
        ] {
            let e = Calendar::from_toml(bad).unwrap_err();
            assert!(e.contains(why), "{why}: {e}");
        }
    }
}
