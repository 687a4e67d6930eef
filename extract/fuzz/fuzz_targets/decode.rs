#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, note) = copydesk_extract::decode(data);
    if std::str::from_utf8(data).is_ok() && !data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        assert_eq!(text.as_bytes(), data);
        assert!(note.is_none());
    }
});
