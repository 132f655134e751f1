//! Settings of the intake channels: outgoing mail, the support portal, chat and webhooks.
//! Secrets here are never printed: `Debug` shows only whether each is set.

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpSecurity {
    /// Plain SMTP (a relay on loopback or a private network).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587).
    #[default]
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl std::str::FromStr for SmtpSecurity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "tls" | "ssl" | "smtps" => Ok(Self::Tls),
            other => Err(format!(
                "unknown SMTP security {other:?}: use none, starttls or tls"
            )),
        }
    }
}

/// Where and how outgoing mail is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// The intake channels' settings.
#[derive(Clone, PartialEq, Eq)]
pub struct IntakeSettings {
    /// Outgoing mail; `None` keeps replies queued (visible on the ticket) until set.
    pub smtp: Option<SmtpSettings>,
    /// The From of outgoing mail, e.g. `Payments Support <support@example.com>`; its
    /// domain also names paydesk's Message-IDs.
    pub mail_from: String,
    /// The address customers reach paydesk at, for links in mail and on the form's
    /// confirmation (status links).
    pub public_url: String,
    /// The key that signs status links. `None`: a random key is made once and kept in the
    /// database, so links stay valid across restarts and instances.
    pub secret_key: Option<String>,
    /// The Stripe endpoint secret (`whsec_...`); without it the Stripe endpoint refuses.
    pub stripe_webhook_secret: Option<String>,
    /// How old a Stripe signature's timestamp may be, in seconds.
    pub stripe_tolerance_secs: i64,
    /// The shared secret of the generic signed-webhook endpoint.
    pub webhook_secret: Option<String>,
    /// A chat session with no message for this long is ended.
    pub chat_idle_minutes: i64,
    /// Most support-form submissions per client address per hour.
    pub form_submissions_per_hour: u32,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            smtp: None,
            mail_from: "Payments Support <support@paydesk.localhost>".into(),
            public_url: "http://127.0.0.1:8080".into(),
            secret_key: None,
            stripe_webhook_secret: None,
            stripe_tolerance_secs: 300,
            webhook_secret: None,
            chat_idle_minutes: 30,
            form_submissions_per_hour: 10,
        }
    }
}

impl std::fmt::Debug for IntakeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |s: &Option<String>| s.as_ref().map(|_| "<set>");
        f.debug_struct("IntakeSettings")
            .field("smtp", &self.smtp)
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .field("secret_key", &set(&self.secret_key))
            .field("stripe_webhook_secret", &set(&self.stripe_webhook_secret))
            .field("stripe_tolerance_secs", &self.stripe_tolerance_secs)
            .field("webhook_secret", &set(&self.webhook_secret))
            .field("chat_idle_minutes", &self.chat_idle_minutes)
            .field("form_submissions_per_hour", &self.form_submissions_per_hour)
            .finish()
    }
}
