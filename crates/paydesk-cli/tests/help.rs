//! Every command answers --help, and bad settings get a clear error, not a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::process::Command;

fn paydesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args(args)
        .env_remove("PAYDESK_DATABASE_URL")
        .output()
        .expect("runs")
}

#[test]
fn every_command_has_help() {
    for cmd in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["demo", "--help"],
        &["user", "add", "--help"],
        &["bench", "intake", "--help"],
        &["token", "create", "--help"],
        &["token", "list", "--help"],
        &["token", "revoke", "--help"],
        &["retention", "run", "--help"],
        &["permissions", "--help"],
        &["audit", "verify", "--help"],
    ] {
        let out = paydesk(cmd);
        assert!(out.status.success(), "{cmd:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage:"), "{cmd:?}: {text}");
    }
    let top = String::from_utf8_lossy(&paydesk(&["--help"]).stdout).to_string();
    for word in [
        "serve",
        "migrate",
        "demo",
        "user",
        "bench",
        "PAYDESK_BIND",
        "PAYDESK_DATA_DIR",
        "PAYDESK_DATABASE_URL",
    ] {
        assert!(top.contains(word), "--help mentions {word}");
    }
}

#[test]
fn bad_settings_say_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("paydesk.toml");
    std::fs::write(&cfg, "bnd = \"x\"\n").expect("write");
    let out = paydesk(&["--config", cfg.to_str().expect("utf8"), "migrate"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not valid") && err.contains("bnd"), "{err}");

    let out = paydesk(&["--database-url", "mysql://x", "migrate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres://"));
}

#[test]
fn migrate_then_user_add_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf8");
    let out = paydesk(&["--data-dir", data, "migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args([
            "--data-dir",
            data,
            "user",
            "add",
            "--email",
            "sam@desk.example",
            "--name",
            "Sam",
            "--role",
            "admin",
        ])
        .env("PAYDESK_USER_PASSWORD", "a long enough passphrase")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("as admin"));
    let again = paydesk(&[
        "--data-dir",
        data,
        "user",
        "add",
        "--email",
        "sam@desk.example",
        "--name",
        "Sam",
        "--role",
        "admin",
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad_role = paydesk(&[
        "--data-dir",
        data,
        "user",
        "add",
        "--email",
        "x@desk.example",
        "--name",
        "X",
        "--role",
        "boss",
    ]);
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("admin"));
}

#[test]
fn the_permissions_doc_is_generated_from_the_policy() {
    let out = paydesk(&["permissions"]);
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/permissions.md"
    ))
    .expect("docs/permissions.md");
    assert_eq!(
        printed, doc,
        "docs/permissions.md is stale: run `paydesk permissions > docs/permissions.md`"
    );
}
