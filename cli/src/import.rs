//! `zohocrm import <Module> <file.csv>`: rows to records in chunks of 100, one report line per row.
//!
//! The report doubles as the journal: before a chunk is sent its rows are appended as `sending`,
//! after the answer each row gets its outcome. A rerun reads the latest status per row and sends
//! only the rows not yet done (`created`/`updated`). Rows that were `sending` when a run died
//! have an unknown outcome: update and upsert resend them safely; insert resends them and takes
//! Zoho's DUPLICATE_DATA for such a row as "created by the interrupted run".

use crate::args::{Global, ImportArgs, Mode};
use crate::error::{CliError, CliResult, exit};
use crate::output::{progress, sibling, write_atomically};
use crate::{config, fields, values};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use zohocrm::error::ErrorCode;
use zohocrm::types::{Field, Record, RecordActionDetails};
use zohocrm::{ActionResults, ApiError};

/// Zoho's most records per write.
const CHUNK: usize = 100;
const REPORT_HEADER: [&str; 6] = ["row", "status", "id", "code", "field", "message"];

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: &'static str,
    pub id: String,
    pub code: String,
    pub field: String,
    pub message: String,
}

impl Outcome {
    fn new(status: &'static str) -> Self {
        Outcome {
            status,
            id: String::new(),
            code: String::new(),
            field: String::new(),
            message: String::new(),
        }
    }

    fn is_done(&self) -> bool {
        matches!(self.status, "created" | "updated")
    }
}

/// A data row: its 1-based number and its cells by column.
struct Row {
    number: usize,
    cells: Vec<String>,
}

pub async fn run(global: &Global, args: ImportArgs) -> CliResult<()> {
    let (headers, rows) = read_csv(&args.file)?;
    let (client, _) = config::user_client(global).await?;
    let known: HashMap<String, Field> = fields::fetch(&client, &args.module)
        .await?
        .into_iter()
        .filter_map(|f| f.api_name.clone().map(|n| (n, f)))
        .collect();
    check_columns(&args, &headers, &known)?;
    let types: Vec<String> = headers
        .iter()
        .map(|h| {
            known
                .get(h)
                .and_then(|f| f.data_type.clone())
                .unwrap_or_else(|| "text".into())
        })
        .collect();
    if args.dry_run {
        return dry_run(&args, &headers, &types, &rows, &known);
    }
    let report = args
        .report
        .clone()
        .unwrap_or_else(|| sibling(&args.file, ".report.csv"));
    let mut journal: BTreeMap<usize, Outcome> = if args.restart {
        BTreeMap::new()
    } else {
        read_report(&report)?
    };
    // Keep finished rows, and in-flight ones so a crash before they are resent still knows;
    // everything not done is sent (again).
    let in_flight: Vec<usize> = journal
        .iter()
        .filter(|(_, o)| o.status == "sending")
        .map(|(n, _)| *n)
        .collect();
    journal.retain(|_, o| o.is_done() || o.status == "sending");
    write_report(&report, &journal)?;
    let done = journal.values().filter(|o| o.is_done()).count();
    let todo: Vec<&Row> = rows
        .iter()
        .filter(|r| !journal.get(&r.number).is_some_and(Outcome::is_done))
        .collect();
    if done > 0 {
        eprintln!(
            "resuming: {} of {} rows already done according to {}",
            done,
            rows.len(),
            report.display()
        );
    }
    if !in_flight.is_empty() && args.mode == Mode::Insert {
        eprintln!(
            "warning: {} rows were being sent when the last run stopped; they are sent again \
             (a module without a unique field may get them twice: upsert with \
             --duplicate-check-fields avoids that)",
            in_flight.len()
        );
    }
    let mut log = Journal::open(&report)?;
    let bar = progress(Some(rows.len() as u64), global.quiet, "importing");
    bar.set_position(done as u64);
    let module = client.module(&args.module);
    let mut failure = None;
    for chunk in todo.chunks(CHUNK) {
        let records: Vec<Record> = chunk
            .iter()
            .map(|r| record(&headers, &types, r))
            .collect::<CliResult<_>>()?;
        let numbers: Vec<usize> = chunk.iter().map(|r| r.number).collect();
        log.append(numbers.iter().map(|n| (*n, Outcome::new("sending"))))?;
        let answer = match args.mode {
            Mode::Insert => module.create_records(records).send().await,
            Mode::Update => module.update_records(records).send().await,
            Mode::Upsert => {
                let mut up = module.upsert_records(records);
                if !args.duplicate_check_fields.is_empty() {
                    up = up.duplicate_check_fields(args.duplicate_check_fields.clone());
                }
                up.send().await
            }
        };
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                failure = Some(CliError::from(e).context(format!(
                    "sending rows {}-{} to Zoho",
                    numbers[0],
                    numbers[numbers.len() - 1]
                )));
                break;
            }
        };
        log.append(outcomes(&answer, &numbers, &in_flight, args.mode).into_iter())?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    drop(log);
    // Rewrite the journal as the report: one line per row, in row order.
    let full: BTreeMap<usize, Outcome> = read_report(&report)?;
    write_report(&report, &full)?;
    if let Some(e) = failure {
        return Err(e.hint(format!(
            "{} rows are done (see {}); rerun the same command to send the rest",
            full.values().filter(|o| o.is_done()).count(),
            report.display()
        )));
    }
    summarize(&full, rows.len(), &report)
}

fn summarize(report: &BTreeMap<usize, Outcome>, total: usize, path: &Path) -> CliResult<()> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in report.values() {
        *counts.entry(o.status).or_default() += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    eprintln!(
        "{total} rows: {} (report: {})",
        parts.join(", "),
        path.display()
    );
    let failed = report
        .values()
        .filter(|o| !o.is_done() && o.status != "valid")
        .count();
    if failed > 0 {
        return Err(CliError::new(
            exit::ROWS_FAILED,
            format!(
                "{failed} of {total} rows failed; {} lists each with its code and field",
                path.display()
            ),
        ));
    }
    Ok(())
}

fn read_csv(path: &Path) -> CliResult<(Vec<String>, Vec<Row>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        rows.push(Row {
            number: i + 1,
            cells: rec.iter().map(str::to_owned).collect(),
        });
    }
    Ok((headers, rows))
}

/// Every column must be a field of the module (or `id`); checked before anything is written.
fn check_columns(
    args: &ImportArgs,
    headers: &[String],
    known: &HashMap<String, Field>,
) -> CliResult<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, h) in headers.iter().enumerate() {
        if !seen.insert(h) {
            return Err(CliError::usage(format!(
                "{}: column {} `{h}` appears twice",
                args.file.display(),
                i + 1
            )));
        }
        if h != "id" && !known.contains_key(h) {
            let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
            names.sort_unstable();
            let close: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| {
                    n.eq_ignore_ascii_case(h) || n.to_lowercase().contains(&h.to_lowercase())
                })
                .collect();
            let mut err = CliError::usage(format!(
                "{}: column {} `{h}` is not a field of {}; nothing was sent",
                args.file.display(),
                i + 1,
                args.module
            ));
            err = if close.is_empty() {
                err.hint(format!(
                    "`zohocrm fields {}` lists the field API names",
                    args.module
                ))
            } else {
                err.hint(format!("did you mean {}?", close.join(", ")))
            };
            return Err(err);
        }
    }
    if args.mode == Mode::Update && !headers.iter().any(|h| h == "id") {
        return Err(CliError::usage(format!(
            "{}: --mode update needs an `id` column",
            args.file.display()
        )));
    }
    if let Some(f) = args
        .duplicate_check_fields
        .iter()
        .find(|f| !headers.contains(f))
    {
        return Err(CliError::usage(format!(
            "--duplicate-check-fields: `{f}` is not a column of {}",
            args.file.display()
        )));
    }
    if !args.duplicate_check_fields.is_empty() && args.mode != Mode::Upsert {
        return Err(CliError::usage(
            "--duplicate-check-fields applies to --mode upsert only",
        ));
    }
    Ok(())
}

/// The record for a row. Empty cells are left out (Zoho keeps the field as it is). A cell that
/// does not convert is sent as text, so Zoho's own verdict lands in the report.
fn record(headers: &[String], types: &[String], row: &Row) -> CliResult<Record> {
    let mut map = Map::new();
    for ((h, ty), cell) in headers.iter().zip(types).zip(&row.cells) {
        if cell.trim().is_empty() {
            continue;
        }
        let v = if h == "id" {
            Value::from(cell.trim())
        } else {
            values::from_cell(cell, ty).unwrap_or_else(|_| Value::from(cell.as_str()))
        };
        map.insert(h.clone(), v);
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| CliError::failure(format!("row {}: cannot build the record: {e}", row.number)))
}

fn outcomes(
    answer: &ActionResults<RecordActionDetails>,
    numbers: &[usize],
    in_flight: &[usize],
    mode: Mode,
) -> Vec<(usize, Outcome)> {
    numbers
        .iter()
        .zip(&answer.items)
        .map(|(n, item)| {
            let o = match item {
                Ok(s) => {
                    let status = match (mode, s.action.as_deref()) {
                        (Mode::Update, _) | (Mode::Upsert, Some("update")) => "updated",
                        _ => "created",
                    };
                    Outcome {
                        id: s
                            .details
                            .id
                            .as_ref()
                            .map(|i| i.to_string())
                            .unwrap_or_default(),
                        message: s.message.clone(),
                        code: s.code.clone(),
                        ..Outcome::new(status)
                    }
                }
                Err(e)
                    if mode == Mode::Insert
                        && e.code == ErrorCode::DuplicateData
                        && in_flight.contains(n)
                        && e.details.id.is_some() =>
                {
                    Outcome {
                        id: e.details.id.clone().unwrap_or_default(),
                        code: "SUCCESS".into(),
                        message:
                            "created by the interrupted run (Zoho reports it as a duplicate now)"
                                .into(),
                        ..Outcome::new("created")
                    }
                }
                Err(e) => error_outcome(e),
            };
            (*n, o)
        })
        .collect()
}

fn error_outcome(e: &ApiError) -> Outcome {
    Outcome {
        code: e.code.as_str().to_owned(),
        field: e.details.api_name.clone().unwrap_or_default(),
        message: e.message.clone(),
        id: e.details.id.clone().unwrap_or_default(),
        ..Outcome::new("error")
    }
}

fn dry_run(
    args: &ImportArgs,
    headers: &[String],
    types: &[String],
    rows: &[Row],
    known: &HashMap<String, Field>,
) -> CliResult<()> {
    let mandatory: Vec<&String> = known
        .iter()
        .filter(|(_, f)| f.system_mandatory == Some(true))
        .map(|(n, _)| n)
        .collect();
    let mut report = BTreeMap::new();
    for row in rows {
        let mut problem = None;
        for ((h, ty), cell) in headers.iter().zip(types).zip(&row.cells) {
            if cell.trim().is_empty() || h == "id" {
                continue;
            }
            if let Err(m) = values::from_cell(cell, ty) {
                problem = Some(("INVALID_DATA", h.clone(), m));
                break;
            }
        }
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.cells.get(i))
                .filter(|c| !c.trim().is_empty())
        };
        if problem.is_none()
            && args.mode == Mode::Insert
            && let Some(m) = mandatory.iter().find(|m| cell(m).is_none())
        {
            problem = Some((
                "MANDATORY_NOT_FOUND",
                (*m).clone(),
                "required field is empty".into(),
            ));
        }
        if problem.is_none() && args.mode == Mode::Update && cell("id").is_none() {
            problem = Some((
                "MANDATORY_NOT_FOUND",
                "id".into(),
                "update needs the record id".into(),
            ));
        }
        let o = match problem {
            Some((code, field, message)) => Outcome {
                code: code.into(),
                field,
                message,
                ..Outcome::new("invalid")
            },
            None => Outcome::new("valid"),
        };
        report.insert(row.number, o);
    }
    let path = args
        .report
        .clone()
        .unwrap_or_else(|| sibling(&args.file, ".dry-run.csv"));
    write_report(&path, &report)?;
    eprintln!("dry run: nothing was sent");
    summarize(&report, rows.len(), &path)
}

/// The latest outcome per row from a report/journal (missing file: nothing done yet).
fn read_report(path: &Path) -> CliResult<BTreeMap<usize, Outcome>> {
    let mut out = BTreeMap::new();
    let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(path) {
        Ok(r) => r,
        Err(e) if matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound) =>
        {
            return Ok(out);
        }
        Err(e) => {
            return Err(CliError::failure(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    for rec in reader.records() {
        // A line cut short by a crash mid-write is the last one: stop there.
        let Ok(rec) = rec else { break };
        let Some(n) = rec.get(0).and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if rec.len() < REPORT_HEADER.len() {
            continue;
        }
        let status = match rec.get(1).unwrap_or_default() {
            "created" => "created",
            "updated" => "updated",
            "sending" => "sending",
            "error" => "error",
            "invalid" => "invalid",
            "valid" => "valid",
            _ => continue,
        };
        let get = |i: usize| rec.get(i).unwrap_or_default().to_owned();
        out.insert(
            n,
            Outcome {
                status,
                id: get(2),
                code: get(3),
                field: get(4),
                message: get(5),
            },
        );
    }
    Ok(out)
}

/// Report lines as CSV bytes (with the header when asked).
fn encode<'a>(
    header: bool,
    rows: impl Iterator<Item = (usize, &'a Outcome)>,
) -> CliResult<Vec<u8>> {
    let enc = |e: csv::Error| CliError::failure(format!("cannot encode the report: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    if header {
        w.write_record(REPORT_HEADER).map_err(enc)?;
    }
    for (n, o) in rows {
        let n = n.to_string();
        w.write_record([n.as_str(), o.status, &o.id, &o.code, &o.field, &o.message])
            .map_err(enc)?;
    }
    w.into_inner()
        .map_err(|e| CliError::failure(format!("cannot encode the report: {e}")))
}

fn write_report(path: &Path, rows: &BTreeMap<usize, Outcome>) -> CliResult<()> {
    write_atomically(path, &encode(true, rows.iter().map(|(n, o)| (*n, o)))?)
}

/// Appends outcomes to the report, synced before the next request goes out.
struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    fn open(path: &Path) -> CliResult<Self> {
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| CliError::failure(format!("cannot open {}: {e}", path.display())))?;
        Ok(Journal {
            file,
            path: path.to_owned(),
        })
    }

    fn append(&mut self, rows: impl Iterator<Item = (usize, Outcome)>) -> CliResult<()> {
        let rows: Vec<(usize, Outcome)> = rows.collect();
        let bytes = encode(false, rows.iter().map(|(n, o)| (*n, o)))?;
        self.file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", self.path.display())))
    }
}
