//! `zohocrm export <Module>`: every record, page by page, into CSV, JSON lines or JSON.
//!
//! With `--output FILE` the records go to `FILE.part`, and after each page the file is synced
//! and `FILE.checkpoint.json` records how many records and bytes are safely written. A rerun of
//! the same command cuts the `.part` back to that length and goes on from there; the finished
//! file is renamed into place, so `FILE` is never half-written.

use crate::args::{ExportArgs, Format, Global};
use crate::error::{CliError, CliResult};
use crate::output::{progress, publish, reopen_at, sibling, write_atomically};
use crate::{config, fields, values};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{self, Write};
use std::path::Path;
use zohocrm::Page;
use zohocrm::chrono::DateTime;
use zohocrm::stream::{BoxStream, StreamExt};
use zohocrm::types::Record;

/// Records per request: Zoho's maximum page size.
const PER_PAGE: i64 = 200;
/// Records reachable by page number (DISCRETE_PAGINATION_LIMIT_EXCEEDED past it).
const PAGE_CAP: u64 = 2_000;

/// What an interrupted export had finished, and the command it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Checkpoint {
    module: String,
    format: Format,
    columns: Vec<String>,
    criteria: Option<String>,
    modified_since: Option<String>,
    /// Records written to the `.part` file.
    records: u64,
    /// Its length after those records.
    bytes: u64,
    /// The highest id written. Without `--criteria` pages come in ascending id order (sorted by
    /// id up to 2,000 records, then keyset batches on id), and a checkpoint covers whole pages,
    /// so a resumed read drops every id up to it, whatever changed meanwhile.
    #[serde(default)]
    max_id: Option<String>,
}

pub async fn run(global: &Global, args: ExportArgs) -> CliResult<()> {
    if let Some(t) = &args.modified_since
        && DateTime::parse_from_rfc3339(t).is_err()
    {
        return Err(CliError::usage(format!(
            "--modified-since: `{t}` is not an ISO-8601 time with an offset, like 2024-01-31T00:00:00+00:00"
        )));
    }
    let (client, _) = config::user_client(global).await?;
    let columns = columns(&client, &args).await?;
    let mut plan = Checkpoint {
        module: args.module.clone(),
        format: args.format,
        columns,
        criteria: args.criteria.clone(),
        modified_since: args.modified_since.clone(),
        records: 0,
        bytes: 0,
        max_id: None,
    };
    let Some(out) = args.output.clone() else {
        let stdout = io::stdout();
        let mut sink = Sink::new(stdout.lock(), &plan, 0);
        sink.start()?;
        let bar = progress(None, global.quiet, "exporting");
        let result = copy(&client, &args, &plan.clone(), &mut sink, &mut |n, _, _| {
            bar.inc(n);
            Ok(())
        })
        .await;
        bar.finish_and_clear();
        result?;
        return sink
            .finish()
            .map_err(|e| CliError::failure(format!("writing stdout: {e}")));
    };
    let part = sibling(&out, ".part");
    let ckpt_path = sibling(&out, ".checkpoint.json");
    let resumed = if args.restart {
        None
    } else {
        load(&ckpt_path, &plan)?
    };
    if let Some(done) = &resumed {
        eprintln!(
            "resuming the interrupted export of {}: {} records already in {}",
            args.module,
            done.records,
            part.display()
        );
        plan.records = done.records;
        plan.bytes = done.bytes;
        plan.max_id = done.max_id.clone();
    }
    let file = reopen_at(&part, plan.bytes)?;
    let mut sink = Sink::new(file, &plan, plan.records);
    if resumed.is_none() {
        sink.start()?;
    }
    let bar = progress(None, global.quiet, "exporting");
    bar.set_position(plan.records);
    let from = plan.clone();
    let result = copy(&client, &args, &from, &mut sink, &mut |n, max_id, sink| {
        // The page is on disk before the checkpoint says so: a crash in between only means
        // the page is fetched and written again.
        let f = sink.out.by_ref();
        f.flush()?;
        f.sync_data()?;
        plan.records += n;
        plan.bytes = f.metadata()?.len();
        if let Some(id) = max_id
            && plan
                .max_id
                .as_deref()
                .is_none_or(|m| id_order(&id) > id_order(m))
        {
            plan.max_id = Some(id);
        }
        let text = serde_json::to_vec_pretty(&plan).unwrap_or_default();
        write_atomically(&ckpt_path, &text)?;
        bar.inc(n);
        Ok(())
    })
    .await;
    bar.finish_and_clear();
    if let Err(e) = result {
        return Err(e.hint(format!(
            "{} records are safe in {}; rerun the same command to resume (--restart starts over)",
            plan.records,
            part.display()
        )));
    }
    sink.finish()
        .map_err(|e| CliError::failure(format!("writing {}: {e}", part.display())))?;
    drop(sink);
    publish(&part, &out)?;
    let _ = std::fs::remove_file(&ckpt_path);
    eprintln!(
        "exported {} records of {} to {}",
        plan.records,
        args.module,
        out.display()
    );
    Ok(())
}

/// The CSV columns (also the JSON keys kept): `id`, then `--fields` or every field of the module.
async fn columns(client: &zohocrm::Client, args: &ExportArgs) -> CliResult<Vec<String>> {
    let known = fields::fetch(client, &args.module).await?;
    let names: Vec<String> = known.iter().filter_map(|f| f.api_name.clone()).collect();
    let wanted = if args.fields.is_empty() {
        names.clone()
    } else {
        if let Some(bad) = args
            .fields
            .iter()
            .find(|f| *f != "id" && !names.contains(f))
        {
            return Err(CliError::usage(format!(
                "--fields: `{bad}` is not a field of {} (`zohocrm fields {}` lists them)",
                args.module, args.module
            )));
        }
        args.fields.clone()
    };
    let mut cols = vec!["id".to_owned()];
    cols.extend(wanted.into_iter().filter(|f| f != "id"));
    Ok(cols)
}

fn load(path: &Path, plan: &Checkpoint) -> CliResult<Option<Checkpoint>> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::failure(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let done: Checkpoint = serde_json::from_slice(&text).map_err(|e| {
        CliError::failure(format!("{} is corrupt ({e})", path.display()))
            .hint("rerun with --restart to start the export over")
    })?;
    let same = Checkpoint {
        records: done.records,
        bytes: done.bytes,
        max_id: done.max_id.clone(),
        ..plan.clone()
    } == done;
    if !same {
        return Err(CliError::usage(format!(
            "{} belongs to an export with other options (module, format, fields, criteria or \
             --modified-since)",
            path.display()
        ))
        .hint("rerun with those options to resume it, or with --restart to start over"));
    }
    Ok(Some(done))
}

/// Called after each page with the records written and the highest id among them.
type PageDone<'a, W> = dyn FnMut(u64, Option<String>, &mut Sink<W>) -> CliResult<()> + 'a;

/// Reads the module from where `from` stopped and hands each page to `sink`, then `done` (with
/// the page's highest id).
///
/// Pages are numbered only up to Zoho's 2,000-record cap, so a resume within it starts on the
/// page holding the next record; past it the read starts over and skips what is already
/// written (by id when sorted by id, by count for a search).
async fn copy<W: Write>(
    client: &zohocrm::Client,
    args: &ExportArgs,
    from: &Checkpoint,
    sink: &mut Sink<W>,
    done: &mut PageDone<'_, W>,
) -> CliResult<()> {
    let page_skip = if from.records < PAGE_CAP {
        from.records / PER_PAGE as u64
    } else {
        0
    };
    let mut to_skip = from.records - page_skip * PER_PAGE as u64;
    let after = from.max_id.as_deref().filter(|_| args.criteria.is_none());
    let mut pages = pages(client, args, page_skip as i64 + 1);
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| CliError::from(e).context(format!("reading {} from Zoho", args.module)))?;
        let mut n = 0;
        let mut max: Option<String> = None;
        for r in &page.data {
            let id = r.id.as_ref().map(|i| i.to_string());
            let written = match (after, &id) {
                (Some(after), Some(id)) => id_order(id) <= id_order(after),
                _ => to_skip > 0,
            };
            if written {
                to_skip = to_skip.saturating_sub(1);
                continue;
            }
            sink.record(r)?;
            n += 1;
            if let Some(id) = id
                && max.as_deref().is_none_or(|m| id_order(&id) > id_order(m))
            {
                max = Some(id);
            }
        }
        done(n, max, sink)?;
    }
    Ok(())
}

/// Zoho ids are decimal numbers longer than u64 sometimes allows: order by length, then text.
fn id_order(id: &str) -> (usize, &str) {
    (id.len(), id)
}

fn pages(
    client: &zohocrm::Client,
    args: &ExportArgs,
    first_page: i64,
) -> BoxStream<'static, zohocrm::Result<Page<Record>>> {
    let module = client.module(&args.module);
    // Checked in `run` before anything is fetched.
    let since = args
        .modified_since
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    match &args.criteria {
        Some(criteria) => {
            // Search has no If-Modified-Since: the time becomes one more criterion.
            let criteria = match &args.modified_since {
                Some(t) => format!("({criteria}and(Modified_Time:greater_equal:{t}))"),
                None => criteria.clone(),
            };
            module
                .search_records_by_criteria(criteria)
                .per_page(PER_PAGE)
                .page(first_page)
                .pages()
        }
        None => module
            .get_records()
            .set_fields((!args.fields.is_empty()).then(|| with_id(&args.fields)))
            .set_if_modified_since(since)
            .sort_by("id")
            .sort_order(zohocrm::types::SortOrder::Asc)
            .per_page(PER_PAGE)
            .page(first_page)
            .pages(),
    }
}

fn with_id(fields: &[String]) -> Vec<String> {
    let mut v = vec!["id".to_owned()];
    v.extend(fields.iter().filter(|f| *f != "id").cloned());
    v
}

/// Encodes records in the chosen format.
struct Sink<W: Write> {
    out: W,
    format: Format,
    columns: Vec<String>,
    written: u64,
}

impl<W: Write> Sink<W> {
    fn new(out: W, plan: &Checkpoint, written: u64) -> Self {
        Sink {
            out,
            format: plan.format,
            columns: plan.columns.clone(),
            written,
        }
    }

    /// The header (CSV) or the opening bracket (JSON).
    fn start(&mut self) -> CliResult<()> {
        match self.format {
            Format::Csv => {
                let line = csv_line(self.columns.iter().map(String::as_str))?;
                self.out.write_all(&line)?;
            }
            Format::Json => self.out.write_all(b"[")?,
            Format::Jsonl => {}
        }
        Ok(())
    }

    fn record(&mut self, r: &Record) -> CliResult<()> {
        let json = serde_json::to_value(r)
            .map_err(|e| CliError::failure(format!("cannot encode a record: {e}")))?;
        let obj = json.as_object().cloned().unwrap_or_default();
        match self.format {
            Format::Csv => {
                let cells: Vec<String> = self
                    .columns
                    .iter()
                    .map(|c| values::to_cell(obj.get(c)))
                    .collect();
                self.out
                    .write_all(&csv_line(cells.iter().map(String::as_str))?)?;
            }
            Format::Jsonl | Format::Json => {
                let kept: serde_json::Map<String, Value> = self
                    .columns
                    .iter()
                    .filter_map(|c| obj.get(c).map(|v| (c.clone(), v.clone())))
                    .collect();
                if self.format == Format::Json {
                    self.out
                        .write_all(if self.written == 0 { b"\n" } else { b",\n" })?;
                }
                serde_json::to_writer(&mut self.out, &Value::Object(kept))
                    .map_err(|e| CliError::failure(format!("cannot write a record: {e}")))?;
                if self.format == Format::Jsonl {
                    self.out.write_all(b"\n")?;
                }
            }
        }
        self.written += 1;
        Ok(())
    }

    /// The closing bracket (JSON), then a flush.
    fn finish(&mut self) -> io::Result<()> {
        if self.format == Format::Json {
            self.out.write_all(b"\n]\n")?;
        }
        self.out.flush()
    }
}

fn csv_line<'a>(cells: impl Iterator<Item = &'a str>) -> CliResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cells)
        .map_err(|e| CliError::failure(format!("cannot encode CSV: {e}")))?;
    w.into_inner()
        .map_err(|e| CliError::failure(format!("cannot encode CSV: {e}")))
}
