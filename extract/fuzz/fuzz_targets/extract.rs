#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (html, _) = copydesk_extract::decode(data);
    let a = copydesk_extract::extract(&html);
    for b in &a.blocks {
        assert!(!b.text.is_empty());
        assert!(!b.text.contains("  "));
    }
});
