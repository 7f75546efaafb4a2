//! What the account keeps beside the records themselves: the recycle bin, mass update jobs,
//! uploaded files (attachments and photos) and many-to-many relations. Deleting a record goes
//! through [`Crm::recycle`] so everything hanging off it goes with it.

use crate::seed::{make_id, seed_epoch};
use crate::store::Crm;
use crate::time::format_iso;
use axum::body::Bytes;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Zoho's attachment limit (100 MB); `EmulatorConfig::max_upload_bytes` overrides it.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

/// Uploaded content, kept byte for byte.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The name it was uploaded with.
    pub file_name: String,
    /// The type it is served with.
    pub content_type: String,
    /// The content.
    pub bytes: Bytes,
}

/// An attachment of a record or a note.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Its id.
    pub id: String,
    /// The parent's module (`Notes` for note attachments).
    pub parent_module: String,
    /// The parent's id.
    pub parent_id: String,
    /// The file; `None` for a link.
    pub file: Option<StoredFile>,
    /// The listing object (`File_Name`, `$type`, `Size` ...).
    pub meta: Value,
}

/// A many-to-many link between two records (Products of a Lead, Products of a Price Book ...).
#[derive(Debug, Clone)]
pub struct Relation {
    /// One side: (module, id).
    pub a: (String, String),
    /// The other side.
    pub b: (String, String),
    /// Fields of the relation itself (`list_price` of a price book entry ...).
    pub data: Map<String, Value>,
    /// When it was made or last changed, Unix seconds.
    pub modified: i64,
}

impl Relation {
    /// The other side, when `(module, id)` is one side.
    pub fn other(&self, module: &str, id: &str) -> Option<&(String, String)> {
        if self.a.0 == module && self.a.1 == id {
            Some(&self.b)
        } else if self.b.0 == module && self.b.1 == id {
            Some(&self.a)
        } else {
            None
        }
    }
}

/// A finished mass update job.
#[derive(Debug, Clone)]
pub struct MassJob {
    /// The module it ran on.
    pub module: String,
    /// `{Status, Total_Count, Updated_Count, Not_Updated_Count, Failed_Count}`.
    pub status: Value,
}

/// The state beside the records.
#[derive(Debug, Clone)]
pub struct Extras {
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// Deleted records: (module, `{deleted_by, id, display_name, type, created_by, deleted_time}`).
    pub trash: Vec<(String, Value)>,
    /// Mass update jobs by id.
    pub mass_jobs: HashMap<String, MassJob>,
    /// Attachments, oldest first.
    pub attachments: Vec<Attachment>,
    /// Record photos by (module, id).
    pub photos: HashMap<(String, String), StoredFile>,
    /// Many-to-many relations.
    pub relations: Vec<Relation>,
    /// Shares of records by (module, id): the `share` objects of `GET .../actions/share`.
    pub shares: HashMap<(String, String), Vec<Value>>,
    /// Notification channels (`/actions/watch`), oldest first.
    pub watches: Vec<Value>,
    /// The org's file store (`/files`) by encrypted id.
    pub files: HashMap<String, StoredFile>,
}

impl Extras {
    /// The seed: one Lead that was deleted for good before the account was handed over, so the
    /// permanent listing is not empty from the start.
    pub fn seeded() -> Self {
        let admin = json!({"name": "Ada Lovelace", "id": make_id(100_001)});
        let trash = vec![(
            "Leads".to_owned(),
            json!({
                "deleted_by": admin,
                "id": make_id(90_001),
                "display_name": "Charles Babbage",
                "type": "permanent",
                "created_by": admin,
                "deleted_time": format_iso(seed_epoch() + 2 * 86_400),
            }),
        )];
        Extras {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            trash,
            mass_jobs: HashMap::new(),
            attachments: Vec::new(),
            photos: HashMap::new(),
            relations: Vec::new(),
            shares: HashMap::new(),
            watches: Vec::new(),
            files: HashMap::new(),
        }
    }
}

/// `{name, id}` of a user reference (what Zoho embeds in deleted-record and action details).
pub fn name_id(user: &Value) -> Value {
    json!({
        "name": user.get("name").cloned().unwrap_or(Value::Null),
        "id": user.get("id").cloned().unwrap_or(Value::Null),
    })
}

/// The name Zoho shows for a record (lookups' `name`, `display_name` in the recycle bin).
pub fn display_name(module: &str, rec: &Value) -> String {
    let s = |k: &str| rec.get(k).and_then(Value::as_str).map(str::to_owned);
    let key = match module {
        "Leads" | "Contacts" => {
            return s("Full_Name")
                .or_else(|| s("Last_Name"))
                .unwrap_or_default()
        }
        "Accounts" => "Account_Name",
        "Deals" => "Deal_Name",
        "Products" => "Product_Name",
        "Vendors" => "Vendor_Name",
        "Price_Books" => "Price_Book_Name",
        "Events" => "Event_Title",
        "Notes" => "Note_Title",
        "Quotes" | "Sales_Orders" | "Purchase_Orders" | "Invoices" => "Subject",
        _ => "Name",
    };
    s(key).unwrap_or_default()
}

impl Crm {
    /// Deletes a record into the recycle bin, with its notes, attachments, photo and relations.
    /// False when there is no such record.
    pub fn recycle(&mut self, module: &str, id: &str, user: &Value, now: i64) -> bool {
        let Some(rec) = self.find(module, id).cloned() else {
            return false;
        };
        self.delete(module, id);
        self.extras.trash.push((
            module.to_owned(),
            json!({
                "deleted_by": name_id(user),
                "id": id,
                "display_name": display_name(module, &rec),
                "type": "recycle",
                "created_by": rec.get("Created_By").map(name_id).unwrap_or(Value::Null),
                "deleted_time": format_iso(now),
            }),
        ));
        self.drop_children(module, id);
        true
    }

    /// Removes what belongs to a record that no longer exists.
    pub fn drop_children(&mut self, module: &str, id: &str) {
        let notes: Vec<String> = self
            .records_of("Notes")
            .iter()
            .filter(|n| n.pointer("/Parent_Id/id").and_then(Value::as_str) == Some(id))
            .filter_map(|n| n.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for note in notes {
            self.delete("Notes", &note);
            self.drop_children("Notes", &note);
        }
        let x = &mut self.extras;
        x.attachments
            .retain(|a| !(a.parent_module == module && a.parent_id == id));
        x.photos.remove(&(module.to_owned(), id.to_owned()));
        x.relations.retain(|r| r.other(module, id).is_none());
        x.shares.remove(&(module.to_owned(), id.to_owned()));
    }

    /// Moves every recycle-bin entry of a module to the permanently deleted list (what Zoho does
    /// when the bin is emptied or its 60 days pass); returns how many moved.
    pub fn empty_recycle_bin(&mut self, module: &str) -> usize {
        let mut n = 0;
        for (m, v) in &mut self.extras.trash {
            if m == module && v.get("type").and_then(Value::as_str) == Some("recycle") {
                if let Some(o) = v.as_object_mut() {
                    o.insert("type".into(), json!("permanent"));
                    n += 1;
                }
            }
        }
        n
    }
}
