//! What hangs off a record, over real HTTP against the emulator: notes, attachments (of records
//! and of notes), and photos. Uploads and downloads round-trip bytes exactly.

mod support;

use support::{all_bytes, create, setup, setup_with};
use zohocrm::types::{Note, Record};
use zohocrm::{Error, ErrorCode, Method, Nullable, Request, UploadFile};
use zohocrm_emulator::EmulatorConfig;

fn note(title: Option<&str>, content: Option<&str>) -> Note {
    let mut n = Note::new();
    n.note_title = Nullable::from_option(title.map(str::to_owned));
    n.note_content = Nullable::from_option(content.map(str::to_owned));
    n
}

fn code_of(err: &Error) -> &str {
    err.code()
        .map(ErrorCode::as_str)
        .unwrap_or("<not an API error>")
}

#[tokio::test]
async fn notes_are_added_listed_paged_updated_and_deleted() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Noted")]).await;
    let rec = client.record("Leads", lead.clone());

    let added = rec
        .add_note(note(Some("Call"), Some("Called, no answer")))
        .send()
        .await
        .unwrap();
    assert_eq!(added.http_status, 201);
    let ok = added.into_result().unwrap();
    assert_eq!(ok[0].message, "record added");
    let note_id = ok[0].details.id.clone().expect("the note id");
    assert!(ok[0].details.created_by.is_some());

    let page = rec.get_notes().send().await.unwrap();
    assert_eq!(page.data.len(), 1);
    let n = &page.data[0];
    assert_eq!(n.id.as_ref(), Some(&note_id));
    assert_eq!(n.note_title.as_deref(), Some("Call"));
    assert_eq!(n.note_content.as_deref(), Some("Called, no answer"));
    assert_eq!(n.se_module.as_deref(), Some("Leads"));
    let parent = n.parent_id.as_ref().expect("Parent_Id");
    assert_eq!(parent.id.as_ref(), Some(&lead));
    assert_eq!(parent.name.as_deref(), Some("Noted"));

    let upd = rec
        .update_note(note_id.clone(), note(None, Some("Called back: interested")))
        .send()
        .await
        .unwrap();
    assert_eq!(upd.into_result().unwrap()[0].message, "record updated");
    let page = rec.get_notes().send().await.unwrap();
    assert_eq!(
        page.data[0].note_content.as_deref(),
        Some("Called back: interested")
    );
    assert_eq!(
        page.data[0].note_title.as_deref(),
        Some("Call"),
        "untouched"
    );

    for i in 0..4 {
        rec.add_note(note(None, Some(&format!("more {i}"))))
            .send()
            .await
            .unwrap();
    }
    let first = rec.get_notes().per_page(2).send().await.unwrap();
    assert_eq!(first.data.len(), 2);
    assert!(first.more_records());
    let last = rec.get_notes().per_page(2).page(3).send().await.unwrap();
    assert_eq!(last.data.len(), 1);
    assert!(!last.more_records());

    let del = rec.delete_note(note_id.clone()).send().await.unwrap();
    let del = del.into_result().unwrap();
    assert_eq!(del[0].message, "record deleted");
    assert_eq!(del[0].details.id.as_ref(), Some(&note_id));
    let page = rec.get_notes().send().await.unwrap();
    assert_eq!(page.data.len(), 4);
    assert!(page.data.iter().all(|n| n.id.as_ref() != Some(&note_id)));
}

#[tokio::test]
async fn notes_reject_bad_input_and_go_with_their_parent() {
    let (emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Parent")]).await;
    let other = create(&client, "Leads", &[("Last_Name", "Other")]).await;
    let rec = client.record("Leads", lead.clone());

    let res = rec
        .add_note(note(Some("title only"), None))
        .send()
        .await
        .unwrap();
    assert_eq!(res.http_status, 400);
    let err = res.items[0].as_ref().unwrap_err();
    assert_eq!(err.code, ErrorCode::MandatoryNotFound);
    assert_eq!(err.details.api_name.as_deref(), Some("Note_Content"));

    let id = rec
        .add_note(note(None, Some("kept")))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap()[0]
        .details
        .id
        .clone()
        .unwrap();
    // A note is reached only through its own parent.
    let res = client
        .record("Leads", other.clone())
        .update_note(id.clone(), note(None, Some("hijack")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.items[0].as_ref().unwrap_err().code,
        ErrorCode::InvalidData
    );
    let res = rec
        .update_note(id.clone(), note(None, Some("  ")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.items[0].as_ref().unwrap_err().code,
        ErrorCode::MandatoryNotFound
    );
    let err = client
        .record("Leads", "4150868999999999999")
        .get_notes()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");

    assert!(emu.records("Notes").iter().any(|n| n["id"] == id.as_str()));
    rec.delete_record().send().await.unwrap();
    assert!(
        emu.records("Notes").iter().all(|n| n["id"] != id.as_str()),
        "notes go with their parent"
    );
    let err = rec.get_notes().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
}

#[tokio::test]
async fn attachments_round_trip_bytes_names_and_types() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Files")]).await;
    let rec = client.record("Leads", lead.clone());

    let text = b"line one\r\nline two\n".to_vec();
    let up = rec
        .upload_attachment(UploadFile::new("notes.txt", text.clone()).content_type("text/plain"))
        .send()
        .await
        .unwrap();
    assert_eq!(up.http_status, 200);
    let up = up.into_result().unwrap();
    assert_eq!(up[0].message, "attachment uploaded successfully");
    assert_eq!(up[0].code, "SUCCESS");
    let text_id = up[0].details.id.clone().unwrap();
    assert!(up[0].details.created_time.is_some() && up[0].details.modified_by.is_some());

    let binary = all_bytes();
    let name = "données ü 日本.bin";
    let bin_id = rec
        .upload_attachment(UploadFile::new(name, binary.clone()))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap()[0]
        .details
        .id
        .clone()
        .unwrap();

    let got = rec
        .download_attachment(bin_id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], &binary[..], "every byte comes back");
    assert_eq!(got.file_name.as_deref(), Some(name));
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/octet-stream")
    );
    let got = rec
        .download_attachment(text_id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], &text[..]);
    assert_eq!(got.file_name.as_deref(), Some("notes.txt"));
    assert_eq!(got.content_type.as_deref(), Some("text/plain"));

    let listed = rec.get_attachments().send().await.unwrap();
    assert_eq!(listed.data.len(), 2);
    let bin = listed
        .data
        .iter()
        .find(|a| a.id.as_ref() == Some(&bin_id))
        .unwrap();
    assert_eq!(bin.file_name.as_deref(), Some(name));
    assert_eq!(bin.size, Some(512));
    assert_eq!(bin.type_.as_deref(), Some("Attachment"));
    assert_eq!(bin.se_module.as_deref(), Some("Leads"));
    assert_eq!(
        bin.parent_id.as_ref().and_then(|p| p.id.as_ref()),
        Some(&lead)
    );

    let del = rec.delete_attachment(text_id.clone()).send().await.unwrap();
    assert_eq!(del.into_result().unwrap()[0].message, "record deleted");
    let listed = rec.get_attachments().send().await.unwrap();
    assert_eq!(listed.data.len(), 1);
    let err = rec.download_attachment(text_id).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
}

#[tokio::test]
async fn links_are_attachments_without_content() {
    let (_emu, client) = setup().await;
    let lead = create(&client, "Leads", &[("Last_Name", "Linked")]).await;
    let rec = client.record("Leads", lead);
    let url = "https://docs.example.com/spec.pdf?v=2";
    let up = rec.upload_link_as_attachment(url).send().await.unwrap();
    let up = up.into_result().unwrap();
    assert_eq!(up[0].message, "attachment uploaded successfully");
    let id = up[0].details.id.clone().unwrap();

    let listed = rec.get_attachments().send().await.unwrap();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].type_.as_deref(), Some("Link"));
    assert_eq!(listed.data[0].link_url.as_deref(), Some(url));

    let err = rec
        .download_attachment(id.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    let err = rec.upload_link_as_attachment(url).send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidData),
        "the same URL twice"
    );
    let err = rec
        .upload_link_as_attachment("ftp://nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
    rec.delete_attachment(id).send().await.unwrap();
    let listed = rec.get_attachments().send().await.unwrap();
    assert_eq!(listed.http_status, 204, "no attachments left");
}

#[tokio::test]
async fn attachment_uploads_reject_bad_forms_exe_files_and_big_files() {
    let config = EmulatorConfig {
        max_upload_bytes: 1024,
        ..EmulatorConfig::default()
    };
    let (_emu, client) = setup_with(config).await;
    let lead = create(&client, "Leads", &[("Last_Name", "Strict")]).await;
    let rec = client.record("Leads", lead.clone());

    let err = rec
        .upload_attachment(UploadFile::new("setup.EXE", b"MZ".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");

    let err = rec
        .upload_attachment(UploadFile::new("big.bin", vec![7u8; 2048]))
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(
        (api.http_status, code_of(&err)),
        (413, "FILE_SIZE_MORE_THAN_ALLOWED_SIZE")
    );
    assert_eq!(api.details.limit.as_deref(), Some("1024"));
    rec.upload_attachment(UploadFile::new("fits.bin", vec![7u8; 1024]))
        .send()
        .await
        .unwrap()
        .into_result()
        .expect("exactly the limit is fine");

    // The generated operations cannot send these forms; the public escape hatch can.
    let form = |parts: &[(&'static str, Option<UploadFile>, Option<&str>)]| {
        let mut req = Request::new("upload_attachment", Method::POST, false);
        req.path_literal("Leads");
        req.path_var(lead.as_str());
        req.path_literal("Attachments");
        for (key, file, text) in parts {
            if let Some(f) = file {
                req.form_file(key, f.clone());
            }
            if let Some(t) = text {
                req.form_text(key, t);
            }
        }
        req
    };
    let both = form(&[
        ("file", Some(UploadFile::new("a.txt", b"a".to_vec())), None),
        ("attachmentUrl", None, Some("https://a.example")),
    ]);
    let err = client.execute(both).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    let neither = form(&[("description", None, Some("no file here"))]);
    let err = client.execute(neither).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    let unknown_parent = client
        .record("Leads", "4150868999999999999")
        .upload_attachment(UploadFile::new("a.txt", b"a".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(unknown_parent.code(), Some(&ErrorCode::InvalidData));
    assert_eq!(
        rec.get_attachments().send().await.unwrap().data.len(),
        1,
        "only the upload that fit was kept"
    );
}

#[tokio::test]
async fn note_attachments_round_trip_and_show_on_the_note() {
    let (emu, client) = setup().await;
    let contact = create(&client, "Contacts", &[("Last_Name", "Annotated")]).await;
    let rec = client.record("Contacts", contact.clone());
    let note_id = rec
        .add_note(note(Some("Scan"), Some("see attached")))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap()[0]
        .details
        .id
        .clone()
        .unwrap();
    let n = client.note(note_id.clone());

    let bytes = all_bytes();
    let up = n
        .note_upload_attachment(
            UploadFile::new("scan ✓.png", bytes.clone()).content_type("image/png"),
        )
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(up[0].message, "attachment uploaded successfully");
    let att = up[0].details.id.clone().unwrap();
    let second = n
        .upload_attachment(UploadFile::new("b.txt", b"b".to_vec()))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap()[0]
        .details
        .id
        .clone()
        .unwrap();

    let listed = n.note_get_attachments().send().await.unwrap();
    assert_eq!(listed.data.len(), 2);
    let same = n.get_attachments().send().await.unwrap();
    assert_eq!(same.data, listed.data, "the alias lists the same");
    assert!(
        listed
            .data
            .iter()
            .all(|a| a.se_module.as_deref() == Some("Notes"))
    );

    let got = n
        .note_download_attachment(att.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(&got.bytes[..], &bytes[..]);
    assert_eq!(got.file_name.as_deref(), Some("scan ✓.png"));
    assert_eq!(got.content_type.as_deref(), Some("image/png"));
    let got = n.download_attachment(second.clone()).send().await.unwrap();
    assert_eq!(&got.bytes[..], b"b");

    let notes = rec.get_notes().send().await.unwrap();
    let shown = notes.data[0].attachments.as_ref().expect("$attachments");
    assert_eq!(shown.len(), 2);
    assert_eq!(notes.data[0].size, Some(513));

    let del = n.note_delete_attachment(att.clone()).send().await.unwrap();
    assert_eq!(del.into_result().unwrap()[0].message, "record deleted");
    let err = n.note_download_attachment(att).send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
    let res = n.delete_attachment(second.clone()).send().await.unwrap();
    assert!(res.all_succeeded());
    let res = n.delete_attachment(second).send().await.unwrap();
    assert_eq!(
        res.items[0].as_ref().unwrap_err().code,
        ErrorCode::InvalidData
    );

    let err = client
        .note("4150868999999999999")
        .note_get_attachments()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");

    // Deleting the contact deletes the note, and the note's attachments with it.
    n.note_upload_attachment(UploadFile::new("c.txt", b"c".to_vec()))
        .send()
        .await
        .unwrap();
    rec.delete_record().send().await.unwrap();
    assert!(
        emu.records("Notes")
            .iter()
            .all(|x| x["id"] != note_id.as_str())
    );
    let err = n.note_get_attachments().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData));
}

#[tokio::test]
async fn photos_upload_download_and_delete() {
    let (_emu, client) = setup().await;
    let contact = create(&client, "Contacts", &[("Last_Name", "Portrait")]).await;
    let rec = client.record("Contacts", contact.clone());

    let err = rec.download_photo().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent), "no photo yet");

    let image = all_bytes();
    let res = rec
        .upload_photo(UploadFile::new("portrait é.png", image.clone()).content_type("image/png"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.code.as_deref(), Some("SUCCESS"));
    assert_eq!(res.status.as_deref(), Some("success"));
    assert_eq!(res.message.as_deref(), Some("photo uploaded successfully"));

    let got = rec.download_photo().send().await.unwrap();
    assert_eq!(&got.bytes[..], &image[..]);
    assert_eq!(got.content_type.as_deref(), Some("image/png"));
    assert_eq!(got.file_name.as_deref(), Some("portrait é.png"));
    let shown: Record = support::get(&client, "Contacts", contact.clone()).await;
    assert!(shown.extra.get_str("Record_Image").is_some());

    // A second upload replaces the photo.
    rec.upload_photo(UploadFile::new("v2.jpg", b"\xff\xd8\xff".to_vec()))
        .send()
        .await
        .unwrap();
    let got = rec.download_photo().send().await.unwrap();
    assert_eq!(&got.bytes[..], b"\xff\xd8\xff");
    assert_eq!(got.content_type.as_deref(), Some("image/jpeg"));

    let res = rec.delete_photo().send().await.unwrap();
    assert_eq!(res.message.as_deref(), Some("Photo deleted"));
    let err = rec.download_photo().send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent));
    let err = rec.delete_photo().send().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&ErrorCode::InvalidData),
        "nothing to delete"
    );
}

#[tokio::test]
async fn photos_only_for_photo_modules_images_and_within_the_limit() {
    let config = EmulatorConfig {
        max_upload_bytes: 100,
        ..EmulatorConfig::default()
    };
    let (emu, client) = setup_with(config).await;
    let deal = emu.records("Deals")[0]["id"].as_str().unwrap().to_owned();
    // The SDK knows which modules have photos and refuses before sending anything ...
    let sent = emu.crm_request_count();
    let err = client
        .record("Deals", deal.clone())
        .upload_photo(UploadFile::new("a.png", b"png".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Unsupported { module, .. } if module == "Deals"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("Leads, Contacts, Accounts, Products, Vendors"),
        "{err}"
    );
    assert_eq!(emu.crm_request_count(), sent, "nothing was sent");
    // ... and the server refuses too, as Zoho does, for clients that do not check.
    let mut req = Request::new("upload_photo", Method::POST, false);
    req.path_literal("Deals");
    req.path_var(&deal);
    req.path_literal("photo");
    req.form_file("file", UploadFile::new("a.png", b"png".to_vec()));
    let err = client.execute(req).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidModule), "{err}");

    let lead = create(&client, "Leads", &[("Last_Name", "Pic")]).await;
    let rec = client.record("Leads", lead);
    let err = rec
        .upload_photo(UploadFile::new("notes.txt", b"text".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "not an image");
    let err = rec
        .upload_photo(UploadFile::new("big.png", vec![0u8; 101]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&err), "FILE_SIZE_MORE_THAN_ALLOWED_SIZE");
    let err = client
        .record("Vendors", "4150868999999999999")
        .download_photo()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "unknown record");
}

#[tokio::test]
async fn downloads_stream_chunk_by_chunk() {
    use zohocrm::stream::TryStreamExt;
    let (_emu, client) = setup().await;
    let id = create(&client, "Leads", &[("Last_Name", "Streamer")]).await;
    let rec = client.record("Leads", id);
    let big: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
    let up = rec
        .upload_attachment(UploadFile::new("big data.bin", big.clone()))
        .send()
        .await
        .unwrap();
    let att = up.into_result().unwrap().remove(0).details.id.unwrap();
    let stream = rec.download_attachment(att).send_stream().await.unwrap();
    assert_eq!(stream.file_name.as_deref(), Some("big data.bin"));
    assert_eq!(stream.content_length, Some(big.len() as u64));
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.unwrap();
    assert!(chunks.len() > 1, "arrived in {} chunks", chunks.len());
    assert_eq!(chunks.concat(), big);

    let err = rec.download_photo().send_stream().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::NoContent), "{err}");
}
