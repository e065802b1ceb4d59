//! Shared macros of the domain crate.

/// A closed set of codes with a snake_case string form (stored and in the API) and a
/// Vietnamese and English label: `as_str`, `label`, `FromStr`, `Display`, `ALL`.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal, $vi:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
            pub fn label(self, lang: $crate::registry::Lang) -> &'static str {
                match self { $($name::$var => lang.pick($vi, $en)),+ }
            }
        }
        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s.trim() { $($s => Ok($name::$var),)+ _ => Err(()) }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
