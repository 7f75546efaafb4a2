//! The reader against `serde_json`: the same answer (a value, or a refusal) on every genuine
//! fixture, on corrupted copies of one, and on the corners of the JSON grammar.

use super::*;
use serde_json::Value;
use serde_json::value::RawValue;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// This reader alone (no fallback) and `serde_json`, on the same text.
fn both(text: &str) -> (Result<Value, Error>, Result<Value, Error>) {
    (
        read(text, PhantomData::<Value>),
        serde_json::from_str::<Value>(text),
    )
}

#[track_caller]
fn agree(text: &str) {
    match both(text) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "different values for {text:?}"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "reader {:?} but serde_json {:?} for {text:?}",
            a.is_ok(),
            b.is_ok()
        ),
    }
}

fn fixtures() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/fixtures/zoho-v2"))
        .find(|p| p.join("INDEX.json").is_file())
        .unwrap_or_else(|| panic!("shared/fixtures/zoho-v2 is not beside {}", here.display()))
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_genuine_fixture_reads_as_serde_json_reads_it() {
    let mut files = Vec::new();
    json_files(&fixtures(), &mut files);
    assert!(files.len() > 100, "only {} fixtures found", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (ours, theirs) = both(&text);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", path.display()),
            (Err(_), Err(_)) => {}
            (a, _) => panic!("{}: reader ok = {}", path.display(), a.is_ok()),
        }
    }
}

#[test]
fn corrupted_copies_are_refused_exactly_when_serde_json_refuses_them() {
    let text = r#"{"data":[{"id":"41","Owner":{"name":"Ada","id":"4","email":null},"N":-1.5e+3,
        "T":[true,false,null],"E":"a\"b\\c\u00e9\n","U":"ü€𝄞","Z":0,"X":{}}],"info":{"more_records":false}}"#;
    let inserts = [
        "\"", "\\", ",", ":", "{", "}", "[", "]", "0", "-", ".", "e", "x", "\u{1}", "\t", " ",
    ];
    let mut cases = 0;
    for (i, _) in text.char_indices() {
        agree(&text[..i]);
        let (head, tail) = text.split_at(i);
        let rest = &tail[tail.chars().next().map_or(0, char::len_utf8)..];
        agree(&format!("{head}{rest}"));
        for ins in inserts {
            agree(&format!("{head}{ins}{tail}"));
            cases += 1;
        }
    }
    assert!(cases > 2000);
}

#[test]
fn grammar_corners() {
    for text in [
        "0",
        "-0",
        "01",
        "-",
        "1.",
        "1.5",
        ".5",
        "1e",
        "1e+",
        "1E+5",
        "1e-05",
        "-01",
        "1.e3",
        "123456789012345678901234567890",
        "1e400",
        "true",
        "tru",
        "nul",
        "null ",
        " false\n",
        "\"\\u12G4\"",
        "\"\\u00e9\"",
        "\"\\ud800\"",
        "\"\\x\"",
        "\"a\u{7f}b\"",
        "\"a\tb\"",
        "\"\u{0}\"",
        "[]",
        "[,]",
        "[1,]",
        "[1 2]",
        "{}",
        "{,}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\":1,}",
        "{\"a\":1 \"b\":2}",
        "{1:2}",
        "[1]x",
        "",
        "   ",
        "{\"a\":1}}",
        "{\"a\\u0041\":1}",
        "\"12345678\"",
        "\"1234567\\\"8901234\"",
        "[\"\u{1f}\"]",
    ] {
        agree(text);
    }
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    agree(&deep(127));
    agree(&deep(128));
    assert!(read(&deep(127), PhantomData::<Value>).is_ok());
    let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    agree(&objects(127));
    agree(&objects(128));
    assert!(read(&objects(127), PhantomData::<Value>).is_ok());
}

#[test]
fn raw_values_are_spans_of_the_text() {
    let text = r#"{"a": [1, 2.50, "x"], "b" : -18.458750000000002}"#;
    #[derive(serde::Deserialize)]
    struct Both<'a> {
        #[serde(borrow)]
        a: &'a RawValue,
        b: Box<RawValue>,
    }
    let v: Both = read(text, PhantomData).unwrap();
    assert_eq!(v.a.get(), r#"[1, 2.50, "x"]"#);
    assert_eq!(v.b.get(), "-18.458750000000002");
    let start = v.a.get().as_ptr() as usize - text.as_ptr() as usize;
    assert_eq!(start, 6, "borrowed from the text, not copied");
}

#[test]
fn refusals_are_serde_json_errors_with_their_position() {
    let e = from_str::<Value>("{\"a\": 1,\n \"b\": tru}").unwrap_err();
    assert_eq!((e.line(), e.column()), (2, 10), "{e}");
    // A type the reader hands on whole (map keys that are numbers) still decodes.
    let m: std::collections::BTreeMap<u32, bool> = from_str(r#"{"1":true,"22":false}"#).unwrap();
    assert_eq!(m.get(&22), Some(&false));
}

mod generated {
    //! proptest: texts built from JSON's own punctuation, and valid documents with one edit, read
    //! by both. A mismatch in what is accepted, or in the value read, fails with the text.
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e300f64..1e300).prop_map(Value::from),
            "[a-z\"\\\\\u{1}-\u{1f}é€𝄞 ]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-zA-Z_$\"\\\\]{0,8}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn punctuation_soup(text in "[{}\\[\\]\",:\\\\ \t\n0-9eE+.\\-tru fals nx\u{1}é]{0,40}") {
            agree(&text);
        }

        #[test]
        fn valid_documents_with_one_edit(
            v in value(),
            pretty in any::<bool>(),
            at in any::<prop::sample::Index>(),
            edit in prop_oneof![Just(""), Just("\""), Just(","), Just("]"), Just("}"), Just(":"),
                                Just("\\"), Just("0"), Just("-"), Just(" "), Just("\u{1}")],
            delete in any::<bool>(),
        ) {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            };
            // Equal to what serde_json reads (not to `v`: serde_json's float parse, which both
            // use, may move a float's last digit).
            agree(&text);
            prop_assert!(read(&text, PhantomData::<Value>).is_ok());
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let (head, tail) = text.split_at(i);
            let tail = if delete { tail.get(tail.chars().next().map_or(0, char::len_utf8)..).unwrap_or("") } else { tail };
            agree(&format!("{head}{edit}{tail}"));
        }
    }
}
