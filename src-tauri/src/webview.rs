//! How the window's web view keeps memory. Kizuna is one page that never
//! navigates, so WebKit's caches for browsing — pages kept for Back, decoded
//! resources kept for the next site — hold memory for nothing: the document
//! viewer model turns them off.

use tauri::{AppHandle, Manager};

pub fn tune(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let tuned = window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    });
    if let Err(e) = tuned {
        tracing::warn!(error = %e, "the web view's cache model was left as it is");
    }
}
