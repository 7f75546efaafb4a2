//! Generated records for benches, exports and paging tests: N records in each of Leads,
//! Contacts, Accounts and Deals, every field of `crate::fields` filled the way a real org fills
//! it (some optional fields empty, custom fields of every kind set, lookups pointing at other
//! generated records).
//!
//! Record `i` of every module is a pure function of `i`, so runs are reproducible and lookups
//! can name their target's id and name without looking it up. The four modules are created
//! interleaved (Account 0, Contact 0, Lead 0, Deal 0, Account 1 ...), each one `step` seconds
//! after the one before, so within a module ids, `Created_Time` and the index all increase
//! together, as they do in a real org. `Modified_Time` is `Created_Time` plus up to 45 days.

use crate::fields::{custom_set, CustomSet};
use crate::seed::{self, make_id};
use crate::time::format_iso;
use serde_json::{json, Map, Value};

/// The modules generated, in creation order within each round.
pub const MODULES: [&str; 4] = ["Accounts", "Contacts", "Leads", "Deals"];

/// Where generated records start: a week after the hand-written seed.
fn start() -> i64 {
    seed::seed_epoch() + 7 * 86_400
}

/// The span the generated records' creation times cover, whatever N is: 300 days.
const SPAN_SECS: i64 = 300 * 86_400;

/// How `n` records per module are laid out: the first id counter and the creation step.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Records per module.
    pub n: u64,
    /// Id counter of Account 0.
    pub first_counter: u64,
    /// Seconds between two consecutive records (of any module).
    pub step: i64,
}

impl Layout {
    /// `n` records per module whose ids start at `first_counter`.
    pub fn new(n: u64, first_counter: u64) -> Self {
        let total = (n.saturating_mul(MODULES.len() as u64)).max(1);
        let step = (SPAN_SECS / i64::try_from(total).unwrap_or(i64::MAX)).max(1);
        Layout {
            n,
            first_counter,
            step,
        }
    }

    /// The id counter of record `i` of `module`.
    pub fn id_counter(&self, module: usize, i: u64) -> u64 {
        self.first_counter + i * MODULES.len() as u64 + module as u64
    }

    /// The id of record `i` of `module` (an index into [`MODULES`]).
    pub fn id(&self, module: usize, i: u64) -> String {
        make_id(self.id_counter(module, i))
    }

    /// The id counter after the last generated record.
    pub fn end_counter(&self) -> u64 {
        self.first_counter + self.n * MODULES.len() as u64
    }

    /// Creation time of record `i` of `module`, Unix seconds.
    pub fn created(&self, module: usize, i: u64) -> i64 {
        let k = i64::try_from(i * MODULES.len() as u64 + module as u64).unwrap_or(i64::MAX);
        start().saturating_add(k.saturating_mul(self.step))
    }
}

// SplitMix64: a fixed, fast, well-mixed function of (module, index, salt).
fn mix(module: usize, i: u64, salt: u64) -> u64 {
    let mut z = i
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((module as u64) << 56)
        .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Pick {
    module: usize,
    i: u64,
}

impl Pick {
    fn u(&self, salt: u64) -> u64 {
        mix(self.module, self.i, salt)
    }
    fn one<'a>(&self, salt: u64, from: &[&'a str]) -> &'a str {
        from.get((self.u(salt) % from.len().max(1) as u64) as usize)
            .copied()
            .unwrap_or("")
    }
    fn range(&self, salt: u64, lo: u64, hi: u64) -> u64 {
        lo + self.u(salt) % (hi - lo + 1)
    }
    // True with probability pct / 100.
    fn chance(&self, salt: u64, pct: u64) -> bool {
        self.u(salt) % 100 < pct
    }
    // A picklist value other than `-None-`.
    fn option(&self, salt: u64, module: &str, field: &str) -> Value {
        let opts: Vec<&str> = seed::pick_list(module, field)
            .iter()
            .copied()
            .filter(|o| *o != "-None-")
            .collect();
        json!(self.one(salt, &opts))
    }
    fn money(&self, salt: u64, lo: u64, hi: u64) -> f64 {
        self.range(salt, lo, hi) as f64 * 100.0
    }
}

const FIRST: &[&str] = &[
    "Aarav",
    "Beatriz",
    "Chen",
    "Dmitri",
    "Elif",
    "Fatima",
    "Gustavo",
    "Hana",
    "Ibrahim",
    "Jana",
    "Kwame",
    "Lucia",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomoko",
    "Umar",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Amara",
    "Bruno",
    "Chiara",
    "Diego",
];
const LAST: &[&str] = &[
    "Okafor",
    "Silva",
    "Wang",
    "Ivanov",
    "Yilmaz",
    "Haddad",
    "Pereira",
    "Sato",
    "Mensah",
    "Novak",
    "Boateng",
    "Garcia",
    "Rossi",
    "Kowalski",
    "Lindqvist",
    "Sharma",
    "Dubois",
    "Moreno",
    "Johansson",
    "Tanaka",
    "Farouk",
    "Bianchi",
    "Li",
    "Castillo",
    "Demir",
    "Nowak",
];
const COMPANY_A: &[&str] = &[
    "Zylker",
    "Northwind",
    "Contoso",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Acme",
    "Vandelay",
    "Hooli",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Aperture",
];
const COMPANY_B: &[&str] = &[
    "Systems",
    "Logistics",
    "Foods",
    "Analytics",
    "Labs",
    "Holdings",
    "Energy",
    "Health",
    "Retail",
    "Robotics",
];
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Pleasanton", "California", "94588", "United States"),
    ("Austin", "Texas", "73301", "United States"),
    ("Chennai", "Tamil Nadu", "600042", "India"),
    ("Berlin", "Berlin", "10115", "Germany"),
    ("Lyon", "Auvergne-Rhone-Alpes", "69001", "France"),
    ("Osaka", "Osaka", "530-0001", "Japan"),
    ("Sao Paulo", "SP", "01000-000", "Brazil"),
    ("Toronto", "Ontario", "M5H 2N2", "Canada"),
    ("Sydney", "NSW", "2000", "Australia"),
    ("Nairobi", "Nairobi", "00100", "Kenya"),
];
const STREETS: &[&str] = &[
    "Hacienda Drive",
    "Main Street",
    "Market Street",
    "Station Road",
    "Harbour View",
    "Oak Avenue",
];
const TITLES: &[&str] = &[
    "CEO",
    "CTO",
    "VP Sales",
    "Head of Operations",
    "Procurement Manager",
    "IT Director",
    "Marketing Lead",
    "Analyst",
];

/// The person named by record `i` of `module`: (first, last).
fn person(module: usize, i: u64) -> (&'static str, &'static str) {
    let p = Pick { module, i };
    (p.one(1, FIRST), p.one(2, LAST))
}

/// Account `i`'s name; unique, since `Account_Name` is Accounts' duplicate-check field.
pub fn account_name(i: u64) -> String {
    let p = Pick { module: 0, i };
    format!("{} {} {}", p.one(1, COMPANY_A), p.one(2, COMPANY_B), i + 1)
}

fn contact_name(i: u64) -> String {
    let (f, l) = person(1, i);
    format!("{f} {l}")
}

fn lead_name(i: u64) -> String {
    let (f, l) = person(2, i);
    format!("{f} {l}")
}

fn domain(company: &str) -> String {
    let slug: String = company
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    format!("{slug}.example")
}

// `Owner` rotates over the active, confirmed users.
fn owner(users: &[Value], p: &Pick) -> Value {
    users
        .get((p.u(3) % users.len().max(1) as u64) as usize)
        .cloned()
        .unwrap_or(Value::Null)
}

fn address(p: &Pick, o: &mut Map<String, Value>, keys: [&str; 5]) {
    let (city, state, zip, country) = CITIES[(p.u(4) % CITIES.len() as u64) as usize];
    let street = format!("{} {}", p.range(5, 1, 9_999), p.one(6, STREETS));
    for (k, v) in keys
        .into_iter()
        .zip([street.as_str(), city, state, zip, country])
    {
        o.insert(k.into(), json!(v));
    }
}

// Email (unique through the index), Secondary_Email, Phone and Mobile of a person record;
// `salt` picks which optional ones are filled.
fn contact_points(
    o: &mut Map<String, Value>,
    p: &Pick,
    (first, last): (&str, &str),
    i: u64,
    tag: char,
    domain: &str,
    salt: u64,
) {
    let (first, last) = (first.to_lowercase(), last.to_lowercase());
    let n = i + 1;
    o.insert(
        "Email".into(),
        json!(format!("{first}.{last}.{tag}{n}@{domain}")),
    );
    let secondary = json!(format!("{last}{tag}{n}@mail.example"));
    o.insert("Secondary_Email".into(), opt(p, salt, 20, secondary));
    let phone = (i + p.module as u64 * 3_000) % 10_000;
    o.insert("Phone".into(), json!(format!("+1 555 {phone:04}")));
    let mobile = json!(format!("+1 555 {}{:03}", 6 + p.module, i % 1_000));
    o.insert("Mobile".into(), opt(p, salt + 1, 65, mobile));
}

fn opt(p: &Pick, salt: u64, pct: u64, v: Value) -> Value {
    if p.chance(salt, pct) {
        v
    } else {
        Value::Null
    }
}

/// Every custom field of `c` filled for record `p` (the lookup to `target_id`/`target_name`).
fn custom_values(
    c: &CustomSet,
    module: &str,
    p: &Pick,
    o: &mut Map<String, Value>,
    created: i64,
    lookup: (String, String),
) {
    let options = seed::pick_list(module, c.multi);
    let chosen: Vec<&str> = options
        .iter()
        .enumerate()
        .filter(|(k, _)| p.u(40 + *k as u64).is_multiple_of(3))
        .map(|(_, v)| *v)
        .collect();
    o.insert(c.multi.into(), json!(chosen));
    let date = created + p.range(41, 1, 120) as i64 * 86_400;
    o.insert(c.date.into(), json!(format_iso(date)[..10]));
    o.insert(
        c.datetime.into(),
        json!(format_iso(created + p.range(42, 60, 30 * 86_400) as i64)),
    );
    let decimal = p.range(43, 0, 10_000) as f64 / 100.0;
    o.insert(c.decimal.into(), json!(decimal));
    let currency = p.money(44, 10, 5_000);
    o.insert(c.currency.into(), json!(currency));
    let (id, name) = lookup;
    o.insert(c.lookup.0.into(), json!({"name": name, "id": id}));
    o.insert(c.boolean.into(), json!(p.chance(45, 30)));
    // Long integers past 2^53 so clients that go through f64 lose digits and notice.
    o.insert(
        c.long.into(),
        json!(9_007_199_254_740_993_u64 + p.range(46, 0, 1_000_000_000)),
    );
    o.insert(c.formula.into(), formula(currency, decimal));
}

/// The formula fields' value: `currency * decimal / 100`, rounded to 2 places as Zoho rounds a
/// formula with `decimal_place` 2.
pub fn formula(currency: f64, decimal: f64) -> Value {
    json!((currency * decimal).round() / 100.0)
}

/// Recomputes `module`'s formula field from the record's current values (null when either
/// input is empty), as Zoho does on every save.
pub fn recompute_formula(module: &str, o: &mut Map<String, Value>) {
    let Some(c) = custom_set(module) else {
        return;
    };
    let num = |k: &str| o.get(k).and_then(Value::as_f64);
    let v = match (num(c.currency), num(c.decimal)) {
        (Some(cur), Some(dec)) => formula(cur, dec),
        _ => Value::Null,
    };
    o.insert(c.formula.into(), v);
}

/// Record `i` of module `MODULES[m]`: every user field (system fields are the store's job).
pub fn record(layout: &Layout, m: usize, i: u64, users: &[Value]) -> Map<String, Value> {
    let p = Pick { module: m, i };
    let n = layout.n.max(1);
    let created = layout.created(m, i);
    let mut o = Map::new();
    o.insert("Owner".into(), owner(users, &p));
    let other = |salt: u64| p.u(salt) % n;
    let account_ref = |j: u64| json!({"name": account_name(j), "id": layout.id(0, j)});
    let contact_ref = |j: u64| (layout.id(1, j), contact_name(j));
    let module = MODULES[m];
    match module {
        "Accounts" => {
            let name = account_name(i);
            o.insert("Account_Name".into(), json!(name));
            o.insert("Account_Number".into(), json!(format!("ACC-{:06}", i + 1)));
            o.insert("Account_Site".into(), opt(&p, 7, 60, json!("Headquarters")));
            o.insert(
                "Account_Type".into(),
                p.option(8, "Accounts", "Account_Type"),
            );
            o.insert("Ownership".into(), p.option(9, "Accounts", "Ownership"));
            o.insert("Industry".into(), p.option(10, "Accounts", "Industry"));
            o.insert(
                "Rating".into(),
                opt(&p, 11, 70, p.option(12, module, "Rating")),
            );
            o.insert("Employees".into(), json!(p.range(13, 5, 50_000)));
            o.insert(
                "Annual_Revenue".into(),
                json!(p.money(14, 1_000, 9_000_000)),
            );
            o.insert("Phone".into(), json!(format!("+1 555 {:04}", i % 10_000)));
            o.insert(
                "Fax".into(),
                opt(&p, 15, 20, json!(format!("+1 555 9{:03}", i % 1_000))),
            );
            o.insert(
                "Website".into(),
                json!(format!("https://www.{}", domain(&name))),
            );
            o.insert(
                "Ticker_Symbol".into(),
                opt(&p, 16, 25, json!(format!("Z{}", p.range(17, 100, 999)))),
            );
            o.insert(
                "SIC_Code".into(),
                opt(&p, 18, 50, json!(p.range(19, 1_000, 9_999))),
            );
            let parent = (i > 0 && p.chance(20, 15)).then(|| account_ref(p.u(21) % i));
            o.insert("Parent_Account".into(), parent.unwrap_or(Value::Null));
            address(
                &p,
                &mut o,
                [
                    "Billing_Street",
                    "Billing_City",
                    "Billing_State",
                    "Billing_Code",
                    "Billing_Country",
                ],
            );
            address(
                &p,
                &mut o,
                [
                    "Shipping_Street",
                    "Shipping_City",
                    "Shipping_State",
                    "Shipping_Code",
                    "Shipping_Country",
                ],
            );
            o.insert(
                "Description".into(),
                opt(
                    &p,
                    22,
                    40,
                    json!(format!("Customer since {}.", &format_iso(created)[..4])),
                ),
            );
            custom(&mut o, module, &p, created, contact_ref(other(23)));
        }
        "Contacts" => {
            let (first, last) = person(m, i);
            let acct = other(24);
            let company = account_name(acct);
            o.insert("Salutation".into(), p.option(25, module, "Salutation"));
            o.insert("First_Name".into(), json!(first));
            o.insert("Last_Name".into(), json!(last));
            o.insert("Account_Name".into(), account_ref(acct));
            o.insert("Title".into(), json!(p.one(26, TITLES)));
            o.insert("Department".into(), opt(&p, 27, 50, json!("Sales")));
            contact_points(&mut o, &p, (first, last), i, 'c', &domain(&company), 28);
            o.insert("Home_Phone".into(), opt(&p, 30, 15, json!("+1 555 0199")));
            o.insert("Other_Phone".into(), Value::Null);
            o.insert("Fax".into(), Value::Null);
            o.insert("Assistant".into(), opt(&p, 31, 10, json!("Sam Rivera")));
            o.insert("Asst_Phone".into(), Value::Null);
            let dob = -3_600 * 24 * p.range(32, 0, 12_000) as i64 + 315_532_800;
            o.insert(
                "Date_of_Birth".into(),
                opt(&p, 33, 40, json!(format_iso(dob)[..10])),
            );
            let boss = (i > 0 && p.chance(34, 20)).then(|| {
                let (id, name) = contact_ref(p.u(35) % i);
                json!({"name": name, "id": id})
            });
            o.insert("Reporting_To".into(), boss.unwrap_or(Value::Null));
            o.insert("Lead_Source".into(), p.option(36, module, "Lead_Source"));
            o.insert("Email_Opt_Out".into(), json!(p.chance(37, 10)));
            o.insert(
                "Skype_ID".into(),
                opt(
                    &p,
                    38,
                    30,
                    json!(format!(
                        "{}.{}{}",
                        first.to_lowercase(),
                        last.to_lowercase(),
                        i + 1
                    )),
                ),
            );
            o.insert(
                "Twitter".into(),
                opt(
                    &p,
                    39,
                    25,
                    json!(format!("{}{}", first.to_lowercase(), i + 1)),
                ),
            );
            address(
                &p,
                &mut o,
                [
                    "Mailing_Street",
                    "Mailing_City",
                    "Mailing_State",
                    "Mailing_Zip",
                    "Mailing_Country",
                ],
            );
            o.insert(
                "Description".into(),
                opt(&p, 47, 30, json!("Met at a trade show.")),
            );
            let partner = other(48);
            custom(
                &mut o,
                module,
                &p,
                created,
                (layout.id(0, partner), account_name(partner)),
            );
        }
        "Leads" => {
            let (first, last) = person(m, i);
            let company = format!("{} {}", p.one(7, COMPANY_A), p.one(8, COMPANY_B));
            o.insert(
                "Salutation".into(),
                opt(&p, 9, 70, p.option(10, module, "Salutation")),
            );
            o.insert("First_Name".into(), json!(first));
            o.insert("Last_Name".into(), json!(last));
            o.insert("Company".into(), json!(company));
            o.insert("Designation".into(), json!(p.one(11, TITLES)));
            contact_points(&mut o, &p, (first, last), i, 'l', &domain(&company), 12);
            o.insert("Fax".into(), opt(&p, 14, 10, json!("+1 555 0150")));
            o.insert(
                "Website".into(),
                opt(&p, 15, 60, json!(format!("https://{}", domain(&company)))),
            );
            o.insert("Lead_Source".into(), p.option(16, module, "Lead_Source"));
            o.insert("Lead_Status".into(), p.option(17, module, "Lead_Status"));
            o.insert(
                "Industry".into(),
                opt(&p, 18, 80, p.option(19, module, "Industry")),
            );
            o.insert("No_of_Employees".into(), json!(p.range(20, 1, 20_000)));
            o.insert(
                "Annual_Revenue".into(),
                opt(&p, 21, 70, json!(p.money(22, 500, 5_000_000))),
            );
            o.insert(
                "Rating".into(),
                opt(&p, 23, 50, p.option(24, module, "Rating")),
            );
            o.insert("Email_Opt_Out".into(), json!(p.chance(25, 8)));
            o.insert(
                "Skype_ID".into(),
                opt(
                    &p,
                    26,
                    30,
                    json!(format!("{}.{}", first.to_lowercase(), i + 1)),
                ),
            );
            o.insert(
                "Twitter".into(),
                opt(
                    &p,
                    27,
                    25,
                    json!(format!("{}_{}", last.to_lowercase(), i + 1)),
                ),
            );
            address(
                &p,
                &mut o,
                ["Street", "City", "State", "Zip_Code", "Country"],
            );
            o.insert(
                "Description".into(),
                opt(&p, 28, 35, json!("Asked for a demo after the webinar.")),
            );
            custom(&mut o, module, &p, created, contact_ref(other(29)));
        }
        _ => {
            let acct = other(7);
            let kind = p.one(
                8,
                &["renewal", "expansion", "pilot", "migration", "new licences"],
            );
            o.insert(
                "Deal_Name".into(),
                json!(format!("{} - {kind} #{}", account_name(acct), i + 1)),
            );
            o.insert("Account_Name".into(), account_ref(acct));
            let (cid, cname) = contact_ref(other(9));
            o.insert("Contact_Name".into(), json!({"name": cname, "id": cid}));
            let stage = p.option(10, module, "Stage");
            let probability = match stage.as_str() {
                Some("Closed Won") => 100,
                Some("Closed Lost") => 0,
                _ => p.range(11, 1, 9) * 10,
            };
            let amount = p.money(12, 10, 50_000);
            o.insert("Stage".into(), stage);
            o.insert("Probability".into(), json!(probability));
            o.insert("Amount".into(), json!(amount));
            o.insert(
                "Expected_Revenue".into(),
                json!(amount * probability as f64 / 100.0),
            );
            let close = created + p.range(13, 7, 180) as i64 * 86_400;
            o.insert("Closing_Date".into(), json!(format_iso(close)[..10]));
            o.insert("Type".into(), p.option(14, module, "Type"));
            o.insert(
                "Next_Step".into(),
                opt(&p, 15, 50, json!("Send the proposal")),
            );
            o.insert("Lead_Source".into(), p.option(16, module, "Lead_Source"));
            o.insert(
                "Description".into(),
                opt(&p, 17, 30, json!("Budget approved for this quarter.")),
            );
            let lead = other(18);
            custom(
                &mut o,
                module,
                &p,
                created,
                (layout.id(2, lead), lead_name(lead)),
            );
        }
    }
    o
}

fn custom(
    o: &mut Map<String, Value>,
    module: &str,
    p: &Pick,
    created: i64,
    lookup: (String, String),
) {
    if let Some(c) = custom_set(module) {
        custom_values(&c, module, p, o, created, lookup);
    }
}

/// `Modified_Time` of record `i` of `MODULES[m]`: created plus up to 45 days.
pub fn modified(layout: &Layout, m: usize, i: u64) -> i64 {
    let p = Pick { module: m, i };
    layout.created(m, i) + p.range(50, 0, 45 * 86_400) as i64
}
