//! How the domain's values sit in SQLite columns: text enums as their
//! `snake_case` word, stages as their rung number.

use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};

use crate::domain::customer::{ContactChannel, ImportantDateKind, Source};
use crate::domain::ladder::{PromotionRule, Stage};
use crate::domain::purchase::Channel;
use crate::domain::referral::ReferralStatus;
use crate::domain::reminder::state::Status;
use crate::domain::reminder::{DraftLanguage, FollowUpKind, ReminderKind};
use crate::domain::touchpoint::{Direction, TouchpointKind};

/// Stores each listed enum as its text form (see `domain::text_enum`).
macro_rules! sql_text {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl ToSql for $ty {
                fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                    Ok(self.as_str().into())
                }
            }

            impl FromSql for $ty {
                fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                    let text = value.as_str()?;
                    <$ty>::parse(text).ok_or_else(|| {
                        FromSqlError::Other(
                            format!("unknown {} {:?}", stringify!($ty), text).into(),
                        )
                    })
                }
            }
        )+
    };
}

sql_text!(
    Source,
    ContactChannel,
    ImportantDateKind,
    PromotionRule,
    Channel,
    ReferralStatus,
    Status,
    ReminderKind,
    FollowUpKind,
    DraftLanguage,
    TouchpointKind,
    Direction,
);

impl ToSql for Stage {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(self.rung().into())
    }
}

impl FromSql for Stage {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let rung = value.as_i64()?;
        Stage::from_rung(rung).ok_or(FromSqlError::OutOfRange(rung))
    }
}
