// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The same allocator as the CLI: exports and imports allocate and free a
// great many small strings, which glibc's allocator spends long on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    if let Some(code) = kizuna::apart::serve() {
        return code;
    }
    kizuna::run();
    std::process::ExitCode::SUCCESS
}
