//! What a phase measured, the progress bar it shows meanwhile, and the table at the end.

use indicatif::{ProgressBar, ProgressStyle};
use paydesk_store::Engine;
use std::time::Duration;

/// The targets.
pub const HTTP_SQLITE_TARGET: f64 = 2_000.0;
pub const SERVICE_TO_RAW_TARGET: f64 = 0.5;

/// What one phase measured.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub tickets: usize,
    pub elapsed: Duration,
    /// Per-request latency, for the HTTP phase.
    pub latency: Option<Latency>,
}

#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Latency {
    /// Percentiles of `samples` (sorted here); `None` when there are none.
    pub fn of(mut samples: Vec<Duration>) -> Option<Self> {
        samples.sort_unstable();
        let at = |q: f64| {
            let i = ((samples.len() - 1) as f64 * q).round() as usize;
            samples[i.min(samples.len() - 1)]
        };
        (!samples.is_empty()).then(|| Latency {
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: at(1.0),
        })
    }
}

impl Measurement {
    /// Tickets per second.
    pub fn rate(&self) -> f64 {
        self.tickets as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// One engine's three measurements.
pub struct EngineReport {
    pub engine: Engine,
    pub durability: String,
    pub service: Measurement,
    pub http: Measurement,
    pub raw: Measurement,
}

/// A progress bar for one phase of one engine.
pub fn bar(engine: Engine, phase: &str, len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>8} {msg:<8} [{bar:40}] {pos}/{len} tickets ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(engine.name());
    bar.set_message(phase.to_string());
    bar
}

/// `12345.6` as `12,346`.
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// Prints one engine's table, its ratios, and the targets that apply to it.
pub fn print(r: &EngineReport, batch: usize, clients: usize) {
    println!();
    println!("{} ({})", r.engine.name(), r.durability);
    println!(
        "  {:<28} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "phase", "tickets/s", "tickets", "seconds", "p50", "p99"
    );
    let rows = [
        (format!("service, batches of {batch}"), &r.service),
        (format!("http, {clients} clients"), &r.http),
        (format!("raw insert, batches of {batch}"), &r.raw),
    ];
    for (name, m) in rows {
        let (p50, p99) = m.latency.map_or_else(
            || ("-".to_string(), "-".to_string()),
            |l| (ms(l.p50), ms(l.p99)),
        );
        println!(
            "  {:<28} {:>10} {:>10} {:>10.2} {:>10} {:>10}",
            name,
            thousands(m.rate()),
            m.tickets,
            m.elapsed.as_secs_f64(),
            p50,
            p99
        );
    }
    let service_ratio = r.service.rate() / r.raw.rate();
    let http_ratio = r.http.rate() / r.raw.rate();
    println!(
        "  service/raw = {service_ratio:.2}  (target >= {SERVICE_TO_RAW_TARGET}: {})",
        verdict(service_ratio >= SERVICE_TO_RAW_TARGET)
    );
    println!("  http/raw    = {http_ratio:.3}");
    if let Some(l) = r.http.latency {
        println!("  http max latency {}", ms(l.max));
    }
    if r.engine == Engine::Sqlite {
        println!(
            "  http on sqlite = {}/s  (target >= {}/s durable on 2 cores: {})",
            thousands(r.http.rate()),
            thousands(HTTP_SQLITE_TARGET),
            verdict(r.http.rate() >= HTTP_SQLITE_TARGET)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234.6), "1,235");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }

    #[test]
    fn percentiles_of_one_to_hundred() {
        let l = Latency::of((1..=100).map(Duration::from_millis).collect()).unwrap_or(Latency {
            p50: Duration::ZERO,
            p95: Duration::ZERO,
            p99: Duration::ZERO,
            max: Duration::ZERO,
        });
        assert_eq!(l.p50, Duration::from_millis(51));
        assert_eq!(l.p95, Duration::from_millis(95));
        assert_eq!(l.p99, Duration::from_millis(99));
        assert_eq!(l.max, Duration::from_millis(100));
        assert!(Latency::of(vec![]).is_none());
    }
}
