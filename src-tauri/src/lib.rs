//! The desktop shell: a Tauri window over the core. Everything here is
//! wiring — state, commands, plugins — and no domain rule lives in it.

pub mod apart;
mod commands;
mod error;
mod grants;
mod jobs;
mod logging;
mod scheduler;
mod state;
mod syncing;
mod tray;
mod updates;
mod webview;

use commands::{
    app, backups, customers, duplicates, greetings, interchange, printing, purchases, relationship,
    reminders, security, settings, sync, touchpoints, undo, updates as update_commands,
};
use tauri::{Manager, WindowEvent};

/// Passed by the login item: start in the tray, without the window.
const HIDDEN_ARG: &str = "--hidden";
/// `--data-dir DIR`: the folder to open, before `$KIZUNA_DATA_DIR` and the
/// default; how the welcome screen reopens Kizuna on the demo book.
pub const DATA_DIR_ARG: &str = "--data-dir";

fn data_dir_from_args() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip_while(|a| a != DATA_DIR_ARG);
    args.next()?;
    args.next().map(std::path::PathBuf::from)
}

/// `--help` and `--version` answer on the terminal without opening a
/// window, as a packaged program's do.
fn answer_on_terminal() -> bool {
    let Some(first) = std::env::args().nth(1) else {
        return false;
    };
    // A closed pipe (`kizuna --help | head -1`) is not worth a panic.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = match first.as_str() {
        "--version" | "-V" => writeln!(out, "kizuna {}", env!("CARGO_PKG_VERSION")),
        "--help" | "-h" => writeln!(
            out,
            "Kizuna (絆) {}: a relationship manager for independent salespeople.\n\n\
             Usage: kizuna [--data-dir DIR] [--hidden]\n\n  \
             --data-dir DIR  open the book in DIR instead of the default data folder\n  \
             --hidden        start in the tray, without the window\n  \
             --help          show this and exit\n  \
             --version       show the version and exit\n\n\
             The data folder is $KIZUNA_DATA_DIR when set, else {}.\n\
             See kizuna(1).",
            env!("CARGO_PKG_VERSION"),
            kizuna_core::paths::default_data_dir().display()
        ),
        _ => return false,
    };
    true
}

pub fn run() {
    if answer_on_terminal() {
        return;
    }
    let data_dir = data_dir_from_args().unwrap_or_else(kizuna_core::paths::data_dir);
    let log = logging::start(&data_dir);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Kizuna starting");
    let state = state::AppState::open(data_dir);
    let changes = state.feed.subscribe();
    let result = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_window(app);
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![HIDDEN_ARG]),
        ))
        .manage(state)
        .manage(log)
        .manage(jobs::Jobs::default())
        .manage(grants::Grants::default())
        .manage(updates::Updates::default())
        .manage(syncing::Syncing::default())
        .manage(interchange::ImportBytes::default())
        .setup(move |app| {
            let handle = app.handle().clone();
            let has_tray = match tray::build(&handle) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "no tray icon; closing the window will quit");
                    false
                }
            };
            app.manage(state::Desktop { has_tray });
            if has_tray
                && std::env::args().any(|a| a == HIDDEN_ARG)
                && let Some(window) = app.get_webview_window("main")
            {
                let _ = window.hide();
            }
            webview::tune(&handle);
            scheduler::open_from_notification(&handle);
            updates::start(handle.clone());
            syncing::start(handle.clone());
            scheduler::start(handle, changes);
            Ok(())
        })
        .on_window_event(|window, event| {
            // With a tray, closing hides the window and reminders keep coming.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.app_handle().state::<state::Desktop>().has_tray
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .invoke_handler(tauri::generate_handler![
            app::app_info,
            app::open_log_folder,
            app::open_demo_book,
            app::open_own_book,
            undo::undo,
            customers::list_customers,
            customers::customer_position,
            customers::get_customer,
            customers::similar_customers,
            customers::create_customer,
            customers::update_customer,
            customers::archive_customer,
            customers::restore_customer,
            customers::delete_customer,
            customers::has_phone_card,
            greetings::campaigns,
            greetings::open_campaign,
            greetings::campaign,
            greetings::add_to_campaign,
            greetings::remove_from_campaign,
            greetings::mark_card_received,
            greetings::mark_campaign_sent,
            greetings::note_mourning,
            greetings::clear_mourning,
            greetings::propose_kanchu_mimai,
            greetings::export_campaign,
            printing::print_to_pdf,
            customers::list_tags,
            duplicates::find_duplicates,
            duplicates::dismiss_duplicate,
            duplicates::merge_preview,
            duplicates::merge_customers,
            sync::test_sync_server,
            sync::connect_sync_account,
            sync::disconnect_sync_account,
            sync::sync_now,
            sync::sync_log,
            settings::get_settings,
            settings::save_settings,
            touchpoints::log_touchpoint,
            touchpoints::update_touchpoint,
            touchpoints::delete_touchpoint,
            touchpoints::add_promise,
            touchpoints::set_promise_done,
            touchpoints::delete_promise,
            purchases::record_purchase,
            purchases::update_purchase,
            purchases::delete_purchase,
            relationship::timeline,
            relationship::visit_brief,
            relationship::dashboard,
            relationship::stage_history,
            relationship::promotion_suggestion,
            relationship::promotion_suggestions,
            relationship::accept_promotion,
            relationship::dismiss_promotion,
            relationship::change_stage,
            relationship::referrals,
            relationship::set_referral_status,
            relationship::set_referral_thanked,
            reminders::today_view,
            reminders::template_previews,
            reminders::due_count,
            reminders::act_on_reminder,
            reminders::follow_up_plans,
            reminders::save_follow_up_plan,
            reminders::delete_follow_up_plan,
            reminders::open_contact_link,
            interchange::inspect_import,
            interchange::close_import,
            interchange::map_columns,
            interchange::preview_import,
            interchange::apply_import,
            interchange::cancel_job,
            interchange::export_customers,
            backups::list_backups,
            backups::backup_now,
            backups::inspect_backup,
            backups::restore_backup,
            backups::restore_snapshot,
            security::unlock_with_passphrase,
            security::choose_passphrase,
            security::recover_with_key,
            security::pending_recovery_key,
            security::confirm_recovery_key,
            security::change_recovery_key,
            app::choose_file,
            settings::choose_backup_folder,
            update_commands::check_for_update,
            update_commands::found_update,
            update_commands::install_update,
            update_commands::restart_app,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "Kizuna could not start");
        eprintln!("Kizuna could not start: {e}");
        std::process::exit(1);
    }
}
