//! Bulk Write: a zipped CSV uploaded to `/crm/v2/upload`, a job under `/crm/bulk/v2/write` that
//! runs ADDED, then IN PROGRESS (each phase lasting the Bulk Read `phase`), then COMPLETED, writing
//! every row into the same store the REST calls read, and a result zip at an absolute download
//! URL, `{base}/v2/crm/{zgid}/bulk-write/{job_id}/{job_id}.zip`, as Zoho's `download-accl` host
//! serves it.
//!
//! Sources: the official SDK's bulk_write package (zohocrmsdk2-0 6.0.0: paths, the `feature` and
//! `X-CRM-ORG` upload headers, the JSON keys of Resource, FieldMapping, File and the job);
//! zoho.com/crm/developer/docs/api/v2/bulk-write/upload-file.html (`FILE_UPLOAD_SUCCESS`,
//! `details.file_id`, INVALID_FILE_FORMAT 400, FILE_TOO_LARGE 413 over 25 MB), create-job.html
//! (operation insert/update/upsert, `resource[].type data`, `find_by` for update and upsert),
//! job-details.html (job and resource status ADDED, IN PROGRESS, COMPLETED, FAILED; `file`
//! counts; `result.download_url`), download-result.html (the result CSV: the first three mapped
//! columns, then `RECORD_ID`, `STATUS` and `ERRORS` as `CODE-column` joined by `:`); the
//! v2.1 Postman collection's recorded answers (NOT_SUPPORTED_FEATURE with HTTP 200 for an upload
//! without `feature: bulk-write`; the job-details body with `file` counts).

use crate::bulk::invalid;
use crate::context::Ctx;
use crate::errors::{FileBody, Reply};
use crate::records::{blank, create_with, id_of, update_with};
use crate::seed::ModuleDef;
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

/// Zoho's cap on an uploaded zip (upload-file.html: FILE_TOO_LARGE over 25 MB).
pub const MAX_ZIP_BYTES: usize = 25 * 1024 * 1024;

/// Uploaded files and Bulk Write jobs of one emulator.
#[derive(Debug, Default)]
pub struct Writes {
    /// `http://127.0.0.1:PORT`, the host of result download URLs.
    pub base_url: String,
    uploads: HashMap<String, axum::body::Bytes>,
    jobs: HashMap<String, WriteJob>,
}

#[derive(Debug)]
struct WriteJob {
    started: Instant,
    job: Value,
    creator: String,
    result: Option<axum::body::Bytes>,
}

/// `POST {file host}/crm/v2/upload` with `feature: bulk-write`, `X-CRM-ORG` and a `file` part.
pub fn upload_file(crm: &mut Crm, ctx: &mut Ctx, headers: &HashMap<String, String>) -> Reply {
    let created_time = crate::time::format_iso(ctx.now);
    let feature = headers
        .get("feature")
        .map(|f| f.trim().to_ascii_lowercase());
    if feature.as_deref() != Some("bulk-write") {
        // Recorded answer (Postman collection, v2.1 Upload File): HTTP 200 with status error.
        return Reply::json(
            StatusCode::OK,
            json!({"code": "NOT_SUPPORTED_FEATURE", "details": {"created_time": created_time},
                   "message": "Feature is not supported", "status": "error"}),
        );
    }
    let zgid = crm.org["zgid"].as_str().unwrap_or_default().to_owned();
    match headers.get("x-crm-org").map(|o| o.trim()) {
        None | Some("") => return crate::errors::missing_param("X-CRM-ORG"),
        // No recorded answer for a wrong zgid: INVALID_DATA naming the header is this emulator's
        // choice (the SDK's sample only shows the header is the org's zgid).
        Some(org) if org != zgid => {
            return invalid(
                "the org id given seems to be invalid",
                json!({"param_name": "X-CRM-ORG"}),
            )
        }
        Some(_) => {}
    }
    let Some(part) = ctx
        .form
        .as_ref()
        .and_then(|parts| parts.iter().find(|p| p.name == "file"))
    else {
        return crate::errors::missing_param("file");
    };
    if part.data.len() > MAX_ZIP_BYTES {
        return Reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "FILE_TOO_LARGE",
            "File size too large to process",
            json!({"created_time": created_time}),
        );
    }
    if zip::ZipArchive::new(std::io::Cursor::new(part.data.as_ref())).is_err() {
        return Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_FILE_FORMAT",
            "invalid file format. only zip format is supported",
            json!({"created_time": created_time}),
        );
    }
    let file_id = crm.new_id();
    crm.bulk
        .writes
        .uploads
        .insert(file_id.clone(), part.data.clone());
    Reply::json(
        StatusCode::OK,
        json!({"status": "success", "code": "FILE_UPLOAD_SUCCESS", "message": "file uploaded.",
               "details": {"file_id": file_id, "created_time": created_time}}),
    )
}

/// The zip's only CSV, as text. Zoho takes one CSV per module without subforms
/// (bulk-write/limitations.html).
fn csv_of(zip: &[u8]) -> Result<(String, Vec<u8>), String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|e| e.to_string())?;
    let csvs: Vec<usize> = (0..archive.len())
        .filter(|i| {
            archive.by_index(*i).is_ok_and(|f| {
                f.is_file()
                    && f.name()
                        .is_ok_and(|n| n.to_ascii_lowercase().ends_with(".csv"))
            })
        })
        .collect();
    let [only] = csvs.as_slice() else {
        return Err(format!(
            "the zip must hold one CSV file, it holds {}",
            csvs.len()
        ));
    };
    let mut entry = archive.by_index(*only).map_err(|e| e.to_string())?;
    let name = entry.name().map_err(|e| e.to_string())?.into_owned();
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok((name, bytes))
}

/// The CSV's delimiter as Zoho picks it: bulk-write/limitations.html, "The Bulk API does not
/// support any delimiter except for comma, semicolon(;), colon(:), and pipe(|). The system
/// detects the delimiter automatically based on the header in file." Field API names hold none
/// of the four, so the one the header line uses most is it; a one-column header means comma.
fn delimiter_of(csv: &[u8]) -> u8 {
    let line = csv.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut best = (0, b',');
    for d in [b',', b';', b':', b'|'] {
        let n = line.iter().filter(|b| **b == d).count();
        if n > best.0 {
            best = (n, d);
        }
    }
    best.1
}

fn header_of(csv: &[u8]) -> Result<Vec<String>, String> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter_of(csv))
        .from_reader(csv);
    Ok(r.headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect())
}

/// `POST /crm/bulk/v2/write`.
pub fn create_write_job(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let body: Map<String, Value> = match serde_json::from_slice(&ctx.raw_body) {
        Ok(Value::Object(m)) => m,
        _ => return invalid("body is not valid JSON", json!({})),
    };
    let operation = match body.get("operation").and_then(Value::as_str) {
        None => return crate::errors::missing_param("operation"),
        Some(op @ ("insert" | "update" | "upsert")) => op.to_owned(),
        Some(_) => {
            return invalid(
                "invalid data",
                json!({"api_name": "operation", "json_path": "$.operation"}),
            )
        }
    };
    let resource = match body.get("resource").and_then(Value::as_array) {
        Some(r) if r.len() == 1 => r[0].clone(),
        Some(r) if !r.is_empty() => {
            // One module per job here; Zoho's several resources are for subform CSVs.
            return invalid(
                "only one resource per job is supported",
                json!({"api_name": "resource", "json_path": "$.resource"}),
            );
        }
        _ => return crate::errors::missing_param("resource"),
    };
    let at = |key: &str| json!({"api_name": key, "json_path": format!("$.resource[0].{key}")});
    if resource.get("type").and_then(Value::as_str) != Some("data") {
        return invalid("invalid data", at("type"));
    }
    // v2 sends the module as its API name; v2.1 and later as `{api_name}` (Postman collection).
    let module_name = match resource.get("module") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(o)) => o.get("api_name").and_then(Value::as_str),
        _ => None,
    };
    let Some(module) = module_name.and_then(|m| crm.module(m)).cloned() else {
        return invalid("the module name given seems to be invalid", at("module"));
    };
    let file_id = resource
        .get("file_id")
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_default();
    let Some(zip) = crm.bulk.writes.uploads.get(&file_id) else {
        return invalid("the file id given seems to be invalid", at("file_id"));
    };
    let (file_name, csv) = match csv_of(zip) {
        Ok(c) => c,
        Err(reason) => {
            return invalid(
                "the file given seems to be invalid",
                json!({"api_name": "file_id", "json_path": "$.resource[0].file_id", "reason": reason}),
            )
        }
    };
    let columns = match header_of(&csv) {
        Ok(h) => h.len(),
        Err(reason) => {
            return invalid(
                "the file given seems to be invalid",
                json!({"api_name": "file_id", "reason": reason}),
            )
        }
    };
    let Some(mappings) = resource.get("field_mappings").and_then(Value::as_array) else {
        return crate::errors::missing_param("field_mappings");
    };
    if mappings.is_empty() {
        return crate::errors::missing_param("field_mappings");
    }
    for (i, m) in mappings.iter().enumerate() {
        let path = |k: &str| format!("$.resource[0].field_mappings[{i}].{k}");
        let name = m
            .get("api_name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if name != "id" && module.field(name).is_none() && name != "Owner" {
            return invalid(
                "invalid data",
                json!({"api_name": name, "json_path": path("api_name")}),
            );
        }
        let index_ok = match m.get("index") {
            None | Some(Value::Null) => m.get("default_value").is_some_and(Value::is_object),
            Some(v) => v.as_u64().is_some_and(|i| (i as usize) < columns),
        };
        if !index_ok {
            return invalid(
                "invalid data",
                json!({"api_name": "index", "json_path": path("index")}),
            );
        }
    }
    let find_by = resource.get("find_by").and_then(Value::as_str);
    if operation != "insert" {
        let Some(find_by) = find_by else {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "MANDATORY_NOT_FOUND",
                "required field not found",
                at("find_by"),
            );
        };
        // The record id, or a unique field the CSV carries.
        let unique = find_by == "id" || module.field(find_by).is_some_and(|f| f.unique);
        let mapped = mappings
            .iter()
            .any(|m| m.get("api_name").and_then(Value::as_str) == Some(find_by));
        if !unique || !mapped {
            return invalid("invalid data", at("find_by"));
        }
    }
    let id = crm.new_id();
    let created_time = crate::time::format_iso(ctx.now);
    let mut res = resource.clone();
    res["module"] = json!(module.api_name);
    res["status"] = json!("ADDED");
    res["file"] = json!({"name": file_name});
    let mut job = json!({
        "status": "ADDED",
        "character_encoding": body.get("character_encoding").cloned().unwrap_or(json!("UTF-8")),
        "resource": [res],
        "id": id,
        "created_by": {"id": ctx.user["id"], "name": ctx.user["name"]},
        "operation": operation,
        "created_time": created_time,
    });
    for key in ["callback", "ignore_empty"] {
        if let Some(v) = body.get(key) {
            job[key] = v.clone();
        }
    }
    crm.bulk.writes.jobs.insert(
        id.clone(),
        WriteJob {
            started: Instant::now(),
            job: job.clone(),
            creator: ctx.email.clone(),
            result: None,
        },
    );
    Reply::json(
        StatusCode::CREATED,
        json!({"status": "success", "code": "SUCCESS", "message": "success",
               "details": {"id": id, "created_by": job["created_by"]}}),
    )
}

/// `GET /crm/bulk/v2/write/{job_id}`.
pub fn get_write_job(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = ctx.var(&["job_id"]).unwrap_or_default().to_owned();
    advance(crm, &id, ctx.now);
    match crm.bulk.writes.jobs.get(&id) {
        Some(j) => Reply::json(StatusCode::OK, j.job.clone()),
        None => invalid(
            "the id given seems to be invalid",
            json!({"param_name": "job_id", "id": id}),
        ),
    }
}

/// The download route's path: `/v2/crm/{zgid}/bulk-write/{job_id}/{job_id}.zip`.
pub fn download_path(zgid: &str, job_id: &str) -> String {
    format!("/v2/crm/{zgid}/bulk-write/{job_id}/{job_id}.zip")
}

/// `GET {download host}/v2/crm/{zgid}/bulk-write/{job_id}/{job_id}.zip`, already authenticated.
pub fn download(crm: &mut Crm, path: &str) -> Reply {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let zgid = crm.org["zgid"].as_str().unwrap_or_default().to_owned();
    let id = match segs.as_slice() {
        ["v2", "crm", org, "bulk-write", id, file]
            if *org == zgid && *file == format!("{id}.zip") =>
        {
            (*id).to_owned()
        }
        _ => return crate::errors::invalid_url(),
    };
    advance(crm, &id, crate::time::now_secs());
    match crm.bulk.writes.jobs.get(&id) {
        Some(WriteJob {
            result: Some(zip), ..
        }) => Reply::file(FileBody {
            content_type: "application/zip".into(),
            file_name: format!("{id}.zip"),
            bytes: zip.clone(),
        }),
        Some(j) => invalid(
            "the job is not completed",
            json!({"id": id, "status": j.job["status"]}),
        ),
        None => crate::errors::invalid_url(),
    }
}

// Moves the job along; when it completes, the rows are written and the result zip is made.
fn advance(crm: &mut Crm, id: &str, now: i64) {
    let phase = crm.bulk.phase;
    let Some(j) = crm.bulk.writes.jobs.get_mut(id) else {
        return;
    };
    if j.result.is_some() || j.job["status"] == "FAILED" {
        return;
    }
    let elapsed = j.started.elapsed();
    if elapsed < phase * 2 {
        let state = if elapsed < phase {
            "ADDED"
        } else {
            "IN PROGRESS"
        };
        j.job["status"] = json!(state);
        j.job["resource"][0]["status"] = json!(state);
        return;
    }
    let job = j.job.clone();
    let creator = j.creator.clone();
    let outcome = run(crm, &job, &creator, now);
    let download_url = format!(
        "{}{}",
        crm.bulk.writes.base_url,
        download_path(crm.org["zgid"].as_str().unwrap_or_default(), id)
    );
    let Some(j) = crm.bulk.writes.jobs.get_mut(id) else {
        return;
    };
    match outcome {
        Ok((zip, counts)) => {
            j.job["status"] = json!("COMPLETED");
            j.job["resource"][0]["status"] = json!("COMPLETED");
            let file = &mut j.job["resource"][0]["file"];
            file["status"] = json!("COMPLETED");
            file["added_count"] = json!(counts.added);
            file["skipped_count"] = json!(counts.skipped);
            file["updated_count"] = json!(counts.updated);
            file["total_count"] = json!(counts.added + counts.skipped + counts.updated);
            j.job["result"] = json!({"download_url": download_url});
            j.result = Some(zip.into());
        }
        // job-details.html lists FAILED among the job and resource states; here a CSV that
        // cannot be read to the end (bytes that are not text in the charset) ends there.
        Err(reason) => {
            tracing::warn!(job = id, %reason, "bulk write job failed");
            j.job["status"] = json!("FAILED");
            j.job["resource"][0]["status"] = json!("FAILED");
            j.job["resource"][0]["file"]["status"] = json!("FAILED");
        }
    }
}

#[derive(Default)]
struct Counts {
    added: usize,
    updated: usize,
    skipped: usize,
}

/// What one row did: `ADDED`/`UPDATED` with the record id, or `SKIPPED` with its errors.
enum RowOutcome {
    Written(&'static str, String),
    Skipped(Vec<(String, Vec<String>)>),
}

fn run(crm: &mut Crm, job: &Value, creator: &str, now: i64) -> Result<(Vec<u8>, Counts), String> {
    let res = &job["resource"][0];
    let operation = job["operation"].as_str().unwrap_or("insert");
    let module = crm
        .module(res["module"].as_str().unwrap_or_default())
        .cloned()
        .ok_or("the module no longer exists")?;
    let file_id = res["file_id"].as_str().unwrap_or_default();
    let zip = crm
        .bulk
        .writes
        .uploads
        .get(file_id)
        .cloned()
        .ok_or("the uploaded file is gone")?;
    let (_, csv) = csv_of(&zip)?;
    let mappings: Vec<Value> = res["field_mappings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ignore_empty = job["ignore_empty"].as_bool().unwrap_or(false)
        || res["ignore_empty"].as_bool().unwrap_or(false);
    let find_by = res["find_by"].as_str().map(str::to_owned);
    let ctx = Ctx {
        vars: HashMap::new(),
        query: HashMap::new(),
        if_modified_since: None,
        body: None,
        email: creator.to_owned(),
        user: crm.user_ref(creator),
        module: Some(module.api_name.clone()),
        now,
        raw_body: Default::default(),
        form: None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter_of(&csv))
        .flexible(true)
        .from_reader(csv.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    // The result keeps the first three mapped columns (download-result.html).
    let mut shown: Vec<usize> = mappings
        .iter()
        .filter_map(|m| m["index"].as_u64().map(|i| i as usize))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    shown.truncate(3);
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut out_header: Vec<&str> = shown.iter().map(|i| header[*i].as_str()).collect();
    out_header.extend(["RECORD_ID", "STATUS", "ERRORS"]);
    out.write_record(&out_header).map_err(|e| e.to_string())?;
    let mut counts = Counts::default();
    let mut index = Index::new(crm, &module, find_by.as_deref());
    let mut row = csv::StringRecord::new();
    while reader.read_record(&mut row).map_err(|e| e.to_string())? {
        let job = Row {
            module: &module,
            ctx: &ctx,
            operation,
            find_by: find_by.as_deref(),
            mappings: &mappings,
            header: &header,
            ignore_empty,
        };
        let outcome = write_row(crm, &mut index, &job, &row);
        let mut cells: Vec<String> = shown
            .iter()
            .map(|i| row.get(*i).unwrap_or_default().to_owned())
            .collect();
        match outcome {
            RowOutcome::Written(status, id) => {
                if status == "ADDED" {
                    counts.added += 1;
                } else {
                    counts.updated += 1;
                }
                cells.extend([id, status.to_owned(), String::new()]);
            }
            RowOutcome::Skipped(errors) => {
                counts.skipped += 1;
                let text = errors
                    .iter()
                    .map(|(code, cols)| format!("{code}-{}", cols.join(",")))
                    .collect::<Vec<_>>()
                    .join(":");
                cells.extend([String::new(), "SKIPPED".to_owned(), text]);
            }
        }
        out.write_record(&cells).map_err(|e| e.to_string())?;
    }
    let csv = out.into_inner().map_err(|e| e.to_string())?;
    // download-result.html: the CSV is named `<module>-<file name>`.
    let name = format!(
        "{}-{}",
        module.api_name,
        res["file"]["name"].as_str().unwrap_or("bulkwrite.csv")
    );
    let bytes = crate::bulk::zip_one_csv(name, &csv)?;
    Ok((bytes, counts))
}

/// The module's unique-field values (and the `find_by` field's) to record ids, built once per
/// job: a scan of the module per row would make a 25,000-row job quadratic. Values match as
/// the REST writes match them (strings trimmed, case ignored).
struct Index {
    unique: Vec<String>,
    fields: Vec<String>,
    ids: HashMap<(String, String), String>,
}

fn key_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_ascii_lowercase()),
        other => Some(other.to_string()),
    }
}

impl Index {
    fn new(crm: &Crm, module: &ModuleDef, find_by: Option<&str>) -> Index {
        let unique: Vec<String> = module
            .fields
            .iter()
            .filter(|f| f.unique)
            .map(|f| f.api_name.to_owned())
            .collect();
        let mut fields = unique.clone();
        if let Some(f) = find_by.filter(|f| !unique.iter().any(|u| u == f)) {
            fields.push(f.to_owned());
        }
        let mut index = Index {
            unique,
            fields,
            ids: HashMap::new(),
        };
        for r in crm.records_of(&module.api_name) {
            index.learn(r);
        }
        index
    }

    fn find(&self, field: &str, v: &Value) -> Option<&String> {
        self.ids.get(&(field.to_owned(), key_of(v)?))
    }

    /// The first unique field whose value another record already has.
    fn clash(&self, item: &Map<String, Value>, self_id: Option<&str>) -> Option<&str> {
        self.unique.iter().map(String::as_str).find(|f| {
            item.get(*f)
                .and_then(|v| self.find(f, v))
                .is_some_and(|id| Some(id.as_str()) != self_id)
        })
    }

    fn learn(&mut self, rec: &Value) {
        for f in &self.fields {
            if let Some(k) = rec.get(f).and_then(key_of) {
                self.ids
                    .entry((f.clone(), k))
                    .or_insert_with(|| id_of(rec).to_owned());
            }
        }
    }

    fn forget(&mut self, rec: &Value) {
        for f in &self.fields {
            if let Some(k) = rec.get(f).and_then(key_of) {
                let key = (f.clone(), k);
                if self.ids.get(&key).map(String::as_str) == Some(id_of(rec)) {
                    self.ids.remove(&key);
                }
            }
        }
    }
}

/// A CSV cell as the field's JSON value; `None` when it cannot be one (an INVALID_DATA row).
fn typed(data_type: &str, cell: &str) -> Option<Value> {
    Some(match data_type {
        "integer" | "bigint" => json!(cell.trim().parse::<i64>().ok()?),
        "double" | "currency" | "percent" => json!(cell.trim().parse::<f64>().ok()?),
        "boolean" => match cell.trim().to_ascii_lowercase().as_str() {
            "true" => json!(true),
            "false" => json!(false),
            _ => return None,
        },
        "multiselectpicklist" => json!(cell.split(';').map(str::trim).collect::<Vec<_>>()),
        "lookup" => json!({"id": cell.trim()}),
        _ => json!(cell),
    })
}

/// What every row of a job shares.
struct Row<'a> {
    module: &'a ModuleDef,
    ctx: &'a Ctx,
    operation: &'a str,
    find_by: Option<&'a str>,
    mappings: &'a [Value],
    header: &'a [String],
    ignore_empty: bool,
}

fn write_row(
    crm: &mut Crm,
    index: &mut Index,
    job: &Row<'_>,
    row: &csv::StringRecord,
) -> RowOutcome {
    let Row {
        module,
        ctx,
        operation,
        find_by,
        mappings,
        header,
        ignore_empty,
    } = *job;
    let mut item = Map::new();
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    let mut column_of: HashMap<String, String> = HashMap::new();
    for m in mappings {
        let name = m["api_name"].as_str().unwrap_or_default().to_owned();
        let index = m["index"].as_u64().map(|i| i as usize);
        let column = index
            .and_then(|i| header.get(i).cloned())
            .unwrap_or_else(|| name.clone());
        column_of.insert(name.clone(), column.clone());
        let cell = index.and_then(|i| row.get(i)).unwrap_or_default();
        let value = if cell.is_empty() {
            match m["default_value"]["value"].clone() {
                Value::Null if ignore_empty => continue,
                Value::Null => Value::Null,
                v => v,
            }
        } else {
            let data_type = module.field(&name).map_or("text", |f| f.data_type);
            match typed(data_type, cell) {
                Some(v) if crate::validate::module_value_ok(data_type, &v) => v,
                _ => {
                    errors.push(("INVALID_DATA".into(), vec![column]));
                    continue;
                }
            }
        };
        item.insert(name, value);
    }
    // Every missing mandatory field is named under one MANDATORY_NOT_FOUND, as the docs' example
    // `MANDATORY_NOT_FOUND-Company,Last_Name` does.
    let existing = find_by.and_then(|f| item.get(f).and_then(|v| index.find(f, v)).cloned());
    let insert = match (operation, &existing) {
        ("insert", _) | ("upsert", None) => true,
        ("update", None) => {
            let col = find_by
                .and_then(|f| column_of.get(f).cloned())
                .unwrap_or_default();
            errors.push(("RESOURCE_NOT_FOUND".into(), vec![col]));
            false
        }
        _ => false,
    };
    let missing: Vec<String> = module
        .fields
        .iter()
        .filter(|f| f.mandatory)
        .filter(|f| {
            let v = item.get(f.api_name);
            (insert || v.is_some()) && blank(v)
        })
        .map(|f| {
            column_of
                .get(f.api_name)
                .cloned()
                .unwrap_or_else(|| f.api_name.to_owned())
        })
        .collect();
    if !missing.is_empty() {
        errors.insert(0, ("MANDATORY_NOT_FOUND".into(), missing));
    }
    if !errors.is_empty() {
        return RowOutcome::Skipped(errors);
    }
    item.retain(|_, v| !v.is_null() || !insert);
    let self_id = existing.as_deref().filter(|_| !insert);
    if let Some(f) = index.clash(&item, self_id) {
        let col = column_of.get(f).cloned().unwrap_or_else(|| f.to_owned());
        return RowOutcome::Skipped(vec![("DUPLICATE_DATA".into(), vec![col])]);
    }
    let written = match self_id {
        Some(id) => {
            item.remove("id");
            let old = crm.find(&module.api_name, id).cloned();
            if let Some(old) = &old {
                index.forget(old);
            }
            let res = update_with(crm, module, ctx, id, item, false);
            if let (Err(_), Some(old)) = (&res, &old) {
                index.learn(old);
            }
            res.map(|r| ("UPDATED", r))
        }
        None => create_with(crm, module, ctx, item, false).map(|r| ("ADDED", r)),
    };
    if let Ok((_, rec)) = &written {
        index.learn(rec);
    }
    match written {
        Ok((status, rec)) => RowOutcome::Written(status, id_of(&rec).to_owned()),
        Err(e) => {
            let code = e["code"].as_str().unwrap_or("CANNOT_PROCESS").to_owned();
            let field = e["details"]["api_name"].as_str().unwrap_or_default();
            let col = column_of
                .get(field)
                .cloned()
                .unwrap_or_else(|| field.to_owned());
            RowOutcome::Skipped(vec![(code, vec![col])])
        }
    }
}
