//! The CRM side of the in-memory account: org, users, modules and records.

use crate::seed::{self, ModuleDef};
use crate::seed_records;
use crate::settings::Settings;
use crate::time::format_iso;
use serde_json::{json, Map, Value};
use std::cell::OnceCell;
use std::collections::HashMap;

/// CRM data. Records are kept per module in insertion order, with an index from id to record.
#[derive(Debug)]
pub struct Crm {
    /// The org object.
    pub org: Value,
    /// User objects.
    pub users: Vec<Value>,
    /// Modules.
    pub modules: Vec<ModuleDef>,
    // Records by module API name, in insertion order. Private so every reader goes through
    // `records_of` / `find` / `records_mut`, which see generated modules not yet built.
    records: HashMap<String, Table>,
    // Modules whose generated records are built on first read (`--records N`): 100,000 records
    // of ~90 keys take about 1 GB, so only the modules a caller touches pay for them.
    lazy: HashMap<String, Lazy>,
    /// Profiles, roles, variables, taxes and tags.
    pub settings: Settings,
    /// Recycle bin, files, relations and jobs.
    pub extras: crate::extras::Extras,
    /// Bulk Read jobs.
    pub bulk: crate::bulk::Jobs,
    /// Items of user-added operations served generically, by collection path.
    pub generic: crate::generic::Collections,
    next_id: u64,
}

impl Crm {
    /// The seeded account.
    pub fn seeded() -> Self {
        Self::seeded_with(0)
    }

    /// The seeded account plus `n` generated records in each of Leads, Contacts, Accounts and
    /// Deals (see `seed_records`), created after the hand-written ones.
    pub fn seeded_with(n: u64) -> Self {
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
            lazy: HashMap::new(),
            settings: Settings::seeded(),
            extras: crate::extras::Extras::seeded(),
            bulk: Default::default(),
            generic: Default::default(),
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
        crm.generate(n);
        crm
    }

    // Registers `n` generated records per core module, built on first access. Ids are reserved
    // now so records created later still get higher ids.
    fn generate(&mut self, n: u64) {
        if n == 0 {
            return;
        }
        let layout = seed_records::Layout::new(n, self.next_id);
        let owners: Vec<Value> = seed::USERS
            .iter()
            .map(|(email, ..)| self.user_ref(email))
            .collect();
        for (m, name) in seed_records::MODULES.iter().enumerate() {
            let seeded = self
                .records
                .remove(*name)
                .map(|t| t.rows)
                .unwrap_or_default();
            self.lazy.insert(
                (*name).to_owned(),
                Lazy {
                    module: m,
                    layout,
                    owners: owners.clone(),
                    seeded: std::cell::RefCell::new(Some(seeded)),
                    built: OnceCell::new(),
                },
            );
        }
        self.next_id = layout.end_counter();
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

    // A module's table, building generated records on first read; `None` when it has none.
    fn table(&self, module: &str) -> Option<&Table> {
        match (self.records.get(module), self.lazy.get(module)) {
            (Some(table), _) => Some(table),
            (None, Some(lazy)) => Some(lazy.get()),
            (None, None) => None,
        }
    }

    // A module's table to write to (generated records move into plain storage; created empty
    // when none).
    fn table_mut(&mut self, module: &str) -> &mut Table {
        if let Some(lazy) = self.lazy.remove(module) {
            let built = lazy.into_table();
            self.records.insert(module.to_owned(), built);
        }
        self.records.entry(module.to_owned()).or_default()
    }

    /// Records of a module (empty when none), in insertion order.
    pub fn records_of(&self, module: &str) -> &[Value] {
        self.table(module).map_or(&[], |t| &t.rows)
    }

    /// Every record of every module (building generated modules not yet read).
    pub fn all_records(&self) -> impl Iterator<Item = &Value> {
        let built = self.records.values().flat_map(|t| &t.rows);
        built.chain(self.lazy.values().flat_map(|l| &l.get().rows))
    }

    /// The records of a module to change in place (created empty when none). The caller may
    /// reorder, add or remove records, so this drops the module's id index, rebuilt on the next
    /// lookup by id; writes by id go through [`Crm::find_mut`], [`Crm::push_record`],
    /// [`Crm::update`] and [`Crm::delete`], which keep it.
    pub fn records_mut(&mut self, module: &str) -> &mut Vec<Value> {
        self.table_mut(module).rows_mut()
    }

    /// Stores `rec` as it is (its `id` must be new to the module) after the module's records.
    pub fn push_record(&mut self, module: &str, rec: Value) {
        self.table_mut(module).push(rec);
    }

    /// Inserts a record with system fields; returns the stored record.
    pub fn insert(
        &mut self,
        module: &str,
        fields: Map<String, Value>,
        user: &Value,
        now: i64,
    ) -> Value {
        self.stamp(module, fields, user, now, now)
            .cloned()
            .unwrap_or(Value::Null)
    }

    // Adds system fields and stores the record; returns it.
    fn stamp(
        &mut self,
        module: &str,
        fields: Map<String, Value>,
        user: &Value,
        created: i64,
        modified: i64,
    ) -> Option<&Value> {
        let id = self.new_id();
        let rec = system_fields(module, fields, id, user, created, modified);
        let table = self.table_mut(module);
        table.push(Value::Object(rec));
        table.rows.last()
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
        let rec = self.table_mut(module).get_mut(id)?;
        let obj = rec.as_object_mut()?;
        for (k, v) in fields {
            if k != "id" {
                obj.insert(k, v);
            }
        }
        obj.insert("Modified_By".into(), user.clone());
        obj.insert("Modified_Time".into(), json!(format_iso(now)));
        set_full_name(module, obj);
        seed_records::recompute_formula(module, obj);
        Some(rec.clone())
    }

    /// Removes the record `id`; false when unknown.
    pub fn delete(&mut self, module: &str, id: &str) -> bool {
        self.table_mut(module).remove(id)
    }

    /// The record `id` of `module` (by the module's id index: no scan).
    pub fn find(&self, module: &str, id: &str) -> Option<&Value> {
        self.table(module)?.get(id)
    }

    /// The record `id` to change in place. Its `id` must stay as it is: the index points at it.
    pub fn find_mut(&mut self, module: &str, id: &str) -> Option<&mut Value> {
        self.table_mut(module).get_mut(id)
    }

    /// True when the module's ids are all digits and increase in insertion order, as COQL's
    /// keyset paging needs to binary-search instead of sorting (see `coql::ids_ascending`); kept
    /// with the id index, so asking costs nothing per query.
    pub fn ids_ascending(&self, module: &str) -> bool {
        self.table(module).is_none_or(Table::ids_ascending)
    }

    /// The records of `module` whose id is one of `ids`, each once, in insertion order (as a
    /// filter over the module would give them); ids the module does not hold are skipped.
    pub fn find_many<'a, 'i>(
        &'a self,
        module: &str,
        ids: impl IntoIterator<Item = &'i str>,
    ) -> Vec<&'a Value> {
        let Some(table) = self.table(module) else {
            return Vec::new();
        };
        let mut at: Vec<usize> = ids
            .into_iter()
            .filter_map(|id| table.position(id))
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|i| &table.rows[i]).collect()
    }
}

/// One module's records in insertion order, with the position of each id.
///
/// Ids are unique within a module: every stored id comes from [`Crm::new_id`] or from the
/// generated layout, never from a request.
#[derive(Debug, Default)]
struct Table {
    rows: Vec<Value>,
    // Position in `rows` of each id. Built on the first lookup, so generated modules nobody asks
    // by id never pay for it (about 6 MB per 100,000 records, beside ~1 GB of records); kept in
    // step by `push` and `remove`; dropped by `rows_mut`, whose caller may reorder the rows.
    by_id: OnceCell<HashMap<Box<str>, usize>>,
    // `coql::ids_ascending(&rows)`, worked out on first ask and then kept by `push` and
    // `remove`, so COQL's keyset paging does not pass over the module once per call.
    ascending: OnceCell<bool>,
}

impl Table {
    fn from_rows(rows: Vec<Value>) -> Self {
        Table {
            rows,
            by_id: OnceCell::new(),
            ascending: OnceCell::new(),
        }
    }

    fn ids_ascending(&self) -> bool {
        *self
            .ascending
            .get_or_init(|| crate::coql::ids_ascending(&self.rows))
    }

    fn index(&self) -> &HashMap<Box<str>, usize> {
        self.by_id.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.rows.len());
            for (i, r) in self.rows.iter().enumerate() {
                if let Some(id) = r.get("id").and_then(Value::as_str) {
                    index.entry(id.into()).or_insert(i);
                }
            }
            index
        })
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.index().get(id).copied()
    }

    fn get(&self, id: &str) -> Option<&Value> {
        self.position(id).and_then(|i| self.rows.get(i))
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        let i = self.position(id)?;
        self.rows.get_mut(i)
    }

    fn push(&mut self, rec: Value) {
        let at = self.rows.len();
        if let (Some(index), Some(id)) =
            (self.by_id.get_mut(), rec.get("id").and_then(Value::as_str))
        {
            index.entry(id.into()).or_insert(at);
        }
        if let Some(ascending) = self.ascending.get_mut() {
            *ascending = *ascending && crate::coql::id_follows(self.rows.last(), &rec);
        }
        self.rows.push(rec);
    }

    // Removing keeps insertion order, so the rows after the removed one move up: O(n) moves and
    // index fix-ups (no string compares), against the O(1) lookup that found it.
    fn remove(&mut self, id: &str) -> bool {
        let Some(at) = self.position(id) else {
            return false;
        };
        self.rows.remove(at);
        // Taking a row out keeps ascending rows ascending, and may put others in order.
        if self.ascending.get() == Some(&false) {
            self.ascending.take();
        }
        if let Some(index) = self.by_id.get_mut() {
            index.remove(id);
            for i in index.values_mut() {
                if *i > at {
                    *i -= 1;
                }
            }
        }
        true
    }

    fn rows_mut(&mut self) -> &mut Vec<Value> {
        self.by_id.take();
        self.ascending.take();
        &mut self.rows
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

/// A core module's generated records, built when first read: the hand-written seed records of
/// the module, then `layout.n` generated ones.
#[derive(Debug)]
struct Lazy {
    module: usize,
    layout: seed_records::Layout,
    owners: Vec<Value>,
    seeded: std::cell::RefCell<Option<Vec<Value>>>,
    built: OnceCell<Table>,
}

impl Lazy {
    fn get(&self) -> &Table {
        self.built.get_or_init(|| {
            let mut list = self.seeded.take().unwrap_or_default();
            let n = usize::try_from(self.layout.n).unwrap_or(0);
            list.reserve_exact(n);
            let name = seed_records::MODULES[self.module];
            let admin = self.owners.first().cloned().unwrap_or(Value::Null);
            for i in 0..self.layout.n {
                let fields = seed_records::record(&self.layout, self.module, i, &self.owners);
                let id = self.layout.id(self.module, i);
                let created = self.layout.created(self.module, i);
                let modified = seed_records::modified(&self.layout, self.module, i);
                list.push(Value::Object(system_fields(
                    name, fields, id, &admin, created, modified,
                )));
            }
            Table::from_rows(list)
        })
    }

    fn into_table(self) -> Table {
        self.get();
        self.built.into_inner().unwrap_or_default()
    }
}

// The keys Zoho adds to every record it stores: id, owner, audit fields, and the `$` flags of
// genuine records (fixtures/zoho-v2/records/GET_Leads_list.nango.response.json).
fn system_fields(
    module: &str,
    mut fields: Map<String, Value>,
    id: String,
    user: &Value,
    created: i64,
    modified: i64,
) -> Map<String, Value> {
    let owner = fields
        .get("Owner")
        .filter(|o| o.is_object())
        .cloned()
        .unwrap_or_else(|| user.clone());
    fields.insert("id".into(), json!(id));
    fields.insert("Owner".into(), owner);
    fields.insert("Created_By".into(), user.clone());
    fields.insert("Modified_By".into(), user.clone());
    fields.insert("Created_Time".into(), json!(format_iso(created)));
    fields.insert("Modified_Time".into(), json!(format_iso(modified)));
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
    seed_records::recompute_formula(module, &mut fields);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_modules_are_built_on_first_read_only() {
        // 100,000 per module registers without building anything: ids are reserved up front.
        let big = Crm::seeded_with(100_000);
        assert!(big.lazy.values().all(|l| l.built.get().is_none()));
        let first = seed::FIRST_COUNTER + seed::records().len() as u64;
        assert_eq!(big.next_id, first + 400_000);

        let mut crm = Crm::seeded_with(20);
        assert_eq!(crm.records_of("Leads").len(), 5 + 20);
        assert!(crm.lazy["Leads"].built.get().is_some());
        assert!(crm.lazy["Deals"].built.get().is_none());
        // A write moves the module into plain storage; a new record's id is above every
        // generated one.
        let user = crm.user_ref("ada@zylker.test");
        let rec = crm.insert("Deals", Map::new(), &user, 0);
        assert!(!crm.lazy.contains_key("Deals"));
        let max = crm
            .records_of("Deals")
            .iter()
            .filter_map(|r| r["id"].as_str())
            .max();
        assert_eq!(rec["id"].as_str(), max);
        assert_eq!(crm.records_of("Deals").len(), 1 + 20 + 1);
    }

    // Every stored record is found by its id, at its own place, and nothing else is.
    fn assert_index_matches_rows(crm: &Crm, module: &str, gone: &[String]) {
        for r in crm.records_of(module) {
            let id = r["id"].as_str().unwrap();
            assert!(std::ptr::eq(crm.find(module, id).unwrap(), r), "{id}");
        }
        for id in gone {
            assert!(crm.find(module, id).is_none(), "{id} was deleted");
        }
        let ids: Vec<&str> = crm
            .records_of(module)
            .iter()
            .rev()
            .map(|r| r["id"].as_str().unwrap())
            .chain(gone.iter().map(String::as_str))
            .collect();
        let found: Vec<&Value> = crm.find_many(module, ids);
        let stored: Vec<&Value> = crm.records_of(module).iter().collect();
        assert_eq!(found, stored);
        assert_eq!(
            crm.ids_ascending(module),
            crate::coql::ids_ascending(crm.records_of(module))
        );
    }

    #[test]
    fn id_index_follows_inserts_deletes_and_rewrites() {
        let mut crm = Crm::seeded_with(50);
        let user = crm.user_ref("ada@zylker.test");
        let ids: Vec<String> = crm
            .records_of("Leads")
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        // Lookups before any write build the index of the generated module.
        assert_index_matches_rows(&crm, "Leads", &[]);
        let mut gone = Vec::new();
        for i in [0, 17, 18, ids.len() - 1] {
            assert!(crm.delete("Leads", &ids[i]));
            assert!(!crm.delete("Leads", &ids[i]));
            gone.push(ids[i].clone());
            assert_index_matches_rows(&crm, "Leads", &gone);
        }
        let added = crm.insert("Leads", Map::new(), &user, 0);
        let added = added["id"].as_str().unwrap().to_owned();
        assert_index_matches_rows(&crm, "Leads", &gone);
        assert!(crm.delete("Leads", &ids[30]));
        gone.push(ids[30].clone());
        let fields = Map::from_iter([("Last_Name".to_owned(), json!("Renamed"))]);
        let updated = crm.update("Leads", &added, fields, &user, 1).unwrap();
        assert_eq!(updated["Last_Name"], "Renamed");
        assert_eq!(crm.find("Leads", &added).unwrap()["Last_Name"], "Renamed");
        assert_index_matches_rows(&crm, "Leads", &gone);
        assert!(crm.ids_ascending("Leads"));
        // A lower id after the others breaks id order; deleting it restores it.
        crm.push_record("Leads", json!({"id": "4150868000000000007"}));
        assert_index_matches_rows(&crm, "Leads", &gone);
        assert!(!crm.ids_ascending("Leads"));
        assert!(crm.delete("Leads", "4150868000000000007"));
        assert_index_matches_rows(&crm, "Leads", &gone);
        assert!(crm.ids_ascending("Leads"));
        // A caller given the rows may reorder them; the index is rebuilt from the new order.
        crm.records_mut("Leads").reverse();
        assert_index_matches_rows(&crm, "Leads", &gone);
        assert!(!crm.ids_ascending("Leads"));
        crm.push_record("Leads", json!({"id": "4150868000999999999"}));
        assert_index_matches_rows(&crm, "Leads", &gone);
        // Unknown modules and ids find nothing.
        assert!(crm.find("Nope", &ids[1]).is_none());
        assert!(crm.find_many("Nope", [ids[1].as_str()]).is_empty());
        assert!(crm
            .find_many("Leads", ["", "x", gone[0].as_str()])
            .is_empty());
    }
}
