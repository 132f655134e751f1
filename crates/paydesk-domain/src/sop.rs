//! The SOP library: versioned procedures with steps and checklists, followed on tickets.
