//! `diff` between two known specs, and `coverage` of the real spec.

use std::path::Path;
use zohocrm_codegen::{coverage, diff, load_dir};

#[test]
fn known_diff() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let old = load_dir(&here.join("mini")).unwrap();
    let new = load_dir(&here.join("mini_v2")).unwrap();
    let lines: Vec<String> = diff::diff(&old, &new).iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        vec![
            "+ operation shop.get_reviews",
            "~ operation shop.list_items: param per_page changed; param q added",
            "- operation shop.add_items",
            "+ entity Review",
            "~ field Item.price: type decimal -> integer",
            "+ field Item.stock",
            "- field Item.color",
        ]
    );
    assert!(diff::diff(&new, &new).is_empty());
}

#[test]
fn coverage_of_real_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("spec");
    let api = load_dir(&root).unwrap();
    let text = std::fs::read_to_string(root.join("reference-operations.yaml")).unwrap();
    let reference = coverage::parse_reference("reference-operations.yaml", &text).unwrap();
    let report = coverage::coverage(&api, &reference);
    assert_eq!(report.total(), 93, "the seed's tables list 93 operations");
    let rest = report.handles.iter().find(|h| h.handle == "rest_client").unwrap();
    assert!(rest.missing.is_empty(), "rest client fully covered: {:?}", rest.missing);
    assert!(report.covered() >= 13);
    assert!(report.to_string().contains(&format!("total: {}/93", report.covered())));
}
