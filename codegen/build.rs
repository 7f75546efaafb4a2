//! Embeds the SDK's own spec (`spec/`, a link to the repository's, so it is packaged with the
//! crate), so a user's spec loads together with it: their operations can hang on built-in
//! handles and their entities can use built-in types by name. The emulator serves this same
//! copy, so it always matches the SDK it was built with.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let spec_dir = manifest.join("spec");
    println!("cargo:rerun-if-changed={}", spec_dir.display());
    let mut names: Vec<PathBuf> = std::fs::read_dir(&spec_dir)
        .expect("read spec dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".yaml") && name != "reference-operations.yaml"
        })
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for path in &names {
        let abs = path.canonicalize().expect("canonical spec path");
        println!("cargo:rerun-if-changed={}", abs.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    out.push_str("]\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("spec_sources.rs");
    std::fs::write(dest, out).expect("write spec_sources.rs");
}
