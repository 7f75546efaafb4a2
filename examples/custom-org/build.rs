// Generates `types`, `handles` and `prelude` for this org into OUT_DIR from spec/org.yaml.
// Cargo reruns this only when that file changes; a mistake in it fails the build with
// `spec/org.yaml:LINE:COLUMN: what is wrong`.
fn main() {
    zohocrm_codegen::build::Builder::new()
        .spec("spec/org.yaml")
        .compile();
}
