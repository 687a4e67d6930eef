//! The fault-injecting test plugin as a shared library, `libtestkit_faulty.so`:
//! a name that does not match the `libcopydesk_*` rule, so `copydesk plugins`
//! never lists it; tests load it by path.

copydesk_core::export_plugin!(copydesk_faulty::FaultyPlugin);
