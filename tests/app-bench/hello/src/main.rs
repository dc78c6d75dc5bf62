//! A Tauri window showing one static page, nothing else.

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the window runs");
}
