//! The salesperson's own CardDAV/CalDAV server: a connection test that
//! lists the user's address books and calendars, connecting (the password
//! goes to the OS keychain, the rest to settings), disconnecting, syncing
//! now (see `syncing.rs` for the background) and the sync log.

use kizuna_core::domain::sync::{
    COLLECTION_NAME, CollectionChoice, ConnectRequest, DavDiscovery, SyncAccount, SyncLogEntry,
    SyncReport,
};
use kizuna_core::keys::SyncSecret;
use kizuna_core::settings::Settings;
use kizuna_sync::{Connection, create_address_book, create_calendar, discover};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Signs in to `server` and lists what is there; nothing is kept.
#[tauri::command]
pub async fn test_sync_server(
    server: String,
    user: String,
    password: String,
) -> CommandResult<DavDiscovery> {
    let connection = Connection::new(&server, &user, &password)?;
    Ok(discover(&connection).await?)
}

/// Connects the account as chosen, making 「絆」 collections where asked.
#[tauri::command]
pub async fn connect_sync_account(
    state: State<'_, AppState>,
    request: ConnectRequest,
) -> CommandResult<Settings> {
    let connection = Connection::new(&request.server, &request.user, &request.password)?;
    // Where new collections go is asked again rather than trusted from the
    // window.
    let found = discover(&connection).await?;
    let contacts = connection.at(Some(&found.contacts_at))?;
    let calendars = connection.at(found.calendars_at.as_deref())?;
    let address_book = match request.address_book {
        CollectionChoice::Existing { collection } => collection,
        CollectionChoice::New | CollectionChoice::Off => {
            create_address_book(&contacts, &found.address_book_home, COLLECTION_NAME).await?
        }
    };
    let calendar = match (request.calendar, &found.calendar_home) {
        (CollectionChoice::Existing { collection }, _) => Some(collection),
        (CollectionChoice::New, Some(home)) => {
            Some(create_calendar(&calendars, home, COLLECTION_NAME).await?)
        }
        _ => None,
    };
    SyncSecret::new(&state.data_dir, &request.server, &request.user)
        .put(&request.password)
        .map_err(kizuna_core::Error::from)?;
    let account = SyncAccount {
        server: request.server.trim().to_owned(),
        user: request.user,
        address_book,
        calendar,
        contact_details: request.contact_details,
        contacts_at: Some(found.contacts_at),
        calendar_at: found.calendars_at,
    };
    tracing::info!(server = %account.server, "sync account connected");
    Ok(state.store()?.set_sync_account(Some(account))?)
}

/// Disconnects the account; the password leaves the keychain. Nothing on
/// the server or in the book is deleted.
#[tauri::command]
pub async fn disconnect_sync_account(state: State<'_, AppState>) -> CommandResult<Settings> {
    let account = state.store()?.settings()?.sync_account;
    if let Some(account) = account {
        SyncSecret::new(&state.data_dir, &account.server, &account.user)
            .forget()
            .map_err(kizuna_core::Error::from)?;
    }
    Ok(state.store()?.set_sync_account(None)?)
}

/// Syncs the address book both ways now: the phone's changes in, then
/// every customer whose card differs out.
#[tauri::command]
pub async fn sync_now(app: tauri::AppHandle) -> CommandResult<Option<SyncReport>> {
    crate::syncing::sync_once(&app).await
}

/// The sync log, newest first.
#[tauri::command]
pub async fn sync_log(state: State<'_, AppState>) -> CommandResult<Vec<SyncLogEntry>> {
    Ok(state.store()?.sync_log(50)?)
}
