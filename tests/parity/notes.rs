//! Notes at module level (`/Notes`, zohocrmsdk2-0 6.0.0 NotesOperations): the same notes the
//! record-scoped calls show.

use crate::support::{create, lookup, only_error, setup};
use zohocrm::types::Note;
use zohocrm::{ErrorCode, Id, Nullable};

fn note(content: &str, module: &str, parent: &Id) -> Note {
    let mut n = Note::new();
    n.note_title.set(format!("About {content}"));
    n.note_content.set(content);
    n.parent_id.set(lookup(parent.clone()));
    n.se_module.set(module);
    n
}

#[tokio::test]
async fn module_level_notes_are_created_read_updated_and_deleted() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Noted")]).await;
    let contact = create(&client, "Contacts", &[("Last_Name", "Noted too")]).await;
    let notes = client.notes();
    // Source: create body {"data":[{Note_Title, Note_Content, Parent_Id, se_module}]}
    // (zoho-api-v2.md §5 "Notes"); the SDK's Note model sends `$se_module`.
    let made = notes
        .create_notes([
            note("call back", "Leads", &lead),
            note("send deck", "Contacts", &contact),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(made.http_status, 201);
    let ids: Vec<Id> = made
        .into_result()
        .unwrap()
        .iter()
        .map(|s| s.details.id.clone().unwrap())
        .collect();

    let one = notes.get_note(ids[0].clone()).send().await.unwrap();
    assert_eq!(one.note_content.as_deref(), Some("call back"));
    assert_eq!(one.se_module.as_deref(), Some("Leads"));
    assert_eq!(
        one.parent_id.as_ref().and_then(|p| p.id.as_ref()),
        Some(&lead)
    );
    assert!(one.created_time.is_some() && one.owner.is_some());

    // The record-scoped listing shows the note made through /Notes.
    let on_lead = client
        .record("Leads", lead.clone())
        .get_notes()
        .send()
        .await
        .unwrap();
    assert!(on_lead.data.iter().any(|n| n.id.as_ref() == Some(&ids[0])));

    let all = notes.get_notes().per_page(200).send().await.unwrap();
    assert!(
        ids.iter()
            .all(|id| all.data.iter().any(|n| n.id.as_ref() == Some(id)))
    );
    assert!(all.info.is_some());

    let mut change = Note::new();
    change.id = Some(ids[1].clone());
    change.note_content.set("deck sent");
    let upd = notes.update_notes([change]).send().await.unwrap();
    assert!(upd.all_succeeded(), "{upd:?}");
    let mut change = Note::new();
    change.note_title.set("Renamed");
    notes
        .update_note(ids[0].clone(), change)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let again = notes.get_note(ids[1].clone()).send().await.unwrap();
    assert_eq!(again.note_content.as_deref(), Some("deck sent"));
    let renamed = notes.get_note(ids[0].clone()).send().await.unwrap();
    assert_eq!(renamed.note_title.as_deref(), Some("Renamed"));

    let del = notes.delete_notes([ids[1].clone()]).send().await.unwrap();
    assert!(del.all_succeeded());
    notes
        .delete_note(ids[0].clone())
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    // Source: a record GET of an id that does not exist answers 204 (zoho-api-v2.md §8 note 2).
    let err = notes.get_note(ids[0].clone()).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent), "{err}");
    let left = client
        .record("Leads", lead)
        .get_notes()
        .send()
        .await
        .unwrap();
    assert!(left.data.iter().all(|n| n.id.as_ref() != Some(&ids[0])));
}

#[tokio::test]
async fn module_level_notes_reject_missing_parents_and_unknown_ids() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Parent")]).await;
    let notes = client.notes();
    let mut no_module = note("orphan", "Leads", &lead);
    no_module.se_module = Nullable::Absent;
    let ghost = note("ghost", "Leads", &Id::from("4150868999999999995"));
    let mut empty = note("x", "Leads", &lead);
    empty.note_content = Nullable::Absent;
    let res = notes
        .create_notes([no_module, ghost, empty])
        .send()
        .await
        .unwrap();
    // Source: per-item MANDATORY_NOT_FOUND / INVALID_DATA with api_name, 400 when all fail
    // (zoho-api-v2.md §3 "Per-item action results").
    assert_eq!(res.http_status, 400);
    let got: Vec<(ErrorCode, Option<String>)> = res
        .items
        .iter()
        .map(|r| {
            let e = r.as_ref().unwrap_err();
            (e.code.clone(), e.details.api_name.clone())
        })
        .collect();
    assert_eq!(
        got,
        [
            (ErrorCode::MandatoryNotFound, Some("se_module".into())),
            (ErrorCode::InvalidData, Some("Parent_Id".into())),
            (ErrorCode::MandatoryNotFound, Some("Note_Content".into())),
        ]
    );
    let res = notes
        .delete_notes([Id::from("4150868999999999994")])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&res).code, ErrorCode::InvalidData);
}
