//! Programme operations after recognition: sales channels, revenue and the
//! economic organisations the plan counts (Lai Châu plan 2025, II.2, II.3, II.5 and
//! III.4). The codes here are stored in the database and used by the indicators.

str_enum! {
    /// Where a producer sells. The plan's target 3 counts the *modern* ones
    /// ("chuỗi siêu thị, cửa hàng tiện lợi, sàn thương mại điện tử…").
    ChannelKind {
        Supermarket = "supermarket", "Chuỗi siêu thị", "Supermarket chain";
        Convenience = "convenience", "Cửa hàng tiện lợi", "Convenience store chain";
        Ecommerce = "ecommerce", "Sàn thương mại điện tử", "E-commerce platform";
        OwnOnline = "own_online", "Cửa hàng trực tuyến của chủ thể", "Producer's own online shop";
        Export = "export", "Xuất khẩu", "Export";
        PointOfSale = "point_of_sale", "Điểm giới thiệu và bán sản phẩm OCOP", "OCOP point of sale";
        Traditional = "traditional", "Chợ, đại lý truyền thống", "Traditional market or agent";
    }
}

impl ChannelKind {
    /// Modern distribution channels in the sense of the plan's target 3: supermarket
    /// and convenience chains, e-commerce platforms and the producer's own online
    /// shop. Export, OCOP points of sale and traditional trade are channels, but not
    /// modern ones.
    pub fn is_modern(self) -> bool {
        matches!(
            self,
            ChannelKind::Supermarket
                | ChannelKind::Convenience
                | ChannelKind::Ecommerce
                | ChannelKind::OwnOnline
        )
    }
}

str_enum! {
    /// What happened to an economic organisation in a year (plan target 2:
    /// "phát triển mới và củng cố").
    MilestoneKind {
        Established = "established", "Thành lập mới", "Newly established";
        Consolidated = "consolidated", "Củng cố, kiện toàn", "Consolidated";
    }
}

/// A channel contract is active on `day` when it started on or before that day and
/// has not ended before it (an end date is the last day of activity).
pub fn channel_active_on(
    started_on: chrono::NaiveDate,
    ended_on: Option<chrono::NaiveDate>,
    day: chrono::NaiveDate,
) -> bool {
    started_on <= day && ended_on.is_none_or(|e| e >= day)
}

/// One stored revenue figure of a product (a row of `revenue_records`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevenueFigure<'a> {
    pub year: i32,
    /// 1–4, or None for the whole year.
    pub quarter: Option<i32>,
    /// A channel code, or None for all channels together.
    pub channel: Option<&'a str>,
    pub revenue_vnd: i64,
}

/// A product's revenue for `year`, from whatever figures were entered, without
/// counting anything twice: the whole-year all-channel figure when there is one;
/// otherwise the sum of the whole-year figures per channel; otherwise the four
/// quarters (each quarter by the same rule: its all-channel figure, else the sum of
/// its channels). None when nothing was entered for the year.
pub fn yearly_revenue(figures: &[RevenueFigure<'_>], year: i32) -> Option<i64> {
    let of_year: Vec<_> = figures.iter().filter(|f| f.year == year).collect();
    if of_year.is_empty() {
        return None;
    }
    let period = |q: Option<i32>| -> Option<i64> {
        let rows: Vec<_> = of_year.iter().filter(|f| f.quarter == q).collect();
        if let Some(all) = rows.iter().find(|f| f.channel.is_none()) {
            return Some(all.revenue_vnd);
        }
        if rows.is_empty() {
            None
        } else {
            Some(rows.iter().map(|f| f.revenue_vnd).sum())
        }
    };
    period(None).or_else(|| {
        let quarters: Vec<i64> = (1..=4).filter_map(|q| period(Some(q))).collect();
        (!quarters.is_empty()).then(|| quarters.iter().sum())
    })
}

/// Year-on-year growth in percent, None when the earlier year has no revenue.
pub fn growth_percent(previous: i64, current: i64) -> Option<f64> {
    (previous > 0).then(|| (current - previous) as f64 * 100.0 / previous as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn modern_channels_are_the_plans() {
        let modern: Vec<_> = ChannelKind::ALL
            .iter()
            .filter(|k| k.is_modern())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            modern,
            ["supermarket", "convenience", "ecommerce", "own_online"]
        );
        assert_eq!("export".parse::<ChannelKind>(), Ok(ChannelKind::Export));
        assert!("shop".parse::<ChannelKind>().is_err());
    }

    #[test]
    fn activity_counts_both_ends() {
        assert!(channel_active_on(d(2025, 1, 1), None, d(2025, 1, 1)));
        assert!(!channel_active_on(d(2025, 1, 2), None, d(2025, 1, 1)));
        assert!(channel_active_on(
            d(2024, 1, 1),
            Some(d(2025, 6, 30)),
            d(2025, 6, 30)
        ));
        assert!(!channel_active_on(
            d(2024, 1, 1),
            Some(d(2025, 6, 30)),
            d(2025, 7, 1)
        ));
    }

    fn f(year: i32, quarter: Option<i32>, channel: Option<&str>, v: i64) -> RevenueFigure<'_> {
        RevenueFigure {
            year,
            quarter,
            channel,
            revenue_vnd: v,
        }
    }

    #[test]
    fn yearly_revenue_never_counts_twice() {
        // The whole-year total wins over channels and quarters entered beside it.
        let all = [
            f(2025, None, None, 1000),
            f(2025, None, Some("ecommerce"), 300),
            f(2025, Some(1), None, 250),
        ];
        assert_eq!(yearly_revenue(&all, 2025), Some(1000));
        // Channels of the year add up when there is no total.
        let channels = [
            f(2025, None, Some("ecommerce"), 300),
            f(2025, None, Some("export"), 200),
        ];
        assert_eq!(yearly_revenue(&channels, 2025), Some(500));
        // Quarters add up, each by its own total or channels.
        let quarters = [
            f(2025, Some(1), None, 100),
            f(2025, Some(1), Some("export"), 40),
            f(2025, Some(2), Some("export"), 60),
            f(2025, Some(2), Some("ecommerce"), 10),
        ];
        assert_eq!(yearly_revenue(&quarters, 2025), Some(170));
        assert_eq!(yearly_revenue(&quarters, 2024), None);
    }

    #[test]
    fn growth_needs_an_earlier_figure() {
        assert_eq!(growth_percent(0, 10), None);
        assert_eq!(growth_percent(200, 210), Some(5.0));
        assert_eq!(growth_percent(200, 180), Some(-10.0));
    }
}
