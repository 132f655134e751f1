//! (being built)

use crate::client::Client;

pub async fn ingest(c: &mut Client) {
    let _ = c;
}
