//! `diff` between two known specs, and `coverage` of the real spec.

use std::path::Path;
use zohocrm_codegen::{coverage, diff, load_dir};

#[test]
fn known_diff() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let old = load_dir(&here.join("mini")).unwrap();
    let new = load_dir(&here.join("mini_v2")).unwrap();
    let lines: Vec<String> = diff::diff(&old, &new)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        vec![
            "+ operation shop.get_reviews",
            "~ operation shop.list_items: param per_page changed; param q added (optional)",
            "- operation shop.add_items",
            "+ entity Review",
            "~ enum Color: +blue",
            "~ field Item.price: type decimal -> integer",
            "+ field Item.stock",
            "- field Item.color",
        ]
    );
    assert!(diff::diff(&new, &new).is_empty());
}

#[test]
fn coverage_of_real_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("spec");
    let api = load_dir(&root).unwrap();
    let text = std::fs::read_to_string(root.join("reference-operations.yaml")).unwrap();
    let reference = coverage::parse_reference("reference-operations.yaml", &text).unwrap();
    let report = coverage::coverage(&api, &reference);
    let tables = &report.zcrmsdk_2_0;
    assert_eq!(
        tables.total(),
        93,
        "zcrmsdk 2.0's tables list 93 operations"
    );
    let missing: Vec<_> = tables
        .groups
        .iter()
        .flat_map(|h| h.missing.iter())
        .collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert_eq!(tables.covered(), 93);
    assert!(
        tables.to_string().ends_with("total: 93/93 (100.0%)"),
        "{report}"
    );
    let sdk = &report.zohocrmsdk2_0;
    assert_eq!(
        sdk.total(),
        139,
        "zohocrmsdk2-0 6.0.0 has 139 operations (zoho-api-v2.md §6)"
    );
    // Per package, as zoho-api-v2.md §6 counts them.
    let counts: Vec<(&str, usize)> = sdk
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.covered.len() + g.missing.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("attachments", 6),
            ("blue_print", 2),
            ("bulk_read", 3),
            ("bulk_write", 4),
            ("contact_roles", 11),
            ("currencies", 7),
            ("custom_views", 2),
            ("fields", 2),
            ("file", 2),
            ("layouts", 2),
            ("modules", 4),
            ("notes", 7),
            ("notification", 6),
            ("org", 2),
            ("profiles", 2),
            ("query", 1),
            ("record", 19),
            ("related_lists", 2),
            ("related_records", 12),
            ("roles", 2),
            ("share_records", 4),
            ("tags", 11),
            ("taxes", 6),
            ("territories", 2),
            ("users", 6),
            ("variable_groups", 3),
            ("variables", 9),
        ]
    );
    // Every one of the 139 has its generated method, Bulk Write's four included.
    let missing: Vec<(&str, &String)> = sdk
        .groups
        .iter()
        .flat_map(|g| g.missing.iter().map(move |m| (g.group.as_str(), m)))
        .collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert_eq!(sdk.covered(), 139, "{report}");
    assert!(
        sdk.to_string().ends_with("total: 139/139 (100.0%)"),
        "{report}"
    );
}

#[test]
fn diff_from_the_foundation_spec_lists_what_was_added() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let old = load_dir(&here.join("tests/fixtures/foundation")).unwrap();
    let new = load_dir(&here.parent().unwrap().join("spec")).unwrap();
    let changes = diff::diff(&old, &new);
    let lines: Vec<String> = changes.iter().map(ToString::to_string).collect();
    for expected in [
        "+ operation org.get_user",
        "+ operation record.convert_record",
        "+ operation note.note_upload_attachment",
        "+ operation tag.merge_tag",
        "+ entity Note",
        "+ entity InventoryLineItem",
        "+ field Record.Product_Details",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "missing {expected:?} in {lines:#?}"
        );
    }
    let added = lines
        .iter()
        .filter(|l| l.starts_with("+ operation"))
        .count();
    assert_eq!(added, new.operations.len() - old.operations.len());
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with('-') || (l.starts_with('~') && !l.starts_with("~ docs "))),
        "the foundation's operations and fields are unchanged (docs may be reworded): {lines:#?}"
    );
}
