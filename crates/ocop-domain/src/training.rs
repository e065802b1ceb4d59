//! Training and communication (Lai Châu plan 2025, III.1): courses with their
//! attendees, and the pieces that tell the public about the programme.

str_enum! {
    /// Who attended a course.
    AttendeeRole {
        Official = "official", "Cán bộ", "Official";
        Producer = "producer", "Chủ thể sản xuất", "Producer";
    }
}

str_enum! {
    /// A piece of communication about the programme.
    PieceKind {
        Clip = "clip", "Phóng sự truyền hình, phát thanh", "TV or radio clip";
        Article = "article", "Bài viết", "Article";
        Panel = "panel", "Pa nô, áp phích", "Panel or poster";
        Event = "event", "Sự kiện", "Event";
    }
}

/// Attendees counted by role: (officials, producers).
pub fn counts_by_role<'a>(roles: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    roles.into_iter().fold((0, 0), |(o, p), r| match r.parse() {
        Ok(AttendeeRole::Official) => (o + 1, p),
        Ok(AttendeeRole::Producer) => (o, p + 1),
        Err(_) => (o, p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendees_are_counted_by_role() {
        assert_eq!(
            counts_by_role(["official", "producer", "producer", "x"]),
            (1, 2)
        );
        assert_eq!(counts_by_role([]), (0, 0));
        assert_eq!("clip".parse::<PieceKind>(), Ok(PieceKind::Clip));
    }
}
