//! Periodic reports (issue 13): kinds, periods, states and who may move them.
//!
//! A unit's officer makes a report for a period; it fills itself from the
//! indicators, measured on the period's last day. The officer annotates it and
//! submits it to the level above (a commune to its district before the reform and
//! to the province after it, a district to the province, the province to the
//! centre). Submitting freezes it: the store keeps the figures as submitted. The
//! receiving level accepts it, or returns it with a reason; a returned report may be
//! annotated and submitted again.

use crate::roles::{Principal, Role, Scope};
use chrono::{Datelike, NaiveDate};

str_enum! {
    /// Which template a report follows.
    ReportKind {
        Quarterly = "quarterly", "Báo cáo quý", "Quarterly report";
        SixMonthly = "six_monthly", "Báo cáo 6 tháng", "Six-monthly report";
        Annual = "annual", "Báo cáo năm", "Annual report";
        AdHoc = "ad_hoc", "Báo cáo đột xuất", "Ad hoc report";
    }
}

str_enum! {
    /// Where a report stands.
    ReportState {
        Draft = "draft", "Đang soạn", "Draft";
        Submitted = "submitted", "Đã gửi", "Submitted";
        Accepted = "accepted", "Đã tiếp nhận", "Accepted";
        Returned = "returned", "Bị trả lại", "Returned";
    }
}

/// What may be done to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    Annotate,
    Submit,
    Accept,
    Return,
}

/// Why a report operation was refused (both languages for pages and API).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("the period ends before it starts")]
    PeriodReversed,
    #[error("a {0} report must cover a whole calendar {1}")]
    PeriodShape(&'static str, &'static str),
    #[error("the report was already submitted")]
    AlreadySubmitted,
    #[error("the report cannot be {0} in its present state")]
    WrongState(&'static str),
    #[error("a reason is required to return a report")]
    ReasonRequired,
    #[error("you may not do this to this report")]
    NotAllowed,
}

impl ReportError {
    pub fn message_vi(&self) -> String {
        match self {
            ReportError::PeriodReversed => "Kỳ báo cáo kết thúc trước ngày bắt đầu.".into(),
            ReportError::PeriodShape(_, _) => {
                "Kỳ báo cáo phải trùng với một quý, nửa năm hoặc năm dương lịch.".into()
            }
            ReportError::AlreadySubmitted => "Báo cáo đã được gửi, không gửi lại.".into(),
            ReportError::WrongState(_) => {
                "Không thể thực hiện thao tác này ở trạng thái hiện tại của báo cáo.".into()
            }
            ReportError::ReasonRequired => "Phải ghi lý do khi trả lại báo cáo.".into(),
            ReportError::NotAllowed => "Bạn không có quyền thực hiện thao tác này.".into(),
        }
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn month_end(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).pred_opt().expect("valid date")
}

/// The calendar period `n` (1-based quarter or half; ignored for annual) of `year`.
pub fn standard_period(kind: ReportKind, year: i32, n: u32) -> Option<(NaiveDate, NaiveDate)> {
    match kind {
        ReportKind::Quarterly if (1..=4).contains(&n) => {
            let m = (n - 1) * 3 + 1;
            Some((ymd(year, m, 1), month_end(year, m + 2)))
        }
        ReportKind::SixMonthly if (1..=2).contains(&n) => {
            let m = (n - 1) * 6 + 1;
            Some((ymd(year, m, 1), month_end(year, m + 5)))
        }
        ReportKind::Annual => Some((ymd(year, 1, 1), ymd(year, 12, 31))),
        _ => None,
    }
}

/// A report's period must start no later than it ends; the periodic kinds must
/// cover exactly a calendar quarter, half-year or year; ad hoc ones any span.
pub fn check_period(kind: ReportKind, from: NaiveDate, to: NaiveDate) -> Result<(), ReportError> {
    if to < from {
        return Err(ReportError::PeriodReversed);
    }
    let (n, what) = match kind {
        ReportKind::AdHoc => return Ok(()),
        ReportKind::Quarterly => ((from.month() - 1) / 3 + 1, "quarter"),
        ReportKind::SixMonthly => ((from.month() - 1) / 6 + 1, "half-year"),
        ReportKind::Annual => (1, "year"),
    };
    match standard_period(kind, from.year(), n) {
        Some(p) if p == (from, to) => Ok(()),
        _ => Err(ReportError::PeriodShape(kind.as_str(), what)),
    }
}

/// The last day a report is on time: ten days after its period ends.
pub fn due_on(period_to: NaiveDate) -> NaiveDate {
    period_to + chrono::Duration::days(10)
}

/// The unit a report goes to: the parent's path (`VN/12/105/03386/` →
/// `VN/12/105/`); a province reports to the centre (`VN/`).
pub fn receiver_path(unit_path: &str) -> String {
    let trimmed = unit_path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => format!("{}/", &trimmed[..i]),
        None => "VN/".into(),
    }
}

/// Is `p` an officer *of* the unit at `path` (its own unit, not one above or below;
/// the centre for `VN/`), or an administrator?
pub fn officer_of(p: &Principal, path: &str) -> bool {
    if p.role == Role::Admin {
        return true;
    }
    if !p.role.is_officer() {
        return false;
    }
    match &p.scope {
        Scope::All => path == "VN/",
        Scope::Unit { path: mine } => mine == path,
        _ => false,
    }
}

/// Checks `action` on a report in `state` of the unit at `unit_path` going to
/// `receiver`, by `p`; returns the state after it. The unit's own officer
/// annotates and submits; the receiving unit's officer accepts or returns.
pub fn transition(
    p: &Principal,
    state: ReportState,
    action: ReportAction,
    unit_path: &str,
    receiver: &str,
    reason: &str,
) -> Result<ReportState, ReportError> {
    use ReportAction as A;
    use ReportState as S;
    let allowed = match action {
        A::Annotate | A::Submit => officer_of(p, unit_path),
        A::Accept | A::Return => officer_of(p, receiver),
    };
    if !allowed {
        return Err(ReportError::NotAllowed);
    }
    match (action, state) {
        (A::Annotate, S::Draft | S::Returned) => Ok(state),
        (A::Annotate, _) => Err(ReportError::WrongState("annotated")),
        (A::Submit, S::Draft | S::Returned) => Ok(S::Submitted),
        (A::Submit, _) => Err(ReportError::AlreadySubmitted),
        (A::Accept, S::Submitted) => Ok(S::Accepted),
        (A::Accept, _) => Err(ReportError::WrongState("accepted")),
        (A::Return, S::Submitted) if reason.trim().is_empty() => Err(ReportError::ReasonRequired),
        (A::Return, S::Submitted) => Ok(S::Returned),
        (A::Return, _) => Err(ReportError::WrongState("returned")),
    }
}

/// May `p` make a report for the unit at `unit_path`?
pub fn may_create(p: &Principal, unit_path: &str) -> bool {
    officer_of(p, unit_path)
}

/// Whether a submitted report was on time, from the day it was submitted.
pub fn on_time(period_to: NaiveDate, submitted_on: NaiveDate) -> bool {
    submitted_on <= due_on(period_to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(role: Role, path: &str) -> Principal {
        Principal::new(1, "o".into(), role, Some(path.into()), None)
    }

    #[test]
    fn periods_are_calendar_periods_and_never_reversed() {
        assert_eq!(
            standard_period(ReportKind::Quarterly, 2025, 3),
            Some((ymd(2025, 7, 1), ymd(2025, 9, 30)))
        );
        assert_eq!(
            standard_period(ReportKind::SixMonthly, 2024, 1),
            Some((ymd(2024, 1, 1), ymd(2024, 6, 30)))
        );
        assert!(check_period(ReportKind::Quarterly, ymd(2025, 7, 1), ymd(2025, 9, 30)).is_ok());
        assert_eq!(
            check_period(ReportKind::AdHoc, ymd(2025, 9, 30), ymd(2025, 7, 1)),
            Err(ReportError::PeriodReversed)
        );
        assert!(check_period(ReportKind::Quarterly, ymd(2025, 7, 1), ymd(2025, 10, 31)).is_err());
        assert!(check_period(ReportKind::Annual, ymd(2025, 1, 1), ymd(2025, 12, 31)).is_ok());
        assert!(check_period(ReportKind::AdHoc, ymd(2025, 1, 5), ymd(2025, 1, 5)).is_ok());
    }

    #[test]
    fn reports_go_to_the_parent_unit() {
        assert_eq!(receiver_path("VN/12/03388/"), "VN/12/");
        assert_eq!(receiver_path("VN/12/105/03386/"), "VN/12/105/");
        assert_eq!(receiver_path("VN/12/"), "VN/");
    }

    #[test]
    fn the_unit_submits_once_and_the_level_above_decides() {
        let commune = officer(Role::CommuneOfficer, "VN/12/03388/");
        let province = officer(Role::ProvinceOfficer, "VN/12/");
        let (u, r) = ("VN/12/03388/", "VN/12/");
        use ReportAction as A;
        use ReportState as S;
        assert_eq!(
            transition(&commune, S::Draft, A::Submit, u, r, ""),
            Ok(S::Submitted)
        );
        assert_eq!(
            transition(&commune, S::Submitted, A::Submit, u, r, ""),
            Err(ReportError::AlreadySubmitted)
        );
        assert_eq!(
            transition(&commune, S::Submitted, A::Accept, u, r, ""),
            Err(ReportError::NotAllowed)
        );
        assert_eq!(
            transition(&province, S::Draft, A::Submit, u, r, ""),
            Err(ReportError::NotAllowed)
        );
        assert_eq!(
            transition(&province, S::Submitted, A::Return, u, r, "  "),
            Err(ReportError::ReasonRequired)
        );
        assert_eq!(
            transition(&province, S::Submitted, A::Return, u, r, "Thiếu số liệu"),
            Ok(S::Returned)
        );
        assert_eq!(
            transition(&commune, S::Returned, A::Annotate, u, r, ""),
            Ok(S::Returned)
        );
        assert_eq!(
            transition(&commune, S::Returned, A::Submit, u, r, ""),
            Ok(S::Submitted)
        );
        assert_eq!(
            transition(&province, S::Submitted, A::Accept, u, r, ""),
            Ok(S::Accepted)
        );
        assert_eq!(
            transition(&commune, S::Accepted, A::Annotate, u, r, ""),
            Err(ReportError::WrongState("annotated"))
        );
        let viewer = officer(Role::Viewer, "VN/12/");
        assert!(!may_create(&viewer, "VN/12/"));
        assert!(may_create(&province, "VN/12/"));
        assert!(!may_create(&province, "VN/12/03388/"));
    }

    #[test]
    fn timeliness_allows_ten_days() {
        assert!(on_time(ymd(2025, 9, 30), ymd(2025, 10, 10)));
        assert!(!on_time(ymd(2025, 9, 30), ymd(2025, 10, 11)));
    }
}
