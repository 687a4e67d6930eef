//! The `parse` plugin as a shared library (`libcopydesk_parse.so`): only the
//! export symbol is here, so that the `copydesk-parse` rlib can be linked into
//! one binary beside other plugins.

copydesk_core::export_plugin!(copydesk_parse::ParsePlugin);
