//! The `quotes` plugin as a shared library (`libcopydesk_quotes.so`): only the
//! export symbol is here, so that the `copydesk-quotes` rlib can be linked into
//! one binary beside other plugins.

copydesk_core::export_plugin!(copydesk_quotes::QuotesPlugin);
