//! Escalations: a ticket handed to a tier or partner team, with its own status and SLA.
