//! News and announcements on the public site: written by officers, published,
//! withdrawn.

use crate::roles::{Principal, Role};

str_enum! {
    /// What an announcement is about.
    NewsCategory {
        RoundOpened = "round_opened", "Mở đợt đánh giá", "Evaluation round opened";
        Fair = "fair", "Hội chợ, triển lãm", "Fair or exhibition";
        Results = "results", "Kết quả đánh giá", "Evaluation results";
        General = "general", "Tin chung", "General news";
    }
}

str_enum! {
    /// Where a news item stands: only published items are public.
    NewsStatus {
        Draft = "draft", "Bản nháp", "Draft";
        Published = "published", "Đã đăng", "Published";
        Withdrawn = "withdrawn", "Đã gỡ", "Withdrawn";
    }
}

/// The state after publishing (`publish = true`) or withdrawing; None when not
/// allowed. A withdrawn item may be published again.
pub fn next_status(from: NewsStatus, publish: bool) -> Option<NewsStatus> {
    match (from, publish) {
        (NewsStatus::Draft | NewsStatus::Withdrawn, true) => Some(NewsStatus::Published),
        (NewsStatus::Published, false) => Some(NewsStatus::Withdrawn),
        _ => None,
    }
}

/// Officers (and the admin) write and publish news; producers, council members,
/// inspectors and viewers do not.
pub fn may_write(p: &Principal) -> bool {
    p.role == Role::Admin || p.role.is_officer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_moves_draft_published_withdrawn() {
        assert_eq!(
            next_status(NewsStatus::Draft, true),
            Some(NewsStatus::Published)
        );
        assert_eq!(
            next_status(NewsStatus::Published, false),
            Some(NewsStatus::Withdrawn)
        );
        assert_eq!(
            next_status(NewsStatus::Withdrawn, true),
            Some(NewsStatus::Published)
        );
        assert_eq!(next_status(NewsStatus::Draft, false), None);
        assert_eq!(next_status(NewsStatus::Published, true), None);
        let producer = Principal::new(1, "p".into(), Role::Producer, None, Some(1));
        assert!(!may_write(&producer));
        let o = Principal::new(
            2,
            "o".into(),
            Role::ProvinceOfficer,
            Some("VN/12/".into()),
            None,
        );
        assert!(may_write(&o));
    }
}
