//! Sign-in, sessions and API tokens on both engines, with a manual clock: lock-out and
//! back-off after failed sign-ins, idle and absolute session ends, sign-out everywhere,
//! tokens shown once, revoked, expired and held to their scopes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::access::{SignedIn, secret_hash};
use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::policy::{Action, Principal, Scope};
use paydesk_domain::role::Role;
use paydesk_domain::{Timestamp, UserId};
use paydesk_store::{Store, User};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

const T0: i64 = 1_790_000_000_000;
const SECOND: i64 = 1_000;
const MINUTE: i64 = Timestamp::MINUTE;
const PASSWORD: &str = "correct horse battery staple";
const IP: Option<&str> = Some("192.0.2.10");

fn app(store: Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    (App::new(store, clock.clone()), clock)
}

async fn person(app: &App, email: &str, role: Role) -> User {
    app.add_user(
        &Caller::system(),
        email,
        "Person",
        role,
        None,
        Some(PASSWORD),
    )
    .await
    .unwrap()
}

fn caller(user: &User) -> Caller {
    Caller::new(
        Principal::User {
            id: user.id,
            role: user.role,
            vendor_id: user.vendor_id,
        },
        None,
    )
}

async fn sign_in(app: &App, email: &str, password: &str) -> Result<SignedIn, AppError> {
    app.sign_in(email, password, IP, Some("test/1.0")).await
}

fn assert_failed(r: Result<SignedIn, AppError>) {
    assert!(matches!(r, Err(AppError::SignInFailed)), "{r:?}");
}

fn retry_after(r: Result<SignedIn, AppError>) -> u64 {
    match r {
        Err(AppError::TooManyAttempts { retry_after_secs }) => retry_after_secs,
        other => panic!("expected too_many_attempts, got {other:?}"),
    }
}

async fn sign_in_starts_a_session(store: Store) {
    let (app, _) = app(store.clone());
    let ada = person(&app, "ada@example.com", Role::Agent).await;
    let s = sign_in(&app, "  ADA@example.com ", PASSWORD).await.unwrap();
    assert_eq!(s.user.id, ada.id);
    assert_eq!(s.expires_at, Timestamp(T0 + 12 * Timestamp::HOUR));
    assert!(s.session_token.len() >= 43 && s.csrf_token.len() >= 43);
    assert_ne!(s.session_token, s.csrf_token);

    // Only the hash of the cookie value is stored.
    let stored = store
        .session_by_token_hash(&secret_hash(&s.session_token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user_id, ada.id);
    assert_eq!(stored.ip.as_deref(), IP);
    assert_eq!(stored.user_agent.as_deref(), Some("test/1.0"));
    assert!(
        store
            .session_by_token_hash(&s.session_token)
            .await
            .unwrap()
            .is_none()
    );

    let auth = app.authenticate_session(&s.session_token).await.unwrap();
    assert_eq!(auth.csrf_token, s.csrf_token);
    assert_eq!(auth.user.id, ada.id);
    assert_eq!(
        auth.principal,
        Principal::User {
            id: ada.id,
            role: Role::Agent,
            vendor_id: None
        }
    );
    assert!(matches!(
        app.authenticate_session("not-a-session").await,
        Err(AppError::Unauthenticated)
    ));
}

async fn sign_in_never_says_whether_the_email_exists(store: Store) {
    let (app, _) = app(store.clone());
    person(&app, "ada@example.com", Role::Agent).await;
    assert_failed(sign_in(&app, "ada@example.com", "wrong password here").await);
    assert_failed(sign_in(&app, "nobody@example.com", PASSWORD).await);
    assert_failed(sign_in(&app, "not an email", PASSWORD).await);
    let same = |e: AppError| (e.code(), e.to_string());
    let known = sign_in(&app, "ada@example.com", "x").await.unwrap_err();
    let unknown = sign_in(&app, "nobody@example.com", "x").await.unwrap_err();
    assert_eq!(same(known), same(unknown));

    // No password, or an inactive account: refused alike.
    app.add_user(
        &Caller::system(),
        "nopass@example.com",
        "No Pass",
        Role::Agent,
        None,
        None,
    )
    .await
    .unwrap();
    assert_failed(sign_in(&app, "nopass@example.com", "").await);
    let gone = person(&app, "gone@example.com", Role::Agent).await;
    deactivate(&store, gone.id).await;
    assert_failed(sign_in(&app, "gone@example.com", PASSWORD).await);
}

async fn deactivate(store: &Store, id: UserId) {
    let mut tx = store.write().await.unwrap();
    tx.exec(
        "UPDATE users SET is_active = 0 WHERE id = $1",
        &paydesk_store::args![id.0],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn brute_force_is_locked_out_with_back_off(store: Store) {
    let (app, clock) = app(store);
    person(&app, "ada@example.com", Role::Agent).await;
    for _ in 0..5 {
        assert_failed(sign_in(&app, "ada@example.com", "wrong password here").await);
        clock.advance(10 * SECOND);
    }
    // The right password is refused until a minute after the last failure.
    assert_eq!(
        retry_after(sign_in(&app, "ada@example.com", PASSWORD).await),
        50
    );
    clock.advance(49 * SECOND);
    assert_eq!(
        retry_after(sign_in(&app, "ada@example.com", PASSWORD).await),
        1
    );
    clock.advance(SECOND);

    // One more failure after the back-off doubles it (2 minutes), and so on.
    assert_failed(sign_in(&app, "ada@example.com", "wrong password here").await);
    assert_eq!(
        retry_after(sign_in(&app, "ada@example.com", PASSWORD).await),
        120
    );
    clock.advance(2 * MINUTE);
    assert_failed(sign_in(&app, "ada@example.com", "wrong password here").await);
    assert_eq!(
        retry_after(sign_in(&app, "ada@example.com", PASSWORD).await),
        240
    );
    clock.advance(4 * MINUTE);

    // After the back-off the right password works, and clears the failures.
    let s = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    assert_eq!(s.user.email, "ada@example.com");
    assert_failed(sign_in(&app, "ada@example.com", "wrong password here").await);
    let again = sign_in(&app, "ada@example.com", PASSWORD).await;
    assert!(again.is_ok(), "{again:?}");
}

async fn unknown_emails_lock_out_alike(store: Store) {
    let (app, clock) = app(store);
    for _ in 0..5 {
        assert_failed(sign_in(&app, "nobody@example.com", PASSWORD).await);
    }
    assert_eq!(
        retry_after(sign_in(&app, "nobody@example.com", PASSWORD).await),
        60
    );
    clock.advance(MINUTE);
    assert_failed(sign_in(&app, "nobody@example.com", PASSWORD).await);
}

async fn failures_spread_out_do_not_lock(store: Store) {
    let (app, clock) = app(store);
    person(&app, "ada@example.com", Role::Agent).await;
    for _ in 0..6 {
        assert_failed(sign_in(&app, "ada@example.com", "wrong password here").await);
        clock.advance(4 * MINUTE);
    }
    assert!(sign_in(&app, "ada@example.com", PASSWORD).await.is_ok());
}

async fn one_address_trying_many_emails_is_locked_out(store: Store) {
    let (app, clock) = app(store);
    person(&app, "ada@example.com", Role::Agent).await;
    for i in 0..20 {
        let email = format!("guess{i}@example.com");
        assert_failed(sign_in(&app, &email, "wrong password here").await);
    }
    // Even a right password for another email is refused from that address...
    assert_eq!(
        retry_after(sign_in(&app, "ada@example.com", PASSWORD).await),
        60
    );
    // ...but not from another one.
    let elsewhere = app
        .sign_in("ada@example.com", PASSWORD, Some("198.51.100.1"), None)
        .await;
    assert!(elsewhere.is_ok(), "{elsewhere:?}");
    clock.advance(MINUTE);
    assert!(sign_in(&app, "ada@example.com", PASSWORD).await.is_ok());
}

async fn idle_sessions_end(store: Store) {
    let (app, clock) = app(store.clone());
    person(&app, "ada@example.com", Role::Agent).await;
    let s = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    let seen = || async {
        store
            .session_by_token_hash(&secret_hash(&s.session_token))
            .await
            .unwrap()
            .unwrap()
            .last_seen_at
    };

    // Activity is written at most once a minute.
    clock.advance(30 * SECOND);
    app.authenticate_session(&s.session_token).await.unwrap();
    assert_eq!(seen().await, Timestamp(T0));
    clock.advance(30 * SECOND);
    app.authenticate_session(&s.session_token).await.unwrap();
    assert_eq!(seen().await, Timestamp(T0 + MINUTE));

    // Each request keeps the session alive for 30 more minutes.
    clock.advance(29 * MINUTE);
    app.authenticate_session(&s.session_token).await.unwrap();
    clock.advance(29 * MINUTE);
    app.authenticate_session(&s.session_token).await.unwrap();
    clock.advance(30 * MINUTE);
    assert!(matches!(
        app.authenticate_session(&s.session_token).await,
        Err(AppError::Unauthenticated)
    ));
}

async fn sessions_end_after_twelve_hours_however_active(store: Store) {
    let (app, clock) = app(store.clone());
    let ada = person(&app, "ada@example.com", Role::Agent).await;
    let s = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    for _ in 0..(12 * 3 - 1) {
        clock.advance(20 * MINUTE);
        app.authenticate_session(&s.session_token).await.unwrap();
    }
    clock.advance(20 * MINUTE);
    assert_eq!(app.now(), Timestamp(T0 + 12 * Timestamp::HOUR));
    assert!(matches!(
        app.authenticate_session(&s.session_token).await,
        Err(AppError::Unauthenticated)
    ));

    // A deactivated user's sessions end too.
    let t = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    deactivate(&store, ada.id).await;
    assert!(matches!(
        app.authenticate_session(&t.session_token).await,
        Err(AppError::Unauthenticated)
    ));
}

async fn sign_out_ends_one_or_every_session(store: Store) {
    let (app, _) = app(store);
    let ada = person(&app, "ada@example.com", Role::Agent).await;
    let bob = person(&app, "bob@example.com", Role::Agent).await;
    let admin = person(&app, "root@example.com", Role::Admin).await;
    let laptop = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    let phone = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    let tablet = sign_in(&app, "ada@example.com", PASSWORD).await.unwrap();
    let bobs = sign_in(&app, "bob@example.com", PASSWORD).await.unwrap();
    let live = |s: &SignedIn| {
        let app = app.clone();
        let token = s.session_token.clone();
        async move { app.authenticate_session(&token).await.is_ok() }
    };

    app.sign_out(&laptop.session_token).await.unwrap();
    app.sign_out(&laptop.session_token).await.unwrap();
    app.sign_out("never-issued").await.unwrap();
    assert!(!live(&laptop).await && live(&phone).await);

    // Ending someone else's sessions needs user_manage.
    assert!(matches!(
        app.sign_out_everywhere(&caller(&bob), ada.id).await,
        Err(AppError::Forbidden { .. })
    ));
    assert_eq!(
        app.sign_out_everywhere(&caller(&ada), ada.id)
            .await
            .unwrap(),
        2
    );
    assert!(!live(&phone).await && !live(&tablet).await);
    assert!(live(&bobs).await);
    assert_eq!(
        app.sign_out_everywhere(&caller(&admin), bob.id)
            .await
            .unwrap(),
        1
    );
    assert!(!live(&bobs).await);
}

async fn tokens_are_made_by_admins_and_shown_once(store: Store) {
    let (app, _) = app(store.clone());
    let admin = person(&app, "root@example.com", Role::Admin).await;
    let agent = person(&app, "ada@example.com", Role::Agent).await;
    let scopes = [Scope::TicketsWrite, Scope::TicketsRead, Scope::TicketsRead];

    for who in [caller(&agent), Caller::new(token_principal(), None)] {
        assert!(matches!(
            app.create_token(&who, "ci", &scopes, None).await,
            Err(AppError::Forbidden {
                action: Action::TokenManage
            })
        ));
        assert!(matches!(
            app.tokens(&who).await,
            Err(AppError::Forbidden { .. })
        ));
        assert!(matches!(
            app.revoke_token(&who, 1).await,
            Err(AppError::Forbidden { .. })
        ));
    }

    let made = app
        .create_token(&caller(&admin), "  ci  ", &scopes, None)
        .await
        .unwrap();
    let (prefix, secret) = made.token.rsplit_once('_').unwrap();
    assert!(prefix.starts_with("pd_") && prefix.len() == 11, "{prefix}");
    assert!(secret.len() >= 32, "{secret}");
    assert!(
        made.token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    );
    assert_eq!(made.record.prefix, prefix);
    assert_eq!(made.record.name, "ci");
    assert_eq!(
        made.record.scopes,
        vec![Scope::TicketsRead, Scope::TicketsWrite]
    );
    assert_eq!(made.record.created_by, Some(admin.id));
    assert_eq!(made.record.expires_at, None);

    // Stored hashed: found by hash, never by the clear token.
    assert!(
        store
            .api_token_by_hash(&made.token)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .api_token_by_hash(&secret_hash(&made.token))
            .await
            .unwrap()
            .map(|t| t.id),
        Some(made.record.id)
    );

    let by_cli = app
        .create_token(&Caller::system(), "mail", &[Scope::Intake], None)
        .await
        .unwrap();
    assert_eq!(by_cli.record.created_by, None);
    assert_ne!(by_cli.token, made.token);
    let listed = app.tokens(&caller(&admin)).await.unwrap();
    assert_eq!(listed, vec![made.record.clone(), by_cli.record.clone()]);

    for (name, scopes, field) in [
        ("", &[Scope::Intake][..], "name"),
        ("x", &[][..], "scopes"),
        (&"n".repeat(101), &[Scope::Intake][..], "name"),
    ] {
        let e = app
            .create_token(&Caller::system(), name, scopes, None)
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
    let past = app
        .create_token(
            &Caller::system(),
            "old",
            &[Scope::Intake],
            Some(Timestamp(T0)),
        )
        .await
        .unwrap_err();
    assert_eq!(past.field(), Some("expires_at"));
}

fn token_principal() -> Principal {
    Principal::Token {
        id: 1,
        name: "ci".into(),
        scopes: Scope::ALL.to_vec(),
    }
}

async fn tokens_authenticate_within_their_scopes(store: Store) {
    let (app, clock) = app(store.clone());
    let reader = app
        .create_token(
            &Caller::system(),
            "dashboard",
            &[Scope::TicketsRead],
            Some(Timestamp(T0 + Timestamp::DAY)),
        )
        .await
        .unwrap();
    let p = app.authenticate_token(&reader.token).await.unwrap();
    assert_eq!(
        p,
        Principal::Token {
            id: reader.record.id,
            name: "dashboard".into(),
            scopes: vec![Scope::TicketsRead],
        }
    );
    let c = Caller::new(p, Some("203.0.113.5".into()));
    assert!(c.require(Action::TicketRead).is_ok());
    for action in [
        Action::TicketUpdate,
        Action::CustomerRead,
        Action::TokenManage,
    ] {
        assert!(
            matches!(c.require(action), Err(AppError::Forbidden { .. })),
            "{action}"
        );
    }

    // Use is recorded at most once a minute.
    let last_used = || async {
        store
            .api_token_by_hash(&secret_hash(&reader.token))
            .await
            .unwrap()
            .unwrap()
            .last_used_at
    };
    assert_eq!(last_used().await, Some(Timestamp(T0)));
    clock.advance(30 * SECOND);
    app.authenticate_token(&reader.token).await.unwrap();
    assert_eq!(last_used().await, Some(Timestamp(T0)));
    clock.advance(30 * SECOND);
    app.authenticate_token(&reader.token).await.unwrap();
    assert_eq!(last_used().await, Some(Timestamp(T0 + MINUTE)));

    // Malformed, unknown, expired and revoked tokens are refused alike.
    let (prefix, _) = reader.token.rsplit_once('_').unwrap();
    for bad in [
        "",
        "pd_",
        "Bearer x",
        &format!("{prefix}_wrongsecret"),
        &reader.token.to_uppercase(),
    ] {
        assert!(
            matches!(
                app.authenticate_token(bad).await,
                Err(AppError::Unauthenticated)
            ),
            "{bad}"
        );
    }
    clock.advance(Timestamp::DAY);
    assert!(matches!(
        app.authenticate_token(&reader.token).await,
        Err(AppError::Unauthenticated)
    ));

    let writer = app
        .create_token(&Caller::system(), "intake", &[Scope::Intake], None)
        .await
        .unwrap();
    let p = app.authenticate_token(&writer.token).await.unwrap();
    let c = Caller::new(p, None);
    assert!(c.require(Action::TicketCreate).is_ok());
    assert!(c.require(Action::TicketRead).is_err());
    let revoked = app
        .revoke_token(&Caller::system(), writer.record.id)
        .await
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(app.now()));
    assert!(matches!(
        app.authenticate_token(&writer.token).await,
        Err(AppError::Unauthenticated)
    ));
    assert!(matches!(
        app.revoke_token(&Caller::system(), 9_999).await,
        Err(AppError::NotFound { .. })
    ));
}

on_both_engines!(
    sign_in_starts_a_session,
    sign_in_never_says_whether_the_email_exists,
    brute_force_is_locked_out_with_back_off,
    unknown_emails_lock_out_alike,
    failures_spread_out_do_not_lock,
    one_address_trying_many_emails_is_locked_out,
    idle_sessions_end,
    sessions_end_after_twelve_hours_however_active,
    sign_out_ends_one_or_every_session,
    tokens_are_made_by_admins_and_shown_once,
    tokens_authenticate_within_their_scopes,
);
