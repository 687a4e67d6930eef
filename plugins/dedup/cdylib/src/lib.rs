//! The `dedup` plugin as a shared library (`libcopydesk_dedup.so`): only the
//! export symbol is here, so that the `copydesk-dedup` rlib can be linked into
//! one binary beside other plugins.

copydesk_core::export_plugin!(copydesk_dedup::DedupPlugin);
