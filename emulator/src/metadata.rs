//! Module metadata: fields, layouts, custom views and related lists, all derived from the
//! module definitions record validation uses (`seed::ModuleDef`), so what the metadata says
//! about a field (type, mandatory, unique) is what record writes enforce. Ids are fixed per
//! module and position, so they are stable across calls and emulator runs.
//!
//! `update_module_settings` changes the module's own metadata object, which `get_module` and
//! `get_all_modules` show; the default custom view it sets is the one custom views report as
//! `default`.

use crate::context::Ctx;
use crate::errors::{self, item_error, Reply};
use crate::seed::{self, make_id, FieldMeta, ModuleDef};
use crate::settings::{self, by, finish, invalid_field, invalid_id, module_param, success};
use crate::store::Crm;
use crate::time::format_iso;
use axum::http::StatusCode;
use serde_json::{json, Map, Value};

/// List-view page sizes Zoho offers.
const PAGE_SIZES: &[i64] = &[10, 20, 30, 40, 50, 100, 200];

/// Fields every module has beside its own: (api_name, data_type, read_only).
const SYSTEM_FIELDS: &[(&str, &str, bool)] = &[
    ("Owner", "ownerlookup", false),
    ("Created_By", "ownerlookup", true),
    ("Modified_By", "ownerlookup", true),
    ("Created_Time", "datetime", true),
    ("Modified_Time", "datetime", true),
    ("Tag", "text", true),
];

fn module_index(crm: &Crm, module: &str) -> Option<(usize, ModuleDef)> {
    crm.modules
        .iter()
        .position(|m| m.api_name == module)
        .and_then(|i| crm.modules.get(i).map(|m| (i, m.clone())))
}

fn label(api_name: &str) -> String {
    api_name.replace('_', " ")
}

fn json_type(data_type: &str, api_name: &str) -> &'static str {
    match data_type {
        "integer" | "bigint" => "integer",
        "double" | "currency" | "percent" => "double",
        "boolean" => "boolean",
        "lookup" | "ownerlookup" => "jsonobject",
        "multiselectpicklist" => "jsonarray",
        _ if api_name == "Tag" => "jsonarray",
        _ => "string",
    }
}

fn length(data_type: &str) -> i64 {
    match data_type {
        "textarea" => 32_000,
        "email" => 100,
        "phone" => 30,
        "picklist" => 120,
        "integer" => 9,
        "bigint" => 18,
        "multiselectpicklist" => 2_000,
        "currency" | "double" => 16,
        "boolean" => 5,
        "lookup" | "ownerlookup" => 120,
        _ => 255,
    }
}

// The module a lookup field points to: the one its definition names, else Zoho's naming of
// standard lookups.
fn lookup_target(crm: &Crm, f: &FieldMeta) -> Option<(String, String)> {
    let target = match (f.lookup, f.api_name) {
        (Some(t), _) => t,
        (None, "Account_Name") => "Accounts",
        (None, "Contact_Name") => "Contacts",
        (None, "Deal_Name") => "Deals",
        (None, "Product_Name") => "Products",
        _ => return None,
    };
    let m = crm.module(target)?;
    Some((m.api_name.clone(), settings::id_of(&m.meta).to_owned()))
}

/// A full Field object, as `GET /settings/fields` returns it. Keys and shapes follow the
/// genuine list in fixtures/zoho-v2/fields/GET_settings_fields_Leads.doc-schmorrison.response.json
/// (a formula's `json_type` is its return type's; `formula: {return_type}`; a lookup's
/// `lookup: {display_label, api_name, module, id}`).
fn field_value(
    crm: &Crm,
    module: &str,
    mi: usize,
    fi: usize,
    f: &FieldMeta,
    read_only: bool,
) -> Value {
    let api_name = f.api_name;
    let data_type = f.data_type;
    let mandatory = f.mandatory;
    let read_only = read_only || !f.writable();
    let picks: Vec<Value> = seed::pick_list(module, api_name)
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"display_value": v, "actual_value": v, "sequence_number": i + 1, "maps": []}))
        .collect();
    let lookup = match (data_type, lookup_target(crm, f)) {
        ("lookup", Some((target, target_id))) => json!({
            "id": make_id(940_000 + (mi * 1_000 + fi) as u64),
            "api_name": format!("{module}_{api_name}"),
            "display_label": label(api_name),
            "module": {"api_name": target, "id": target_id},
        }),
        _ => json!({}),
    };
    let formula = match (f.formula, crate::fields::custom_set(module)) {
        (Some(rt), Some(c)) => json!({"return_type": rt, "expression": c.expression()}),
        (Some(rt), None) => json!({"return_type": rt}),
        (None, _) => json!({}),
    };
    let json_type = match f.formula {
        Some(rt) => json_type(rt, api_name),
        None => json_type(data_type, api_name),
    };
    let decimals = match (data_type, f.formula) {
        ("currency" | "double", _) | (_, Some("double" | "currency")) => Some(2),
        _ => None,
    };
    json!({
        "id": make_id(900_000 + (mi * 1_000 + fi) as u64),
        "api_name": api_name,
        "field_label": label(api_name),
        "display_label": label(api_name),
        "data_type": data_type,
        "json_type": json_type,
        "column_name": api_name.to_ascii_uppercase(),
        "length": length(data_type),
        "decimal_place": decimals,
        "sequence_number": fi + 1,
        "custom_field": f.custom,
        "visible": true,
        "read_only": read_only,
        "field_read_only": read_only,
        "system_mandatory": mandatory,
        "mandatory": mandatory,
        "webhook": !read_only,
        "history_tracking": false,
        "businesscard_supported": !read_only && data_type != "textarea",
        "created_source": if f.custom { "crm" } else { "default" },
        "default_value": null,
        "tooltip": null,
        "pick_list_values": picks,
        "lookup": lookup,
        "formula": formula,
        "currency": if data_type == "currency" { json!({"rounding_option": "normal", "precision": 2}) } else { json!({}) },
        "auto_number": {},
        "multiselectlookup": {},
        "view_type": {"view": true, "edit": !read_only, "create": !read_only, "quick_create": mandatory},
        "unique": if f.unique { json!({"casesensitive": "false"}) } else { json!({}) },
        "crypt": null,
        "subform": null,
        "association_details": null,
        "convert_mapping": null,
        "mass_update": false,
        "private": null,
    })
}

/// Every field of a module as `GET /settings/fields` shows it: its own, then the system ones.
pub fn fields_of(crm: &Crm, module: &str) -> Vec<Value> {
    let Some((mi, m)) = module_index(crm, module) else {
        return Vec::new();
    };
    let mut out: Vec<Value> = m
        .fields
        .iter()
        .enumerate()
        .map(|(fi, f)| field_value(crm, module, mi, fi, f, false))
        .collect();
    let base = m.fields.len();
    for (k, (api, ty, ro)) in SYSTEM_FIELDS.iter().enumerate() {
        let system = FieldMeta {
            api_name: api,
            data_type: ty,
            mandatory: false,
            unique: false,
            custom: false,
            lookup: None,
            formula: None,
        };
        out.push(field_value(crm, module, mi, base + k, &system, *ro));
    }
    out
}

fn profile_stubs(crm: &Crm) -> Vec<Value> {
    crm.settings
        .profiles
        .iter()
        .map(|p| json!({"name": p.get("name").cloned().unwrap_or(Value::Null), "id": settings::id_of(p), "default": true}))
        .collect()
}

fn layout_id(mi: usize) -> String {
    make_id(910_000 + mi as u64)
}

/// The module's layout (one, `Standard`, as a fresh Zoho org has).
pub fn layouts_of(crm: &Crm, module: &str) -> Vec<Value> {
    let Some((mi, m)) = module_index(crm, module) else {
        return Vec::new();
    };
    let singular = m
        .meta
        .get("singular_label")
        .and_then(Value::as_str)
        .unwrap_or(module)
        .to_owned();
    let fields = fields_of(crm, module);
    let (own, system): (Vec<Value>, Vec<Value>) = fields.into_iter().partition(|f| {
        !SYSTEM_FIELDS
            .iter()
            .any(|(a, _, ro)| *ro && f["api_name"] == json!(a))
    });
    let section = |seq: usize, name: &str, fields: Vec<Value>| {
        json!({
            "name": name,
            "display_label": name,
            "api_name": name.replace(' ', "_"),
            "column_count": 2,
            "sequence_number": seq,
            "tab_traversal": 1,
            "isSubformSection": false,
            "fields": fields,
        })
    };
    let convert_mapping = if module == "Leads" {
        let mut map = Map::new();
        for target in ["Contacts", "Accounts", "Deals"] {
            if let Some((ti, _)) = module_index(crm, target) {
                map.insert(
                    target.into(),
                    json!({"name": "Standard", "id": layout_id(ti), "fields": []}),
                );
            }
        }
        Value::Object(map)
    } else {
        Value::Null
    };
    let t = format_iso(seed::seed_epoch());
    vec![json!({
        "id": layout_id(mi),
        "name": "Standard",
        "visible": true,
        "status": 1,
        "created_time": null,
        "modified_time": t,
        "created_by": null,
        "modified_by": {"name": "Ada Lovelace", "id": make_id(100_001)},
        "profiles": profile_stubs(crm),
        "sections": [
            section(1, &format!("{singular} Information"), own),
            section(2, "System Information", system),
        ],
        "convert_mapping": convert_mapping,
    })]
}

/// The module's custom views: all, mine, and recently created.
pub fn custom_views_of(crm: &Crm, module: &str) -> Vec<Value> {
    let Some((mi, m)) = module_index(crm, module) else {
        return Vec::new();
    };
    let plural = m
        .meta
        .get("plural_label")
        .and_then(Value::as_str)
        .unwrap_or(module)
        .to_owned();
    let default_id = m
        .meta
        .pointer("/custom_view/id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let columns: Vec<Value> = m.fields.iter().take(4).map(|f| json!(f.api_name)).collect();
    let views = [
        (
            format!("All {plural}"),
            "ALLVIEWS",
            Value::Null,
            Value::Null,
        ),
        (
            format!("My {plural}"),
            "MYVIEWS",
            json!({"comparator": "equal", "field": {"api_name": "Owner"}, "value": "${CURRENTUSER}"}),
            Value::Null,
        ),
        (
            format!("Recently Created {plural}"),
            "RECENTLYCREATED",
            json!({"comparator": "equal", "field": {"api_name": "Created_Time"}, "value": "${LAST_7_DAYS}"}),
            json!("Created_Time"),
        ),
    ];
    views
        .into_iter()
        .enumerate()
        .map(|(k, (name, system, criteria, sort_by))| {
            let id = make_id(920_000 + (mi * 10 + k) as u64);
            let default = match &default_id {
                Some(d) => *d == id,
                None => k == 0,
            };
            json!({
                "id": id,
                "name": name,
                "display_value": name,
                "system_name": system,
                "category": "public_views",
                "default": default,
                "favorite": null,
                "offline": true,
                "system_defined": true,
                "sort_by": sort_by,
                "sort_order": if sort_by.is_null() { Value::Null } else { json!("desc") },
                "fields": columns,
                "criteria": criteria,
                "shared_type": null,
                "shared_details": null,
            })
        })
        .collect()
}

/// The module's related lists.
pub fn related_lists_of(crm: &Crm, module: &str) -> Vec<Value> {
    let Some((mi, _)) = module_index(crm, module) else {
        return Vec::new();
    };
    let lists: &[&str] = match module {
        "Leads" => &["Notes", "Attachments", "Products"],
        "Contacts" => &["Notes", "Attachments", "Deals"],
        "Accounts" => &["Notes", "Attachments", "Contacts", "Deals"],
        "Deals" => &["Notes", "Attachments", "Products"],
        "Products" => &["Notes", "Attachments", "Deals"],
        "Notes" => &["Attachments"],
        _ => &["Notes", "Attachments"],
    };
    lists
        .iter()
        .enumerate()
        .map(|(k, name)| {
            json!({
                "id": make_id(930_000 + (mi * 10 + k) as u64),
                "api_name": name,
                "name": name,
                "display_label": name,
                "module": name,
                "href": format!("{module}/{{ENTITYID}}/{name}"),
                "type": "default",
                "visible": true,
                "sequence_number": (k + 1).to_string(),
                "action": null,
                "connectedmodule": null,
                "linkingmodule": null,
            })
        })
        .collect()
}

fn find_by_id(items: Vec<Value>, id: &str) -> Option<Value> {
    items.into_iter().find(|v| settings::id_of(v) == id)
}

fn path_id<'a>(ctx: &'a Ctx, names: &[&str]) -> &'a str {
    ctx.var(names).unwrap_or("")
}

/// `GET /settings/fields?module=[&type=]`.
pub fn get_fields(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    match ctx.q("type") {
        None | Some("all") => {}
        // Every field of the emulated modules is on the layout, so none is unused.
        Some("unused") => return Reply::empty(StatusCode::NO_CONTENT),
        Some(_) => return errors::invalid_param("type"),
    }
    settings::list("fields", fields_of(crm, &module))
}

/// `GET /settings/fields/{id}?module=`.
pub fn get_field(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = path_id(ctx, &["field_id", "id"]);
    match find_by_id(fields_of(crm, &module), id) {
        Some(f) => settings::one("fields", f),
        None => invalid_id(id),
    }
}

/// `GET /settings/layouts?module=`.
pub fn get_all_layouts(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    match module_param(crm, ctx) {
        Ok(m) => settings::list("layouts", layouts_of(crm, &m)),
        Err(r) => r,
    }
}

/// `GET /settings/layouts/{id}?module=`.
pub fn get_layout(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = path_id(ctx, &["layout_id", "id"]);
    match find_by_id(layouts_of(crm, &module), id) {
        Some(l) => settings::one("layouts", l),
        None => invalid_id(id),
    }
}

fn custom_views_info(views: &[Value]) -> Value {
    let default = views
        .iter()
        .find(|v| v["default"] == json!(true))
        .map(|v| settings::id_of(v).to_owned());
    json!({
        "per_page": 200,
        "default": default,
        "count": views.len(),
        "page": 1,
        "more_records": false,
        "translation": {
            "public_views": "Public Views",
            "other_users_views": "Other Users' Views",
            "shared_with_me": "Views shared with me",
            "created_by_me": "Created by me",
        },
    })
}

/// `GET /settings/custom_views?module=`.
pub fn get_all_customviews(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let views = custom_views_of(crm, &module);
    let info = custom_views_info(&views);
    Reply::json(StatusCode::OK, json!({"custom_views": views, "info": info}))
}

/// `GET /settings/custom_views/{id}?module=`.
pub fn get_customview(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = path_id(ctx, &["cv_id", "id"]);
    let views = custom_views_of(crm, &module);
    let info = custom_views_info(&views);
    match find_by_id(views, id) {
        Some(v) => Reply::json(StatusCode::OK, json!({"custom_views": [v], "info": info})),
        None => invalid_id(id),
    }
}

/// `GET /settings/related_lists?module=`.
pub fn get_all_relatedlists(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    match module_param(crm, ctx) {
        Ok(m) => settings::list("related_lists", related_lists_of(crm, &m)),
        Err(r) => r,
    }
}

/// `GET /settings/related_lists/{id}?module=`.
pub fn get_relatedlist(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let module = match module_param(crm, ctx) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = path_id(ctx, &["related_list_id", "id"]);
    match find_by_id(related_lists_of(crm, &module), id) {
        Some(r) => settings::one("related_lists", r),
        None => invalid_id(id),
    }
}

/// The changes one `modules` item asks for, checked against the module.
fn settings_changes(
    crm: &Crm,
    module: &str,
    m: &ModuleDef,
    item: &Map<String, Value>,
) -> Result<Map<String, Value>, Value> {
    let mut out = Map::new();
    if let Some(v) = item.get("per_page").filter(|v| !v.is_null()) {
        match v.as_i64() {
            Some(n) if PAGE_SIZES.contains(&n) => {
                out.insert("per_page".into(), json!(n));
            }
            _ => return Err(invalid_field("per_page")),
        }
    }
    if let Some(v) = item.get("business_card_fields").filter(|v| !v.is_null()) {
        let names: Vec<&str> = v
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let limit = m
            .meta
            .get("business_card_field_limit")
            .and_then(Value::as_u64)
            .unwrap_or(5);
        if names.len() as u64 > limit {
            return Err(item_error(
                "LIMIT_EXCEEDED",
                "the limit exceeded",
                json!({"api_name": "business_card_fields", "limit": limit.to_string()}),
            ));
        }
        if names.iter().any(|n| m.field(n).is_none()) {
            return Err(invalid_field("business_card_fields"));
        }
        out.insert("business_card_fields".into(), json!(names));
    }
    if let Some(v) = item.get("default_custom_view").filter(|v| !v.is_null()) {
        let id = settings::as_id(Some(v)).unwrap_or_default();
        let cv = find_by_id(custom_views_of(crm, module), &id)
            .ok_or_else(|| invalid_field("default_custom_view"))?;
        out.insert(
            "custom_view".into(),
            json!({"display_value": cv["display_value"], "name": cv["name"], "system_name": cv["system_name"], "id": id}),
        );
    }
    if let Some(v) = item.get("territory").filter(|v| !v.is_null()) {
        let id = settings::as_id(Some(v)).unwrap_or_default();
        if !crate::territories::exists(crm, &id) {
            return Err(invalid_field("territory"));
        }
        out.insert("territory".into(), json!({"id": id}));
    }
    if let Some(v) = item.get("related_list_properties").filter(|v| !v.is_null()) {
        let order = v.get("sort_order");
        if order.is_some_and(|o| !o.is_null() && o != "asc" && o != "desc") {
            return Err(invalid_field("related_list_properties"));
        }
        out.insert("related_list_properties".into(), v.clone());
    }
    Ok(out)
}

/// `PUT /settings/modules/{module}`.
pub fn update_module_settings(crm: &mut Crm, ctx: &mut Ctx) -> Reply {
    let Some(module) = ctx.module.clone() else {
        return errors::invalid_module();
    };
    let Some((mi, m)) = module_index(crm, &module) else {
        return errors::invalid_module();
    };
    let who = by(ctx);
    let now = format_iso(ctx.now);
    let results = settings::items(ctx)
        .into_iter()
        .map(|item| {
            let changes = match item.and_then(|i| settings_changes(crm, &module, &m, &i)) {
                Ok(c) => c,
                Err(e) => return e,
            };
            let Some(meta) = crm.modules.get_mut(mi).and_then(|d| d.meta.as_object_mut()) else {
                return invalid_field("module");
            };
            meta.extend(changes);
            meta.insert("modified_time".into(), json!(now));
            meta.insert("modified_by".into(), who.clone());
            success(
                "module updated successfully",
                json!({"id": settings::id_of(&m.meta)}),
            )
        })
        .collect();
    finish("modules", results, StatusCode::OK)
}
