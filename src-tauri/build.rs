//! Declares the app's own commands so that each gets a permission; the
//! capability in `capabilities/` then grants exactly the ones the UI uses.

const COMMANDS: &[&str] = &[
    "app_info",
    "open_log_folder",
    "open_demo_book",
    "open_own_book",
    "unlock_with_passphrase",
    "choose_passphrase",
    "recover_with_key",
    "pending_recovery_key",
    "confirm_recovery_key",
    "change_recovery_key",
    "check_for_update",
    "found_update",
    "install_update",
    "restart_app",
    "undo",
    "list_customers",
    "customer_position",
    "get_customer",
    "similar_customers",
    "create_customer",
    "update_customer",
    "archive_customer",
    "restore_customer",
    "delete_customer",
    "has_phone_card",
    "campaigns",
    "open_campaign",
    "campaign",
    "add_to_campaign",
    "remove_from_campaign",
    "mark_card_received",
    "mark_campaign_sent",
    "note_mourning",
    "clear_mourning",
    "propose_kanchu_mimai",
    "export_campaign",
    "print_to_pdf",
    "list_tags",
    "find_duplicates",
    "dismiss_duplicate",
    "merge_preview",
    "merge_customers",
    "test_sync_server",
    "connect_sync_account",
    "disconnect_sync_account",
    "sync_now",
    "sync_log",
    "get_settings",
    "save_settings",
    "log_touchpoint",
    "update_touchpoint",
    "delete_touchpoint",
    "add_promise",
    "set_promise_done",
    "delete_promise",
    "record_purchase",
    "update_purchase",
    "delete_purchase",
    "timeline",
    "visit_brief",
    "dashboard",
    "stage_history",
    "promotion_suggestion",
    "promotion_suggestions",
    "accept_promotion",
    "dismiss_promotion",
    "change_stage",
    "referrals",
    "set_referral_status",
    "set_referral_thanked",
    "today_view",
    "template_previews",
    "due_count",
    "act_on_reminder",
    "follow_up_plans",
    "save_follow_up_plan",
    "delete_follow_up_plan",
    "open_contact_link",
    "inspect_import",
    "close_import",
    "map_columns",
    "preview_import",
    "apply_import",
    "cancel_job",
    "export_customers",
    "list_backups",
    "backup_now",
    "inspect_backup",
    "restore_backup",
    "restore_snapshot",
    "choose_file",
    "choose_backup_folder",
];

fn main() {
    // Without `custom-protocol` the window loads the Vite dev server on
    // localhost, and whatever answers there gets every command. A release
    // build must embed the interface instead.
    println!("cargo:rerun-if-env-changed=PROFILE");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let embeds_ui = std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some();
    if release && !embeds_ui {
        panic!(
            "a release build of Kizuna must embed the interface: build with \
             `--features kizuna/custom-protocol` (or `npx tauri build`), never against the dev server"
        );
    }
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
