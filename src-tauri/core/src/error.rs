//! One error type for the core. Every variant maps to a stable [`ErrorCode`]
//! that the UI translates; the English `message` is for logs and the CLI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why a single field was refused. The UI shows the translated code next to
/// the field named by [`FieldError::field`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooLong,
    /// Shorter than the shortest accepted (a passphrase).
    TooShort,
    /// Two entries that must match do not (a passphrase and its repeat, a
    /// recovery key and the one shown).
    Mismatch,
    NotKana,
    InvalidEmail,
    InvalidPhone,
    InvalidPostalCode,
    InvalidDate,
    /// Not an `HH:MM` time of day.
    InvalidTime,
    DateInFuture,
    OutOfRange,
    /// Text where a number belongs.
    InvalidNumber,
    UnknownCustomer,
    SelfReferral,
    ReferralCycle,
    Duplicate,
    /// The action is refused for this item (the default plan cannot be deleted).
    NotAllowed,
    /// Beyond the last day a dated reminder is offered (a snooze).
    AfterLastDay,
    /// More phones, e-mails, tags… than a customer may have (`limit`).
    TooMany,
}

/// A refused field: `field` is a path such as `family_name` or
/// `phones.1.number`, so the form can put the message beside the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    /// The limit that was exceeded, for `too_long`, `out_of_range` and
    /// `too_many`.
    pub limit: Option<i64>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldErrorCode) -> Self {
        Self {
            field: field.into(),
            code,
            limit: None,
        }
    }

    pub fn with_limit(field: impl Into<String>, code: FieldErrorCode, limit: i64) -> Self {
        Self {
            field: field.into(),
            code,
            limit: Some(limit),
        }
    }
}

/// Stable error codes shared with the UI (see `ui/src/i18n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    NewerDatabase,
    CorruptDatabase,
    Storage,
    Io,
    Internal,
    /// The user cancelled a long operation; nothing was written.
    Cancelled,
    /// A file that is not what it was opened as (not a vCard, not CSV…).
    UnreadableFile,
    /// A backup or export that is not a sound Kizuna store or snapshot.
    NotKizunaFile,
    /// A file larger than can be imported (`limit`, in bytes); nothing was read.
    FileTooLarge,
    /// A folder, device or pipe where a file was expected; nothing was read.
    NotAFile,
    /// A sheet whose header row is wider than can be mapped (`limit`).
    TooManyColumns,
    /// The reminder acted on is no longer open: already done, skipped or
    /// snoozed (a second click), or no longer due.
    ReminderGone,
    /// What undo would put back was changed since; nothing was undone.
    ChangedSince,
    /// The action is too old to undo, or was undone already.
    UndoExpired,
    /// A recovery key with a typo (its checksum does not match).
    MistypedRecoveryKey,
    /// A well-formed key that does not open this store or backup.
    WrongKey,
    WrongPassphrase,
    /// The OS keychain is missing, locked or refused access.
    Keychain,
    /// A file the user did not choose in a dialog of Kizuna's.
    PathNotGranted,
    /// The update server could not be reached (offline, or it is down).
    UpdateUnreachable,
    /// The update server answered with something that is not an update
    /// (a web page, a broken manifest).
    UpdateNotAnUpdate,
    /// The downloaded update is not what Kizuna's release key signed
    /// (tampered with, cut short, or signed by someone else); not installed.
    UpdateSignature,
    /// The update was verified but could not be installed (no permission, a
    /// full disk); the installed version is unchanged.
    UpdateInstallFailed,
    /// A customer merged into themself; nothing was changed.
    MergeIntoSelf,
    /// An archived customer cannot be merged until restored.
    MergeArchived,
    /// A record was changed (in another window) since it was shown;
    /// nothing was changed.
    ChangedSinceShown,
    /// The CardDAV/CalDAV server address cannot be used as it is.
    DavBadAddress,
    /// No server of that name.
    DavNoSuchServer,
    /// The server did not answer.
    DavUnreachable,
    /// The server refused the user name or password.
    DavWrongPassword,
    /// The server's certificate is not trusted.
    DavCertificate,
    /// The server answers, but not as a CardDAV server.
    DavNotServer,
    /// Printing to a PDF file failed; no file was written.
    PrintFailed,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the input has {} invalid field(s): {}", .0.len(), describe_fields(.0))]
    Validation(Vec<FieldError>),

    #[error("{entity} {id} does not exist")]
    NotFound { entity: &'static str, id: i64 },

    #[error(
        "this database was written by a newer version of Kizuna (schema {found}; this version knows up to {supported}); it was left untouched"
    )]
    NewerDatabase { found: i64, supported: i64 },

    #[error("the database file is damaged or is not a Kizuna database: {0}")]
    CorruptDatabase(String),

    #[error("storage error: {0}")]
    Storage(#[from] rusqlite::Error),

    #[error("file error: {0}")]
    Io(#[from] std::io::Error),

    #[error("internal error: {0}")]
    Internal(String),

    #[error("cancelled; nothing was written")]
    Cancelled,

    #[error("the file could not be read: {0}")]
    UnreadableFile(String),

    #[error("not a usable Kizuna backup or export: {0}")]
    NotKizunaFile(String),

    #[error("the file is {size} bytes; at most {limit} bytes can be imported")]
    FileTooLarge { size: u64, limit: u64 },

    #[error("not a regular file: {0}")]
    NotAFile(String),

    #[error("the sheet has {found} columns; at most {limit} can be imported")]
    TooManyColumns { found: usize, limit: usize },

    #[error("the reminder is no longer open; nothing was changed")]
    ReminderGone,

    #[error("it was changed since; nothing was undone")]
    ChangedSince,

    #[error("this can no longer be undone")]
    UndoExpired,

    #[error("the recovery key has a typo (its check letters do not match); nothing was changed")]
    MistypedRecoveryKey,

    #[error("this key does not open {0}; nothing was changed")]
    WrongKey(String),

    #[error("wrong passphrase; nothing was changed")]
    WrongPassphrase,

    #[error("{0}")]
    Keychain(String),

    #[error("only files chosen in Kizuna's own file dialogs can be opened")]
    PathNotGranted,

    #[error("a customer cannot be merged into themself; nothing was changed")]
    MergeIntoSelf,

    #[error("archived customers cannot be merged; restore them first; nothing was changed")]
    MergeArchived,

    #[error("it was changed since it was shown; nothing was changed")]
    ChangedSinceShown,

    #[error("the PDF could not be written: {0}")]
    PrintFailed(String),

    #[error("{}: {detail}", .problem.describe())]
    Dav {
        problem: crate::domain::dav::DavProblem,
        /// What the server or the network said, for the log.
        detail: String,
    },
}

fn describe_fields(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| format!("{} ({:?})", f.field, f.code))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::NewerDatabase { .. } => ErrorCode::NewerDatabase,
            Error::CorruptDatabase(_) => ErrorCode::CorruptDatabase,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Io(_) => ErrorCode::Io,
            Error::Internal(_) => ErrorCode::Internal,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::UnreadableFile(_) => ErrorCode::UnreadableFile,
            Error::NotKizunaFile(_) => ErrorCode::NotKizunaFile,
            Error::FileTooLarge { .. } => ErrorCode::FileTooLarge,
            Error::NotAFile(_) => ErrorCode::NotAFile,
            Error::TooManyColumns { .. } => ErrorCode::TooManyColumns,
            Error::ReminderGone => ErrorCode::ReminderGone,
            Error::ChangedSince => ErrorCode::ChangedSince,
            Error::UndoExpired => ErrorCode::UndoExpired,
            Error::MistypedRecoveryKey => ErrorCode::MistypedRecoveryKey,
            Error::WrongKey(_) => ErrorCode::WrongKey,
            Error::WrongPassphrase => ErrorCode::WrongPassphrase,
            Error::Keychain(_) => ErrorCode::Keychain,
            Error::PathNotGranted => ErrorCode::PathNotGranted,
            Error::MergeIntoSelf => ErrorCode::MergeIntoSelf,
            Error::MergeArchived => ErrorCode::MergeArchived,
            Error::ChangedSinceShown => ErrorCode::ChangedSinceShown,
            Error::PrintFailed(_) => ErrorCode::PrintFailed,
            Error::Dav { problem, .. } => {
                use crate::domain::dav::DavProblem;
                match problem {
                    DavProblem::BadAddress => ErrorCode::DavBadAddress,
                    DavProblem::NoSuchServer => ErrorCode::DavNoSuchServer,
                    DavProblem::Unreachable => ErrorCode::DavUnreachable,
                    DavProblem::WrongPassword => ErrorCode::DavWrongPassword,
                    DavProblem::Certificate => ErrorCode::DavCertificate,
                    DavProblem::NotDavServer => ErrorCode::DavNotServer,
                }
            }
        }
    }

    /// A single refused field, for checks that find one problem at a time.
    pub fn field(field: impl Into<String>, code: FieldErrorCode) -> Self {
        Error::Validation(vec![FieldError::new(field, code)])
    }

    pub fn not_found(entity: &'static str, id: i64) -> Self {
        Error::NotFound { entity, id }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("JSON: {e}"))
    }
}

/// What crosses the IPC boundary: `{ code, message, fields, limit }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// The limit a file went over, for `file_too_large` (bytes) and
    /// `too_many_columns`, so the message can say it.
    #[serde(default)]
    pub limit: Option<i64>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        ErrorPayload {
            code: e.code(),
            message: e.to_string(),
            fields: match e {
                Error::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
            limit: match e {
                Error::FileTooLarge { limit, .. } => i64::try_from(*limit).ok(),
                Error::TooManyColumns { limit, .. } => i64::try_from(*limit).ok(),
                _ => None,
            },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
