//! The org's file store on `/files` (zohocrmsdk2-0 6.0.0 FileOperations).

use crate::support::{all_bytes, setup};
use zohocrm::{ErrorCode, UploadFile};

#[tokio::test]
async fn an_uploaded_file_downloads_byte_for_byte_by_its_encrypted_id() {
    let (_emu, client) = setup().await;
    let bytes = all_bytes();
    let res = client
        .upload_files("inline", UploadFile::new("diagram.bin", bytes.clone()))
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    // Source: zohocrmsdk2-0 6.0.0 file.SuccessResponse message (sic).
    assert_eq!(res[0].message, "uploaded Succeessfully");
    let id = res[0].details.id.clone().unwrap();
    assert_eq!(res[0].details.name.as_deref(), Some("diagram.bin"));
    let file = client.get_file(id).send().await.unwrap();
    assert_eq!(file.bytes.as_ref(), bytes.as_slice());
    assert_eq!(file.file_name.as_deref(), Some("diagram.bin"));
    // Source: `type` is the SDK's required UploadFilesParam (inline or attachment).
    let err = client
        .upload_files("sideways", UploadFile::new("a.txt", b"a".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
    let err = client.get_file("nope").send().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidData), "{err}");
}
