//! The tray icon: Kizuna keeps running when its window is closed, so that
//! reminders keep coming. The menu opens the window, shows how many
//! reminders are due today, and quits.

use kizuna_core::reminder::DraftLanguage;
use kizuna_core::settings::Settings;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Wry};

/// The menu items whose text changes.
pub struct Tray {
    open: MenuItem<Wry>,
    due: MenuItem<Wry>,
    quit: MenuItem<Wry>,
}

struct Labels {
    open: &'static str,
    quit: &'static str,
}

fn labels(language: DraftLanguage) -> Labels {
    match language {
        DraftLanguage::Ja => Labels {
            open: "Kizuna を開く",
            quit: "終了",
        },
        DraftLanguage::En => Labels {
            open: "Open Kizuna",
            quit: "Quit",
        },
    }
}

fn due_text(language: DraftLanguage, count: u32) -> String {
    match language {
        DraftLanguage::Ja => format!("今日のリマインダー: {count}件"),
        DraftLanguage::En if count == 1 => "1 reminder today".to_owned(),
        DraftLanguage::En => format!("{count} reminders today"),
    }
}

/// Builds the tray; `Err` where the desktop has no tray, and then closing
/// the window quits as usual.
pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let text = labels(DraftLanguage::Ja);
    let open = MenuItem::with_id(app, "open", text.open, true, None::<&str>)?;
    let due = MenuItem::with_id(
        app,
        "due",
        due_text(DraftLanguage::Ja, 0),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", text.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &due, &quit])?;
    let mut builder = TrayIconBuilder::with_id("kizuna")
        .tooltip("Kizuna 絆")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" | "due" => show_window(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(Tray { open, due, quit });
    Ok(())
}

/// Brings the window back (from the tray, a second launch, a notification).
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Updates the menu's language and today's count.
pub fn refresh(app: &AppHandle, settings: &Settings, count: u32) {
    let Some(tray) = app.try_state::<Tray>() else {
        return;
    };
    let language = crate::scheduler::language(settings);
    let text = labels(language);
    let _ = tray.open.set_text(text.open);
    let _ = tray.quit.set_text(text.quit);
    let _ = tray.due.set_text(due_text(language, count));
}
