//! The domain: Kizuna's types and rules as pure functions — plain values in,
//! decisions out. Nothing here reads or writes the store (no `rusqlite`, no
//! `Store`), so every rule is tested with plain values and a fixed clock.
//! The store (`crate::store`) holds the data; the use cases at the crate's
//! root read facts from it, apply these rules and write the results.

pub mod brief;
pub mod calendar;
pub mod clock;
pub mod customer;
pub mod dates;
pub mod dav;
pub mod duplicates;
pub mod greeting;
pub mod kana;
pub mod ladder;
pub mod measures;
pub mod merge;
pub mod promise;
pub mod purchase;
pub mod referral;
pub mod reminder;
pub mod romaji;
pub mod search;
pub mod settings;
pub mod sync;
pub mod timeline;
pub mod touchpoint;
pub mod validation;

/// Gives a fieldless enum a stable text form, used in JSON and in the store
/// alike (the serde names must be the same `snake_case` words; a test
/// checks). The store maps it to its columns (`store/sql.rs`).
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use text_enum;
