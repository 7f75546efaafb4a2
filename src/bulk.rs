//! Bulk Read, whole: create the job, poll it with backoff, download the zip to a temporary file
//! and stream decoded records from its CSV, page after page of 200,000 records.
//!
//! Memory stays flat whatever the size: the download goes to disk chunk by chunk, and the CSV is
//! read row by row from the zip entry (the `zip` and `csv` crates) on a blocking thread that hands
//! records over through a bounded channel. Sources for the job states and the result layout:
//! zoho.com/crm/developer/docs/api/v2/bulk-read/get-job-details.html and download-result.html.

use crate::Client;
use crate::error::{Error, Result};
use crate::types::{BulkCallback, BulkReadJob, BulkReadQuery, Record};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Decoded records buffered between the CSV reader and the consumer.
const CHANNEL_DEPTH: usize = 256;

/// A whole Bulk Read, made by [`Client::bulk_read`]. Set options, then call [`Self::stream`].
#[derive(Clone, Debug)]
#[must_use = "a bulk read does nothing until its stream is polled"]
pub struct BulkRead {
    client: Client,
    query: BulkReadQuery,
    job: JobOptions,
}

/// What Bulk Read and Bulk Write share: the callback, the polling waits and where the result
/// zip is kept while it is read.
#[derive(Clone, Debug)]
pub(crate) struct JobOptions {
    pub(crate) callback: Option<BulkCallback>,
    pub(crate) poll_first: Duration,
    pub(crate) poll_max: Duration,
    pub(crate) temp_dir: Option<PathBuf>,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            callback: None,
            poll_first: Duration::from_secs(1),
            poll_max: Duration::from_secs(30),
            temp_dir: None,
        }
    }
}

impl JobOptions {
    pub(crate) fn set_callback(&mut self, url: String) {
        let mut cb = BulkCallback::new();
        cb.url = Some(url);
        cb.method = Some("post".into());
        self.callback = Some(cb);
    }

    pub(crate) fn set_poll_interval(&mut self, first: Duration, max: Duration) {
        self.poll_first = first;
        self.poll_max = max.max(first);
    }

    /// Calls `check` after waits of `poll_first`, doubling up to `poll_max`, until it gives a
    /// value or fails.
    pub(crate) async fn poll<T, F, Fut>(&self, mut check: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        let mut wait = self.poll_first;
        loop {
            tokio::time::sleep(wait).await;
            if let Some(done) = check().await? {
                return Ok(done);
            }
            wait = (wait * 2).min(self.poll_max);
        }
    }
}

impl Client {
    /// Reads every record `query` selects through Bulk Read jobs (one per 200,000 records):
    /// the way to export large modules. Needs the `ZohoCRM.bulk.read` scope (and the module's
    /// read scope). See docs/reading-a-whole-module.md for when to use it instead of `.stream()`.
    ///
    /// ```no_run
    /// # async fn run(client: zohocrm::Client) -> zohocrm::Result<()> {
    /// use zohocrm::stream::TryStreamExt;
    /// use zohocrm::types::BulkReadQuery;
    /// let mut query = BulkReadQuery::new();
    /// query.module = Some("Leads".into());
    /// let mut leads = client.bulk_read(query).stream();
    /// while let Some(lead) = leads.try_next().await? {
    ///     let _ = lead.id;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn bulk_read(&self, query: BulkReadQuery) -> BulkRead {
        BulkRead {
            client: self.clone(),
            query,
            job: JobOptions::default(),
        }
    }
}

impl BulkRead {
    /// Asks Zoho to post to `url` when each job ends (the stream still polls).
    pub fn callback(mut self, url: impl Into<String>) -> Self {
        self.job.set_callback(url.into());
        self
    }

    /// The first wait between status checks and the longest; each wait doubles (default 1 s
    /// up to 30 s).
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.job.set_poll_interval(first, max);
        self
    }

    /// Where result zips are kept while they are read (default: the system temp directory).
    /// Each is deleted once read, or when the stream is dropped.
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.job.temp_dir = Some(dir.into());
        self
    }

    /// Every record, in the order of the CSVs (ascending id within a page). Once a job
    /// exists, any failure ends the stream with an [`Error::Bulk`] naming it (a failed status
    /// check or download is its `source`).
    pub fn stream(self) -> BoxStream<'static, Result<Record>> {
        self.stream_as()
    }

    /// As [`Self::stream`], decoding each row as `T`. Cells are strings (`""` leaves a field
    /// out); lookups and owners are ids; the `Id` column becomes `id`.
    pub fn stream_as<T: DeserializeOwned + Send + 'static>(self) -> BoxStream<'static, Result<T>> {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<T>>(CHANNEL_DEPTH);
        tokio::spawn(async move {
            if let Err(e) = self.run(&tx).await {
                let _ = tx.send(Err(e)).await;
            }
        });
        stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|r| (r, rx)) }).boxed()
    }

    async fn run<T: DeserializeOwned + Send + 'static>(
        self,
        tx: &tokio::sync::mpsc::Sender<Result<T>>,
    ) -> Result<()> {
        let mut page = self.query.page.unwrap_or(1).max(1);
        loop {
            let job = self.finished_job(page).await?;
            let id = job.id.as_ref().map(|i| i.to_string()).unwrap_or_default();
            let result = job.result.clone().unwrap_or_default();
            let file = TempFile::new(self.job.temp_dir.as_deref(), "read", &id);
            let downloaded = async {
                let body = self
                    .client
                    .download_result(id.as_str())
                    .send_stream()
                    .await?;
                save(body, &file.path, |m| bulk_err(&id, m)).await
            };
            downloaded.await.map_err(|e| {
                after_created(
                    e,
                    &id,
                    "read",
                    "downloading the result failed; the job COMPLETED: download it again with \
                     download_result(job_id)",
                )
            })?;
            let path = file.path.clone();
            let tx2 = tx.clone();
            let id2 = id.clone();
            // The zip and CSV crates read synchronously: a blocking thread feeds the channel.
            let read = tokio::task::spawn_blocking(move || decode_zip(&path, &id2, &tx2))
                .await
                .map_err(|e| bulk_err(&id, format!("the CSV reader stopped: {e}")))?;
            drop(file);
            match read {
                Ok(true) => {}
                Ok(false) => return Ok(()), // the consumer went away
                Err(e) => return Err(e),
            }
            if !result.more_records.unwrap_or(false) {
                return Ok(());
            }
            page += 1;
        }
    }

    async fn finished_job(&self, page: i64) -> Result<BulkReadJob> {
        let mut query = self.query.clone();
        query.page = Some(page);
        let mut create = self.client.create_bulk_read_job(query);
        if let Some(cb) = &self.job.callback {
            create = create.callback(cb.clone());
        }
        let created = create.send().await?.into_result()?;
        let id = created
            .first()
            .and_then(|s| s.details.id.clone())
            .ok_or_else(|| bulk_err("", "the create answer has no job id".into()))?;
        self.job
            .poll(|| async {
                let job = self
                    .client
                    .get_bulk_read_job_details(id.clone())
                    .send()
                    .await?;
                match job.state.as_deref() {
                    Some("COMPLETED") => Ok(Some(job)),
                    Some("FAILURE") | Some("FAILED") => {
                        Err(bulk_err(id.as_ref(), "the job ended in FAILURE".into()))
                    }
                    _ => Ok(None),
                }
            })
            .await
            .map_err(|e| {
                after_created(
                    e,
                    id.as_ref(),
                    "read",
                    "checking the job's status failed; the job goes on at Zoho: check it with \
                     get_bulk_read_job_details(job_id)",
                )
            })
    }
}

/// Writes a streamed download to `path`, chunk by chunk.
pub(crate) async fn save(
    mut body: crate::FileStream,
    path: &Path,
    err: impl Fn(String) -> Error,
) -> Result<()> {
    let io = |e: std::io::Error| err(format!("{}: {e}", path.display()));
    let mut out = tokio::fs::File::create(path).await.map_err(io)?;
    while let Some(chunk) = body.try_next().await? {
        out.write_all(&chunk).await.map_err(io)?;
    }
    out.flush().await.map_err(io)?;
    Ok(())
}

fn bulk_err(job_id: &str, message: String) -> Error {
    Error::Bulk {
        job_id: job_id.to_owned(),
        operation: "read",
        message,
        source: None,
    }
}

/// `e`, the failure of a call made after job `job_id` was created, inside an [`Error::Bulk`]
/// naming the job: Zoho runs a job whether or not the client keeps polling it
/// (get-job-details.html), and its id is how the caller finds it again. `what` says which step
/// failed and how to check the job. An error that already names the job is returned as it is.
pub(crate) fn after_created(e: Error, job_id: &str, operation: &'static str, what: &str) -> Error {
    match e {
        Error::Bulk { .. } => e,
        cause => Error::Bulk {
            job_id: job_id.to_owned(),
            operation,
            message: what.to_owned(),
            source: Some(crate::error::BulkCause::new(cause)),
        },
    }
}

/// Reads the zip's CSV row by row into the channel. `Ok(false)` when the receiver is gone.
fn decode_zip<T: DeserializeOwned>(
    path: &Path,
    id: &str,
    tx: &tokio::sync::mpsc::Sender<Result<T>>,
) -> Result<bool> {
    let at = |e: &dyn std::fmt::Display| bulk_err(id, format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| at(&e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| at(&e))?;
    if zip.is_empty() {
        return Err(at(&"the zip holds no CSV"));
    }
    let entry = zip.by_index(0).map_err(|e| at(&e))?;
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(entry);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| at(&e))?
        .iter()
        .map(|h| {
            if h == "Id" {
                "id".to_owned()
            } else {
                h.to_owned()
            }
        })
        .collect();
    let mut row = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut row) {
            Ok(false) => return Ok(true),
            Ok(true) => {
                let mut map = serde_json::Map::with_capacity(header.len());
                for (k, v) in header.iter().zip(row.iter()) {
                    if !v.is_empty() {
                        map.insert(k.clone(), serde_json::Value::String(v.to_owned()));
                    }
                }
                let item =
                    serde_json::from_value::<T>(serde_json::Value::Object(map)).map_err(|e| {
                        let line = row.position().map(|p| p.line()).unwrap_or(0);
                        bulk_err(id, format!("{} line {line}: {e}", path.display()))
                    });
                if tx.blocking_send(item).is_err() {
                    return Ok(false);
                }
            }
            Err(e) => return Err(at(&e)),
        }
    }
}

/// A result zip on disk, deleted when dropped.
pub(crate) struct TempFile {
    pub(crate) path: PathBuf,
}

impl TempFile {
    /// `zohocrm-bulk-{kind}-{job_id}-{pid}-{nanos}.zip` in `dir` (default: the temp directory).
    pub(crate) fn new(dir: Option<&Path>, kind: &str, job_id: &str) -> TempFile {
        let dir = dir
            .map(Path::to_path_buf)
            .unwrap_or_else(std::env::temp_dir);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "zohocrm-bulk-{kind}-{job_id}-{}-{nanos}.zip",
            std::process::id()
        );
        TempFile {
            path: dir.join(name),
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
