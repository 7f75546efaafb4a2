//! Bulk Write over real HTTP against the emulator: the four typed operations of the official
//! SDK with their state transitions, `client.bulk_write(..)` writing 5,000 rows with bad rows
//! reported per row in input order, the written records then read back through REST, and the
//! bad inputs. Sources of the shapes: the official SDK's bulk_write package (zohocrmsdk2-0
//! 6.0.0) and zoho.com/crm/developer/docs/api/v2/bulk-write/*.html.

mod support;

use serde_json::json;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::time::Duration;
use support::*;
use zohocrm::stream::TryStreamExt;
use zohocrm::types::{BulkWriteFieldMapping, BulkWriteResource, Record};
use zohocrm::{
    BulkWriteOperation, Error, ErrorCode, Method, Request, RetryPolicy, TimeoutKind, UploadFile,
};
use zohocrm_emulator::EmulatorConfig;

const FAST: Duration = Duration::from_millis(20);
const ZGID: &str = "700000100";

fn fast() -> EmulatorConfig {
    EmulatorConfig {
        bulk_job_phase: FAST,
        ..EmulatorConfig::default()
    }
}

fn zipped(name: &str, csv: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(csv.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn unzip_csv(bytes: &[u8]) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut entry = zip.by_index(0).unwrap();
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    (entry.name().expect("a name").into_owned(), text)
}

fn mapping(api_name: &str, index: i64) -> BulkWriteFieldMapping {
    let mut m = BulkWriteFieldMapping::new();
    m.api_name = Some(api_name.into());
    m.index = Some(index);
    m
}

fn resource(
    module: &str,
    file_id: &str,
    mappings: Vec<BulkWriteFieldMapping>,
) -> BulkWriteResource {
    let mut r = BulkWriteResource::new();
    r.type_ = Some("data".into());
    r.module = Some(module.into());
    r.file_id = Some(file_id.into());
    r.field_mappings = Some(mappings);
    r
}

fn api(e: Error) -> zohocrm::ApiError {
    match e {
        Error::Api(a) => *a,
        other => panic!("expected a Zoho error, got {other:?}"),
    }
}

async fn upload(client: &zohocrm::Client, csv: &str) -> String {
    let answer = client
        .upload_file(ZGID, UploadFile::new("leads.zip", zipped("leads.csv", csv)))
        .send()
        .await
        .expect("uploaded");
    answer.details.and_then(|d| d.file_id).expect("a file id")
}

// upload-file.html (FILE_UPLOAD_SUCCESS, details.file_id); create-job.html; job-details.html
// (status ADDED → IN PROGRESS → COMPLETED, resource file counts, result.download_url);
// download-result.html (RECORD_ID, STATUS, ERRORS after the first three mapped columns); the
// official SDK's sample download_url is absolute, on download-accl.zoho.com.
#[tokio::test]
async fn the_four_operations_move_a_job_from_added_to_completed_with_an_absolute_result_url() {
    let config = EmulatorConfig {
        bulk_job_phase: Duration::from_millis(300),
        ..EmulatorConfig::default()
    };
    let (emu, client) = setup_with(config).await;
    let answer = client
        .upload_file(
            ZGID,
            UploadFile::new(
                "leads.zip",
                zipped(
                    "leads.csv",
                    "Last_Name,Company\nLovelace,Engines\n,NoName\n",
                ),
            ),
        )
        .send()
        .await
        .expect("uploaded");
    assert_eq!(answer.code.as_deref(), Some("FILE_UPLOAD_SUCCESS"));
    let file_id = answer.details.and_then(|d| d.file_id).expect("a file id");
    let created = client
        .create_bulk_write_job(
            "insert",
            vec![resource(
                "Leads",
                &file_id,
                vec![mapping("Last_Name", 0), mapping("Company", 1)],
            )],
        )
        .send()
        .await
        .expect("created");
    assert_eq!(created.status.as_deref(), Some("success"));
    let id = created.details.and_then(|d| d.id).expect("a job id");
    let job = client
        .get_bulk_write_job_details(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(job.status.as_deref(), Some("ADDED"));
    assert_eq!(job.operation.as_deref(), Some("insert"));
    assert!(job.result.is_none());
    tokio::time::sleep(Duration::from_millis(350)).await;
    let job = client
        .get_bulk_write_job_details(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(job.status.as_deref(), Some("IN PROGRESS"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let job = client
        .get_bulk_write_job_details(id.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(job.status.as_deref(), Some("COMPLETED"));
    let res = &job.resource.as_ref().expect("a resource")[0];
    assert_eq!(res.status.as_deref(), Some("COMPLETED"));
    let file = res.file.as_ref().expect("file counts");
    assert_eq!(
        (
            file.added_count,
            file.skipped_count,
            file.updated_count,
            file.total_count
        ),
        (Some(1), Some(1), Some(0), Some(2))
    );
    let url = job
        .result
        .and_then(|r| r.download_url)
        .expect("a download url");
    assert_eq!(
        url,
        format!("{}/v2/crm/{ZGID}/bulk-write/{id}/{id}.zip", emu.base_url())
    );
    let zip = client
        .download_bulk_write_result(url)
        .send()
        .await
        .expect("downloaded");
    let (name, csv) = unzip_csv(&zip.bytes);
    assert_eq!(name, "Leads-leads.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Last_Name,Company,RECORD_ID,STATUS,ERRORS")
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&first[..2], ["Lovelace", "Engines"]);
    assert_eq!(&first[3..], ["ADDED", ""]);
    assert_eq!(
        lines.next(),
        Some(",NoName,,SKIPPED,MANDATORY_NOT_FOUND-Last_Name")
    );
    // The record is there for REST.
    let lead = get(&client, "Leads", first[2]).await;
    assert_eq!(lead.extra.get_str("Company").as_deref(), Some("Engines"));
}

fn bad_kind(i: usize) -> Option<(ErrorCode, &'static str)> {
    match i % 500 {
        7 => Some((ErrorCode::MandatoryNotFound, "Last_Name")),
        13 => Some((ErrorCode::from("INVALID_DATA"), "Email")),
        21 => Some((ErrorCode::from("INVALID_DATA"), "No_of_Employees")),
        _ if i == 4_999 => Some((ErrorCode::from("DUPLICATE_DATA"), "Email")),
        _ => None,
    }
}

fn row_of(i: usize) -> [String; 4] {
    let mut row = [
        format!("Bulk {i}"),
        "BulkCo".to_owned(),
        format!("lead{i}@bulk.example"),
        i.to_string(),
    ];
    match i % 500 {
        7 => row[0].clear(),
        13 => row[2] = "not-an-email".into(),
        21 => row[3] = "many".into(),
        _ if i == 4_999 => row[2] = "lead0@bulk.example".into(), // Email is unique on Leads
        _ => {}
    }
    row
}

// download-result.html: one result line per input row, STATUS added/skipped, ERRORS as
// `<CODE>-<column>`; the records written are ordinary records (readable through REST).
#[tokio::test]
async fn five_thousand_rows_come_back_per_row_in_input_order_and_are_readable_through_rest() {
    let (_emu, client) = setup_with(fast()).await;
    let rows: Vec<[String; 4]> = (0..5_000).map(row_of).collect();
    let results = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .columns(["Last_Name", "Company", "Email", "No_of_Employees"])
        .rows(rows.iter())
        .poll_interval(FAST, Duration::from_millis(200))
        .send()
        .await
        .expect("the job runs");
    assert_eq!(results.items.len(), 5_000);
    let mut ids = HashSet::new();
    for (i, item) in results.items.iter().enumerate() {
        match (bad_kind(i), item) {
            (None, Ok(ok)) => {
                assert_eq!(ok.details.row, i);
                assert_eq!(ok.action.as_deref(), Some("insert"));
                assert!(ids.insert(ok.details.id.clone()), "row {i}: id reused");
            }
            (Some((code, column)), Err(e)) => {
                assert_eq!(e.code, code, "row {i}: {e}");
                assert_eq!(e.details.api_name.as_deref(), Some(column), "row {i}");
                assert_eq!(e.details.extra["row"], i);
            }
            (want, got) => panic!("row {i}: expected {want:?}, got {got:?}"),
        }
    }
    let bad = (0..5_000).filter(|i| bad_kind(*i).is_some()).count();
    assert_eq!(bad, 31);
    assert_eq!(ids.len(), 5_000 - bad);
    // Every 97th success read back by id, with the row's values.
    for (i, item) in results.items.iter().enumerate().step_by(97) {
        if let Ok(ok) = item {
            let lead = get(&client, "Leads", ok.details.id.clone()).await;
            assert_eq!(lead.extra.get_str("Last_Name"), Some(format!("Bulk {i}")));
            assert_eq!(
                lead.extra.get_str("Email"),
                Some(format!("lead{i}@bulk.example"))
            );
            assert_eq!(
                lead.extra.get("No_of_Employees").map(|v| v.get()),
                Some(i.to_string().as_str())
            );
        }
    }
    // And all of them through the paging stream, past the 2,000-record cap.
    let streamed: Vec<Record> = client
        .module("Leads")
        .get_records()
        .per_page(200)
        .stream()
        .try_collect()
        .await
        .expect("streamed");
    let written: HashSet<_> = streamed
        .iter()
        .filter(|r| r.extra.get_str("Company").as_deref() == Some("BulkCo"))
        .filter_map(|r| r.id.clone())
        .collect();
    assert_eq!(written, ids);
}

// create-job.html: update and upsert find records by `find_by` (a unique field or id); an
// update row that finds none is skipped (RESOURCE_NOT_FOUND is among download-result.html's
// errors).
#[tokio::test]
async fn upsert_and_update_find_records_by_a_unique_field() {
    let (_emu, client) = setup_with(fast()).await;
    let grace = create_json(
        &client,
        "Leads",
        json!({"Last_Name": "Hopper", "Email": "grace@bulk.example"}),
    )
    .await;
    let results = client
        .bulk_write("Leads", BulkWriteOperation::Upsert)
        .columns(["Email", "Last_Name", "Company"])
        .row(["grace@bulk.example", "Hopper", "Navy"])
        .row(["new@bulk.example", "Newcomer", "Fresh"])
        .find_by("Email")
        .poll_interval(FAST, FAST)
        .send()
        .await
        .expect("the upsert runs");
    let updated = results.items[0].as_ref().expect("row 0 updates");
    assert_eq!(
        (updated.action.as_deref(), &updated.details.id),
        (Some("update"), &grace)
    );
    let added = results.items[1].as_ref().expect("row 1 inserts");
    assert_eq!(added.action.as_deref(), Some("insert"));
    assert_eq!(
        get(&client, "Leads", grace.clone())
            .await
            .extra
            .get_str("Company")
            .as_deref(),
        Some("Navy")
    );

    let results = client
        .bulk_write("Leads", BulkWriteOperation::Update)
        .csv(
            "id,Company\n".to_owned()
                + grace.as_str()
                + ",Navy Labs\n4150868999999999999,Nowhere\n",
        )
        .find_by("id")
        .ignore_empty(true)
        .poll_interval(FAST, FAST)
        .send()
        .await
        .expect("the update runs");
    assert_eq!(
        results.items[0].as_ref().expect("updated").message,
        "record updated"
    );
    let e = results.items[1].as_ref().expect_err("no such record");
    assert_eq!(
        (e.code.as_str(), e.details.api_name.as_deref()),
        ("RESOURCE_NOT_FOUND", Some("id"))
    );
    let lead = get(&client, "Leads", grace).await;
    assert_eq!(lead.extra.get_str("Company").as_deref(), Some("Navy Labs"));
    assert_eq!(lead.extra.get_str("Last_Name").as_deref(), Some("Hopper"));
}

// create-job.html: field mappings name fields of the module; the module must exist; the
// file id must be one upload_file answered with; update and upsert need find_by.
#[tokio::test]
async fn bad_jobs_are_refused_with_zoho_codes() {
    let (_emu, client) = setup_with(fast()).await;
    let run = |module: &str, op: BulkWriteOperation| {
        client
            .bulk_write(module, op)
            .columns(["Last_Name", "Company"])
            .row(["A", "B"])
            .poll_interval(FAST, FAST)
    };
    let e = api(run("Leads", BulkWriteOperation::Insert)
        .mapping(mapping("Not_A_Field", 1))
        .send()
        .await
        .unwrap_err());
    assert_eq!((e.http_status, e.code.as_str()), (400, "INVALID_DATA"));
    assert_eq!(e.details.api_name.as_deref(), Some("Not_A_Field"));
    assert_eq!(
        e.details.json_path.as_deref(),
        Some("$.resource[0].field_mappings[2].api_name")
    );

    let e = api(run("Leads", BulkWriteOperation::Insert)
        .mapping(mapping("Company", 7))
        .send()
        .await
        .unwrap_err());
    assert_eq!(
        e.details.json_path.as_deref(),
        Some("$.resource[0].field_mappings[1].index")
    );

    let e = api(run("Nopes", BulkWriteOperation::Insert)
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.code.as_str(), "INVALID_DATA");
    assert_eq!(e.details.json_path.as_deref(), Some("$.resource[0].module"));

    let e = api(run("Leads", BulkWriteOperation::Update)
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::MandatoryNotFound);
    assert_eq!(e.details.api_name.as_deref(), Some("find_by"));

    // A file id nobody uploaded.
    let e = api(client
        .create_bulk_write_job(
            "insert",
            vec![resource(
                "Leads",
                "4150868000000999999",
                vec![mapping("Last_Name", 0)],
            )],
        )
        .send()
        .await
        .unwrap_err());
    assert_eq!(
        e.details.json_path.as_deref(),
        Some("$.resource[0].file_id")
    );
    let file_id = upload(&client, "Last_Name\nX\n").await;
    let e = api(client
        .create_bulk_write_job(
            "merge",
            vec![resource("Leads", &file_id, vec![mapping("Last_Name", 0)])],
        )
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.details.api_name.as_deref(), Some("operation"));

    // A job id that does not exist.
    let e = api(client
        .get_bulk_write_job_details("4150868000000999998")
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.code.as_str(), "INVALID_DATA");

    // Rows that do not fit the columns are caught before anything is sent.
    let e = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .columns(["Last_Name", "Company"])
        .row(["only one"])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument { ref field, .. } if field == "rows"),
        "{e}"
    );
}

// upload-file.html: INVALID_FILE_FORMAT (400) for what is not a zip; the recorded v2.1 Postman
// answer: NOT_SUPPORTED_FEATURE with HTTP 200 and `status: error` without `feature: bulk-write`.
#[tokio::test]
async fn bad_uploads_are_refused_with_zoho_codes() {
    let (_emu, client) = setup_with(fast()).await;
    let e = api(client
        .upload_file(
            ZGID,
            UploadFile::new("leads.csv", b"Last_Name\nX\n".to_vec()),
        )
        .send()
        .await
        .unwrap_err());
    assert_eq!(
        (e.http_status, e.code.as_str()),
        (400, "INVALID_FILE_FORMAT")
    );

    let e = api(client
        .upload_file(
            "999",
            UploadFile::new("leads.zip", zipped("l.csv", "Last_Name\nX\n")),
        )
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.details.param_name.as_deref(), Some("X-CRM-ORG"));

    // Without the `feature` header (the generated call always sends it).
    let mut req = Request::new("upload_file", Method::POST, false);
    req.set_base(zohocrm::support::v1::Base::Upload);
    req.path_literal("upload");
    req.header("X-CRM-ORG", ZGID);
    req.form_file(
        "file",
        UploadFile::new("l.zip", zipped("l.csv", "Last_Name\nX\n")),
    );
    let raw = client.execute(req).await.expect("an answer");
    assert_eq!(raw.status(), 200);
    let e = api(raw.object::<zohocrm::types::BulkWriteAnswer>().unwrap_err());
    assert_eq!(e.code.as_str(), "NOT_SUPPORTED_FEATURE");
}

// The access token goes only to https Zoho hosts or the configured API host: a download URL
// anywhere else is refused before any connection (a listener there sees none).
#[tokio::test]
async fn a_download_url_off_zoho_is_refused_without_sending_the_token() {
    let (emu, client) = setup_with(fast()).await;
    let trap = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let port = trap.local_addr().unwrap().port();
    for url in [
        format!("http://127.0.0.1:{port}/v2/crm/{ZGID}/bulk-write/1/1.zip"),
        "https://evil.example.com/x.zip".to_owned(),
        "https://download-accl.zoho.com.evil.example/x.zip".to_owned(),
        "http://download-accl.zoho.com/x.zip".to_owned(),
        "https://user:pw@download-accl.zoho.com/x.zip".to_owned(),
        "/v2/crm/700000100/bulk-write/1/1.zip".to_owned(),
    ] {
        let e = client
            .download_bulk_write_result(url.clone())
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument { ref field, .. } if field == "download_url"),
            "{url}: {e}"
        );
    }
    assert!(trap.accept().is_err(), "nothing may connect to the trap");
    // The emulator's own host is the configured API host: allowed (and answers 404 here).
    let e = api(client
        .download_bulk_write_result(format!(
            "{}/v2/crm/{ZGID}/bulk-write/1/1.zip",
            emu.base_url()
        ))
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.code.as_str(), "INVALID_URL_PATTERN");
}

// job-details.html: a job can end FAILED; the helper then fails with Error::Bulk naming the job
// and the operation. Here the CSV's third line is not UTF-8, so the emulator cannot read it.
#[tokio::test]
async fn a_failed_job_ends_the_helper_with_a_bulk_error() {
    let (_emu, client) = setup_with(fast()).await;
    let e = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .csv(b"Last_Name\nfine\n\xff\xfe\n".to_vec())
        .poll_interval(FAST, FAST)
        .send()
        .await
        .unwrap_err();
    match e {
        Error::Bulk {
            job_id,
            operation,
            message,
            source,
        } => {
            assert!(!job_id.is_empty());
            assert_eq!(operation, "insert");
            assert!(message.contains("FAILED"), "{message}");
            assert!(source.is_none(), "the job itself failed: {source:?}");
        }
        other => panic!("expected a bulk error, got {other:?}"),
    }
}

// Input the client can judge alone is refused before any call (no upload, no job, no quota):
// each case names the input at fault. Zoho maps each column to one field by index
// (create-job.html, field_mappings[].index), so a blank, padded or repeated name cannot map.
#[tokio::test]
async fn bad_input_is_refused_before_any_call_and_no_rows_sends_nothing() {
    let (emu, client) = setup_with(fast()).await;
    let before = emu.crm_request_count();
    let insert = || client.bulk_write("Leads", BulkWriteOperation::Insert);
    let cases: Vec<(&str, zohocrm::BulkWrite, &str)> = vec![
        ("no columns", insert().csv(Vec::<u8>::new()), "csv"),
        ("nothing at all", insert(), "columns"),
        (
            "blank column",
            insert().columns(["Last_Name", ""]).row(["a", "b"]),
            "columns",
        ),
        (
            "padded column",
            insert().csv(&b"Last_Name, Company\nX,Y\n"[..]),
            "csv",
        ),
        (
            "field twice",
            insert().columns(["Last_Name", "Last_Name"]).row(["a", "b"]),
            "columns",
        ),
        (
            "ragged csv",
            insert().csv(&b"Last_Name,Company\nA\n"[..]),
            "csv",
        ),
        (
            "unclosed quote",
            insert().csv(&b"Last_Name\n\"open\n"[..]),
            "csv",
        ),
        (
            "more cells",
            insert().columns(["Last_Name"]).row(["a", "b"]),
            "rows",
        ),
    ];
    for (what, write, field) in cases {
        let e = write
            .poll_interval(FAST, FAST)
            .send()
            .await
            .expect_err(what);
        match &e {
            Error::InvalidArgument {
                field: f, message, ..
            } => {
                assert_eq!(f, field, "{what}: {e}");
                assert!(!message.is_empty(), "{what}");
            }
            other => panic!("{what}: expected InvalidArgument, got {other:?}"),
        }
    }
    for empty in [
        insert().columns(["Last_Name"]),
        insert()
            .columns(["Last_Name"])
            .rows(Vec::<[&str; 1]>::new()),
        insert().csv(&b"Last_Name\n"[..]),
    ] {
        let res = empty
            .poll_interval(FAST, FAST)
            .send()
            .await
            .expect("no rows is no error");
        assert!(res.items.is_empty());
    }
    assert_eq!(emu.crm_request_count(), before, "nothing may be sent");
}

// RFC 4180 quoting: cells with commas, quotes, CR/LF line breaks and non-ASCII UTF-8 reach the
// records unchanged and the result still has one line per row (the result CSV repeats the
// first three mapped columns, download-result.html, so it carries the same cells back).
#[tokio::test]
async fn cells_with_commas_quotes_line_breaks_and_utf8_round_trip() {
    let (_emu, client) = setup_with(fast()).await;
    let rows = [
        ["Quote \"the\" man", "Comma, Inc", "multi\nline\r\ndesc"],
        ["Zoë 名前 🚀", "Ünïcödé GmbH", "  padded  "],
        ["last", "\"", ",\n,"],
    ];
    let res = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .columns(["Last_Name", "Company", "Description"])
        .rows(rows)
        .poll_interval(FAST, FAST)
        .send()
        .await
        .expect("written");
    assert_eq!(res.items.len(), rows.len());
    for (i, item) in res.items.iter().enumerate() {
        let ok = item.as_ref().expect("row written");
        assert_eq!(ok.details.row, i);
        let rec = serde_json::to_value(get(&client, "Leads", ok.details.id.clone()).await).unwrap();
        for (j, field) in ["Last_Name", "Company", "Description"].iter().enumerate() {
            assert_eq!(rec[*field], rows[i][j], "row {i} {field}");
        }
    }
}

// bulk-write/limitations.html: "A CSV file can contain a maximum of 25000 records with 200 column
// headers"; a larger file is an improper file. Refused before any call, naming the limit.
#[tokio::test]
async fn more_than_25000_rows_or_200_columns_is_refused_before_any_call() {
    let (emu, client) = setup_with(fast()).await;
    let before = emu.crm_request_count();
    let rows: Vec<[String; 1]> = (0..25_001).map(|i| [format!("L{i}")]).collect();
    let e = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .columns(["Last_Name"])
        .rows(rows)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Limit {
                limit: 25_000,
                got: 25_001,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("rows"), "{e}");
    let columns: Vec<String> = (0..201).map(|i| format!("Field_{i}")).collect();
    let cells = vec![""; 201];
    let e = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .columns(columns)
        .row(cells)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Limit {
                limit: 200,
                got: 201,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("columns"), "{e}");
    assert_eq!(emu.crm_request_count(), before, "nothing may be sent");
}

// bulk-write/limitations.html: comma, semicolon, colon and pipe are accepted, detected from the
// header line. The client maps the columns and the emulator reads the rows with the same one; a
// comma inside a semicolon-separated cell stays in the cell.
#[tokio::test]
async fn semicolon_colon_and_pipe_separated_csvs_are_read_by_their_header() {
    let (_emu, client) = setup_with(fast()).await;
    for d in [";", ":", "|"] {
        let csv = format!("Last_Name{d}Company\nSep, Jr{d}Sep Co\n");
        let res = client
            .bulk_write("Leads", BulkWriteOperation::Insert)
            .csv(csv.clone().into_bytes())
            .poll_interval(FAST, FAST)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{csv:?}: {e}"));
        let ok = res.items[0].as_ref().expect("written");
        let rec = serde_json::to_value(get(&client, "Leads", ok.details.id.clone()).await).unwrap();
        assert_eq!(rec["Last_Name"], "Sep, Jr", "{csv:?}");
        assert_eq!(rec["Company"], "Sep Co", "{csv:?}");
    }
}

// job-details.html: a created job runs at Zoho whether or not anyone polls it, and its id is how
// to find it again; so when the server goes away while the helper polls, the error names the job
// (and chains the transport error), and says the rows may be written: sending them again would
// write them twice.
#[tokio::test]
async fn the_server_going_away_mid_poll_names_the_job_and_chains_the_transport_error() {
    // The job stays ADDED for an hour: the helper is still polling when the server stops.
    let (emu, client) = setup_with(EmulatorConfig {
        bulk_job_phase: Duration::from_secs(3600),
        ..EmulatorConfig::default()
    })
    .await;
    // No retries: the first refused poll after the stop ends the helper.
    let client = client.with_retry_policy(RetryPolicy::never());
    let before = emu.crm_request_count();
    let job = tokio::spawn(
        client
            .bulk_write("Leads", BulkWriteOperation::Insert)
            .columns(["Last_Name"])
            .row(["Gone Midway"])
            .org_id(ZGID)
            .poll_interval(FAST, FAST)
            .send(),
    );
    // Upload, create, then the first poll: once that arrived, the job exists.
    shut_down_after(&emu, before, 3, &job).await;
    let e = job.await.expect("the helper task").unwrap_err();
    assert_names_job_after_lost_poll(&e, "write", "insert", true);
}

// download-result.html: the result zip comes from the download host after COMPLETED; a stall
// there (the emulator's file trickle, longer than the read timeout) ends the helper with the
// job named and the read timeout seen through the bulk error.
#[tokio::test]
async fn a_stalled_result_download_names_the_job_and_its_read_timeout() {
    let emu = zohocrm_emulator::Emulator::start_with(fast())
        .await
        .unwrap();
    let client = admin_tuned(&emu, |b| {
        b.read_timeout(Duration::from_millis(150))
            .retry_policy(RetryPolicy::never())
    })
    .await;
    emu.set_file_chunk_delay(Duration::from_millis(600));
    let e = client
        .bulk_write("Leads", BulkWriteOperation::Insert)
        .columns(["Last_Name"])
        .row(["Slow Result"])
        .org_id(ZGID)
        .poll_interval(FAST, FAST)
        .send()
        .await
        .unwrap_err();
    let (job_id, message, transport) = bulk_transport(&e);
    assert!(!job_id.is_empty());
    assert!(message.contains("downloading the result"), "{message}");
    assert_eq!(transport.timeout_kind(), Some(TimeoutKind::Read), "{e}");
    assert_eq!(e.timeout_kind(), Some(TimeoutKind::Read), "{e}");
    assert!(e.hint().is_some_and(|h| h.contains("read_timeout")), "{e}");
    assert!(e.is_outcome_unknown(), "{e}");
}
