//! Printing the window's page to a PDF file without the print dialog: the
//! season's postcards or label sheets, on paper of their own size. WebKitGTK
//! prints through GTK's "Print to File" printer; the page is printed as the
//! window shows it in print media (the interface has already left
//! everything but the cards out).

use kizuna_core::Error;
use kizuna_core::greeting::PrintLayout;
use tauri::{State, WebviewWindow};

use crate::error::CommandResult;
use crate::grants::{Grants, Purpose};

/// Writes the page to `path` (chosen in Kizuna's save dialog) as a PDF on
/// `layout`'s paper, whole or not at all.
#[tauri::command]
pub async fn print_to_pdf(
    window: WebviewWindow,
    grants: State<'_, Grants>,
    path: String,
    layout: PrintLayout,
) -> CommandResult<()> {
    let target = grants.check(&path, Purpose::Export)?;
    // Printed into a private folder beside the target, then renamed over
    // it: a failed print leaves the old file (or none), never half a one,
    // and a print that finishes after Kizuna gave up finds its folder gone.
    let partial = kizuna_core::fs::temp_dir_beside(&target)?;
    let printed_file = partial.path().join("print.pdf");
    let printed = print(&window, &printed_file, layout).await;
    if let Err(error) = printed {
        tracing::warn!(%error, "printing to PDF failed");
        return Err(Error::PrintFailed(error).into());
    }
    let head = std::fs::read(&printed_file)
        .map(|bytes| bytes.starts_with(b"%PDF"))
        .unwrap_or(false);
    if !head {
        return Err(Error::PrintFailed("the printer wrote no PDF".to_owned()).into());
    }
    kizuna_core::fs::private_file(&printed_file)?;
    std::fs::rename(&printed_file, &target).map_err(Error::Io)?;
    tracing::info!(?layout, "printed to PDF");
    Ok(())
}

#[cfg(target_os = "linux")]
async fn print(
    window: &WebviewWindow,
    file: &std::path::Path,
    layout: PrintLayout,
) -> Result<(), String> {
    use std::sync::{Arc, Mutex};

    use webkit2gtk::PrintOperationExt;

    let uri = tauri::Url::from_file_path(file)
        .map_err(|()| format!("not an absolute path: {}", file.display()))?
        .to_string();
    let (sender, receiver) = tokio::sync::oneshot::channel::<Result<(), String>>();
    let sender = Arc::new(Mutex::new(Some(sender)));
    window
        .with_webview(move |webview| {
            let (width, height) = layout.paper_mm();
            let paper =
                gtk::PaperSize::new_custom("kizuna", "Kizuna", width, height, gtk::Unit::Mm);
            let setup = gtk::PageSetup::new();
            setup.set_paper_size(&paper);
            setup.set_orientation(gtk::PageOrientation::Portrait);
            for margin in [
                gtk::PageSetup::set_top_margin,
                gtk::PageSetup::set_bottom_margin,
                gtk::PageSetup::set_left_margin,
                gtk::PageSetup::set_right_margin,
            ] {
                margin(&setup, 0.0, gtk::Unit::Mm);
            }
            let settings = gtk::PrintSettings::new();
            // The file printer is named in the user's language: GTK's own
            // translation of its name finds it (WebKit looks printers up by
            // name).
            settings.set_printer(&gtk::glib::dgettext(Some("gtk30"), "Print to File"));
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
            settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
            settings.set_paper_size(&paper);
            settings.set_orientation(gtk::PageOrientation::Portrait);
            let operation = webkit2gtk::PrintOperation::new(&webview.inner());
            operation.set_page_setup(&setup);
            operation.set_print_settings(&settings);
            // "failed" comes before "finished"; the first word counts.
            let answer = Arc::clone(&sender);
            operation.connect_failed(move |_, error| {
                if let Some(sender) = answer.lock().ok().and_then(|mut s| s.take()) {
                    let _ = sender.send(Err(error.to_string()));
                }
            });
            let answer = Arc::clone(&sender);
            operation.connect_finished(move |_| {
                if let Some(sender) = answer.lock().ok().and_then(|mut s| s.take()) {
                    let _ = sender.send(Ok(()));
                }
            });
            operation.print();
        })
        .map_err(|e| e.to_string())?;
    match tokio::time::timeout(std::time::Duration::from_secs(120), receiver).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("the print operation ended without a word".to_owned()),
        Err(_) => Err("the print operation did not finish in two minutes".to_owned()),
    }
}

#[cfg(not(target_os = "linux"))]
async fn print(
    _window: &WebviewWindow,
    _file: &std::path::Path,
    _layout: PrintLayout,
) -> Result<(), String> {
    Err("printing to PDF is available on Linux; use Print… and the system's PDF printer".to_owned())
}
