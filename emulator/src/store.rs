//! The CRM side of the in-memory account: org, users, modules and records.

use crate::seed::{self, ModuleDef};
use crate::settings::Settings;
use crate::time::format_iso;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// CRM data. Records are kept per module in insertion order.
#[derive(Debug)]
pub struct Crm {
    /// The org object.
    pub org: Value,
    /// User objects.
    pub users: Vec<Value>,
    /// Modules.
    pub modules: Vec<ModuleDef>,
    /// Records by module API name.
    pub records: HashMap<String, Vec<Value>>,
    /// Profiles, roles, variables, taxes and tags.
    pub settings: Settings,
    /// Recycle bin, files, relations and jobs.
    pub extras: crate::extras::Extras,
    next_id: u64,
}

impl Crm {
    /// The seeded account.
    pub fn seeded() -> Self {
        let mut users: Vec<Value> = seed::USERS
            .iter()
            .enumerate()
            .map(|(i, (email, first, last, role, profile))| {
                seed::user(i as u64, email, first, last, role, profile)
            })
            .collect();
        users.extend(seed::more_users(users.len()));
        let mut crm = Crm {
            org: seed::org(),
            users,
            modules: seed::modules(),
            records: HashMap::new(),
            settings: Settings::seeded(),
            extras: crate::extras::Extras::seeded(),
            next_id: seed::FIRST_COUNTER,
        };
        let owner = crm.user_ref("ada@zylker.test");
        let base = seed::seed_epoch();
        for (i, (module, fields)) in seed::records().into_iter().enumerate() {
            let Value::Object(fields) = fields else {
                continue;
            };
            let t = base + (i as i64) * 3_600;
            crm.insert(module, fields, &owner, t);
        }
        crate::tags::tag_seed_records(&mut crm);
        crm
    }

    /// A fresh 19-digit id.
    pub fn new_id(&mut self) -> String {
        let id = seed::make_id(self.next_id);
        self.next_id += 1;
        id
    }

    /// The module named `name` (Zoho matches API names without regard to case).
    pub fn module(&self, name: &str) -> Option<&ModuleDef> {
        self.modules
            .iter()
            .find(|m| m.api_name.eq_ignore_ascii_case(name))
    }

    /// The module whose metadata `id` is `id`.
    pub fn module_by_id(&self, id: &str) -> Option<&ModuleDef> {
        self.modules
            .iter()
            .find(|m| m.meta.get("id").and_then(Value::as_str) == Some(id))
    }

    /// The user with this email.
    pub fn user_by_email(&self, email: &str) -> Option<&Value> {
        self.users.iter().find(|u| {
            u.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    }

    /// The user with this id.
    pub fn user_by_id(&self, id: &str) -> Option<&Value> {
        self.users
            .iter()
            .find(|u| u.get("id").and_then(Value::as_str) == Some(id))
    }

    /// Adds a Standard user for an email the seed does not have, so any email can get a grant.
    pub fn ensure_user(&mut self, email: &str) {
        if self.user_by_email(email).is_some() {
            return;
        }
        let local = email.split('@').next().unwrap_or(email);
        let last = if local.is_empty() { "User" } else { local };
        let n = self.users.len() as u64;
        let user = seed::user(n, email, "", last, "Sales Rep", "Standard");
        self.users.push(user);
    }

    /// `{name, id, email}` of a user, as records embed it.
    pub fn user_ref(&self, email: &str) -> Value {
        match self.user_by_email(email) {
            Some(u) => ref_of(u),
            None => json!({"name": email, "id": seed::make_id(100_001), "email": email}),
        }
    }

    /// Records of a module (empty when none).
    pub fn records_of(&self, module: &str) -> &[Value] {
        self.records.get(module).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Inserts a record with system fields; returns the stored record.
    pub fn insert(
        &mut self,
        module: &str,
        mut fields: Map<String, Value>,
        user: &Value,
        now: i64,
    ) -> Value {
        let id = self.new_id();
        let t = format_iso(now);
        let owner = fields
            .get("Owner")
            .filter(|o| o.is_object())
            .cloned()
            .unwrap_or_else(|| user.clone());
        fields.insert("id".into(), json!(id));
        fields.insert("Owner".into(), owner);
        fields.insert("Created_By".into(), user.clone());
        fields.insert("Modified_By".into(), user.clone());
        fields.insert("Created_Time".into(), json!(t));
        fields.insert("Modified_Time".into(), json!(t));
        fields.entry("Last_Activity_Time").or_insert(Value::Null);
        fields.entry("Tag").or_insert(json!([]));
        fields.insert("$approved".into(), json!(true));
        fields.insert("$editable".into(), json!(true));
        fields.insert("$state".into(), json!("save"));
        fields.insert("$converted".into(), json!(false));
        fields.insert("$process_flow".into(), json!(false));
        fields.insert("$in_merge".into(), json!(false));
        fields.insert("$approval_state".into(), json!("approved"));
        fields.insert("$currency_symbol".into(), json!("$"));
        set_full_name(module, &mut fields);
        let rec = Value::Object(fields);
        self.records
            .entry(module.to_owned())
            .or_default()
            .push(rec.clone());
        rec
    }

    /// Merges `fields` into the record `id`; returns the updated record, or `None` when unknown.
    pub fn update(
        &mut self,
        module: &str,
        id: &str,
        fields: Map<String, Value>,
        user: &Value,
        now: i64,
    ) -> Option<Value> {
        let rec = self
            .records
            .get_mut(module)?
            .iter_mut()
            .find(|r| r.get("id").and_then(Value::as_str) == Some(id))?;
        let obj = rec.as_object_mut()?;
        for (k, v) in fields {
            if k != "id" {
                obj.insert(k, v);
            }
        }
        obj.insert("Modified_By".into(), user.clone());
        obj.insert("Modified_Time".into(), json!(format_iso(now)));
        set_full_name(module, obj);
        Some(rec.clone())
    }

    /// Removes the record `id`; false when unknown.
    pub fn delete(&mut self, module: &str, id: &str) -> bool {
        let Some(list) = self.records.get_mut(module) else {
            return false;
        };
        let before = list.len();
        list.retain(|r| r.get("id").and_then(Value::as_str) != Some(id));
        list.len() != before
    }

    /// The record `id`.
    pub fn find(&self, module: &str, id: &str) -> Option<&Value> {
        self.records_of(module)
            .iter()
            .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
    }
}

/// `{name, id, email}` of a user object.
pub fn ref_of(user: &Value) -> Value {
    json!({
        "name": user.get("full_name").cloned().unwrap_or(Value::Null),
        "id": user.get("id").cloned().unwrap_or(Value::Null),
        "email": user.get("email").cloned().unwrap_or(Value::Null),
    })
}

// Zoho derives Full_Name for person modules; clients read it, so keep it in step.
fn set_full_name(module: &str, obj: &mut Map<String, Value>) {
    if module != "Leads" && module != "Contacts" {
        return;
    }
    let part = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let full = format!("{} {}", part("First_Name"), part("Last_Name"));
    obj.insert("Full_Name".into(), json!(full.trim()));
}
