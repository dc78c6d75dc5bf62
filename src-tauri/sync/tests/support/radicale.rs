//! A real Radicale server on 127.0.0.1 with a throw-away user and storage,
//! stopped when dropped. Radicale comes from PyPI at the versions
//! `tests/dav/requirements.txt` pins (`.ci/setup.sh --for-tests` installs it
//! in `target/dav-venv`; `KIZUNA_RADICALE` names another).

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "salesperson";
pub const PASSWORD: &str = "umi-no-sachi";

pub struct Radicale {
    child: Child,
    pub port: u16,
    tls: bool,
    config: PathBuf,
    dir: tempfile::TempDir,
}

fn executable() -> PathBuf {
    std::env::var_os("KIZUNA_RADICALE").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/dav-venv/bin/radicale"),
        PathBuf::from,
    )
}

/// A port no server listens on, and that no other server of this test
/// binary was given: the tests run in parallel, and the system may hand the
/// same free port to two of them before either server binds it (the second
/// then fails to start while its test talks to the first one's server).
///
/// It is taken outside the system's range for outgoing connections: while
/// a server starts, a connection to a port in that range can be given the
/// port itself as its own end and connect to itself, which looks like the
/// server listening (the test then found the server refusing it).
fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // The ports outside the outgoing range: below it, or above it when a
    // system starts it low (some give it all of 1024–65535; then any port).
    let (low, high) = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| {
            let mut ends = range.split_whitespace().map(|n| n.parse::<u16>().ok());
            Some((ends.next()??, ends.next()??))
        })
        .unwrap_or((32_768, 60_999));
    let (first, last) = if low > 11_000 {
        (10_000, low - 1)
    } else if high < 64_000 {
        (high + 1, u16::MAX)
    } else {
        (1_025, u16::MAX)
    };
    let span = u32::from(last - first) + 1;
    // Different test binaries run one after the other, but a port closed a
    // moment ago may still be held: each run starts somewhere else.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
        ^ std::process::id();
    (0..span)
        .filter_map(|n| u16::try_from(u32::from(first) + (start % span + n) % span).ok())
        .find(|port| !given.contains(port) && TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .inspect(|port| given.push(*port))
        .expect("a free port")
}

/// A plain HTTP server of a test's own (a web site, a front door) on a
/// port given as Radicale's are: one bound to port 0 could take the port a
/// Radicale of another test is about to bind, whose test would then talk to
/// this server and find nothing once it is gone.
pub fn plain_server() -> tiny_http::Server {
    tiny_http::Server::http(("127.0.0.1", free_port())).expect("a server on 127.0.0.1")
}

impl Radicale {
    pub fn start() -> Radicale {
        Radicale::with(false)
    }

    /// Over TLS, with a self-signed certificate (made by `openssl`) that no
    /// system trusts.
    pub fn start_self_signed() -> Radicale {
        Radicale::with(true)
    }

    fn with(tls: bool) -> Radicale {
        let exe = executable();
        assert!(
            exe.exists(),
            "Radicale is not installed at {}: run `bash .ci/setup.sh --for-tests` \
             (the test command does) or set KIZUNA_RADICALE",
            exe.display()
        );
        let dir = tempfile::tempdir().expect("a folder for Radicale");
        let users = dir.path().join("users");
        std::fs::write(&users, format!("{USER}:{PASSWORD}\n")).expect("users");
        let port = free_port();
        let mut server = format!("[server]\nhosts = 127.0.0.1:{port}\n");
        if tls {
            let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
            let made = Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                ])
                .args(["-subj", "/CN=localhost"])
                .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs");
            assert!(made.success(), "openssl made no certificate");
            server.push_str(&format!(
                "ssl = True\ncertificate = {}\nkey = {}\n",
                cert.display(),
                key.display()
            ));
        }
        let config = dir.path().join("config");
        std::fs::write(
            &config,
            format!(
                "{server}\
                 [auth]\ntype = htpasswd\nhtpasswd_filename = {}\nhtpasswd_encryption = plain\n\
                 [rights]\ntype = owner_only\n\
                 [storage]\nfilesystem_folder = {}\n\
                 [logging]\nlevel = warning\n",
                users.display(),
                dir.path().join("collections").display()
            ),
        )
        .expect("config");
        let child = spawn(&config, port, tls);
        Radicale {
            child,
            port,
            tls,
            config,
            dir,
        }
    }

    /// Kills the server at once (as a crash or a dropped connection would).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port and storage.
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(&self.config, self.port, self.tls);
    }

    /// Makes the server forget every sync token it gave (its token
    /// history, as after a rebuilt cache or a restored server): a client's
    /// token is then refused.
    pub fn forget_sync_tokens(&self) {
        fn remove(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| {
                        if e.file_name() == "sync-token" {
                            std::fs::remove_dir_all(e.path()).expect("token history removed");
                            1
                        } else {
                            remove(&e.path())
                        }
                    })
                    .sum()
            })
        }
        assert!(
            remove(self.dir.path()) > 0,
            "Radicale kept no sync tokens to forget"
        );
    }

    /// How many cards the server holds on disk, in every collection (not
    /// counting Radicale's own caches, kept in hidden folders).
    pub fn cards_stored(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .flatten()
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            count(&path)
                        } else {
                            usize::from(path.extension().is_some_and(|x| x == "vcf"))
                        }
                    })
                    .sum()
            })
        }
        count(&self.dir.path().join("collections"))
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn secure_address(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }
}

/// Starts Radicale and waits until it answers. Its log goes beside its
/// configuration and is shown if it stops before it answers.
fn spawn(config: &std::path::Path, port: u16, tls: bool) -> Child {
    let log_path = config.with_file_name("radicale.log");
    let log = std::fs::File::create(&log_path).expect("Radicale's log");
    let mut child = Command::new(executable())
        .arg("--config")
        .arg(config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("Radicale starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !answers(port, tls) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "Radicale stopped ({status}): {}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "Radicale did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    child
}

/// Whether the server on `port` takes connections and, over plain HTTP,
/// answers a request: a port that takes connections may not be served yet.
fn answers(port: u16, tls: bool) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    // Where the system's outgoing range takes in every port, a connection
    // can still be to itself.
    if stream.local_addr().map_or(true, |a| a.port() == port) {
        return false;
    }
    if tls {
        return true;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = [0_u8; 5];
    stream
        .write_all(b"OPTIONS / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .and_then(|()| stream.read_exact(&mut head))
        .is_ok_and(|()| &head == b"HTTP/")
}

impl Drop for Radicale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
