//! The desktop shell around the window: a second launch hands over to the
//! running Kizuna instead of opening the store a second time.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kizuna_e2e::{Kizuna, TestResult, app_binary, data_dir};

#[tokio::test]
async fn a_second_launch_hands_over_to_the_running_app() -> TestResult {
    let dir = data_dir()?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;

    let mut second = Command::new(app_binary())
        .env("KIZUNA_DATA_DIR", dir.path())
        .env("TZ", "Asia/Tokyo")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait()? {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        status.is_some_and(|s| s.success()),
        "the second launch should hand over and exit, not run beside the first ({status:?})"
    );

    // The first one is still there and working.
    app.click("[data-testid=nav-customers]").await?;
    app.wait_for("[data-testid=customer-list], [data-testid=list-empty]")
        .await?;
    app.quit().await
}
