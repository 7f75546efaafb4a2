//! Operations from a user's extra spec file, served from their shape over real HTTP: a per-path
//! collection with Zoho's envelopes and codes, validated against the user's entity.
//! Source for the conventions: zoho-api-v2.md ("Response envelopes", "Status codes"); the same
//! ones the records handlers follow (tests/records.rs).

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use zohocrm_emulator::{Emulator, EmulatorConfig};

const SPEC: &str = r#"
entities:
  Parcel:
    doc: A parcel.
    fields:
      id: { type: id, read_only: true, doc: Id. }
      label: { key: Label, type: string, optional: false, doc: Label. }
      weight: { key: Weight, type: decimal, doc: Kilograms. }
      owner: { key: Owner, type: UserRef, doc: Owner. }
      created: { key: Created_Time, type: datetime, read_only: true, doc: Set by the server. }
handles:
  depot:
    doc: A depot.
    accessor: depot
    scope:
      - { name: depot_id, type: string, doc: The depot. }
operations:
  list_parcels:
    handle: depot
    doc: Lists.
    method: GET
    path: /depots/{depot_id}/parcels
    paginated: true
    params:
      page: { in: query, type: integer, min: 1, doc: Page. }
      per_page: { in: query, type: integer, min: 1, max: 200, doc: Per page. }
    response: { kind: list, entity: Parcel, key: parcels }
    scope: ZohoCRM.modules.custom.READ
  get_parcel:
    handle: depot
    doc: Gets.
    method: GET
    path: /depots/{depot_id}/parcels/{id}
    params:
      id: { in: path, type: id, optional: false, doc: Id. }
    response: { kind: single, entity: Parcel, key: parcels }
    scope: ZohoCRM.modules.custom.READ
  create_parcels:
    handle: depot
    doc: Creates.
    method: POST
    path: /depots/{depot_id}/parcels
    body: { entity: Parcel, key: parcels, max_items: 100 }
    response: { kind: action, key: parcels }
    scope: ZohoCRM.modules.custom.CREATE
  update_parcels:
    handle: depot
    doc: Updates.
    method: PUT
    path: /depots/{depot_id}/parcels
    body: { entity: Parcel, key: parcels, max_items: 100 }
    response: { kind: action, key: parcels }
    scope: ZohoCRM.modules.custom.UPDATE
  delete_parcel:
    handle: depot
    doc: Deletes.
    method: DELETE
    path: /depots/{depot_id}/parcels/{id}
    params:
      id: { in: path, type: id, optional: false, doc: Id. }
    response: { kind: action, key: parcels }
    scope: ZohoCRM.modules.custom.DELETE
  get_records:
    handle: depot
    doc: Shares a built-in operation's name; still served from its own shape.
    method: GET
    path: /depots/{depot_id}/records
    response: { kind: list, entity: Parcel, key: records }
    scope: ZohoCRM.modules.custom.READ
"#;

async fn session() -> (Emulator, String) {
    let mut config = EmulatorConfig::default();
    config.extra_specs.push(("depot.yaml".into(), SPEC.into()));
    let emu = Emulator::start_with(config).await.unwrap();
    let (access, _) = login(&emu, "ada@zylker.test").await;
    (emu, access)
}

#[tokio::test]
async fn a_user_operation_round_trips_create_get_list_update_delete() {
    let (emu, t) = session().await;
    let (s, _, created) = call(
        &emu,
        &t,
        Method::POST,
        "/depots/north/parcels",
        Some(json!({"parcels": [{"Label": "P-1", "Weight": 2.5}, {"Label": "P-2"}]})),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let first = &created["parcels"][0];
    assert_eq!(first["code"], "SUCCESS");
    assert_eq!(first["status"], "success");
    assert_eq!(first["message"], "record added");
    let id = first["details"]["id"].as_str().unwrap().to_owned();
    assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    assert!(
        first["details"]["Created_Time"].is_string(),
        "declared audit field set"
    );

    let (s, got) = get(&emu, &t, &format!("/depots/north/parcels/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(got["parcels"][0]["Label"], "P-1");
    assert_eq!(got["parcels"][0]["Weight"], 2.5);

    let (s, page) = get(&emu, &t, "/depots/north/parcels?per_page=1").await;
    assert_eq!(s, 200);
    assert_eq!(page["parcels"].as_array().unwrap().len(), 1);
    assert_eq!(
        page["info"],
        json!({"per_page": 1, "count": 1, "page": 1, "more_records": true})
    );
    let (s, other) = get(&emu, &t, "/depots/south/parcels").await;
    assert_eq!(
        (s, other),
        (204, Value::Null),
        "each path is its own collection"
    );

    let (s, _, upd) = call(
        &emu,
        &t,
        Method::PUT,
        "/depots/north/parcels",
        Some(json!({"parcels": [{"id": id, "Weight": 3.0}, {"id": "999", "Weight": 1.0}]})),
    )
    .await;
    assert_eq!(s, 207, "{upd}");
    assert_eq!(upd["parcels"][0]["message"], "record updated");
    assert_eq!(upd["parcels"][1]["code"], "INVALID_DATA");
    let (_, got) = get(&emu, &t, &format!("/depots/north/parcels/{id}")).await;
    assert_eq!(got["parcels"][0]["Weight"], 3.0);
    assert_eq!(got["parcels"][0]["Label"], "P-1", "an update merges");

    let (s, _, del) = call(
        &emu,
        &t,
        Method::DELETE,
        &format!("/depots/north/parcels/{id}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{del}");
    assert_eq!(del["parcels"][0]["details"]["id"], id.as_str());
    let (s, gone) = get(&emu, &t, &format!("/depots/north/parcels/{id}")).await;
    assert_eq!((s, gone), (204, Value::Null));
    let (s, _, again) = call(
        &emu,
        &t,
        Method::DELETE,
        &format!("/depots/north/parcels/{id}"),
        None,
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(again["parcels"][0]["code"], "INVALID_DATA");
}

#[tokio::test]
async fn user_operations_are_validated_against_the_users_entity() {
    let (emu, t) = session().await;
    let (s, _, r) = call(
        &emu,
        &t,
        Method::POST,
        "/depots/north/parcels",
        Some(json!({"parcels": [{"Weight": 1.0}, {"Label": "ok", "Weight": "heavy"}]})),
    )
    .await;
    assert_eq!(s, 400, "{r}");
    assert_eq!(r["parcels"][0]["code"], "MANDATORY_NOT_FOUND");
    assert_eq!(r["parcels"][0]["details"]["api_name"], "Label");
    assert_eq!(r["parcels"][1]["code"], "INVALID_DATA");
    assert_eq!(r["parcels"][1]["details"]["api_name"], "Weight");
    let (s, _, r) = call(
        &emu,
        &t,
        Method::POST,
        "/depots/north/parcels",
        Some(json!({"items": []})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(r["code"], "REQUIRED_PARAM_MISSING", "{r}");
    assert_eq!(
        r["details"]["param_name"], "parcels",
        "the user's envelope key"
    );
    // A user operation named like a built-in one is not sent to the built-in handler.
    let (s, r) = get(&emu, &t, "/depots/north/records").await;
    assert_eq!((s, r), (204, Value::Null));
}

#[tokio::test]
async fn a_bad_extra_spec_fails_start_up_naming_file_line_and_column() {
    let mut config = EmulatorConfig::default();
    config.extra_specs.push((
        "bad.yaml".into(),
        "entities:\n  Parcel:\n    doc: P.\n    fields:\n      w: { type: Weight, doc: W. }\n"
            .into(),
    ));
    let err = Emulator::start_with(config).await.unwrap_err().to_string();
    assert!(err.contains("bad.yaml:5:"), "{err}");
    assert!(err.contains("Weight"), "{err}");
}

#[test]
fn an_extra_spec_file_that_is_not_utf8_is_named_by_line_and_column() {
    let dir = std::env::temp_dir().join(format!("zohocrm-emu-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.yaml");
    // "café" saved as Latin-1.
    std::fs::write(&path, b"entities:\n  Parcel:\n    doc: Caf\xE9.\n").unwrap();
    let err = EmulatorConfig::default().add_spec_file(&path).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3:13: invalid UTF-8 (byte 0xE9): spec files must be UTF-8",
            path.display()
        )
    );
}
