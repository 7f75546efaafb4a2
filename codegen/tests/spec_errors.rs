//! What a user sees for a bad spec: file, line, column and what is wrong.

use zohocrm_codegen::load_sources;

fn errors(files: &[(&str, &str)]) -> Vec<String> {
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    match load_sources(&sources) {
        Ok(_) => panic!("spec should be rejected"),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

const HANDLE: &str = "handles:\n  h:\n    doc: H.\n    accessor: h\n";

#[test]
fn unknown_key_names_file_line_column() {
    let e = errors(&[(
        "a.yaml",
        "entities:\n  Item:\n    doc: An item.\n    fields:\n      id: { type: id, doc: Id., colour: red }\n",
    )]);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("a.yaml:5:"), "{}", e[0]);
    assert!(e[0].contains("unknown field `colour`"), "{}", e[0]);
}

#[test]
fn malformed_yaml_names_file_line_column() {
    let e = errors(&[("b.yaml", "entities:\n  Item:\n    doc: [unclosed\n")]);
    assert!(e[0].starts_with("b.yaml:"), "{}", e[0]);
    let parts: Vec<&str> = e[0].splitn(4, ':').collect();
    assert!(parts[1].parse::<u64>().unwrap() >= 3, "{}", e[0]);
}

#[test]
fn duplicate_key_in_one_file() {
    let e = errors(&[(
        "c.yaml",
        "entities:\n  Item:\n    doc: A.\n  Item:\n    doc: B.\n",
    )]);
    assert!(e[0].starts_with("c.yaml:4:"), "{}", e[0]);
    assert!(e[0].to_lowercase().contains("duplicate"), "{}", e[0]);
}

#[test]
fn duplicate_name_across_files_points_at_both() {
    let e = errors(&[
        ("a.yaml", "entities:\n  Item:\n    doc: A.\n"),
        ("b.yaml", "enums:\n  Item:\n    doc: B.\n    values: [x]\n"),
    ]);
    assert_eq!(
        e,
        vec![
            "b.yaml:3:5: duplicate name `Item`: already defined as entity at a.yaml:3".to_string()
        ]
    );
}

#[test]
fn dangling_type_reference() {
    let e = errors(&[(
        "a.yaml",
        "entities:\n  Item:\n    doc: A.\n    fields:\n      owner: { type: list<Person>, doc: Who. }\n",
    )]);
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("a.yaml:5:"), "{}", e[0]);
    assert!(e[0].contains("unknown type `Person`"), "{}", e[0]);
}

#[test]
fn operation_problems_are_all_reported() {
    let spec = format!(
        "{HANDLE}entities:\n  Item:\n    doc: I.\noperations:\n  get_item:\n    handle: nope\n    doc: D.\n    method: GET\n    path: /items\n    response: {{ kind: single, entity: Item, key: data }}\n    scope: S\n  put_item:\n    handle: h\n    doc: D.\n    method: FETCH\n    path: /items/{{item_id}}\n    response: {{ kind: list, entity: Ghost }}\n    scope: S\n"
    );
    let e = errors(&[("ops.yaml", &spec)]);
    let all = e.join("\n");
    assert!(
        all.contains("ops.yaml:10:13: unknown handle `nope` (known: h)"),
        "{all}"
    );
    assert!(all.contains("unknown HTTP method `FETCH`"), "{all}");
    assert!(
        all.contains("path placeholder `{item_id}` is neither a scope value"),
        "{all}"
    );
    assert!(
        all.contains("response entity `Ghost` is not a defined entity"),
        "{all}"
    );
    assert!(all.contains("response kind `list` needs `key`"), "{all}");
    assert!(e.iter().all(|l| l.starts_with("ops.yaml:")), "{all}");
}

#[test]
fn reserved_builder_names_and_bad_case() {
    let spec = format!(
        "{HANDLE}entities:\n  item:\n    doc: I.\noperations:\n  GetItem:\n    handle: h\n    doc: D.\n    method: GET\n    path: /items\n    params:\n      send: {{ in: query, type: string, doc: S. }}\n    response: {{ kind: object, entity: item }}\n    scope: S\n"
    );
    let all = errors(&[("x.yaml", &spec)]).join("\n");
    assert!(
        all.contains("entity name `item` must be PascalCase"),
        "{all}"
    );
    assert!(
        all.contains("operation name `GetItem` must be snake_case"),
        "{all}"
    );
    assert!(all.contains("param name `send` is reserved"), "{all}");
}

#[test]
fn paginated_needs_page_params() {
    let spec = format!(
        "{HANDLE}entities:\n  Item:\n    doc: I.\noperations:\n  list_items:\n    handle: h\n    doc: D.\n    method: GET\n    path: /items\n    paginated: true\n    response: {{ kind: list, entity: Item, key: data }}\n    scope: S\n"
    );
    let all = errors(&[("p.yaml", &spec)]).join("\n");
    assert!(
        all.contains("paginated operation needs a `page` query param"),
        "{all}"
    );
    assert!(
        all.contains("paginated operation needs a `per_page` query param"),
        "{all}"
    );
}

#[test]
fn modules_need_a_module_scope() {
    let spec = format!(
        "{HANDLE}entities:\n  Item:\n    doc: I.\noperations:\n  get_item:\n    handle: h\n    doc: D.\n    method: GET\n    path: /items\n    modules: [Leads]\n    response: {{ kind: object, entity: Item }}\n    scope: S\n"
    );
    let all = errors(&[("m.yaml", &spec)]).join("\n");
    assert!(
        all.contains("`modules` needs a handle with a `module_api_name` scope"),
        "{all}"
    );
}

// Positions serde-saphyr alone gets wrong (issue 14): each is pinned to the cause.

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte() {
    let dir = std::env::temp_dir().join(format!("zohocrm-spec-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.yaml");
    // "café" saved as Latin-1: 0xE9 is not UTF-8.
    std::fs::write(&path, b"entities:\n  Item:\n    doc: Caf\xE9 item.\n").unwrap();
    let from_dir = zohocrm_codegen::load_dir(&dir).unwrap_err().to_string();
    let from_build = zohocrm_codegen::build::Builder::new()
        .spec(&path)
        .generate()
        .unwrap_err()
        .to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        from_dir,
        "latin1.yaml:3:13: invalid UTF-8 (byte 0xE9): spec files must be UTF-8"
    );
    assert_eq!(
        from_build,
        format!(
            "{}:3:13: invalid UTF-8 (byte 0xE9): spec files must be UTF-8",
            path.display()
        )
    );
}

#[test]
fn a_misindented_key_is_reported_on_its_own_line() {
    // `doc` (line 7) is indented 7: between `id`'s keys (8) and `fields`'s (6). Alone,
    // serde-saphyr blames line 6 for a missing `doc`.
    let e = errors(&[(
        "indent.yaml",
        "entities:\n  Item:\n    doc: I.\n    fields:\n      id:\n        type: id\n       doc: Id.\n",
    )]);
    assert_eq!(
        e,
        ["indent.yaml:7:8: mis-indented key `doc`: it is indented 7 spaces, but the keys of `id` are indented 8 and those of `fields` 6"]
    );
    let spec =
        format!("{HANDLE}operations:\n  get_item:\n    handle: h\n   doc: D.\n    method: GET\n");
    assert_eq!(
        errors(&[("op.yaml", &spec)]),
        ["op.yaml:8:4: mis-indented key `doc`: it is indented 3 spaces, but the keys of `get_item` are indented 4 and those of `operations` 2"]
    );
    // A tab: serde-saphyr reports the line before, as a plain scalar that "found a tab".
    assert_eq!(
        errors(&[("tab.yaml", "entities:\n  Item:\n    doc: I.\n\tfields: {}\n")]),
        ["tab.yaml:4:1: mis-indented line: it is indented with a tab; YAML indents with spaces only"]
    );
}

#[test]
fn an_unclosed_flow_collection_is_reported_at_its_bracket() {
    let e = errors(&[(
        "flow.yaml",
        "entities:\n  Item:\n    doc: I.\n    fields:\n      id: { type: id, doc: Id.\n      name: { type: string, doc: N. }\n  Other:\n    doc: O.\n",
    )]);
    assert_eq!(
        e,
        ["flow.yaml:5:11: `{` is never closed (while parsing a flow mapping, did not find expected ',' or '}')"]
    );
    let e = errors(&[(
        "seq.yaml",
        "enums:\n  E:\n    doc: E.\n    values: [a, b\n  F:\n    doc: F.\n    values: [c]\n",
    )]);
    assert_eq!(
        e,
        ["seq.yaml:4:13: `[` is never closed (illegal placement of ':' indicator)"]
    );
    // Braces inside plain scalars (paths, docs) and a multi-line flow list are not openers.
    let e = errors(&[(
        "ok.yaml",
        "enums:\n  E:\n    doc: Use {id} and [x] here.\n    values: [a,\n      b]\n  F:\n    doc: F.\n    values: [c\n",
    )]);
    assert_eq!(e, ["ok.yaml:8:13: unclosed bracket '['"]);
}

#[test]
fn an_unclosed_quote_is_reported_at_the_quote() {
    let e = errors(&[(
        "quote.yaml",
        "entities:\n  Item:\n    doc: \"An item.\n    fields:\n      id: { type: id, doc: Id. }\n  Other:\n    doc: O.\n",
    )]);
    assert_eq!(e, ["quote.yaml:3:10: unclosed quote"]);
}

#[test]
fn a_missing_key_is_reported_at_the_start_of_its_mapping() {
    // The operation's first key (line 10), not its last (`scope`, line 14).
    let spec = format!(
        "{HANDLE}entities:\n  Item:\n    doc: I.\noperations:\n  get_item:\n    handle: h\n    method: GET\n    path: /items\n    response: {{ kind: object, entity: Item }}\n    scope: S\n"
    );
    assert_eq!(
        errors(&[("op.yaml", &spec)]),
        ["op.yaml:10:5: missing field `doc`"]
    );
    // An entity field, as a block mapping, as a flow mapping, and a handle's scope entry.
    let e = errors(&[(
        "field.yaml",
        "entities:\n  Item:\n    doc: I.\n    fields:\n      id:\n        doc: Id.\n        optional: true\n",
    )]);
    assert_eq!(e, ["field.yaml:6:9: missing field `type`"]);
    let e = errors(&[(
        "flow.yaml",
        "entities:\n  Item:\n    doc: I.\n    fields:\n      id: { doc: Id., optional: true }\n",
    )]);
    assert_eq!(e, ["flow.yaml:5:11: missing field `type`"]);
    let e = errors(&[(
        "scope.yaml",
        "handles:\n  h:\n    doc: H.\n    scope:\n      - name: x\n        doc: X.\n",
    )]);
    assert_eq!(e, ["scope.yaml:5:9: missing field `type`"]);
}
