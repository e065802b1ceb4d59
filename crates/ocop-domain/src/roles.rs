//! Roles, scopes and what each may do.
//!
//! Authorisation decisions live here so that the web layer only asks
//! "may this principal do X to a record located at Y?" and both the pages and the
//! API give the same answer.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role. The names are part of the CLI contract (`ocop user add --role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    CentralOfficer,
    ProvinceOfficer,
    DistrictOfficer,
    CommuneOfficer,
    CouncilMember,
    Inspector,
    Producer,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::CentralOfficer,
        Role::ProvinceOfficer,
        Role::DistrictOfficer,
        Role::CommuneOfficer,
        Role::CouncilMember,
        Role::Inspector,
        Role::Producer,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CentralOfficer => "central_officer",
            Role::ProvinceOfficer => "province_officer",
            Role::DistrictOfficer => "district_officer",
            Role::CommuneOfficer => "commune_officer",
            Role::CouncilMember => "council_member",
            Role::Inspector => "inspector",
            Role::Producer => "producer",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::CentralOfficer => "Cán bộ Trung ương",
            Role::ProvinceOfficer => "Cán bộ cấp tỉnh",
            Role::DistrictOfficer => "Cán bộ cấp huyện",
            Role::CommuneOfficer => "Cán bộ cấp xã",
            Role::CouncilMember => "Thành viên Hội đồng",
            Role::Inspector => "Cán bộ kiểm tra",
            Role::Producer => "Chủ thể OCOP",
            Role::Viewer => "Người xem",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::CentralOfficer => "Central officer",
            Role::ProvinceOfficer => "Province officer",
            Role::DistrictOfficer => "District officer",
            Role::CommuneOfficer => "Commune officer",
            Role::CouncilMember => "Council member",
            Role::Inspector => "Inspector",
            Role::Producer => "Producer",
            Role::Viewer => "Viewer",
        }
    }

    /// Officers work on the registry within their unit.
    pub fn is_officer(self) -> bool {
        matches!(
            self,
            Role::CentralOfficer
                | Role::ProvinceOfficer
                | Role::DistrictOfficer
                | Role::CommuneOfficer
        )
    }

    /// Roles that must be tied to an administrative unit.
    pub fn requires_unit(self) -> bool {
        matches!(
            self,
            Role::ProvinceOfficer | Role::DistrictOfficer | Role::CommuneOfficer
        )
    }

    /// Roles that see the whole country when they have no unit.
    pub fn is_national(self) -> bool {
        matches!(self, Role::Admin | Role::CentralOfficer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown role name.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("unknown role '{0}' (expected one of: admin, central_officer, province_officer, district_officer, commune_officer, council_member, inspector, producer, viewer)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// What part of the registry a principal may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// The whole deployment (admin, central level).
    All,
    /// Everything located under this unit path ("VN/12/" is a province).
    Unit { path: String },
    /// One producer's own records.
    Producer { producer_id: i64 },
    /// Nothing (a misconfigured account: a producer without producer).
    Nothing,
}

/// Where a registry record lies: its path in its own period and the path of the
/// post-reform unit it maps to (equal for records created after 1 July 2025).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location<'a> {
    pub producer_id: i64,
    pub unit_path: &'a str,
    pub current_unit_path: &'a str,
}

/// The authenticated user as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
}

/// Things a principal may attempt on the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    Edit,
    Create,
}

impl Principal {
    /// Builds the scope from the stored account: role, unit path and producer link.
    pub fn new(
        user_id: i64,
        username: String,
        role: Role,
        unit_path: Option<String>,
        producer_id: Option<i64>,
    ) -> Principal {
        let scope = match role {
            Role::Producer => match producer_id {
                Some(id) => Scope::Producer { producer_id: id },
                None => Scope::Nothing,
            },
            _ => match unit_path {
                Some(p) if p != "VN/" => Scope::Unit { path: p },
                Some(_) => Scope::All,
                None if role.requires_unit() => Scope::Nothing,
                None => Scope::All,
            },
        };
        Principal {
            user_id,
            username,
            role,
            scope,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// May the principal see a record at this location?
    pub fn can_see(&self, loc: &Location<'_>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Unit { path } => {
                crate::units::path_within(loc.unit_path, path)
                    || crate::units::path_within(loc.current_unit_path, path)
            }
            Scope::Producer { producer_id } => *producer_id == loc.producer_id,
            Scope::Nothing => false,
        }
    }

    /// Does the role write to the registry at all?
    pub fn can_write_registry(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Producer) || self.role.is_officer()
    }

    /// May the principal create producers (not only products)?
    pub fn can_create_producer(&self) -> bool {
        self.role == Role::Admin || self.role.is_officer()
    }

    /// May the principal perform `action` on a record at `loc`?
    pub fn may(&self, action: Action, loc: &Location<'_>) -> bool {
        if !self.can_see(loc) {
            return false;
        }
        match action {
            Action::View => true,
            Action::Edit | Action::Create => self.can_write_registry(),
        }
    }

    /// May the principal place a new record in this unit (checked on create and move)?
    pub fn may_place_in(&self, unit_path: &str, current_unit_path: &str) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Unit { path } => {
                crate::units::path_within(unit_path, path)
                    || crate::units::path_within(current_unit_path, path)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc<'a>(id: i64, p: &'a str, c: &'a str) -> Location<'a> {
        Location {
            producer_id: id,
            unit_path: p,
            current_unit_path: c,
        }
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("superuser".parse::<Role>().is_err());
    }

    #[test]
    fn province_officer_sees_both_periods_of_the_province_only() {
        let p = Principal::new(
            1,
            "a".into(),
            Role::ProvinceOfficer,
            Some("VN/12/".into()),
            None,
        );
        assert!(p.can_see(&loc(1, "VN/12/105/03386/", "VN/12/03388/")));
        assert!(p.can_see(&loc(1, "VN/12/03388/", "VN/12/03388/")));
        assert!(!p.can_see(&loc(1, "VN/11/03388/", "VN/11/03388/")));
    }

    #[test]
    fn commune_officer_of_a_new_commune_sees_records_of_merged_old_communes() {
        let p = Principal::new(
            1,
            "a".into(),
            Role::CommuneOfficer,
            Some("VN/12/03388/".into()),
            None,
        );
        // An old record in Quyết Thắng (merged into Đoàn Kết) is visible through its current path.
        assert!(p.can_see(&loc(1, "VN/12/105/03386/", "VN/12/03388/")));
        // The old Quyết Tiến ward had code 03388 too, but its path differs.
        assert!(!p.can_see(&loc(2, "VN/12/105/03391/", "VN/12/03390/")));
    }

    #[test]
    fn producer_sees_only_itself_and_cannot_create_producers() {
        let p = Principal::new(1, "a".into(), Role::Producer, None, Some(7));
        assert!(p.can_see(&loc(7, "VN/12/03388/", "VN/12/03388/")));
        assert!(!p.can_see(&loc(8, "VN/12/03388/", "VN/12/03388/")));
        assert!(p.may(Action::Edit, &loc(7, "x/", "x/")));
        assert!(!p.can_create_producer());
        assert!(!p.may_place_in("VN/12/03388/", "VN/12/03388/"));
    }

    #[test]
    fn viewer_reads_but_never_writes() {
        let p = Principal::new(1, "a".into(), Role::Viewer, Some("VN/12/".into()), None);
        assert!(p.may(Action::View, &loc(1, "VN/12/03388/", "VN/12/03388/")));
        assert!(!p.may(Action::Edit, &loc(1, "VN/12/03388/", "VN/12/03388/")));
    }

    #[test]
    fn unscoped_officer_sees_nothing_but_central_sees_all() {
        let p = Principal::new(1, "a".into(), Role::CommuneOfficer, None, None);
        assert_eq!(p.scope, Scope::Nothing);
        let c = Principal::new(1, "a".into(), Role::CentralOfficer, None, None);
        assert_eq!(c.scope, Scope::All);
        let producer_without_link = Principal::new(1, "a".into(), Role::Producer, None, None);
        assert!(!producer_without_link.can_see(&loc(1, "VN/", "VN/")));
    }
}
