//! The desktop shell: a Tauri window over the core. Everything here is
//! wiring — state, commands, plugins — and no domain rule lives in it.

mod commands;
mod error;
mod state;

use commands::{app, customers, purchases, relationship, settings, touchpoints};

pub fn run() {
    let data_dir = kizuna_core::paths::data_dir();
    let result = tauri::Builder::default()
        .manage(state::AppState::open(data_dir))
        .invoke_handler(tauri::generate_handler![
            app::app_info,
            customers::list_customers,
            customers::get_customer,
            customers::create_customer,
            customers::update_customer,
            customers::archive_customer,
            customers::restore_customer,
            customers::delete_customer,
            customers::list_tags,
            settings::get_settings,
            settings::save_settings,
            touchpoints::log_touchpoint,
            touchpoints::update_touchpoint,
            touchpoints::delete_touchpoint,
            touchpoints::add_promise,
            touchpoints::set_promise_done,
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
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Kizuna could not start: {e}");
        std::process::exit(1);
    }
}
