//! The access part of the storage contract (sessions, API tokens, failed sign-ins), checked
//! on both engines, each test on a fresh database.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_domain::policy::Scope;
use paydesk_domain::role::Role;
use paydesk_domain::{Timestamp, UserId};
use paydesk_store::{NewApiToken, NewSession, NewUser, Store, StoreError};
use paydesk_testkit::on_both_engines;

const T0: Timestamp = Timestamp(1_790_000_000_000);

async fn user(store: &Store, email: &str) -> UserId {
    store
        .insert_user(
            &NewUser {
                email: email.into(),
                name: "Ada".into(),
                role: Role::Admin,
                vendor_id: None,
                password_hash: None,
            },
            T0,
        )
        .await
        .unwrap()
        .id
}

fn session(hash: &str, user_id: UserId) -> NewSession {
    NewSession {
        token_hash: hash.into(),
        user_id,
        csrf_token: format!("csrf-{hash}"),
        expires_at: T0.plus_millis(12 * Timestamp::HOUR),
        ip: Some("192.0.2.1".into()),
        user_agent: Some("test/1.0".into()),
    }
}

fn token(name: &str, prefix: &str, hash: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        prefix: prefix.into(),
        token_hash: hash.into(),
        scopes: vec![Scope::TicketsRead, Scope::Intake],
        created_by: None,
        expires_at: Some(T0.plus_millis(Timestamp::DAY)),
    }
}

async fn sessions_round_trip(store: Store) {
    let ada = user(&store, "ada@example.com").await;
    let s = store.create_session(&session("h1", ada), T0).await.unwrap();
    assert_eq!(s.user_id, ada);
    assert_eq!(s.created_at, T0);
    assert_eq!(s.last_seen_at, T0);
    assert_eq!(s.revoked_at, None);
    assert_eq!(s.ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(s.user_agent.as_deref(), Some("test/1.0"));
    assert_eq!(s.csrf_token, "csrf-h1");
    assert_eq!(
        store.session_by_token_hash("h1").await.unwrap(),
        Some(s.clone())
    );
    assert_eq!(store.session_by_token_hash("nope").await.unwrap(), None);

    // The hash is unique; the user must exist.
    assert!(matches!(
        store.create_session(&session("h1", ada), T0).await,
        Err(StoreError::Duplicate)
    ));
    assert!(matches!(
        store.create_session(&session("h9", UserId(999)), T0).await,
        Err(StoreError::MissingReference)
    ));

    // Touch moves last_seen_at forward only.
    let later = T0.plus_millis(90_000);
    assert!(store.touch_session(s.id, later).await.unwrap());
    assert!(!store.touch_session(s.id, T0).await.unwrap());
    let seen = store.session_by_token_hash("h1").await.unwrap().unwrap();
    assert_eq!(seen.last_seen_at, later);

    // Revoking is idempotent and keeps the first time; revoked sessions are not touched.
    let end = T0.plus_millis(100_000);
    assert!(store.revoke_session("h1", end).await.unwrap());
    assert!(
        !store
            .revoke_session("h1", end.plus_millis(5))
            .await
            .unwrap()
    );
    assert!(!store.revoke_session("unknown", end).await.unwrap());
    assert!(!store.touch_session(s.id, end.plus_millis(9)).await.unwrap());
    let gone = store.session_by_token_hash("h1").await.unwrap().unwrap();
    assert_eq!(gone.revoked_at, Some(end));
    assert_eq!(gone.last_seen_at, later);
}

async fn revoking_a_users_sessions_spares_others(store: Store) {
    let ada = user(&store, "ada@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    for h in ["a1", "a2", "a3"] {
        store.create_session(&session(h, ada), T0).await.unwrap();
    }
    store.create_session(&session("b1", bob), T0).await.unwrap();
    store.revoke_session("a3", T0).await.unwrap();

    let at = T0.plus_millis(1_000);
    assert_eq!(store.revoke_user_sessions(ada, at).await.unwrap(), 2);
    assert_eq!(store.revoke_user_sessions(ada, at).await.unwrap(), 0);
    for h in ["a1", "a2"] {
        let s = store.session_by_token_hash(h).await.unwrap().unwrap();
        assert_eq!(s.revoked_at, Some(at), "{h}");
    }
    let a3 = store.session_by_token_hash("a3").await.unwrap().unwrap();
    assert_eq!(a3.revoked_at, Some(T0));
    let b1 = store.session_by_token_hash("b1").await.unwrap().unwrap();
    assert_eq!(b1.revoked_at, None);
}

async fn api_tokens_round_trip(store: Store) {
    let ada = user(&store, "ada@example.com").await;
    let mut by_ada = token("mail gateway", "pd_aaaa1111", "th1");
    by_ada.created_by = Some(ada);
    let t = store.create_api_token(&by_ada, T0).await.unwrap();
    assert_eq!(t.name, "mail gateway");
    assert_eq!(t.prefix, "pd_aaaa1111");
    assert_eq!(t.scopes, vec![Scope::TicketsRead, Scope::Intake]);
    assert_eq!(t.created_by, Some(ada));
    assert_eq!(t.created_at, T0);
    assert_eq!(t.expires_at, Some(T0.plus_millis(Timestamp::DAY)));
    assert_eq!((t.revoked_at, t.last_used_at), (None, None));

    let mut forever = token("reports", "pd_bbbb2222", "th2");
    forever.expires_at = None;
    forever.scopes = vec![Scope::ReportsRead];
    let u = store.create_api_token(&forever, T0).await.unwrap();
    assert_eq!((u.created_by, u.expires_at), (None, None));

    assert_eq!(
        store.api_token_by_hash("th1").await.unwrap(),
        Some(t.clone())
    );
    assert_eq!(store.api_token_by_hash("th3").await.unwrap(), None);
    assert_eq!(
        store.api_tokens().await.unwrap(),
        vec![t.clone(), u.clone()]
    );

    // Prefix and hash are each unique; created_by must name a user.
    assert!(matches!(
        store
            .create_api_token(&token("x", "pd_aaaa1111", "th9"), T0)
            .await,
        Err(StoreError::Duplicate)
    ));
    assert!(matches!(
        store
            .create_api_token(&token("x", "pd_cccc3333", "th1"), T0)
            .await,
        Err(StoreError::Duplicate)
    ));
    let mut ghost = token("x", "pd_dddd4444", "th4");
    ghost.created_by = Some(UserId(999));
    assert!(matches!(
        store.create_api_token(&ghost, T0).await,
        Err(StoreError::MissingReference)
    ));

    // Revoking is idempotent and keeps the first time.
    let at = T0.plus_millis(5_000);
    let r = store.revoke_api_token(t.id, at).await.unwrap();
    assert_eq!(r.revoked_at, Some(at));
    let again = store
        .revoke_api_token(t.id, at.plus_millis(1))
        .await
        .unwrap();
    assert_eq!(again.revoked_at, Some(at));
    assert!(matches!(
        store.revoke_api_token(999, at).await,
        Err(StoreError::NotFound { .. })
    ));
    let listed = store.api_tokens().await.unwrap();
    assert_eq!(listed[0].revoked_at, Some(at));
    assert_eq!(listed[1].revoked_at, None);
}

async fn token_use_is_recorded_at_most_once_a_minute(store: Store) {
    let t = store
        .create_api_token(&token("ci", "pd_eeee5555", "th5"), T0)
        .await
        .unwrap();
    let used = |at: Timestamp| {
        let store = store.clone();
        async move { store.record_api_token_use(t.id, at).await.unwrap() }
    };
    assert!(used(T0).await);
    assert!(!used(T0.plus_millis(30_000)).await);
    assert!(!used(T0.plus_millis(59_999)).await);
    assert!(used(T0.plus_millis(60_000)).await);
    let seen = store.api_token_by_hash("th5").await.unwrap().unwrap();
    assert_eq!(seen.last_used_at, Some(T0.plus_millis(60_000)));
}

async fn sign_in_failures_by_email_and_ip(store: Store) {
    let m = Timestamp::MINUTE;
    for (email, ip, minute) in [
        ("ada@example.com", Some("192.0.2.1"), 0),
        ("ada@example.com", Some("192.0.2.1"), 1),
        ("ada@example.com", Some("192.0.2.2"), 2),
        ("bob@example.com", Some("192.0.2.1"), 3),
        ("bob@example.com", None, 4),
    ] {
        store
            .record_sign_in_failure(email, ip, T0.plus_millis(minute * m))
            .await
            .unwrap();
    }
    let at = |minutes: &[i64]| -> Vec<Timestamp> {
        minutes.iter().map(|n| T0.plus_millis(n * m)).collect()
    };
    let ada = store
        .sign_in_failures_for_email("ada@example.com", T0)
        .await
        .unwrap();
    assert_eq!(ada, at(&[0, 1, 2]), "oldest first");
    let recent = store
        .sign_in_failures_for_email("ada@example.com", T0.plus_millis(m))
        .await
        .unwrap();
    assert_eq!(recent, at(&[1, 2]), "since is inclusive");
    let ip = store
        .sign_in_failures_for_ip("192.0.2.1", T0)
        .await
        .unwrap();
    assert_eq!(ip, at(&[0, 1, 3]));

    // Success forgets the email's failures, and only those.
    assert_eq!(
        store
            .clear_sign_in_failures("ada@example.com")
            .await
            .unwrap(),
        3
    );
    assert!(
        store
            .sign_in_failures_for_email("ada@example.com", T0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .sign_in_failures_for_email("bob@example.com", T0)
            .await
            .unwrap(),
        at(&[3, 4])
    );
    assert_eq!(
        store
            .sign_in_failures_for_ip("192.0.2.1", T0)
            .await
            .unwrap(),
        at(&[3])
    );
}

async fn sign_in_failures_read_only_the_latest(store: Store) {
    let n = paydesk_store::FAILURES_READ_LIMIT + 4;
    for i in 0..n {
        store
            .record_sign_in_failure("eve@example.com", Some("198.51.100.7"), T0.plus_millis(i))
            .await
            .unwrap();
    }
    let times = store
        .sign_in_failures_for_email("eve@example.com", T0)
        .await
        .unwrap();
    assert_eq!(times.len() as i64, paydesk_store::FAILURES_READ_LIMIT);
    assert_eq!(times.first(), Some(&T0.plus_millis(4)));
    assert_eq!(times.last(), Some(&T0.plus_millis(n - 1)));
}

on_both_engines!(
    sessions_round_trip,
    revoking_a_users_sessions_spares_others,
    api_tokens_round_trip,
    token_use_is_recorded_at_most_once_a_minute,
    sign_in_failures_by_email_and_ip,
    sign_in_failures_read_only_the_latest,
);
