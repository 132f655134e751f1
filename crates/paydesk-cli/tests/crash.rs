//! Every acknowledged write survives a crash: paydesk is killed with SIGKILL while clients
//! are creating tickets; after a restart every ticket that was answered 201 is there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    base: String,
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args(args)
        .args(["serve", "--bind", "127.0.0.1:0", "--log", "warn"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("paydesk starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, base }
}

/// An API token made with `paydesk token create` on the same database.
fn token(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .args(args)
        .args([
            "token",
            "create",
            "--name",
            "crash-test",
            "--scopes",
            "tickets:read,tickets:write",
        ])
        .output()
        .expect("paydesk token create runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn crash_keeps_acknowledged(args: Vec<String>) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let token = token(&args);
    let mut server = start(&args);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client");
    let url = format!("{}/api/v1/tickets", server.base);
    let mut workers = Vec::new();
    for w in 0..8 {
        let (client, url) = (client.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..10_000 {
                let body = serde_json::json!({"subject": format!("crash {w}-{i}"), "body": "b", "business_line": "buyer"});
                match client.post(&url).json(&body).send().await {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let v: serde_json::Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => break,
                        };
                        acknowledged.push(v["id"].as_i64().expect("id"));
                    }
                    _ => break,
                }
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");
    let mut acknowledged = Vec::new();
    for w in workers {
        acknowledged.extend(w.await.expect("worker"));
    }
    assert!(
        acknowledged.len() > 50,
        "the load ran ({} acknowledged)",
        acknowledged.len()
    );

    let mut server = start(&args);
    for id in &acknowledged {
        let r = client
            .get(format!("{}/api/v1/tickets/{id}", server.base))
            .send()
            .await
            .expect("get");
        assert_eq!(
            r.status().as_u16(),
            200,
            "acknowledged ticket {id} was lost"
        );
    }
    println!(
        "crash: {} acknowledged tickets all survived SIGKILL",
        acknowledged.len()
    );
    server.child.kill().ok();
    server.child.wait().ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_string_lossy().to_string();
    crash_keeps_acknowledged(vec!["--data-dir".into(), data]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let url = paydesk_testkit::fresh_postgres_url()
        .await
        .expect("a fresh PostgreSQL schema");
    crash_keeps_acknowledged(vec!["--database-url".into(), url]).await;
}
