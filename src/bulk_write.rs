//! Bulk Write, whole: zip the rows as a CSV, upload it to the file-upload host, create the job,
//! poll it with backoff, download the result zip to a temporary file and read it row by row into
//! one `Ok` / `Err` per input row, in input order, as [`ActionResults`] does for REST writes.
//!
//! Sources: the official SDK's bulk_write package (zohocrmsdk2-0 6.0.0) and
//! zoho.com/crm/developer/docs/api/v2/bulk-write/*.html: the result CSV repeats the first three
//! mapped columns and adds `RECORD_ID`, `STATUS` (added, updated, skipped or unprocessed) and
//! `ERRORS` (`<CODE>-<column>[,<column>...]`, several joined by `:`).

use crate::Client;
use crate::bulk::{JobOptions, TempFile, after_created, save};
use crate::error::{ApiError, Error, ErrorDetails, Result};
use crate::response::{ActionResults, ActionSuccess};
use crate::types::{BulkWriteFieldMapping, BulkWriteJob, BulkWriteResource};
use crate::{ErrorCode, Id, UploadFile};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Zoho's cap on the uploaded zip (bulk-write/upload-file.html: FILE_TOO_LARGE over 25 MB).
pub const MAX_ZIP_BYTES: usize = 25 * 1024 * 1024;

/// Zoho's caps on one Bulk Write CSV (bulk-write/limitations.html: "a maximum of 25000
/// records with 200 column headers"; a larger file "is considered as an improper file").
const MAX_ROWS: usize = 25_000;
const MAX_COLUMNS: usize = 200;

/// Row results buffered between the CSV reader and the consumer.
const CHANNEL_DEPTH: usize = 256;

/// What a Bulk Write job does with each row (create-job.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkWriteOperation {
    /// Every row creates a record.
    Insert,
    /// Every row updates the record its `find_by` column names; a row naming none is skipped
    /// (`RESOURCE_NOT_FOUND`).
    Update,
    /// Rows update the record their `find_by` column names, or create one.
    Upsert,
}

impl BulkWriteOperation {
    /// The wire value: `insert`, `update` or `upsert`.
    pub fn as_str(self) -> &'static str {
        match self {
            BulkWriteOperation::Insert => "insert",
            BulkWriteOperation::Update => "update",
            BulkWriteOperation::Upsert => "upsert",
        }
    }
}

/// `details` of one successful row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BulkRowDetails {
    /// The record written (the result CSV's `RECORD_ID`).
    pub id: Id,
    /// The row's 0-based position among the data rows sent (the header is not a row).
    pub row: usize,
}

/// One row's outcome: the record written, or why the row was skipped. In the error,
/// `code` is the first code of the row's `ERRORS` cell, `details.api_name` its first column,
/// `details.extra["errors"]` every `{code, columns}` and `details.extra["row"]` the row.
pub type BulkRowResult = std::result::Result<ActionSuccess<BulkRowDetails>, ApiError>;

/// A whole Bulk Write, made by [`Client::bulk_write`]. Give the columns and rows (or a CSV),
/// then call [`Self::send`] or [`Self::stream`].
#[derive(Clone, Debug)]
#[must_use = "a bulk write does nothing until it is sent or its stream is polled"]
pub struct BulkWrite {
    client: Client,
    module: String,
    operation: BulkWriteOperation,
    columns: Vec<String>,
    csv_rows: Vec<u8>,
    rows: usize,
    csv: Option<bytes::Bytes>,
    mappings: Vec<BulkWriteFieldMapping>,
    find_by: Option<String>,
    ignore_empty: Option<bool>,
    org_id: Option<String>,
    job: JobOptions,
    invalid: Option<String>,
}

impl Client {
    /// Inserts, updates or upserts many rows of `module` through one Bulk Write job: the way to
    /// write tens of thousands of records without spending one API call per 100. Needs the
    /// `ZohoFiles.files.ALL` scope (the upload) and `ZohoCRM.bulk.CREATE` or `ZohoCRM.bulk.ALL`
    /// with the module's write scope. See docs/reading-a-whole-module.md, "Writing many records".
    ///
    /// ```no_run
    /// # async fn run(client: zohocrm::Client) -> zohocrm::Result<()> {
    /// use zohocrm::BulkWriteOperation;
    /// let results = client
    ///     .bulk_write("Leads", BulkWriteOperation::Upsert)
    ///     .columns(["Last_Name", "Company", "Email"])
    ///     .row(["Hopper", "Navy Labs", "grace@navy.example"])
    ///     .row(["Turing", "Bletchley Park", "alan@bletchley.example"])
    ///     .find_by("Email")
    ///     .send()
    ///     .await?;
    /// for (row, outcome) in results.items.iter().enumerate() {
    ///     match outcome {
    ///         Ok(ok) => println!("row {row}: {} {}", ok.message, ok.details.id),
    ///         Err(e) => println!("row {row}: {} on {:?}", e.code.as_str(), e.details.api_name),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn bulk_write(
        &self,
        module: impl Into<String>,
        operation: BulkWriteOperation,
    ) -> BulkWrite {
        BulkWrite {
            client: self.clone(),
            module: module.into(),
            operation,
            columns: Vec::new(),
            csv_rows: Vec::new(),
            rows: 0,
            csv: None,
            mappings: Vec::new(),
            find_by: None,
            ignore_empty: None,
            org_id: None,
            job: JobOptions::default(),
            invalid: None,
        }
    }
}

impl BulkWrite {
    /// The field API names the rows carry, in column order: column `i` fills field `i`.
    pub fn columns<I, S>(mut self, api_names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.columns = api_names.into_iter().map(Into::into).collect();
        self
    }

    /// Adds one row: one cell per column, as text (`""` is an empty cell). Numbers as digits,
    /// booleans as `true`/`false`, dates as `YYYY-MM-DD`, lookups and owners by id,
    /// multi-select values joined by `;`.
    pub fn row<I, S>(mut self, cells: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| c.as_ref().to_owned()).collect();
        if self.invalid.is_none() && cells.len() != self.columns.len() {
            self.invalid = Some(format!(
                "row {} has {} cells for {} columns (set .columns(..) first)",
                self.rows,
                cells.len(),
                self.columns.len()
            ));
        }
        let mut w = csv::Writer::from_writer(&mut self.csv_rows);
        if let Err(e) = w.write_record(&cells).and_then(|()| Ok(w.flush()?)) {
            self.invalid
                .get_or_insert(format!("row {}: {e}", self.rows));
        }
        drop(w);
        self.rows += 1;
        self
    }

    /// Adds rows, as [`Self::row`] does each.
    pub fn rows<R, I, S>(self, rows: R) -> Self
    where
        R: IntoIterator<Item = I>,
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        rows.into_iter().fold(self, BulkWrite::row)
    }

    /// Sends this CSV as it is, instead of columns and rows: its first line names the fields
    /// (API names), each later line is a row. Comma, semicolon, colon or pipe separated, told
    /// from the first line as Zoho does (bulk-write/limitations.html). Replaces anything given by `columns`/`row`.
    pub fn csv(mut self, csv: impl Into<bytes::Bytes>) -> Self {
        self.csv = Some(csv.into());
        self
    }

    /// Adds or replaces the mapping of one field: a date `format`, a lookup's `find_by`, or a
    /// `default_value` (`{"value": ...}`) for a field no column carries.
    pub fn mapping(mut self, mapping: BulkWriteFieldMapping) -> Self {
        self.mappings.push(mapping);
        self
    }

    /// For update and upsert: the unique field (or `id`) whose column finds the existing record.
    pub fn find_by(mut self, api_name: impl Into<String>) -> Self {
        self.find_by = Some(api_name.into());
        self
    }

    /// True: empty cells leave fields untouched instead of clearing them.
    pub fn ignore_empty(mut self, yes: bool) -> Self {
        self.ignore_empty = Some(yes);
        self
    }

    /// Asks Zoho to post to `url` when the job ends (the helper still polls).
    pub fn callback(mut self, url: impl Into<String>) -> Self {
        self.job.set_callback(url.into());
        self
    }

    /// The org's zgid for the upload's `X-CRM-ORG` header; fetched with
    /// `get_organization_details` when not given.
    pub fn org_id(mut self, zgid: impl Into<String>) -> Self {
        self.org_id = Some(zgid.into());
        self
    }

    /// The first wait between status checks and the longest; each wait doubles (default 1 s
    /// up to 30 s).
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.job.set_poll_interval(first, max);
        self
    }

    /// Where the result zip is kept while it is read (default: the system temp directory).
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.job.temp_dir = Some(dir.into());
        self
    }

    /// Runs the job and collects one result per row, in input order.
    pub async fn send(self) -> Result<ActionResults<BulkRowDetails>> {
        let items: Vec<BulkRowResult> = self.stream().try_collect().await?;
        Ok(ActionResults {
            http_status: 200,
            items,
        })
    }

    /// Runs the job and yields one result per row, in input order, while the result CSV is
    /// read (it is never held whole in memory). An `Err` item ends the stream: the upload or
    /// the job failed, or the result does not have one line per row sent; once the job exists,
    /// any failure is an [`Error::Bulk`] naming it (a failed call is its `source`). Checked before any
    /// call ([`Error::InvalidArgument`], `field` `rows`, `columns` or `csv`): a row with more or
    /// fewer cells than columns, no column, a blank or space-padded column name, a field named
    /// twice, a CSV that does not parse. No rows at all: the stream is empty and nothing is sent.
    pub fn stream(self) -> BoxStream<'static, Result<BulkRowResult>> {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<BulkRowResult>>(CHANNEL_DEPTH);
        tokio::spawn(async move {
            if let Err(e) = self.run(&tx).await {
                let _ = tx.send(Err(e)).await;
            }
        });
        stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|r| (r, rx)) }).boxed()
    }

    fn err(&self, job_id: &str, message: String) -> Error {
        Error::Bulk {
            job_id: job_id.to_owned(),
            operation: self.operation.as_str(),
            message,
            source: None,
        }
    }

    async fn run(self, tx: &tokio::sync::mpsc::Sender<Result<BulkRowResult>>) -> Result<()> {
        if let Some(why) = &self.invalid {
            return Err(Error::InvalidArgument {
                entity: "bulk_write",
                field: "rows".to_owned(),
                message: why.clone(),
            });
        }
        let (zip, header, rows) = self.zip()?;
        if rows == 0 {
            // Nothing to write: no upload, no job, no quota spent; the stream ends empty.
            return Ok(());
        }
        let org = match &self.org_id {
            Some(o) => o.clone(),
            None => self
                .client
                .get_organization_details()
                .send()
                .await?
                .zgid
                .ok_or_else(|| self.err("", "the org details carry no zgid".into()))?,
        };
        let file =
            UploadFile::new(format!("{}.zip", self.module), zip).content_type("application/zip");
        let uploaded = self.client.upload_file(org, file).send().await?;
        let file_id = uploaded
            .details
            .and_then(|d| d.file_id)
            .ok_or_else(|| self.err("", "the upload answer has no file_id".into()))?;
        let job = self.finished_job(file_id, &header).await?;
        let id = job.id.as_ref().map(|i| i.to_string()).unwrap_or_default();
        let url = job
            .result
            .and_then(|r| r.download_url)
            .ok_or_else(|| self.err(&id, "the COMPLETED job has no result.download_url".into()))?;
        let temp = TempFile::new(self.job.temp_dir.as_deref(), "write", &id);
        let downloaded = async {
            let body = self
                .client
                .download_bulk_write_result(url)
                .send_stream()
                .await?;
            save(body, &temp.path, |m| self.err(&id, m)).await
        };
        downloaded.await.map_err(|e| {
            after_created(
                e,
                &id,
                self.operation.as_str(),
                "downloading the result failed; the job COMPLETED, so its rows are written: do \
                 not send them again; get_bulk_write_job_details(job_id) gives the \
                 result.download_url for download_bulk_write_result, which gives the per-row results",
            )
        })?;
        let path = temp.path.clone();
        let tx2 = tx.clone();
        let this = self.clone();
        let id2 = id.clone();
        // The zip and CSV crates read synchronously: a blocking thread feeds the channel.
        let read = tokio::task::spawn_blocking(move || this.decode(&path, &id2, rows, &tx2))
            .await
            .map_err(|e| self.err(&id, format!("the CSV reader stopped: {e}")))?;
        drop(temp);
        read
    }

    /// The zipped CSV, its header, and its number of data rows.
    fn zip(&self) -> Result<(Vec<u8>, Vec<String>, usize)> {
        let csv: Vec<u8> = match &self.csv {
            Some(c) => c.to_vec(),
            None => {
                let mut head = csv::Writer::from_writer(Vec::new());
                head.write_record(&self.columns)
                    .map_err(|e| self.err("", e.to_string()))?;
                let mut out = head.into_inner().map_err(|e| self.err("", e.to_string()))?;
                out.extend_from_slice(&self.csv_rows);
                out
            }
        };
        // What is wrong with the input is said before anything is sent, naming the input.
        let field = if self.csv.is_some() { "csv" } else { "columns" };
        let bad = |message: String| Error::InvalidArgument {
            entity: "bulk_write",
            field: field.to_owned(),
            message,
        };
        // The csv crate reads an unclosed quote to the end of the file as one cell: every later
        // line would silently become part of it. RFC 4180 quotes come in pairs.
        if csv.iter().filter(|b| **b == b'"').count() % 2 == 1 {
            return Err(bad(
                "an odd number of double quotes: a quoted cell is not closed (RFC 4180)".into(),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter_of(&csv))
            .from_reader(csv.as_slice());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| bad(format!("the CSV's first line: {e}")))?
            .iter()
            .map(str::to_owned)
            .collect();
        check_header(&header).map_err(bad)?;
        let mut rows = 0;
        let mut record = csv::ByteRecord::new();
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| bad(format!("the CSV: {e}")))?
        {
            rows += 1;
        }
        crate::request::check_count("columns in a Bulk Write CSV", MAX_COLUMNS, header.len())?;
        crate::request::check_count("rows in a Bulk Write CSV", MAX_ROWS, rows)?;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let zerr = |e: &dyn std::fmt::Display| self.err("", format!("zipping the CSV: {e}"));
        zip.start_file(format!("{}.csv", self.module), opts)
            .map_err(|e| zerr(&e))?;
        zip.write_all(&csv).map_err(|e| zerr(&e))?;
        let bytes = zip.finish().map_err(|e| zerr(&e))?.into_inner();
        crate::request::check_count("bytes in a Bulk Write zip", MAX_ZIP_BYTES, bytes.len())?;
        Ok((bytes, header, rows))
    }

    /// Column `i` maps to the field it names; `.mapping(..)` entries add or replace.
    fn field_mappings(&self, header: &[String]) -> Vec<BulkWriteFieldMapping> {
        let mut out: Vec<BulkWriteFieldMapping> = header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut m = BulkWriteFieldMapping::new();
                m.api_name = Some(name.clone());
                m.index = Some(i as i64);
                m
            })
            .collect();
        for m in &self.mappings {
            let mut m = m.clone();
            match out.iter_mut().find(|o| o.api_name == m.api_name) {
                Some(o) => {
                    if m.index.is_none() {
                        m.index = o.index;
                    }
                    *o = m;
                }
                None => out.push(m),
            }
        }
        out
    }

    async fn finished_job(&self, file_id: String, header: &[String]) -> Result<BulkWriteJob> {
        let mut resource = BulkWriteResource::new();
        resource.type_ = Some("data".into());
        resource.module = Some(self.module.clone());
        resource.file_id = Some(file_id);
        resource.find_by = self.find_by.clone();
        resource.field_mappings = Some(self.field_mappings(header));
        let mut create = self
            .client
            .create_bulk_write_job(self.operation.as_str(), vec![resource]);
        if let Some(cb) = &self.job.callback {
            create = create.callback(cb.clone());
        }
        if let Some(yes) = self.ignore_empty {
            create = create.ignore_empty(yes);
        }
        let created = create.send().await?;
        let id = created
            .details
            .and_then(|d| d.id)
            .ok_or_else(|| self.err("", "the create answer has no job id".into()))?;
        self.job
            .poll(|| async {
                let job = self
                    .client
                    .get_bulk_write_job_details(id.clone())
                    .send()
                    .await?;
                match job.status.as_deref() {
                    Some("COMPLETED") => Ok(Some(job)),
                    Some("FAILED") | Some("FAILURE") => {
                        Err(self.err(id.as_str(), "the job ended FAILED".into()))
                    }
                    _ => Ok(None),
                }
            })
            .await
            .map_err(|e| {
                after_created(
                    e,
                    id.as_str(),
                    self.operation.as_str(),
                    "checking the job's status failed; the job goes on at Zoho and writes the \
                     rows whatever happens here: do not send them again; check it with \
                     get_bulk_write_job_details(job_id)",
                )
            })
    }

    /// Reads the result CSV into the channel, checking it has one line per row sent.
    fn decode(
        &self,
        path: &Path,
        id: &str,
        rows: usize,
        tx: &tokio::sync::mpsc::Sender<Result<BulkRowResult>>,
    ) -> Result<()> {
        let at = |e: &dyn std::fmt::Display| self.err(id, format!("{}: {e}", path.display()));
        let file = std::fs::File::open(path).map_err(|e| at(&e))?;
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| at(&e))?;
        if zip.is_empty() {
            return Err(at(&"the result zip holds no CSV"));
        }
        let entry = zip.by_index(0).map_err(|e| at(&e))?;
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(entry);
        let header = csv.headers().map_err(|e| at(&e))?.clone();
        let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(id_col), Some(status_col), Some(errors_col)) =
            (col("RECORD_ID"), col("STATUS"), col("ERRORS"))
        else {
            return Err(at(&format!(
                "the result CSV lacks RECORD_ID, STATUS or ERRORS (header: {:?})",
                header.iter().collect::<Vec<_>>()
            )));
        };
        let mut row = csv::StringRecord::new();
        let mut n = 0;
        while csv.read_record(&mut row).map_err(|e| at(&e))? {
            let cell = |i: usize| row.get(i).unwrap_or_default().trim();
            let item = row_result(n, cell(id_col), cell(status_col), cell(errors_col));
            if tx.blocking_send(Ok(item)).is_err() {
                return Ok(()); // the consumer went away
            }
            n += 1;
        }
        if n != rows {
            return Err(at(&format!(
                "the result has {n} rows for the {rows} sent; per-row results cannot be matched to input rows"
            )));
        }
        Ok(())
    }
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

/// The header names one field per column: at least one, none blank, none twice (Zoho maps each
/// column to one field by index; a field mapped twice would take one column's value silently).
fn check_header(header: &[String]) -> std::result::Result<(), String> {
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(
            "no columns: give the field API names with .columns(..) or as the CSV's first line"
                .into(),
        );
    }
    if let Some(i) = header.iter().position(|h| h.trim().is_empty()) {
        return Err(format!("column {i} names no field"));
    }
    if let Some(i) = header.iter().position(|h| h.trim() != h) {
        return Err(format!(
            "column {i} ({:?}) has spaces around the field API name",
            header[i]
        ));
    }
    for (i, h) in header.iter().enumerate() {
        if let Some(j) = header[..i].iter().position(|e| e == h) {
            return Err(format!("columns {j} and {i} both name {h}"));
        }
    }
    Ok(())
}

/// One result line as a row outcome.
// The same item type as `ActionResults::items`, where the error is kept unboxed.
#[allow(clippy::result_large_err)]
fn row_result(row: usize, record_id: &str, status: &str, errors: &str) -> BulkRowResult {
    let upper = status.to_ascii_uppercase();
    let written = match upper.as_str() {
        "ADDED" => Some(("record added", "insert")),
        "UPDATED" => Some(("record updated", "update")),
        _ => None,
    };
    if let Some((message, action)) = written.filter(|_| !record_id.is_empty() && errors.is_empty())
    {
        return Ok(ActionSuccess {
            code: "SUCCESS".into(),
            message: message.into(),
            details: BulkRowDetails {
                id: Id::new(record_id),
                row,
            },
            action: Some(action.into()),
            duplicate_field: None,
        });
    }
    // `MANDATORY_NOT_FOUND-Company,Last_Name:DUPLICATE_DATA-Email`.
    let parsed: Vec<(String, Vec<String>)> = errors
        .split(':')
        .filter(|e| !e.trim().is_empty())
        .map(|e| match e.split_once('-') {
            Some((code, cols)) => (
                code.trim().to_owned(),
                cols.split(',').map(|c| c.trim().to_owned()).collect(),
            ),
            None => (e.trim().to_owned(), Vec::new()),
        })
        .collect();
    let code = parsed.first().map_or("CANNOT_PROCESS", |(c, _)| c.as_str());
    let mut details = ErrorDetails {
        api_name: parsed.first().and_then(|(_, cols)| cols.first().cloned()),
        ..ErrorDetails::default()
    };
    details.extra.insert(
        "errors".into(),
        serde_json::json!(
            parsed
                .iter()
                .map(|(c, cols)| serde_json::json!({"code": c, "columns": cols}))
                .collect::<Vec<_>>()
        ),
    );
    details.extra.insert("row".into(), serde_json::json!(row));
    Err(ApiError {
        http_status: 200,
        code: ErrorCode::from(code),
        message: if errors.is_empty() {
            format!("row {row} {upper} with no error given")
        } else {
            format!("row {row} {upper}: {errors}")
        },
        status: "error".into(),
        details,
        hint: None,
        retry_after: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result_zip(dir: &Path, lines: usize) -> PathBuf {
        let mut csv = String::from("Last_Name,RECORD_ID,STATUS,ERRORS\n");
        for i in 0..lines {
            csv.push_str(&format!("L{i},41508680000{i},ADDED,\n"));
        }
        let path = dir.join(format!("result-{lines}.zip"));
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        zip.start_file("Leads-Leads.csv", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(csv.as_bytes()).unwrap();
        zip.finish().unwrap();
        path
    }

    // Rows are matched to results by position only (download-result.html gives no row number),
    // so a result with more or fewer lines than rows sent must fail, never be trusted.
    #[test]
    fn a_result_with_another_number_of_lines_than_rows_sent_is_an_error() {
        let client = crate::Client::builder()
            .client_id("1000.X")
            .client_secret("s")
            .build()
            .expect("a client");
        let bw = client.bulk_write("Leads", BulkWriteOperation::Insert);
        let dir = std::env::temp_dir().join(format!("zohocrm-bw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (lines, sent, ok) in [(2, 2, true), (1, 2, false), (3, 2, false)] {
            let path = result_zip(&dir, lines);
            let (tx, mut rx) = tokio::sync::mpsc::channel(16);
            let res = bw.decode(&path, "77", sent, &tx);
            drop(tx);
            let mut items = 0;
            while rx.try_recv().is_ok() {
                items += 1;
            }
            assert_eq!(items, lines);
            match res {
                Ok(()) => assert!(ok, "{lines} lines for {sent} rows must fail"),
                Err(e) => {
                    assert!(!ok, "{e}");
                    let text = e.to_string();
                    assert!(
                        text.contains(&format!("{lines} rows for the {sent} sent"))
                            && text.contains("77"),
                        "{text}"
                    );
                }
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    // The ERRORS format and example come from bulk-write/download-result.html.
    #[test]
    fn a_result_line_becomes_a_success_or_every_named_error() {
        let ok = row_result(0, "4150868000001", "ADDED", "").unwrap();
        assert_eq!(
            (ok.details.id.as_str(), ok.action.as_deref()),
            ("4150868000001", Some("insert"))
        );
        let up = row_result(1, "4150868000002", "Updated", "").unwrap();
        assert_eq!(up.message, "record updated");
        let e = row_result(
            2,
            "",
            "SKIPPED",
            "MANDATORY_NOT_FOUND-Company,Last_Name:DUPLICATE_DATA-Email",
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::MandatoryNotFound);
        assert_eq!(e.details.api_name.as_deref(), Some("Company"));
        assert_eq!(
            e.details.extra["errors"],
            serde_json::json!([
                {"code": "MANDATORY_NOT_FOUND", "columns": ["Company", "Last_Name"]},
                {"code": "DUPLICATE_DATA", "columns": ["Email"]}
            ])
        );
        assert_eq!(e.details.extra["row"], 2);
        let unprocessed = row_result(3, "", "UNPROCESSED", "").unwrap_err();
        assert_eq!(unprocessed.code, ErrorCode::from("CANNOT_PROCESS"));
    }
}
