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
