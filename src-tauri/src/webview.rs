//! How the window's web view keeps memory. Kizuna is one page that never
//! navigates, so WebKit's caches for browsing — pages kept for Back, decoded
//! resources kept for the next site — hold memory for nothing: the document
//! viewer model turns them off.
//!
//! The page is drawn without GPU compositing. Nothing in it needs layers
//! (no video, 3D or animated transforms), and composited, the web process
//! holds a GL context and a layer tree: 95 MB more after start-up and 200
//! MB more after scrolling the list at 100,000 customers, measured where
//! GL is Mesa's software renderer (a machine without a GPU, a virtual
//! machine, a remote desktop). Set on the web view rather than through
//! `WEBKIT_DISABLE_COMPOSITING_MODE`, which would have to be in the
//! environment before the process starts.

use tauri::{AppHandle, Manager};

pub fn tune(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let tuned = window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(webkit2gtk::CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(
                    webkit2gtk::HardwareAccelerationPolicy::Never,
                );
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    });
    if let Err(e) = tuned {
        tracing::warn!(error = %e, "the web view's cache model was left as it is");
    }
}
