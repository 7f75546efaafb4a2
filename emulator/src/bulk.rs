//! Bulk Read jobs (Bulk Write's are in bulk_write.rs) under `/crm/bulk/v2/read`: created ADDED, then IN PROGRESS, then COMPLETED
//! (or FAILURE) as time passes, each phase lasting `phase`; the result is a real zip holding one
//! CSV of up to `per_page` (Zoho: 200,000) records.
//!
//! Sources: zoho.com/crm/developer/docs/api/v2/bulk-read/create-job.html (201,
//! `ADDED_SUCCESSFULLY`, `details.state`), get-job-details.html (`state`, `result.page`, `count`,
//! `download_url`, `per_page`, `more_records`), download-result.html (a zip with `<job_id>.csv`,
//! the first line field API names, `Id` for the record id), and the criteria shape
//! (`api_name`, `comparator`, `value`, or `group_operator` with `group`).

use crate::context::Ctx;
use crate::errors::{FileBody, Reply};
use crate::records::id_of;
use crate::store::Crm;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

/// Records per Bulk Read page on Zoho.
pub const READ_PER_PAGE: usize = 200_000;

/// Bulk Read jobs of one emulator.
#[derive(Debug)]
pub struct Jobs {
    /// How long a job stays ADDED, then IN PROGRESS.
    pub phase: Duration,
    /// Records per Bulk Read page (Zoho: 200,000; lower it to test `more_records`).
    pub read_per_page: usize,
    reads: HashMap<String, ReadJob>,
    /// Bulk Write uploads and jobs (same phase timing).
    pub writes: crate::bulk_write::Writes,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            phase: Duration::from_millis(100),
            read_per_page: READ_PER_PAGE,
            reads: HashMap::new(),
            writes: Default::default(),
        }
    }
}

#[derive(Debug)]
struct ReadJob {
    started: Instant,
    job: Value,
    outcome: Option<Result<ReadResult, String>>,
}

#[derive(Debug)]
struct ReadResult {
    zip: axum::body::Bytes,
    count: usize,
    more: bool,
    page: usize,
}

fn body_json(ctx: &Ctx) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice(&ctx.raw_body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Reply::error(
            StatusCode::BAD_REQUEST,
            "INVALID_DATA",
            "body is not valid JSON",
            json!({}),
        )),
    }
}

/// 400 `INVALID_DATA`, the answer to a bad Bulk Read or Bulk Write request.
pub(crate) fn invalid(message: &str, details: Value) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, "INVALID_DATA", message, details)
}

/// A zip holding one deflated CSV named `name`, as both bulk APIs serve their results.
pub(crate) fn zip_one_csv(name: String, csv: &[u8]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, opts).map_err(|e| e.to_string())?;
    zip.write_all(csv).map_err(|e| e.to_string())?;
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

/// `POST /crm/bulk/v2/read`.
pub fn create_read_job(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let body = match body_json(ctx) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(Value::Object(query)) = body.get("query") else {
        return crate::errors::missing_param("query");
    };
    let Some(module) = query
        .get("module")
        .and_then(Value::as_str)
        .and_then(|m| crm.module(m))
        .cloned()
    else {
        return invalid(
            "the module name given seems to be invalid",
            json!({"api_name": "module", "json_path": "$.query.module"}),
        );
    };
    if let Some(Value::Array(fields)) = query.get("fields") {
        for f in fields {
            let name = f.as_str().unwrap_or_default();
            if name != "id"
                && name != "Id"
                && module.field(name).is_none()
                && !SYSTEM.contains(&name)
            {
                return invalid(
                    "invalid data",
                    json!({"api_name": name, "json_path": "$.query.fields"}),
                );
            }
        }
    }
    if let Some(page) = query.get("page") {
        if page.as_u64().is_none_or(|p| p == 0) {
            return invalid(
                "invalid data",
                json!({"api_name": "page", "json_path": "$.query.page"}),
            );
        }
    }
    let id = crm.new_id();
    let mut q = query.clone();
    q.insert("module".into(), json!(module.api_name));
    let created_time = crate::time::format_iso(ctx.now);
    let mut job = json!({
        "id": id,
        "operation": "read",
        "state": "ADDED",
        "query": q,
        "created_by": {"id": ctx.user["id"], "name": ctx.user["name"]},
        "created_time": created_time,
        "file_type": body.get("file_type").cloned().unwrap_or(json!("csv")),
    });
    if let Some(cb) = body.get("callback") {
        job["callback"] = cb.clone();
    }
    crm.bulk.reads.insert(
        id.clone(),
        ReadJob {
            started: Instant::now(),
            job: job.clone(),
            outcome: None,
        },
    );
    Reply::json(
        StatusCode::CREATED,
        json!({"data": [{
            "status": "success",
            "code": "ADDED_SUCCESSFULLY",
            "message": "Added successfully.",
            "details": {
                "id": id,
                "operation": "read",
                "state": "ADDED",
                "created_by": job["created_by"],
                "created_time": job["created_time"],
            }
        }], "info": {}}),
    )
}

const SYSTEM: &[&str] = &[
    "Owner",
    "Created_Time",
    "Modified_Time",
    "Created_By",
    "Modified_By",
    "Tag",
];

fn job_id(ctx: &Ctx) -> String {
    ctx.var(&["job_id"]).unwrap_or_default().to_owned()
}

fn no_such_job(id: &str) -> Reply {
    invalid(
        "the id given seems to be invalid",
        json!({"param_name": "job_id", "id": id}),
    )
}

// Moves the job along its states; the export is taken when it completes.
fn advance(crm: &mut Crm, id: &str) {
    let phase = crm.bulk.phase;
    let per_page = crm.bulk.read_per_page;
    let Some(j) = crm.bulk.reads.get(id) else {
        return;
    };
    let elapsed = j.started.elapsed();
    if j.outcome.is_some() {
        return;
    }
    let state = if elapsed < phase {
        "ADDED"
    } else if elapsed < phase * 2 {
        "IN PROGRESS"
    } else {
        "DONE"
    };
    if state != "DONE" {
        if let Some(j) = crm.bulk.reads.get_mut(id) {
            j.job["state"] = json!(state);
        }
        return;
    }
    let query = j.job["query"].clone();
    let outcome = export(crm, id, &query, per_page);
    if let Some(j) = crm.bulk.reads.get_mut(id) {
        match &outcome {
            Ok(r) => {
                j.job["state"] = json!("COMPLETED");
                j.job["result"] = json!({
                    "page": r.page,
                    "count": r.count,
                    "download_url": format!("/crm/bulk/v2/read/{id}/result"),
                    "per_page": per_page,
                    "more_records": r.more,
                });
            }
            Err(_) => j.job["state"] = json!("FAILURE"),
        }
        j.outcome = Some(outcome);
    }
}

fn export(crm: &Crm, id: &str, query: &Value, per_page: usize) -> Result<ReadResult, String> {
    let module = query["module"].as_str().unwrap_or_default();
    let m = crm.module(module).ok_or("invalid module")?;
    let fields: Vec<String> = match query.get("fields").and_then(Value::as_array) {
        Some(f) if !f.is_empty() => f
            .iter()
            .filter_map(Value::as_str)
            .filter(|f| *f != "id" && *f != "Id")
            .map(str::to_owned)
            .collect(),
        _ => m
            .fields
            .iter()
            .map(|f| f.api_name.to_owned())
            .chain(SYSTEM.iter().map(|s| (*s).to_owned()))
            .collect(),
    };
    let criteria = query.get("criteria").filter(|c| !c.is_null());
    let mut rows: Vec<&Value> = Vec::new();
    for r in crm.records_of(&m.api_name) {
        let keep = match criteria {
            Some(c) => matches(c, r)?,
            None => true,
        };
        if keep {
            rows.push(r);
        }
    }
    rows.sort_by(|a, b| id_cmp(id_of(a), id_of(b)));
    let page = query
        .get("page")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1) as usize;
    let start = (page - 1).saturating_mul(per_page).min(rows.len());
    let end = start.saturating_add(per_page).min(rows.len());
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header = std::iter::once("Id").chain(fields.iter().map(String::as_str));
    csv.write_record(header).map_err(|e| e.to_string())?;
    for r in &rows[start..end] {
        let cells =
            std::iter::once(id_of(r).to_owned()).chain(fields.iter().map(|f| cell(r.get(f))));
        csv.write_record(cells).map_err(|e| e.to_string())?;
    }
    let csv = csv.into_inner().map_err(|e| e.to_string())?;
    let bytes = zip_one_csv(format!("{id}.csv"), &csv)?;
    Ok(ReadResult {
        zip: bytes.into(),
        count: end - start,
        more: end < rows.len(),
        page,
    })
}

fn id_cmp(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A CSV cell as Zoho's export writes it: lookups and users by id, multi-selects joined by `;`.
pub(crate) fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("id")
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| i.to_string())
            })
            .unwrap_or_default(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                Value::Object(o) => o
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

// Bulk Read criteria: `{api_name, comparator, value}` or `{group_operator, group}`.
fn matches(c: &Value, r: &Value) -> Result<bool, String> {
    if let Some(group) = c.get("group").and_then(Value::as_array) {
        let or = c
            .get("group_operator")
            .and_then(Value::as_str)
            .is_some_and(|o| o.eq_ignore_ascii_case("or"));
        let mut acc = !or;
        for g in group {
            let m = matches(g, r)?;
            acc = if or { acc || m } else { acc && m };
        }
        return Ok(acc);
    }
    let field = c
        .get("api_name")
        .and_then(Value::as_str)
        .ok_or("criteria without api_name")?;
    let comparator = c
        .get("comparator")
        .and_then(Value::as_str)
        .ok_or("criteria without comparator")?;
    let have = cell(r.get(field));
    let value = c.get("value").cloned().unwrap_or(Value::Null);
    let text = |v: &Value| cell(Some(v));
    let cmp = |v: &Value| crate::coql::compare_text(&have, &text(v));
    let lower = have.to_lowercase();
    Ok(match comparator {
        "equal" => cmp(&value) == Ordering::Equal,
        "not_equal" => cmp(&value) != Ordering::Equal,
        "greater_than" => !have.is_empty() && cmp(&value) == Ordering::Greater,
        "greater_equal" => !have.is_empty() && cmp(&value) != Ordering::Less,
        "less_than" => !have.is_empty() && cmp(&value) == Ordering::Less,
        "less_equal" => !have.is_empty() && cmp(&value) != Ordering::Greater,
        "starts_with" => lower.starts_with(&text(&value).to_lowercase()),
        "ends_with" => lower.ends_with(&text(&value).to_lowercase()),
        "contains" => lower.contains(&text(&value).to_lowercase()),
        "not_contains" => !lower.contains(&text(&value).to_lowercase()),
        "in" | "not_in" => {
            let hit = value
                .as_array()
                .is_some_and(|vs| vs.iter().any(|v| cmp(v) == Ordering::Equal));
            hit == (comparator == "in")
        }
        other => return Err(format!("unknown comparator {other}")),
    })
}

/// `GET /crm/bulk/v2/read/{job_id}`.
pub fn get_read_job(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = job_id(ctx);
    advance(crm, &id);
    match crm.bulk.reads.get(&id) {
        Some(j) => Reply::json(StatusCode::OK, json!({"data": [j.job]})),
        None => no_such_job(&id),
    }
}

/// `GET /crm/bulk/v2/read/{job_id}/result`.
pub fn download_read_result(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let id = job_id(ctx);
    advance(crm, &id);
    match crm.bulk.reads.get(&id) {
        None => no_such_job(&id),
        Some(ReadJob {
            outcome: Some(Ok(r)),
            ..
        }) => Reply::file(FileBody {
            content_type: "application/zip".into(),
            file_name: format!("{id}.zip"),
            bytes: r.zip.clone(),
        }),
        Some(j) => invalid(
            "the job is not completed",
            json!({"id": id, "state": j.job["state"]}),
        ),
    }
}
