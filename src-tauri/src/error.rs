//! The one error type commands return: it crosses to the UI as
//! `{ code, message, fields }` (see `ErrorPayload` in the core).

use kizuna_core::{Error, ErrorCode, ErrorPayload};
use serde::{Serialize, Serializer};

#[derive(Debug)]
pub struct CommandError(pub ErrorPayload);

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        CommandError(ErrorPayload::from(&e))
    }
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> Self {
        CommandError(ErrorPayload {
            code: ErrorCode::Internal,
            message: message.into(),
            fields: Vec::new(),
            limit: None,
        })
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
