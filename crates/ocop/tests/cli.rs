//! Integration tests of the `ocop` command line: the real binary, run as a user or an
//! operator would, each test in its own temporary folder as current directory.
//!
//! Run with `cargo test -p ocop --test cli`. The tests need no network beyond
//! loopback; the audit-tampering test uses the `sqlite3` command when installed.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ocop");

/// How long a short command (migrate, user add, …) may take on a busy machine.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// How long `serve` may take to answer its first request (migrations + units).
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long `serve` may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// A fresh folder under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "ocop-cli-{name}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
    /// A `sqlite://` URL for a file in this folder (absolute path).
    fn sqlite_url(&self, file: &str) -> String {
        format!("sqlite://{}", self.join(file).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `ocop` binary with `dir` as current directory and a clean `OCOP_*`
/// environment (the test runner's own variables must not leak into the product).
fn ocop(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("OCOP_") {
            c.env_remove(&k);
        }
    }
    c.env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE");
    c
}

#[derive(Debug)]
struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Output {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }
    fn ok(&self) -> bool {
        self.status.success()
    }
    fn stderr_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }
}

fn reader<R: Read + Send + 'static>(mut r: R, sink: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
    })
}

/// Runs `cmd` to completion (killing it after `COMMAND_TIMEOUT`), feeding `stdin`.
fn run_with_stdin(mut cmd: Command, stdin: Option<&str>) -> Output {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn ocop");
    if let Some(input) = stdin {
        let mut w = child.stdin.take().unwrap();
        // The program may exit before reading (e.g. bad role): ignore broken pipes.
        let _ = w.write_all(input.as_bytes());
    }
    let out = Arc::new(Mutex::new(String::new()));
    let err = Arc::new(Mutex::new(String::new()));
    let t1 = reader(child.stdout.take().unwrap(), out.clone());
    let t2 = reader(child.stderr.take().unwrap(), err.clone());
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "command {cmd:?} did not finish within {COMMAND_TIMEOUT:?}; stdout: {} stderr: {}",
                out.lock().unwrap(),
                err.lock().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let _ = t1.join();
    let _ = t2.join();
    let stdout = out.lock().unwrap().clone();
    let stderr = err.lock().unwrap().clone();
    Output {
        status,
        stdout,
        stderr,
        elapsed,
    }
}

fn run(cmd: Command) -> Output {
    run_with_stdin(cmd, None)
}

/// Runs `ocop ARGS` in `dir`.
fn ocop_run(dir: &Path, args: &[&str]) -> Output {
    let mut c = ocop(dir);
    c.args(args);
    run(c)
}

/// Asserts the success of a command, showing its output when it failed.
#[track_caller]
fn assert_success(o: &Output, what: &str) {
    assert!(
        o.ok(),
        "{what}: expected exit 0, got {:?}\nstdout: {}\nstderr: {}",
        o.status,
        o.stdout,
        o.stderr
    );
}

/// The contract for bad input: a non-zero exit, exactly one line on stderr, never a
/// panic or a backtrace. Returns that line.
#[track_caller]
fn assert_one_line_failure<'a>(o: &'a Output, what: &str) -> &'a str {
    assert!(
        !o.ok() && o.code().is_some(),
        "{what}: expected a non-zero exit, got {:?}\nstdout: {}\nstderr: {}",
        o.status,
        o.stdout,
        o.stderr
    );
    assert_no_panic(o, what);
    let lines = o.stderr_lines();
    assert_eq!(
        lines.len(),
        1,
        "{what}: expected exactly one line on stderr, got {}:\n{}",
        lines.len(),
        o.stderr
    );
    lines[0]
}

#[track_caller]
fn assert_no_panic(o: &Output, what: &str) {
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(
            !o.stderr.contains(bad),
            "{what}: stderr mentions {bad:?}:\n{}",
            o.stderr
        );
        assert!(
            !o.stdout.contains(bad),
            "{what}: stdout mentions {bad:?}:\n{}",
            o.stdout
        );
    }
}

/// Creates a migrated SQLite database `name` in `dir` and returns its URL.
fn migrated_db(dir: &TempDir, name: &str) -> String {
    let url = dir.sqlite_url(name);
    let o = ocop_run(dir.path(), &["migrate", "--database", &url]);
    assert_success(&o, "migrate");
    url
}

fn user_add(dir: &Path, url: &str, extra: &[&str], password: &str) -> Output {
    let mut c = ocop(dir);
    c.args(["user", "add", "--database", url]).args(extra);
    run_with_stdin(c, Some(password))
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 GET over a raw socket: (status, headers, body).
fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.set_write_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let body_raw = &raw[split + 4..];
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line: {head}")))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("transfer-encoding:")
            && l.to_ascii_lowercase().contains("chunked")
    });
    let body = if chunked {
        dechunk(body_raw)
    } else {
        body_raw.to_vec()
    };
    Ok((status, head, String::from_utf8_lossy(&body).to_string()))
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size_line = String::from_utf8_lossy(&b[..eol]).to_string();
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        b = &b[eol + 2..];
        if size == 0 || b.len() < size {
            out.extend_from_slice(&b[..size.min(b.len())]);
            break;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[(size + 2).min(b.len())..];
    }
    out
}

/// A running `ocop serve`, killed on drop if the test did not stop it.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Spawns `cmd` (an `ocop serve …`) and waits until `/healthz` answers on `port`.
    fn start(mut cmd: Command, port: u16) -> Server {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn ocop serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let readers = vec![
            reader(child.stdout.take().unwrap(), stdout.clone()),
            reader(child.stderr.take().unwrap(), stderr.clone()),
        ];
        let mut srv = Server {
            child,
            port,
            stdout,
            stderr,
            readers,
        };
        let start = Instant::now();
        loop {
            if let Some(st) = srv.child.try_wait().unwrap() {
                panic!(
                    "ocop serve exited early with {st:?}\nstdout: {}\nstderr: {}",
                    srv.stdout(),
                    srv.stderr()
                );
            }
            if let Ok((200, _, _)) = http_get(port, "/healthz") {
                return srv;
            }
            if start.elapsed() > START_TIMEOUT {
                panic!(
                    "ocop serve did not answer /healthz on port {port} within {START_TIMEOUT:?}\nstdout: {}\nstderr: {}",
                    srv.stdout(),
                    srv.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits for the exit status.
    fn terminate(mut self) -> (ExitStatus, Duration) {
        let pid = self.child.id().to_string();
        let st = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(st.success(), "kill -TERM {pid} failed");
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                for r in self.readers.drain(..) {
                    let _ = r.join();
                }
                return (st, start.elapsed());
            }
            if start.elapsed() > STOP_TIMEOUT {
                panic!(
                    "ocop serve on port {} did not stop within {STOP_TIMEOUT:?} of SIGTERM\nstdout: {}\nstderr: {}",
                    self.port,
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn has_sqlite3() -> bool {
    Command::new("sqlite3")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn sqlite3(db: &Path, sql: &str) -> String {
    let o = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("run sqlite3");
    assert!(
        o.status.success(),
        "sqlite3 {sql}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

// ---------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------

#[test]
fn help_exits_zero_and_lists_the_subcommands() {
    let dir = TempDir::new("help");
    let o = ocop_run(dir.path(), &["--help"]);
    assert_success(&o, "ocop --help");
    for sub in ["serve", "migrate", "demo", "user", "import", "audit"] {
        assert!(
            o.stdout.contains(sub),
            "--help does not mention {sub}:\n{}",
            o.stdout
        );
    }
    let o = ocop_run(dir.path(), &["--version"]);
    assert_success(&o, "ocop --version");
    assert!(o.stdout.starts_with("ocop "), "{}", o.stdout);
}

#[test]
fn unknown_flag_is_one_line_and_non_zero() {
    let dir = TempDir::new("bogus");
    let o = ocop_run(dir.path(), &["serve", "--bogus"]);
    let line = assert_one_line_failure(&o, "ocop serve --bogus");
    assert!(
        line.contains("--bogus"),
        "the message should name the flag: {line}"
    );
    assert_eq!(
        o.code(),
        Some(2),
        "clap convention: exit 2 for a usage error"
    );
    // Nothing was started or created.
    assert!(
        !dir.join("ocop-data").exists(),
        "a usage error must not create the default database"
    );
}

#[test]
fn unknown_subcommand_and_missing_argument_are_one_line() {
    let dir = TempDir::new("badargs");
    let o = ocop_run(dir.path(), &["frobnicate"]);
    assert_one_line_failure(&o, "ocop frobnicate");
    let o = ocop_run(
        dir.path(),
        &["user", "add", "--role", "admin", "--password-stdin"],
    );
    let line = assert_one_line_failure(&o, "user add without --username");
    assert!(
        line.contains("--username"),
        "the one-line message should name the missing argument --username, got: {line}"
    );
}

/// Bad input must give a non-zero exit: `ocop user` (no subcommand) is incomplete.
#[test]
fn missing_subcommand_exits_non_zero() {
    let dir = TempDir::new("nosub");
    for args in [&[][..], &["user"][..], &["audit"][..]] {
        let o = ocop_run(dir.path(), args);
        assert_no_panic(&o, "missing subcommand");
        assert!(
            !o.ok(),
            "`ocop {}` (a missing subcommand) should exit non-zero, got {:?}\nstdout: {}\nstderr: {}",
            args.join(" "),
            o.status,
            o.stdout,
            o.stderr
        );
    }
}

// ---------------------------------------------------------------------------------
// Databases: migrate and serve's OpenMode rules, bad URLs
// ---------------------------------------------------------------------------------

#[test]
fn migrate_creates_a_new_sqlite_file() {
    let dir = TempDir::new("migrate");
    let url = dir.sqlite_url("new.db");
    assert!(!dir.join("new.db").exists());
    let o = ocop_run(dir.path(), &["migrate", "--database", &url]);
    assert_success(&o, "migrate");
    assert_no_panic(&o, "migrate");
    assert!(dir.join("new.db").is_file(), "migrate should create new.db");
    assert!(o.stdout.contains("up to date"), "{}", o.stdout);
    // It is a real, migrated SQLite database (the audit table exists).
    if has_sqlite3() {
        assert_eq!(
            sqlite3(
                &dir.join("new.db"),
                "SELECT count(*) FROM sqlite_master WHERE name='audit_log'"
            ),
            "1"
        );
    }
    // Running it again is fine (idempotent).
    let o = ocop_run(dir.path(), &["migrate", "--database", &url]);
    assert_success(&o, "second migrate");
    // A relative path is resolved against the current directory.
    let o = ocop_run(dir.path(), &["migrate", "--database", "sqlite://rel.db"]);
    assert_success(&o, "migrate relative");
    assert!(dir.join("rel.db").is_file());
}

#[test]
fn migrate_into_a_missing_folder_names_the_folder() {
    let dir = TempDir::new("migrate-nofolder");
    let url = dir.sqlite_url("missing-folder/x.db");
    let o = ocop_run(dir.path(), &["migrate", "--database", &url]);
    let line = assert_one_line_failure(&o, "migrate into a missing folder");
    assert!(
        line.contains("missing-folder"),
        "the message should name the folder: {line}"
    );
    assert!(
        !dir.join("missing-folder").exists(),
        "migrate must not create the folder"
    );
}

#[test]
fn serve_refuses_a_missing_non_default_sqlite_file() {
    let dir = TempDir::new("serve-typo");
    let url = dir.sqlite_url("typo.db");
    let mut c = ocop(dir.path());
    // Even if it did start, it must not take the test runner's usual port.
    c.args([
        "serve",
        "--database",
        &url,
        "--listen",
        &format!("127.0.0.1:{}", free_port()),
    ]);
    let o = run(c);
    let line = assert_one_line_failure(&o, "serve with a typo'd database");
    assert!(
        line.contains("typo.db"),
        "the message should name the file: {line}"
    );
    assert!(line.contains("does not exist"), "{line}");
    assert!(
        o.elapsed < Duration::from_secs(30),
        "serve should fail quickly, took {:?}",
        o.elapsed
    );
    assert!(
        !dir.join("typo.db").exists(),
        "serve must not create a non-default database file"
    );
    assert!(
        !dir.join("ocop-data").exists(),
        "serve must not fall back to the default database"
    );
}

#[test]
fn unreachable_postgres_hides_the_password() {
    let dir = TempDir::new("pg");
    let o = ocop_run(
        dir.path(),
        &["migrate", "--database", "postgres://u:secret@127.0.0.1:1/x"],
    );
    let line = assert_one_line_failure(&o, "migrate on an unreachable PostgreSQL");
    assert!(
        line.contains("***"),
        "the URL should be shown with its password hidden: {line}"
    );
    assert!(
        !o.stderr.contains("secret"),
        "the password leaked on stderr: {}",
        o.stderr
    );
    assert!(
        !o.stdout.contains("secret"),
        "the password leaked on stdout: {}",
        o.stdout
    );
    assert!(o.elapsed < Duration::from_secs(60), "took {:?}", o.elapsed);
}

#[test]
fn bad_url_scheme_is_one_line() {
    let dir = TempDir::new("mysql");
    for cmd in [
        &["migrate"][..],
        &["serve"][..],
        &["audit", "verify"][..],
        &["demo"][..],
    ] {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--database", "mysql://x"]);
        let o = ocop_run(dir.path(), &args);
        let line = assert_one_line_failure(&o, &args.join(" "));
        assert!(
            line.contains("mysql://x") || line.contains("unsupported"),
            "{line}"
        );
    }
    // An empty SQLite path is bad input as well.
    let o = ocop_run(dir.path(), &["migrate", "--database", "sqlite://"]);
    assert_one_line_failure(&o, "migrate sqlite://");
    assert!(!dir.join("ocop-data").exists());
}

#[test]
fn bad_url_scheme_from_the_environment_is_one_line_and_hides_the_password() {
    let dir = TempDir::new("mysql-env");
    let mut c = ocop(dir.path());
    c.args(["migrate"])
        .env("OCOP_DATABASE_URL", "mysql://u:hunter22@db/x");
    let o = run(c);
    let line = assert_one_line_failure(&o, "migrate with OCOP_DATABASE_URL=mysql://…");
    assert!(!line.contains("hunter22"), "the password leaked: {line}");
}

// ---------------------------------------------------------------------------------
// user add
// ---------------------------------------------------------------------------------

#[test]
fn user_add_creates_once_and_validates_role_unit_and_scope() {
    let dir = TempDir::new("useradd");
    let url = migrated_db(&dir, "users.db");
    let alice = [
        "--username",
        "alice",
        "--role",
        "province_officer",
        "--unit",
        "12",
        "--password-stdin",
    ];

    let o = user_add(dir.path(), &url, &alice, "a-long-password-1\n");
    assert_success(&o, "user add alice");
    assert!(o.stdout.contains("alice"), "{}", o.stdout);

    let o = user_add(dir.path(), &url, &alice, "a-long-password-1\n");
    let line = assert_one_line_failure(&o, "user add alice again");
    assert!(line.contains("already exists"), "{line}");

    let o = user_add(
        dir.path(),
        &url,
        &[
            "--username",
            "bob",
            "--role",
            "superuser",
            "--password-stdin",
        ],
        "a-long-password-2\n",
    );
    let line = assert_one_line_failure(&o, "role superuser");
    assert!(
        line.contains("superuser"),
        "the message should name the bad role: {line}"
    );

    let o = user_add(
        dir.path(),
        &url,
        &[
            "--username",
            "carol",
            "--role",
            "province_officer",
            "--unit",
            "99999",
            "--password-stdin",
        ],
        "a-long-password-3\n",
    );
    let line = assert_one_line_failure(&o, "unit 99999");
    assert!(
        line.contains("99999"),
        "the message should name the unknown unit: {line}"
    );

    let o = user_add(
        dir.path(),
        &url,
        &[
            "--username",
            "dave",
            "--role",
            "province_officer",
            "--password-stdin",
        ],
        "a-long-password-4\n",
    );
    let line = assert_one_line_failure(&o, "province_officer without --unit");
    assert!(line.contains("unit"), "{line}");

    // None of the refused accounts exists: adding them properly works now.
    let o = user_add(
        dir.path(),
        &url,
        &["--username", "dave", "--role", "viewer", "--password-stdin"],
        "a-long-password-4\n",
    );
    assert_success(&o, "user add dave as viewer");

    if has_sqlite3() {
        let names = sqlite3(
            &dir.join("users.db"),
            "SELECT username FROM users ORDER BY username",
        );
        assert_eq!(
            names.lines().collect::<Vec<_>>(),
            vec!["alice", "dave"],
            "accounts in the database"
        );
    }
}

#[test]
fn user_add_requires_password_stdin_a_strong_password_and_an_existing_database() {
    let dir = TempDir::new("useradd-bad");
    let url = migrated_db(&dir, "users.db");

    let o = user_add(
        dir.path(),
        &url,
        &["--username", "erin", "--role", "admin"],
        "a-long-password\n",
    );
    let line = assert_one_line_failure(&o, "user add without --password-stdin");
    assert!(line.contains("password"), "{line}");

    let o = user_add(
        dir.path(),
        &url,
        &["--username", "erin", "--role", "admin", "--password-stdin"],
        "short\n",
    );
    let line = assert_one_line_failure(&o, "user add with a weak password");
    assert!(line.contains("password"), "{line}");

    // Long enough but guessable, or built on the username: the pages' rule applies.
    for weak in ["1234567890\n", "erin-erin-erin\n"] {
        let o = user_add(
            dir.path(),
            &url,
            &["--username", "erin", "--role", "admin", "--password-stdin"],
            weak,
        );
        let line = assert_one_line_failure(&o, "user add with a guessable password");
        assert!(line.contains("too weak"), "{weak:?}: {line}");
    }

    let o = user_add(
        dir.path(),
        &url,
        &[
            "--username",
            "erin",
            "--role",
            "producer",
            "--password-stdin",
        ],
        "a-long-password\n",
    );
    assert_one_line_failure(&o, "producer without --entity");

    let missing = dir.sqlite_url("nope.db");
    let o = user_add(
        dir.path(),
        &missing,
        &["--username", "erin", "--role", "admin", "--password-stdin"],
        "a-long-password\n",
    );
    let line = assert_one_line_failure(&o, "user add on a missing database");
    assert!(line.contains("nope.db"), "{line}");
    assert!(
        !dir.join("nope.db").exists(),
        "user add must not create a database"
    );
}

// ---------------------------------------------------------------------------------
// demo and audit verify
// ---------------------------------------------------------------------------------

#[test]
fn demo_is_idempotent_and_audit_verify_detects_tampering() {
    let dir = TempDir::new("demo");
    let url = migrated_db(&dir, "demo.db");

    let o = ocop_run(dir.path(), &["demo", "--database", &url]);
    assert_success(&o, "first demo");
    assert!(o.stdout.contains("DEMO DATA"), "{}", o.stdout);
    for account in [
        "admin",
        "tinh",
        "chuthe",
        "xem",
        "demo-ocop-2026",
        "province_officer",
    ] {
        assert!(
            o.stdout.contains(account),
            "demo output should list {account}:\n{}",
            o.stdout
        );
    }
    assert!(!o.stdout.contains("already loaded"), "{}", o.stdout);

    let o = ocop_run(dir.path(), &["demo", "--database", &url]);
    assert_success(&o, "second demo");
    assert!(o.stdout.contains("already loaded"), "{}", o.stdout);

    let o = ocop_run(dir.path(), &["audit", "verify", "--database", &url]);
    assert_success(&o, "audit verify");
    assert!(o.stdout.contains("intact"), "{}", o.stdout);

    if !has_sqlite3() {
        eprintln!("sqlite3 is not installed: skipping the tampering half of this test");
        return;
    }
    let file = dir.join("demo.db");
    let total: i64 = sqlite3(&file, "SELECT count(*) FROM audit_log")
        .parse()
        .unwrap();
    assert!(
        total > 10,
        "the demo should leave an audit trail, found {total} entries"
    );
    // Tamper with an entry in the middle of the chain.
    let id = sqlite3(
        &file,
        &format!(
            "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET {}",
            total / 2
        ),
    );
    sqlite3(
        &file,
        &format!("UPDATE audit_log SET \"after\" = coalesce(\"after\", '') || ' tampered' WHERE id = {id}"),
    );
    let o = ocop_run(dir.path(), &["audit", "verify", "--database", &url]);
    assert_eq!(
        o.code(),
        Some(1),
        "a tampered chain: exit 1\nstdout: {}\nstderr: {}",
        o.stdout,
        o.stderr
    );
    assert_no_panic(&o, "audit verify (tampered)");
    assert!(
        o.stderr.contains(&format!("entry {id}")),
        "stderr should name the broken entry {id}: {}",
        o.stderr
    );
    assert!(!o.stdout.contains("intact"), "{}", o.stdout);
}

#[test]
fn audit_verify_refuses_a_missing_database() {
    let dir = TempDir::new("audit-missing");
    let url = dir.sqlite_url("none.db");
    let o = ocop_run(dir.path(), &["audit", "verify", "--database", &url]);
    let line = assert_one_line_failure(&o, "audit verify on a missing database");
    assert!(line.contains("none.db"), "{line}");
    assert_ne!(o.code(), Some(1), "exit 1 is reserved for a broken chain");
    assert!(!dir.join("none.db").exists());
}

#[test]
fn demo_refuses_a_missing_non_default_database() {
    let dir = TempDir::new("demo-missing");
    let url = dir.sqlite_url("none.db");
    let o = ocop_run(dir.path(), &["demo", "--database", &url]);
    assert_one_line_failure(&o, "demo on a missing database");
    assert!(!dir.join("none.db").exists());
}

// ---------------------------------------------------------------------------------
// import units
// ---------------------------------------------------------------------------------

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn imported_count(stdout: &str) -> usize {
    let rest = stdout
        .split("imported ")
        .nth(1)
        .unwrap_or_else(|| panic!("no 'imported N' in output: {stdout}"));
    rest.split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("bad count in: {stdout}"))
}

#[test]
fn import_units_is_idempotent_and_needs_a_period() {
    let dir = TempDir::new("import");
    let url = migrated_db(&dir, "units.db");
    let csv = repo_root().join("data/admin-units/vietnam-post2025.csv");
    let csv = csv.to_str().unwrap();

    let o = ocop_run(dir.path(), &["import", "units", csv, "--database", &url]);
    assert_success(&o, "first import");
    let n = imported_count(&o.stdout);
    assert!(
        n > 3000,
        "the national post-2025 file should add thousands of units, added {n}: {}",
        o.stdout
    );

    let o = ocop_run(dir.path(), &["import", "units", csv, "--database", &url]);
    assert_success(&o, "second import");
    assert_eq!(
        imported_count(&o.stdout),
        0,
        "a second import adds nothing: {}",
        o.stdout
    );

    // The imported units can scope an account (a commune outside Lai Châu).
    if has_sqlite3() {
        let count: usize = sqlite3(
            &dir.join("units.db"),
            "SELECT count(*) FROM admin_units WHERE period = 'post2025'",
        )
        .parse()
        .unwrap_or(0);
        assert!(count > 3000, "post2025 units in the database: {count}");
    }

    // Without pre2025/post2025 in its name the period must be given.
    let renamed = dir.join("units.csv");
    std::fs::copy(csv, &renamed).unwrap();
    let renamed = renamed.to_str().unwrap();
    let o = ocop_run(
        dir.path(),
        &["import", "units", renamed, "--database", &url],
    );
    let line = assert_one_line_failure(&o, "import a file without a period");
    assert!(
        line.contains("--period"),
        "the message should tell how to give the period: {line}"
    );

    let o = ocop_run(
        dir.path(),
        &[
            "import",
            "units",
            renamed,
            "--database",
            &url,
            "--period",
            "post2025",
        ],
    );
    assert_success(&o, "import with --period");
    assert_eq!(imported_count(&o.stdout), 0, "{}", o.stdout);

    let o = ocop_run(
        dir.path(),
        &[
            "import",
            "units",
            renamed,
            "--database",
            &url,
            "--period",
            "2030",
        ],
    );
    assert_one_line_failure(&o, "import with a bad --period");

    let o = ocop_run(
        dir.path(),
        &[
            "import",
            "units",
            "no-such-post2025.csv",
            "--database",
            &url,
        ],
    );
    let line = assert_one_line_failure(&o, "import a missing file");
    assert!(line.contains("no-such-post2025.csv"), "{line}");
}

// ---------------------------------------------------------------------------------
// serve and configuration layering
// ---------------------------------------------------------------------------------

#[test]
fn serve_with_ocop_listen_creates_the_default_database_and_stops_on_sigterm() {
    let dir = TempDir::new("serve-env");
    let port = free_port();
    let mut c = ocop(dir.path());
    c.arg("serve")
        .env("OCOP_LISTEN", format!("127.0.0.1:{port}"));
    let srv = Server::start(c, port);
    assert!(
        dir.join("ocop-data/ocop.db").is_file(),
        "serve should create ocop-data/ocop.db"
    );
    let (status, _, body) = http_get(port, "/healthz").unwrap();
    assert_eq!(status, 200);
    assert_eq!(body.trim(), "ok");
    assert!(
        srv.stdout().contains(&format!("127.0.0.1:{port}")),
        "{}",
        srv.stdout()
    );
    let (st, took) = srv.terminate();
    assert!(st.success(), "serve should exit 0 on SIGTERM, got {st:?}");
    assert!(took < STOP_TIMEOUT);
    // The port is free again.
    assert!(
        TcpListener::bind(("127.0.0.1", port)).is_ok(),
        "port {port} still in use after exit"
    );
}

#[test]
fn toml_config_sets_listen_env_overrides_it_and_a_flag_overrides_env() {
    let dir = TempDir::new("serve-layers");
    let toml_port = free_port();
    let toml = dir.join("custom.toml");
    std::fs::write(&toml, format!("listen = \"127.0.0.1:{toml_port}\"\n")).unwrap();
    let toml_s = toml.to_str().unwrap().to_string();

    // 1. TOML only.
    let mut c = ocop(dir.path());
    c.args(["--config", &toml_s, "serve"]);
    let srv = Server::start(c, toml_port);
    let (st, _) = srv.terminate();
    assert!(st.success(), "{st:?}");

    // 2. TOML + environment: the environment wins.
    let env_port = free_port();
    let mut c = ocop(dir.path());
    c.args(["--config", &toml_s, "serve"])
        .env("OCOP_LISTEN", format!("127.0.0.1:{env_port}"));
    let srv = Server::start(c, env_port);
    assert!(
        TcpStream::connect(("127.0.0.1", toml_port)).is_err(),
        "TOML port should be unused"
    );
    let (st, _) = srv.terminate();
    assert!(st.success(), "{st:?}");

    // 3. TOML + environment + flag: the flag wins (global --config after the subcommand too).
    let flag_port = free_port();
    let mut c = ocop(dir.path());
    c.args([
        "serve",
        "--config",
        &toml_s,
        "--listen",
        &format!("127.0.0.1:{flag_port}"),
    ])
    .env("OCOP_LISTEN", format!("127.0.0.1:{env_port}"));
    let srv = Server::start(c, flag_port);
    assert!(
        TcpStream::connect(("127.0.0.1", env_port)).is_err(),
        "env port should be unused"
    );
    assert!(
        TcpStream::connect(("127.0.0.1", toml_port)).is_err(),
        "TOML port should be unused"
    );
    assert!(
        srv.stdout().contains(&format!("127.0.0.1:{flag_port}")),
        "{}",
        srv.stdout()
    );
    let (st, _) = srv.terminate();
    assert!(st.success(), "{st:?}");
}

#[test]
fn ocop_toml_in_the_current_directory_is_read() {
    let dir = TempDir::new("serve-cwd-toml");
    let port = free_port();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    // database_url in the file: serve refuses it (non-default and missing) — proves it
    // is read; then migrate creates it and serve uses it.
    std::fs::write(
        dir.join("ocop.toml"),
        format!("listen = \"127.0.0.1:{port}\"\ndatabase_url = \"sqlite://data/from-toml.db\"\n"),
    )
    .unwrap();
    let o = ocop_run(dir.path(), &["serve"]);
    let line = assert_one_line_failure(&o, "serve with a TOML database that does not exist");
    assert!(line.contains("from-toml.db"), "{line}");
    let o = ocop_run(dir.path(), &["migrate"]);
    assert_success(&o, "migrate with the TOML database");
    assert!(dir.join("data/from-toml.db").is_file());
    let mut c = ocop(dir.path());
    c.arg("serve").env("OCOP_LOG_FORMAT", "json");
    let srv = Server::start(c, port);
    assert!(
        !dir.join("ocop-data").exists(),
        "the default database must not be used"
    );
    let (st, _) = srv.terminate();
    assert!(st.success(), "{st:?}");
}

#[test]
fn unknown_key_in_the_toml_file_is_invalid_configuration() {
    let dir = TempDir::new("toml-bad");
    let toml = dir.join("bad.toml");
    std::fs::write(
        &toml,
        "listen = \"127.0.0.1:0\"\nlisten_adress = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    let o = ocop_run(dir.path(), &["--config", toml.to_str().unwrap(), "serve"]);
    let line = assert_one_line_failure(&o, "unknown key in TOML");
    assert!(line.contains("invalid configuration"), "{line}");
    assert!(
        line.contains("listen_adress"),
        "the message should name the unknown key: {line}"
    );
    assert!(
        !dir.join("ocop-data").exists(),
        "nothing should be created on a bad configuration"
    );

    // A malformed value and a missing --config file are reported the same way.
    std::fs::write(&toml, "public_rate_limit = \"lots\"\n").unwrap();
    let o = ocop_run(dir.path(), &["--config", toml.to_str().unwrap(), "migrate"]);
    let line = assert_one_line_failure(&o, "bad value in TOML");
    assert!(line.contains("invalid configuration"), "{line}");

    let o = ocop_run(dir.path(), &["--config", "nowhere.toml", "migrate"]);
    let line = assert_one_line_failure(&o, "missing --config file");
    assert!(line.contains("nowhere.toml"), "{line}");
}

#[test]
fn bad_environment_value_is_invalid_configuration() {
    let dir = TempDir::new("env-bad");
    let mut c = ocop(dir.path());
    c.arg("migrate").env("OCOP_PUBLIC_RATE_LIMIT", "lots");
    let o = run(c);
    let line = assert_one_line_failure(&o, "OCOP_PUBLIC_RATE_LIMIT=lots");
    assert!(line.contains("invalid configuration"), "{line}");
    assert!(!dir.join("ocop-data").exists());
}

#[test]
fn unknown_ocop_environment_variable_is_reported() {
    let dir = TempDir::new("env-unknown");
    let url = dir.sqlite_url("x.db");
    let mut c = ocop(dir.path());
    c.args(["migrate", "--database", &url])
        .env("OCOP_LISTN", "127.0.0.1:1");
    let o = run(c);
    assert_success(&o, "migrate with a misspelt OCOP_ variable");
    assert!(
        o.stderr.contains("OCOP_LISTN"),
        "the unknown variable should be reported: {}",
        o.stderr
    );
}

#[test]
fn serve_demo_prints_the_accounts_and_serves_the_login_page() {
    let dir = TempDir::new("serve-demo");
    let port = free_port();
    let mut c = ocop(dir.path());
    c.args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")]);
    let srv = Server::start(c, port);
    let out = srv.stdout();
    assert!(
        out.contains("DEMO DATA"),
        "the demo warning is missing:\n{out}"
    );
    assert!(out.contains("NOT OFFICIAL"), "{out}");
    for account in ["admin", "tinh", "huyen", "chuthe", "demo-ocop-2026"] {
        assert!(
            out.contains(account),
            "the demo accounts should include {account}:\n{out}"
        );
    }
    let (status, head, body) = http_get(port, "/login").unwrap();
    assert_eq!(status, 200, "{head}");
    assert!(
        body.contains("Đăng nhập"),
        "the login page should say Đăng nhập:\n{body}"
    );
    let (status, _, body) = http_get(port, "/healthz").unwrap();
    assert_eq!((status, body.trim()), (200, "ok"));
    let (st, _) = srv.terminate();
    assert!(st.success(), "{st:?}");

    // A second `serve --demo` on the same database does not load it again.
    let port2 = free_port();
    let mut c = ocop(dir.path());
    c.args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port2}")]);
    let srv = Server::start(c, port2);
    assert!(srv.stdout().contains("already loaded"), "{}", srv.stdout());
    let (st, _) = srv.terminate();
    assert!(st.success(), "{st:?}");
    if has_sqlite3() {
        let n = sqlite3(
            &dir.join("ocop-data/ocop.db"),
            "SELECT count(*) FROM users WHERE username = 'tinh'",
        );
        assert_eq!(n, "1", "the demo accounts must not be duplicated");
    }
}

#[test]
fn a_malformed_pinned_date_is_invalid_configuration() {
    let dir = TempDir::new("env-today");
    let mut c = ocop(dir.path());
    c.arg("migrate").env("OCOP_TODAY", "10/06/2025");
    let o = run(c);
    let line = assert_one_line_failure(&o, "OCOP_TODAY=10/06/2025");
    assert!(line.contains("today must be a date"), "{line}");
    assert!(!dir.join("ocop-data").exists());
}

#[test]
fn documented_environment_settings_are_not_reported_unknown() {
    let dir = TempDir::new("env-known");
    let url = dir.sqlite_url("x.db");
    let mut c = ocop(dir.path());
    c.args(["migrate", "--database", &url])
        .env("OCOP_FILES_DIR", dir.join("files").display().to_string())
        .env("OCOP_MAIL_FROM", "ocop@laichau.gov.vn")
        .env("OCOP_SMTP_URL", "smtp://127.0.0.1:2525")
        .env("OCOP_TODAY", "2025-06-10");
    let o = run(c);
    assert_success(&o, "migrate with documented OCOP_ settings");
    assert!(
        !o.stderr.contains("unknown environment variable"),
        "{}",
        o.stderr
    );
}

// ---------------------------------------------------------------------------------
// Issue 10: the anchored audit chain, backup and restore
// ---------------------------------------------------------------------------------

/// A new PostgreSQL database on the server of `TEST_DATABASE_URL` (made with `psql`),
/// or `None` when the variable is not set.
fn pg_database() -> Option<String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let base = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "ocop_t_cli_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    psql(&base, &format!("CREATE DATABASE {name}"));
    let (head, _) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL ends with /DB");
    Some(format!("{head}/{name}"))
}

fn psql(url: &str, sql: &str) -> String {
    let o = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .expect("run psql");
    assert!(
        o.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Runs SQL on a `sqlite://` or `postgres://` database of a test.
fn sql(url: &str, query: &str) -> String {
    match url.strip_prefix("sqlite://") {
        Some(path) => sqlite3(Path::new(path), query),
        None => psql(url, query),
    }
}

/// `ocop ARGS` in `dir` with extra environment variables.
fn ocop_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = ocop(dir);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    run(c)
}

/// The databases to run an issue-10 scenario on: SQLite (when `sqlite3` is there to
/// tamper with it) and PostgreSQL (when `TEST_DATABASE_URL` is set).
fn scenario_databases(dir: &TempDir, name: &str) -> Vec<String> {
    let mut v = Vec::new();
    if has_sqlite3() {
        v.push(dir.sqlite_url(&format!("{name}.db")));
    } else {
        eprintln!("sqlite3 is not installed: skipping the SQLite half of this test");
    }
    v.extend(pg_database());
    v
}

#[test]
fn audit_verify_with_the_key_catches_an_edit_and_a_deleted_tail_and_needs_the_key() {
    let dir = TempDir::new("audit-anchor");
    std::fs::create_dir_all(dir.join("ocop-data")).unwrap();
    for url in scenario_databases(&dir, "anchor") {
        let verify = |env: &[(&str, &str)]| {
            ocop_env(dir.path(), &["audit", "verify", "--database", &url], env)
        };
        assert_success(
            &ocop_run(dir.path(), &["migrate", "--database", &url]),
            "migrate",
        );
        let key_file = dir.join("ocop-data/audit.key");
        assert!(key_file.is_file(), "the first start creates the audit key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the key file is the owner's only");
        }
        let key_hex = std::fs::read_to_string(&key_file).unwrap();
        assert_success(&ocop_run(dir.path(), &["demo", "--database", &url]), "demo");

        // Intact: 0, and the checkpoints were checked.
        let o = verify(&[]);
        assert_success(&o, "audit verify (intact)");
        assert!(o.stdout.contains("intact"), "{}", o.stdout);
        assert!(o.stdout.contains("checkpoint"), "{}", o.stdout);
        for out in [&o.stdout, &o.stderr] {
            assert!(!out.contains(key_hex.trim()), "the key was printed");
        }

        // Without the key: it says so and exits 2 (not 1: nothing was found broken).
        let o = verify(&[("OCOP_AUDIT_KEY_FILE", "/nonexistent/audit.key")]);
        let line = assert_one_line_failure(&o, "audit verify without the key");
        assert_eq!(o.code(), Some(2), "{line}");
        assert!(line.contains("could not be checked"), "{line}");
        // With another key: the checkpoints are not genuine.
        let o = verify(&[("OCOP_AUDIT_KEY", &"ab".repeat(32))]);
        assert_eq!(o.code(), Some(1), "another key: {}", o.stderr);
        assert!(o.stderr.contains("another key"), "{}", o.stderr);
        // A malformed key in the environment is an error, not a verdict.
        let o = verify(&[("OCOP_AUDIT_KEY", "not-hex")]);
        let line = assert_one_line_failure(&o, "OCOP_AUDIT_KEY=not-hex");
        assert_eq!(o.code(), Some(2), "{line}");

        // An edited entry: 1, naming it; put back, the chain is intact again.
        let id = sql(
            &url,
            "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 5",
        );
        let original = sql(
            &url,
            &format!("SELECT action FROM audit_log WHERE id = {id}"),
        );
        sql(
            &url,
            &format!("UPDATE audit_log SET action = 'tampered' WHERE id = {id}"),
        );
        let o = verify(&[]);
        assert_eq!(o.code(), Some(1), "edited entry: {}", o.stderr);
        assert!(o.stderr.contains(&format!("entry {id}")), "{}", o.stderr);
        sql(
            &url,
            &format!("UPDATE audit_log SET action = '{original}' WHERE id = {id}"),
        );
        assert_success(&verify(&[]), "audit verify after the repair");

        // The last entries deleted: the chain alone would look intact, not here.
        sql(
            &url,
            "DELETE FROM audit_log WHERE id > (SELECT MAX(id) - 3 FROM audit_log)",
        );
        let o = verify(&[]);
        assert_eq!(o.code(), Some(1), "deleted tail: {}", o.stderr);
        assert_no_panic(&o, "deleted tail");
        assert!(o.stderr.contains("checkpoint"), "{}", o.stderr);
        assert!(o.stderr.contains("missing"), "{}", o.stderr);
        assert!(!o.stdout.contains("intact"), "{}", o.stdout);
        std::fs::remove_file(&key_file).unwrap();
    }
}

/// Every table's rows, sorted, as text, for comparing two databases of one backend.
fn dump_tables(url: &str) -> Vec<(String, String)> {
    let names = if url.starts_with("sqlite://") {
        sql(
            url,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
    } else {
        sql(
            url,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
        )
    };
    names
        .lines()
        .map(|t| {
            let mut rows: Vec<String> = sql(url, &format!("SELECT * FROM \"{t}\""))
                .lines()
                .map(str::to_string)
                .collect();
            rows.sort();
            (t.to_string(), rows.join("\n"))
        })
        .collect()
}

fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn backup_and_restore_round_trip_row_for_row_and_refuse_bad_input() {
    let dir = TempDir::new("backup");
    std::fs::create_dir_all(dir.join("ocop-data")).unwrap();
    let mut sqlite_backup = None;
    for (i, src) in scenario_databases(&dir, "src").into_iter().enumerate() {
        assert_success(
            &ocop_run(dir.path(), &["migrate", "--database", &src]),
            "migrate",
        );
        assert_success(&ocop_run(dir.path(), &["demo", "--database", &src]), "demo");
        let file = dir.join(&format!("nightly-{i}.ocop-backup"));
        let file_s = file.to_str().unwrap();
        let o = ocop_run(
            dir.path(),
            &[
                "backup",
                "--database",
                &src,
                "--to",
                file_s,
                "--files",
                "ocop-data/files",
            ],
        );
        assert_success(&o, "backup");
        assert!(o.stdout.contains("backed up"), "{}", o.stdout);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the backup holds the signing keys");
        }
        // Never overwrites a backup.
        let o = ocop_run(dir.path(), &["backup", "--database", &src, "--to", file_s]);
        let line = assert_one_line_failure(&o, "backup to an existing file");
        assert!(line.contains("already exists"), "{line}");

        // Into a new database: the same rows, the same files, an intact audit chain.
        let dst = if src.starts_with("sqlite://") {
            dir.sqlite_url(&format!("restored-{i}.db"))
        } else {
            pg_database().unwrap()
        };
        let files = format!("restored-files-{i}");
        let o = ocop_run(
            dir.path(),
            &[
                "restore",
                "--database",
                &dst,
                "--from",
                file_s,
                "--files",
                &files,
            ],
        );
        assert_success(&o, "restore");
        assert!(o.stdout.contains("restored"), "{}", o.stdout);
        let (a, b) = (dump_tables(&src), dump_tables(&dst));
        assert!(a.len() > 25, "{} tables", a.len());
        assert_eq!(
            a.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            b.iter().map(|(t, _)| t).collect::<Vec<_>>()
        );
        for ((t, ra), (_, rb)) in a.iter().zip(b.iter()) {
            if t == "seaql_migrations" {
                continue; // applied at different times
            }
            if t.starts_with("search_") {
                // The catalogue's search index (FTS5 and its shadow tables) is not in
                // the backup: restore rebuilds it, with its own internal layout.
                continue;
            }
            assert!(ra == rb, "table {t} differs after restore");
        }
        let src_files = files_under(&dir.join("ocop-data/files"));
        assert!(!src_files.is_empty(), "the demo uploads documents");
        assert_eq!(src_files, files_under(&dir.join(&files)));
        let o = ocop_run(dir.path(), &["audit", "verify", "--database", &dst]);
        assert_success(&o, "audit verify on the restored copy");
        assert!(o.stdout.contains("intact"), "{}", o.stdout);
        // New records get new ids (PostgreSQL's sequences follow the restored rows).
        let mut c = ocop(dir.path());
        c.args([
            "user",
            "add",
            "--database",
            &dst,
            "--username",
            "after-restore",
            "--role",
            "viewer",
            "--password-stdin",
        ]);
        assert_success(
            &run_with_stdin(c, Some("a-long-password-after\n")),
            "user add after restore",
        );

        // Not over data, unless forced.
        let o = ocop_run(
            dir.path(),
            &["restore", "--database", &dst, "--from", file_s],
        );
        let line = assert_one_line_failure(&o, "restore into a non-empty database");
        assert!(
            line.contains("not empty") && line.contains("--force"),
            "{line}"
        );
        let o = ocop_run(
            dir.path(),
            &["restore", "--database", &dst, "--from", file_s, "--force"],
        );
        assert_success(&o, "restore --force");
        assert!(o.stdout.contains("not restored"), "{}", o.stdout);
        assert_eq!(
            sql(
                &dst,
                "SELECT count(*) FROM users WHERE username = 'after-restore'"
            ),
            "0"
        );
        if src.starts_with("sqlite://") {
            sqlite_backup = Some(file.clone());
        }
    }

    // A SQLite backup restores into PostgreSQL too (the format is portable).
    if let (Some(file), Some(pg)) = (&sqlite_backup, pg_database()) {
        let o = ocop_run(
            dir.path(),
            &[
                "restore",
                "--database",
                &pg,
                "--from",
                file.to_str().unwrap(),
            ],
        );
        assert_success(&o, "restore a SQLite backup into PostgreSQL");
        let o = ocop_run(dir.path(), &["audit", "verify", "--database", &pg]);
        assert_success(&o, "audit verify after a cross-database restore");
        assert_eq!(
            sql(&pg, "SELECT count(*) FROM producers"),
            sql(&dir.sqlite_url("src.db"), "SELECT count(*) FROM producers")
        );
    }

    // Bad input: one line, non-zero, nothing created.
    let o = ocop_run(
        dir.path(),
        &[
            "restore",
            "--database",
            &dir.sqlite_url("never.db"),
            "--from",
            "no-such.backup",
        ],
    );
    let line = assert_one_line_failure(&o, "restore from a missing file");
    assert!(line.contains("no-such.backup"), "{line}");
    assert!(!dir.join("never.db").exists());
    let o = ocop_run(
        dir.path(),
        &[
            "backup",
            "--database",
            &dir.sqlite_url("missing.db"),
            "--to",
            "x.backup",
        ],
    );
    let line = assert_one_line_failure(&o, "backup of a missing database");
    assert!(line.contains("missing.db"), "{line}");
    assert!(!dir.join("x.backup").exists() && !dir.join("missing.db").exists());
    let o = ocop_run(
        dir.path(),
        &[
            "backup",
            "--database",
            "postgres://u:secret@127.0.0.1:1/x",
            "--to",
            "y.backup",
        ],
    );
    let line = assert_one_line_failure(&o, "backup of an unreachable database");
    assert!(
        line.contains("***") && !o.stderr.contains("secret"),
        "{line}"
    );
    if let Some(file) = &sqlite_backup {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let cut = dir.join("cut.backup");
        std::fs::write(&cut, lines[..lines.len() - 3].join("\n") + "\n").unwrap();
        let o = ocop_run(
            dir.path(),
            &[
                "restore",
                "--database",
                &dir.sqlite_url("cut.db"),
                "--from",
                cut.to_str().unwrap(),
            ],
        );
        let line = assert_one_line_failure(&o, "restore a cut backup");
        assert!(line.contains("incomplete"), "{line}");
        assert!(
            !dir.join("cut.db").exists(),
            "nothing half-restored is left"
        );
        let not_backup = dir.join("notes.txt");
        std::fs::write(&not_backup, "hello\n").unwrap();
        let o = ocop_run(
            dir.path(),
            &[
                "restore",
                "--database",
                &dir.sqlite_url("notes.db"),
                "--from",
                not_backup.to_str().unwrap(),
            ],
        );
        let line = assert_one_line_failure(&o, "restore a file that is no backup");
        assert!(line.contains("not an ocop backup"), "{line}");
    }
}

#[test]
fn audit_verify_with_a_witness_catches_a_rollback_of_the_newest_checkpoint() {
    let dir = TempDir::new("audit-witness");
    std::fs::create_dir_all(dir.join("ocop-data")).unwrap();
    for url in scenario_databases(&dir, "witness") {
        let witness = dir.join("verify.witness");
        let _ = std::fs::remove_file(&witness);
        let w = witness.to_str().unwrap().to_string();
        let verify = |with_witness: bool| {
            let mut args = vec!["audit", "verify", "--database", &url];
            if with_witness {
                args.extend(["--witness", &w]);
            }
            ocop_run(dir.path(), &args)
        };
        assert_success(
            &ocop_run(dir.path(), &["migrate", "--database", &url]),
            "migrate",
        );
        assert_success(&ocop_run(dir.path(), &["demo", "--database", &url]), "demo");
        assert_success(&verify(true), "first verify, notes the witness");
        assert!(
            std::fs::read_to_string(&witness)
                .unwrap()
                .starts_with("ocop-audit-witness v1 "),
            "the witness file is written"
        );
        assert_success(&verify(true), "second verify against the witness");
        // Someone with database access removes the newest checkpoint and the entries
        // sealed after the one before it: every remaining checkpoint still holds.
        sql(
            &url,
            "DELETE FROM audit_log WHERE id > (SELECT last_id FROM audit_checkpoints WHERE seq = (SELECT MAX(seq) - 1 FROM audit_checkpoints))",
        );
        sql(
            &url,
            "DELETE FROM audit_checkpoints WHERE seq = (SELECT MAX(seq) FROM audit_checkpoints)",
        );
        // Only the witness of the previous run shows it (the run without one even
        // seals the shortened chain again, under the deleted checkpoint's number).
        assert_success(&verify(false), "verify without the witness misses it");
        let o = verify(true);
        assert_eq!(o.code(), Some(1), "rolled back: {}", o.stderr);
        assert!(o.stderr.contains("rolled back"), "{}", o.stderr);
        assert_no_panic(&o, "witness");
        // A damaged witness is an error (2), not a verdict.
        std::fs::write(&witness, "garbage\n").unwrap();
        let o = verify(true);
        let line = assert_one_line_failure(&o, "a damaged witness file");
        assert_eq!(o.code(), Some(2), "{line}");
        std::fs::remove_file(dir.join("ocop-data/audit.key")).unwrap();
    }
}
