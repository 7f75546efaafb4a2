//! Download file names over real HTTP: the emulator sends `Content-Disposition` in each form a
//! server uses (RFC 6266 quoted and bare `filename=`, RFC 8187 `filename*=`, both), with names
//! holding `;`, quotes, backslashes and non-ASCII, and malformed headers, and the client reads
//! the name each time (buffered and streamed downloads alike).
//!
//! Sources: RFC 6266 §4 (grammar, `filename*` preferred, recipients keep the last path segment)
//! and §5 (examples); RFC 8187 §3.2 (ext-value); Zoho's own answers carry
//! `attachment; filename=response.json` (zoho-api-v2.md §1, response headers), and the official
//! SDK reads a download's name after the last `'`, expecting `filename*=UTF-8''...`
//! (zoho-python-sdk.md §4.5).

mod support;

use support::{create, setup};
use zohocrm::{Client, Id, UploadFile};
use zohocrm_emulator::Emulator;
use zohocrm_emulator::transport::Disposition;

/// A name with everything that breaks naive parsers: `;`, a double quote, a backslash-free
/// path-less name with non-ASCII letters and a CJK part.
const TRICKY: &str = "Q3 \"final\"; v2 – résumé 日本.pdf";

async fn upload(client: &Client, name: &str) -> (Id, Id) {
    let lead = create(client, "Leads", &[("Last_Name", "Names")]).await;
    let up = client
        .record("Leads", lead.clone())
        .upload_attachment(UploadFile::new(name, b"%PDF-1.4 x".to_vec()))
        .send()
        .await
        .expect("the upload succeeds")
        .into_result()
        .expect("the attachment is stored");
    (lead, up[0].details.id.clone().expect("an attachment id"))
}

/// The name the client reads, buffered and streamed (they must agree).
async fn downloaded_name(client: &Client, lead: &Id, att: &Id) -> Option<String> {
    let rec = client.record("Leads", lead.clone());
    let buffered = rec
        .download_attachment(att.clone())
        .send()
        .await
        .expect("the download succeeds");
    assert_eq!(&buffered.bytes[..], b"%PDF-1.4 x", "the bytes are intact");
    let streamed = rec
        .download_attachment(att.clone())
        .send_stream()
        .await
        .expect("the streamed download starts");
    assert_eq!(streamed.file_name, buffered.file_name, "both paths agree");
    buffered.file_name
}

async fn name_in(
    emu: &Emulator,
    client: &Client,
    form: Disposition,
    ids: &(Id, Id),
) -> Option<String> {
    emu.set_file_disposition(form);
    downloaded_name(client, &ids.0, &ids.1).await
}

#[tokio::test]
async fn every_form_gives_back_the_stored_name() {
    let (emu, client) = setup().await;
    let ids = upload(&client, TRICKY).await;
    // Default: an ASCII `filename=` fallback plus `filename*=UTF-8''...`; filename* wins.
    assert_eq!(
        downloaded_name(&client, &ids.0, &ids.1).await.as_deref(),
        Some(TRICKY)
    );
    for form in [
        // What the official SDK expects from Zoho (zoho-python-sdk.md §4.5).
        Disposition::Extended,
        // A quoted-string with `\"` escapes, a `;` inside and raw UTF-8 bytes (RFC 6266 §4.1).
        Disposition::Quoted,
        Disposition::Both,
    ] {
        assert_eq!(
            name_in(&emu, &client, form.clone(), &ids).await.as_deref(),
            Some(TRICKY),
            "{form:?}"
        );
    }
}

#[tokio::test]
async fn bare_token_names_as_zoho_sends_them() {
    let (emu, client) = setup().await;
    // Zoho's own form (zoho-api-v2.md §1: `attachment; filename=response.json`).
    let ids = upload(&client, "response.json").await;
    assert_eq!(
        name_in(&emu, &client, Disposition::Bare, &ids)
            .await
            .as_deref(),
        Some("response.json")
    );
    // A bare value ends at the first `;`: that is the grammar (RFC 6266 §4.1, token), so an
    // unquoted name holding `;` is cut there rather than misread further.
    let ids = upload(&client, "a;b.txt").await;
    assert_eq!(
        name_in(&emu, &client, Disposition::Bare, &ids)
            .await
            .as_deref(),
        Some("a")
    );
}

#[tokio::test]
async fn rfc_examples_sent_literally() {
    let (emu, client) = setup().await;
    let ids = upload(&client, "ignored.bin").await;
    let cases: [(&[u8], &str); 5] = [
        // RFC 6266 §5.
        (b"Attachment; filename=example.html", "example.html"),
        (b"INLINE; FILENAME= \"an example.html\"", "an example.html"),
        (
            b"attachment; filename*= UTF-8''%e2%82%ac%20rates",
            "€ rates",
        ),
        (
            b"attachment; filename=\"EURO rates\"; filename*=utf-8''%e2%82%ac%20rates",
            "€ rates",
        ),
        // RFC 8187 §3.2.3: ISO-8859-1 with a language tag.
        (
            b"attachment; filename*=iso-8859-1'en'%A3%20rates",
            "£ rates",
        ),
    ];
    for (header, want) in cases {
        let got = name_in(&emu, &client, Disposition::Literal(header.to_vec()), &ids).await;
        assert_eq!(
            got.as_deref(),
            Some(want),
            "{}",
            String::from_utf8_lossy(header)
        );
    }
}

/// Bad input: malformed headers never fail the download, never panic, and fall back as
/// documented on `FileDownload::file_name` (a broken `filename*` yields to `filename=`, path
/// parts are dropped, nothing usable gives `None`).
#[tokio::test]
async fn malformed_headers_fall_back() {
    let (emu, client) = setup().await;
    let ids = upload(&client, "ignored.bin").await;
    let cases: [(&[u8], Option<&str>); 9] = [
        (
            b"attachment; filename*=UTF-8''bad%zz.pdf; filename=\"fallback.pdf\"",
            Some("fallback.pdf"),
        ),
        (
            b"attachment; filename*=UTF-8''%C3%28.pdf; filename=fallback.pdf",
            Some("fallback.pdf"),
        ),
        (
            b"attachment; filename*=x-unknown''a.pdf; filename=fallback.pdf",
            Some("fallback.pdf"),
        ),
        (
            b"attachment; filename=\"never closed; x.pdf",
            Some("never closed; x.pdf"),
        ),
        (b"attachment; filename=\"../../etc/passwd\"", Some("passwd")),
        (b"attachment; filename=\"caf\xe9.txt\"", Some("café.txt")),
        (b"attachment", None),
        (b"attachment; filename=\"\"", None),
        (b";;=\"\\", None),
    ];
    for (header, want) in cases {
        let got = name_in(&emu, &client, Disposition::Literal(header.to_vec()), &ids).await;
        assert_eq!(got.as_deref(), want, "{}", String::from_utf8_lossy(header));
    }
    // No header at all.
    assert_eq!(
        name_in(&emu, &client, Disposition::Absent, &ids).await,
        None
    );
}
