//! Staff roles of DESIGN.md. Permissions per role arrive with the security layer.

crate::label_enum!(
    /// What a staff user is.
    Role {
        Agent = "agent",
        BpoAgent = "bpo_agent",
        Lead = "lead",
        QaAnalyst = "qa_analyst",
        Finance = "finance",
        Partner = "partner",
        Admin = "admin",
        Viewer = "viewer",
    }
);
