//! The `summary` plugin as a shared library (`libcopydesk_summary.so`): only the
//! export symbol is here, so that the `copydesk-summary` rlib can be linked into
//! one binary beside other plugins.

copydesk_core::export_plugin!(copydesk_summary::SummaryPlugin);
