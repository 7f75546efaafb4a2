//! The account's one blueprint process: "Deal pipeline" on Deals, driving `Stage` from
//! Qualification through Needs Analysis to Closed Won (or Closed Lost). A deal is in the process
//! while its Stage is one of the process's states; the closed states have no transitions left.

use crate::context::Ctx;
use crate::errors::Reply;
use crate::notes::{insert_note, parent_of};
use crate::records::{blank, id_of};
use crate::seed::make_id;
use crate::store::Crm;
use crate::validate::module_value_ok;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// The module the process runs on.
pub const MODULE: &str = "Deals";
/// The field it drives.
pub const FIELD: &str = "Stage";

/// A field a transition asks for: (api name, label, data type, mandatory).
type TransitionField = (&'static str, &'static str, &'static str, bool);

/// A transition: (id counter, name, from state, to state, fields).
struct Step {
    n: u64,
    name: &'static str,
    from: &'static str,
    to: &'static str,
    fields: &'static [TransitionField],
}

const STEPS: &[Step] = &[
    Step {
        n: 80_011,
        name: "Analyse needs",
        from: "Qualification",
        to: "Needs Analysis",
        fields: &[("Amount", "Amount", "currency", true)],
    },
    Step {
        n: 80_012,
        name: "Disqualify",
        from: "Qualification",
        to: "Closed Lost",
        fields: &[],
    },
    Step {
        n: 80_013,
        name: "Win",
        from: "Needs Analysis",
        to: "Closed Won",
        fields: &[
            ("Closing_Date", "Closing Date", "date", true),
            ("Probability", "Probability (%)", "integer", false),
        ],
    },
    Step {
        n: 80_014,
        name: "Lose",
        from: "Needs Analysis",
        to: "Closed Lost",
        fields: &[],
    },
];

const STATES: &[&str] = &[
    "Qualification",
    "Needs Analysis",
    "Closed Won",
    "Closed Lost",
];

fn json_type(data_type: &str) -> &'static str {
    match data_type {
        "currency" | "double" => "double",
        "integer" => "integer",
        "boolean" => "boolean",
        _ => "string",
    }
}

fn transition_json(step: &Step) -> Value {
    let fields: Vec<Value> = step
        .fields
        .iter()
        .enumerate()
        .map(|(i, (api, label, ty, mandatory))| {
            json!({
                "id": make_id(step.n * 10 + i as u64),
                "api_name": api,
                "field_label": label,
                "display_label": label,
                "data_type": ty,
                "json_type": json_type(ty),
                "mandatory": mandatory,
                "system_mandatory": false,
                "read_only": false,
                "visible": true,
                "custom_field": false,
                "transition_sequence": i + 1,
            })
        })
        .collect();
    let next: Vec<Value> = STEPS
        .iter()
        .filter(|s| s.from == step.to)
        .map(|s| json!({"id": make_id(s.n), "name": s.name}))
        .collect();
    json!({
        "next_transitions": next,
        "percent_partial_save": null,
        "data": {},
        "next_field_value": step.to,
        "name": step.name,
        "criteria_matched": true,
        "id": make_id(step.n),
        "fields": fields,
        "criteria_message": null,
        "type": "2",
        "execution_time": null,
    })
}

fn not_in_process() -> Reply {
    Reply::error(
        StatusCode::BAD_REQUEST,
        "RECORD_NOT_IN_PROCESS",
        "record not in process",
        json!({}),
    )
}

// The deal and its current state, when it is in the process.
fn in_process(crm: &Crm, ctx: &Ctx) -> Result<(Value, String), Reply> {
    let (module, rec) = parent_of(crm, ctx)?;
    if module != MODULE {
        return Err(not_in_process());
    }
    let state = rec
        .get(FIELD)
        .and_then(Value::as_str)
        .filter(|s| STATES.contains(s))
        .map(str::to_owned)
        .ok_or_else(not_in_process)?;
    Ok((rec, state))
}

/// `GET /{module}/{id}/actions/blueprint`.
pub fn get_blueprint(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (_, state) = match in_process(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let transitions: Vec<Value> = STEPS
        .iter()
        .filter(|s| s.from == state)
        .map(transition_json)
        .collect();
    Reply::json(
        StatusCode::OK,
        json!({"blueprint": {
            "process_info": {
                "field_id": make_id(80_002),
                "is_continuous": false,
                "api_name": FIELD,
                "continuous": false,
                "field_label": FIELD,
                "name": "Deal pipeline",
                "column_name": "STAGE",
                "field_value": state,
                "id": make_id(80_001),
                "field_name": FIELD,
                "escalation": null,
            },
            "transitions": transitions,
        }}),
    )
}

fn error(code: &str, message: &str, details: Value) -> Reply {
    Reply::error(StatusCode::BAD_REQUEST, code, message, details)
}

/// `PUT /{module}/{id}/actions/blueprint` with one transition: checks the transition is open
/// from the current state and that its mandatory fields are filled, then sets the fields and
/// moves the state. `Notes` in the data becomes a note on the record.
pub fn update_blueprint(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let (rec, state) = match in_process(crm, ctx) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let item = match ctx.body.take().and_then(|b| b.items.into_iter().next()) {
        Some(Ok(item)) => item,
        Some(Err(e)) => return Reply::json(StatusCode::BAD_REQUEST, e),
        None => return crate::errors::missing_param("blueprint"),
    };
    let tid = match item.get("transition_id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return error(
                "MANDATORY_NOT_FOUND",
                "required field not found",
                json!({"api_name": "transition_id"}),
            )
        }
    };
    let Some(step) = STEPS
        .iter()
        .find(|s| make_id(s.n) == tid && s.from == state)
    else {
        return error(
            "INVALID_DATA",
            "invalid data",
            json!({"api_name": "transition_id", "id": tid}),
        );
    };
    let data: Map<String, Value> = match item.get("data") {
        Some(Value::Object(d)) => d.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            return error(
                "INVALID_DATA",
                "invalid data",
                json!({"api_name": "data", "expected_data_type": "jsonobject"}),
            )
        }
    };
    let Some(def) = crm.module(MODULE).cloned() else {
        return crate::errors::invalid_module();
    };
    for (api, _, _, mandatory) in step.fields {
        if *mandatory && blank(data.get(*api)) {
            return error(
                "MANDATORY_NOT_FOUND",
                "required field not found",
                json!({"api_name": api}),
            );
        }
    }
    let mut change = Map::new();
    for (k, v) in &data {
        if matches!(k.as_str(), "Notes" | "CheckLists" | "Attachments") {
            continue;
        }
        if let Some(f) = def.field(k) {
            if !module_value_ok(f.data_type, v) {
                return error(
                    "INVALID_DATA",
                    "invalid data",
                    json!({"api_name": k, "expected_data_type": f.data_type}),
                );
            }
        }
        change.insert(k.clone(), v.clone());
    }
    change.insert(FIELD.to_owned(), json!(step.to));
    change.insert("$process_flow".to_owned(), json!(true));
    let id = id_of(&rec).to_owned();
    crm.update(MODULE, &id, change, &ctx.user, ctx.now);
    if let Some(text) = data.get("Notes").filter(|v| !blank(Some(v))) {
        let title = json!(format!("Blueprint: {}", step.name));
        insert_note(crm, ctx, MODULE, &rec, title, text.clone());
    }
    Reply::json(
        StatusCode::OK,
        json!({"code": "SUCCESS", "details": {}, "message": "transition updated successfully", "status": "success"}),
    )
}
