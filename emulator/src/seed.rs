//! The account every emulator starts with: one org, seven users (active, disabled, deleted,
//! unconfirmed), six modules, a few records and the org settings (profiles, roles, variables,
//! taxes, tags).
//! Values look like real Zoho data so clients exercise their decoders on realistic shapes.

use crate::fields::{field as f, required as mandatory};
use crate::time::{format_iso, parse_iso};
use serde_json::{json, Value};

/// The numeric prefix shared by every id in this account (Zoho ids share the org's prefix).
pub const ID_PREFIX: &str = "4150868";

/// The first counter value for ids the emulator hands out.
pub const FIRST_COUNTER: u64 = 224_001;

/// Builds an id from a counter value: 19 digits, like Zoho's.
pub fn make_id(n: u64) -> String {
    format!("{ID_PREFIX}{n:012}")
}

/// A module field the emulator knows the type and rules of.
#[derive(Debug, Clone)]
pub struct FieldMeta {
    /// API name.
    pub api_name: &'static str,
    /// Zoho data type (`text`, `email`, `integer` ...).
    pub data_type: &'static str,
    /// Required on create.
    pub mandatory: bool,
    /// No two records may share a value.
    pub unique: bool,
    /// Added by the org rather than shipped by Zoho (`custom_field` in field metadata).
    pub custom: bool,
    /// The module a `lookup` field points to.
    pub lookup: Option<&'static str>,
    /// A `formula` field's `return_type` (Zoho computes it; writes cannot set it).
    pub formula: Option<&'static str>,
}

impl FieldMeta {
    /// This field as an org-added (custom) one.
    pub const fn custom(self) -> Self {
        FieldMeta {
            custom: true,
            ..self
        }
    }

    /// This `lookup` field pointing at `module`.
    pub const fn to(self, module: &'static str) -> Self {
        FieldMeta {
            lookup: Some(module),
            ..self
        }
    }

    /// Whether writes may set it: formula values are computed by Zoho.
    pub const fn writable(&self) -> bool {
        self.formula.is_none()
    }
}

/// A module: its metadata as `GET /settings/modules` shows it, plus the rules record writes need.
#[derive(Debug, Clone)]
pub struct ModuleDef {
    /// API name (`Leads`).
    pub api_name: String,
    /// The metadata object.
    pub meta: Value,
    /// Typed fields.
    pub fields: Vec<FieldMeta>,
    /// Default duplicate-check fields for upsert.
    pub duplicate_check: Vec<&'static str>,
}

impl ModuleDef {
    /// The field named `api_name`, if typed.
    pub fn field(&self, api_name: &str) -> Option<&FieldMeta> {
        self.fields.iter().find(|f| f.api_name == api_name)
    }
}

/// When the seed account was "set up"; seed records were modified between this and a week later.
pub fn seed_epoch() -> i64 {
    parse_iso("2025-06-02T09:00:00+00:00").unwrap_or(0)
}

/// The organization.
pub fn org() -> Value {
    json!({
        "id": "4150868000000000049",
        "company_name": "Zylker Emulated",
        "alias": "zylker",
        "primary_email": "ada@zylker.test",
        "primary_zuid": "700000001",
        "zgid": "700000100",
        "domain_name": "org700000100",
        "phone": "+1 555 0100",
        "mobile": null,
        "fax": null,
        "website": "https://zylker.test",
        "employee_count": "25",
        "description": "An organization served by zohocrm-emulator.",
        "time_zone": "GMT",
        "iso_code": "USD",
        "currency_locale": "en_US",
        "currency_symbol": "$",
        "currency": "US Dollar - USD",
        "street": "4141 Hacienda Drive",
        "city": "Pleasanton",
        "state": "California",
        "country": "United States",
        "country_code": "US",
        "zip": "94588",
        "mc_status": false,
        "gapps_enabled": false,
        "translation_enabled": false,
        "privacy_settings": false,
        "hipaa_compliance_enabled": false,
        "photo_id": null,
        "license_details": {
            "paid": true,
            "paid_type": "enterprise",
            "paid_expiry": null,
            "trial_type": null,
            "trial_expiry": null,
            "users_license_purchased": 10
        }
    })
}

/// The seed users: (email, first, last, role, profile, zuid).
pub const USERS: &[(&str, &str, &str, &str, &str)] = &[
    ("ada@zylker.test", "Ada", "Lovelace", "CEO", "Administrator"),
    ("ben@zylker.test", "Ben", "Okafor", "Manager", "Standard"),
    ("cy@zylker.test", "Cy", "Tanaka", "Sales Rep", "Standard"),
];

/// The id of the role or profile named `name`.
pub fn role_or_profile_id(name: &str) -> &'static str {
    match name {
        "CEO" => "4150868000000026005",
        "Manager" => "4150868000000026008",
        "Sales Rep" => "4150868000000026011",
        "Administrator" => "4150868000000026014",
        "Read Only" => "4150868000000026020",
        _ => "4150868000000026017",
    }
}

/// A user object as `GET /users` returns it. `n` numbers users from 0.
pub fn user(n: u64, email: &str, first: &str, last: &str, role: &str, profile: &str) -> Value {
    let t = format_iso(seed_epoch());
    let admin = json!({"name": "Ada Lovelace", "id": make_id(100_001)});
    json!({
        "id": make_id(100_001 + n),
        "email": email,
        "first_name": first,
        "last_name": last,
        "full_name": format!("{first} {last}").trim(),
        "name": format!("{first} {last}").trim(),
        "alias": null,
        "status": "active",
        "confirm": true,
        "zuid": (700_000_001 + n).to_string(),
        "role": {"name": role, "id": role_or_profile_id(role)},
        "profile": {"name": profile, "id": role_or_profile_id(profile)},
        "phone": null,
        "mobile": null,
        "website": null,
        "fax": null,
        "dob": null,
        "street": null,
        "city": null,
        "state": null,
        "country": "US",
        "zip": null,
        "language": "en_US",
        "locale": "en_US",
        "country_locale": "US",
        "time_zone": "GMT",
        "time_format": "hh:mm a",
        "date_format": "MM/dd/yyyy",
        "decimal_separator": "Period",
        "name_format": "Salutation,First Name,Last Name",
        "signature": null,
        "personal_account": false,
        "default_tab_group": "0",
        "offset": 0,
        "Isonline": false,
        "created_time": t,
        "Modified_Time": t,
        "created_by": admin,
        "Modified_By": admin,
        "Reporting_To": null,
        "territories": []
    })
}

/// The modules of the account.
pub fn modules() -> Vec<ModuleDef> {
    type Def = (
        &'static str,
        &'static str,
        &'static str,
        bool,
        Vec<FieldMeta>,
        Vec<&'static str>,
    );
    let defs: Vec<Def> = vec![
        (
            "Leads",
            "Lead",
            "Leads",
            true,
            crate::fields::leads(),
            vec!["Email"],
        ),
        (
            "Contacts",
            "Contact",
            "Contacts",
            false,
            crate::fields::contacts(),
            vec!["Email"],
        ),
        (
            "Accounts",
            "Account",
            "Accounts",
            false,
            crate::fields::accounts(),
            vec!["Account_Name"],
        ),
        (
            "Deals",
            "Deal",
            "Deals",
            false,
            crate::fields::deals(),
            vec!["Deal_Name"],
        ),
        (
            "Products",
            "Product",
            "Products",
            false,
            vec![
                mandatory("Product_Name", "text"),
                f("Product_Code", "text"),
                f("Unit_Price", "currency"),
                f("Product_Active", "boolean"),
                f("Qty_in_Stock", "double"),
                f("Vendor_Name", "lookup"),
            ],
            vec!["Product_Name"],
        ),
        (
            "Notes",
            "Note",
            "Notes",
            false,
            vec![
                mandatory("Note_Content", "textarea"),
                f("Note_Title", "text"),
                f("Parent_Id", "lookup"),
                f("se_module", "text"),
            ],
            vec![],
        ),
        (
            "Vendors",
            "Vendor",
            "Vendors",
            false,
            vec![
                mandatory("Vendor_Name", "text"),
                f("Email", "email"),
                f("Phone", "phone"),
                f("Website", "website"),
            ],
            vec!["Vendor_Name"],
        ),
        (
            "Price_Books",
            "Price Book",
            "Price Books",
            false,
            vec![
                mandatory("Price_Book_Name", "text"),
                f("Active", "boolean"),
                f("Pricing_Model", "picklist"),
                f("Description", "textarea"),
            ],
            vec!["Price_Book_Name"],
        ),
        inventory(
            "Quotes",
            "Quote",
            "Quotes",
            &[
                f("Quote_Stage", "picklist"),
                f("Valid_Till", "date"),
                f("Deal_Name", "lookup"),
            ],
        ),
        inventory(
            "Sales_Orders",
            "Sales Order",
            "Sales Orders",
            &[f("Status", "picklist"), f("Due_Date", "date")],
        ),
        inventory(
            "Purchase_Orders",
            "Purchase Order",
            "Purchase Orders",
            &[
                f("Status", "picklist"),
                f("PO_Date", "date"),
                f("Vendor_Name", "lookup"),
            ],
        ),
        inventory(
            "Invoices",
            "Invoice",
            "Invoices",
            &[
                f("Status", "picklist"),
                f("Invoice_Date", "date"),
                f("Due_Date", "date"),
            ],
        ),
        (
            "Events",
            "Meeting",
            "Meetings",
            false,
            vec![
                mandatory("Event_Title", "text"),
                mandatory("Start_DateTime", "datetime"),
                mandatory("End_DateTime", "datetime"),
                f("Venue", "text"),
                f("All_day", "boolean"),
                f("What_Id", "lookup"),
            ],
            vec![],
        ),
    ];
    let t = format_iso(seed_epoch());
    defs.into_iter()
        .enumerate()
        .map(|(i, (api, singular, plural, convertable, fields, dup))| {
            let meta = json!({
                "id": make_id(2_175 + i as u64),
                "api_name": api,
                "module_name": api,
                "singular_label": singular,
                "plural_label": plural,
                "generated_type": "default",
                "api_supported": true,
                "creatable": true,
                "editable": true,
                "deletable": true,
                "viewable": true,
                "convertable": convertable,
                "global_search_supported": api != "Notes",
                "scoring_supported": matches!(api, "Leads" | "Contacts" | "Accounts" | "Deals"),
                "visibility": 1,
                "sequence_number": i + 2,
                "per_page": 10,
                "business_card_field_limit": 5,
                "web_link": null,
                "modified_time": t,
                "modified_by": {"name": "Ada Lovelace", "id": make_id(100_001)},
                "profiles": [
                    {"name": "Administrator", "id": role_or_profile_id("Administrator")},
                    {"name": "Standard", "id": role_or_profile_id("Standard")}
                ],
                "parent_module": {}
            });
            ModuleDef {
                api_name: api.to_owned(),
                meta,
                fields,
                duplicate_check: dup,
            }
        })
        .collect()
}

// An inventory module (line items in `Product_Details`): its own fields plus the amounts Zoho
// computes from the lines.
fn inventory(
    api: &'static str,
    singular: &'static str,
    plural: &'static str,
    own: &[FieldMeta],
) -> (
    &'static str,
    &'static str,
    &'static str,
    bool,
    Vec<FieldMeta>,
    Vec<&'static str>,
) {
    let mut fields = vec![mandatory("Subject", "text")];
    fields.extend_from_slice(own);
    fields.extend([
        f("Account_Name", "lookup"),
        f("Contact_Name", "lookup"),
        f("Sub_Total", "currency"),
        f("Discount", "currency"),
        f("Adjustment", "currency"),
        f("Grand_Total", "currency"),
    ]);
    (api, singular, plural, false, fields, vec!["Subject"])
}

/// Seed records per module (user-settable fields only; the store adds system fields).
pub fn records() -> Vec<(&'static str, Value)> {
    vec![
        (
            "Leads",
            json!({"First_Name": "Grace", "Last_Name": "Hopper", "Email": "grace@navy.example", "Company": "Navy Labs", "Phone": "+1 555 0101", "Lead_Source": "Web Download", "Lead_Status": "Contacted", "No_of_Employees": 120, "Annual_Revenue": 1_200_000.0}),
        ),
        (
            "Leads",
            json!({"First_Name": "Alan", "Last_Name": "Turing", "Email": "alan@bletchley.example", "Company": "Bletchley Park", "Phone": "+44 20 7946 0102", "Lead_Source": "Trade Show", "Lead_Status": "Not Contacted", "No_of_Employees": 40, "Annual_Revenue": 300_000.0}),
        ),
        (
            "Leads",
            json!({"First_Name": "Katherine", "Last_Name": "Johnson", "Email": "katherine@nasa.example", "Company": "Zylker Aero", "Phone": "+1 555 0103", "Lead_Source": "Cold Call", "Lead_Status": "Attempted to Contact", "No_of_Employees": 900, "Annual_Revenue": 5_000_000.0}),
        ),
        (
            "Leads",
            json!({"First_Name": "Monty", "Last_Name": "Burns", "Email": "monty@plant.example", "Company": "Springfield Power", "Phone": "+1 555 0104", "Lead_Source": "Advertisement", "Lead_Status": "Junk Lead", "No_of_Employees": 2_000, "Annual_Revenue": 9_000_000.0}),
        ),
        (
            "Leads",
            json!({"First_Name": "Linus", "Last_Name": "Torvalds", "Email": "linus@kernel.example", "Company": "Zylker Kernel", "Phone": "+358 9 0105", "Lead_Source": "Web Download", "Lead_Status": "Contacted", "No_of_Employees": 12, "Annual_Revenue": 80_000.0}),
        ),
        (
            "Accounts",
            json!({"Account_Name": "Zylker Aero", "Phone": "+1 555 0200", "Website": "https://aero.zylker.test", "Industry": "Aerospace", "Employees": 900}),
        ),
        (
            "Accounts",
            json!({"Account_Name": "Springfield Power", "Phone": "+1 555 0201", "Website": "https://power.example", "Industry": "Energy", "Employees": 2_000}),
        ),
        (
            "Accounts",
            json!({"Account_Name": "Bletchley Park", "Phone": "+44 20 7946 0202", "Industry": "Government", "Employees": 40}),
        ),
        (
            "Contacts",
            json!({"First_Name": "Mary", "Last_Name": "Jackson", "Email": "mary@aero.zylker.test", "Phone": "+1 555 0301", "Date_of_Birth": "1921-04-09"}),
        ),
        (
            "Contacts",
            json!({"First_Name": "Waylon", "Last_Name": "Smithers", "Email": "waylon@power.example", "Phone": "+1 555 0302"}),
        ),
        (
            "Contacts",
            json!({"First_Name": "Joan", "Last_Name": "Clarke", "Email": "joan@bletchley.example", "Phone": "+44 20 7946 0303"}),
        ),
        (
            "Deals",
            json!({"Deal_Name": "Zylker Aero renewal", "Stage": "Negotiation/Review", "Amount": 48_000.0, "Closing_Date": "2025-09-30", "Probability": 80}),
        ),
        (
            "Products",
            json!({"Product_Name": "Emulated Widget", "Product_Code": "EW-1", "Unit_Price": 19.5, "Product_Active": true, "Qty_in_Stock": 250.0}),
        ),
    ]
}

/// Seed users beyond [`USERS`], so every `type` of `GET /users` lists a different set:
/// (email, first, last, role, profile, status, confirmed).
pub const MORE_USERS: &[(&str, &str, &str, &str, &str, &str, bool)] = &[
    (
        "dee@zylker.test",
        "Dee",
        "Mensah",
        "Manager",
        "Administrator",
        "active",
        false,
    ),
    (
        "eli@zylker.test",
        "Eli",
        "Novak",
        "Sales Rep",
        "Standard",
        "disabled",
        true,
    ),
    (
        "fay@zylker.test",
        "Fay",
        "Ortiz",
        "Sales Rep",
        "Read Only",
        "active",
        false,
    ),
    (
        "gus@zylker.test",
        "Gus",
        "Petrov",
        "Sales Rep",
        "Standard",
        "deleted",
        true,
    ),
];

/// The [`MORE_USERS`], numbered after the first `first_n` users.
pub fn more_users(first_n: usize) -> Vec<Value> {
    MORE_USERS
        .iter()
        .enumerate()
        .map(
            |(i, (email, first, last, role, profile, status, confirm))| {
                let mut u = user((first_n + i) as u64, email, first, last, role, profile);
                if let Some(o) = u.as_object_mut() {
                    o.insert("status".into(), json!(status));
                    o.insert("confirm".into(), json!(confirm));
                }
                u
            },
        )
        .collect()
}

// The seeded admin, as settings objects name who created or changed them.
fn admin_ref() -> Value {
    json!({"name": "Ada Lovelace", "id": make_id(100_001)})
}

/// Permissions every profile lists, granted or not: (module, action, name of an org-wide one).
fn permission_catalog() -> Vec<(Option<&'static str>, &'static str, &'static str)> {
    let mut out = Vec::new();
    for m in [
        "Leads", "Contacts", "Accounts", "Deals", "Products", "Notes",
    ] {
        for action in ["View", "Create", "Edit", "Delete"] {
            out.push((Some(m), action, ""));
        }
    }
    out.push((None, "Export", "Crm_Implied_Export"));
    out.push((None, "Manage Users", "Crm_Implied_Manage_Users"));
    out
}

/// The profiles: Administrator (everything), Standard (no deletes, no user admin) and Read Only
/// (views only).
pub fn profiles() -> Vec<Value> {
    let t = format_iso(seed_epoch());
    let catalog = permission_catalog();
    let perm_id = |i: usize| make_id(26_100 + i as u64);
    let build = |name: &str, description: &str, default: bool, grants: &dyn Fn(&str) -> bool| {
        let details: Vec<Value> = catalog
            .iter()
            .enumerate()
            .map(|(i, (module, action, fixed))| {
                let api = match module {
                    Some(m) => format!("Crm_Implied_{}_{m}", action.replace(' ', "_")),
                    None => (*fixed).to_owned(),
                };
                json!({
                    "id": perm_id(i),
                    "name": api,
                    "display_label": action,
                    "module": module,
                    "enabled": grants(action),
                })
            })
            .collect();
        let mut module_categories: Vec<Value> = Vec::new();
        for (i, (module, _, _)) in catalog.iter().enumerate() {
            let Some(m) = module else { continue };
            match module_categories
                .iter_mut()
                .find(|c| c["module"] == json!(m))
            {
                Some(c) => {
                    if let Some(ids) = c["permissions_details"].as_array_mut() {
                        ids.push(json!(perm_id(i)));
                    }
                }
                None => module_categories.push(json!({
                    "name": m,
                    "display_label": m,
                    "module": m,
                    "permissions_details": [perm_id(i)],
                })),
            }
        }
        let general_at = |label: &str| {
            catalog
                .iter()
                .position(|(m, a, _)| m.is_none() && *a == label)
                .map(perm_id)
        };
        let system = name != "Read Only";
        json!({
            "id": role_or_profile_id(name),
            "name": name,
            "display_label": name,
            "description": description,
            "category": false,
            "default": default,
            "created_time": if system { Value::Null } else { json!(t) },
            "modified_time": t,
            "created_by": if system { Value::Null } else { admin_ref() },
            "modified_by": admin_ref(),
            "permissions_details": details,
            "sections": [
                {"name": "template", "categories": module_categories},
                {"name": "general", "categories": [
                    {"name": "data_admin", "display_label": "Data Administration", "permissions_details": [general_at("Export")]},
                    {"name": "user_admin", "display_label": "Manage Users", "permissions_details": [general_at("Manage Users")]}
                ]}
            ]
        })
    };
    vec![
        build(
            "Administrator",
            "This profile will have all the permissions.",
            false,
            &|_| true,
        ),
        build(
            "Standard",
            "This profile will have all the permissions except administrative privileges.",
            true,
            &|a| a != "Delete" && a != "Manage Users",
        ),
        build(
            "Read Only",
            "Can see records but not change them.",
            false,
            &|a| a == "View",
        ),
    ]
}

/// The role hierarchy: CEO, then Manager, then Sales Rep.
pub fn roles() -> Vec<Value> {
    let role = |name: &str, label: &str, description: &str, admin: bool, above: Option<&str>| {
        json!({
            "id": role_or_profile_id(name),
            "name": name,
            "display_label": label,
            "description": description,
            "admin_user": admin,
            "share_with_peers": true,
            "reporting_to": above.map(|a| json!({"name": a, "id": role_or_profile_id(a)})),
            "forecast_manager": null,
        })
    };
    vec![
        role(
            "CEO",
            "CEO",
            "Users with this role have access to the data owned by all other users.",
            true,
            None,
        ),
        role(
            "Manager",
            "Manager",
            "Users in this role cannot see data of admin users.",
            false,
            Some("CEO"),
        ),
        role("Sales Rep", "Sales Rep", "Sells.", false, Some("Manager")),
    ]
}

/// Variable groups: Zoho's default `General`, and one more.
pub fn variable_groups() -> Vec<Value> {
    vec![
        json!({"id": make_id(27_001), "name": "General", "api_name": "General", "display_label": "General", "description": "The default group."}),
        json!({"id": make_id(27_002), "name": "Sales Targets", "api_name": "Sales_Targets", "display_label": "Sales Targets", "description": "Quarterly numbers."}),
    ]
}

/// Seed variables, one of them in `General`.
pub fn variables() -> Vec<Value> {
    let group = |n: u64, api: &str| json!({"api_name": api, "id": make_id(n)});
    vec![
        json!({"id": make_id(27_101), "name": "Support Email", "api_name": "Support_Email", "type": "email", "value": "support@zylker.test", "description": "Where customers write.", "variable_group": group(27_001, "General")}),
        json!({"id": make_id(27_102), "name": "Quarter Target", "api_name": "Quarter_Target", "type": "currency", "value": 250_000.0, "description": null, "variable_group": group(27_002, "Sales_Targets")}),
        json!({"id": make_id(27_103), "name": "Discount Cap", "api_name": "Discount_Cap", "type": "percent", "value": 15, "description": "Largest discount without approval.", "variable_group": group(27_002, "Sales_Targets")}),
    ]
}

/// Org taxes, in `sequence_number` order.
pub fn taxes() -> Vec<Value> {
    [("Sales Tax", 8.25), ("VAT", 12.5), ("GST", 5.0)]
        .iter()
        .enumerate()
        .map(|(i, (name, value))| {
            json!({
                "id": make_id(28_001 + i as u64),
                "name": name,
                "display_label": format!("{name} - {value} %"),
                "value": value,
                "sequence_number": i + 1,
            })
        })
        .collect()
}

/// Seed tags (id counter, module, name); [`crate::tags::tag_seed_records`] puts some on records.
pub const TAGS: &[(u64, &str, &str)] = &[
    (29_001, "Leads", "Hot"),
    (29_002, "Leads", "Conference"),
    (29_003, "Leads", "Newsletter"),
    (29_004, "Contacts", "VIP"),
];

/// The seed tags, each with the internal `$module` key.
pub fn tags() -> Vec<Value> {
    let t = format_iso(seed_epoch());
    TAGS.iter()
        .map(|(n, module, name)| {
            json!({
                "id": make_id(*n),
                "name": name,
                "created_time": t,
                "modified_time": t,
                "created_by": admin_ref(),
                "modified_by": admin_ref(),
                "$module": module,
            })
        })
        .collect()
}

/// Picklist options of a module field (empty for non-picklists): what field metadata lists.
pub fn pick_list(module: &str, field: &str) -> &'static [&'static str] {
    match (module, field) {
        ("Leads", "Lead_Source") => &[
            "-None-",
            "Advertisement",
            "Cold Call",
            "Employee Referral",
            "External Referral",
            "Online Store",
            "Partner",
            "Public Relations",
            "Seminar Partner",
            "Trade Show",
            "Web Download",
            "Web Research",
            "Chat",
        ],
        ("Leads", "Lead_Status") => &[
            "-None-",
            "Attempted to Contact",
            "Contact in Future",
            "Contacted",
            "Junk Lead",
            "Lost Lead",
            "Not Contacted",
            "Pre-Qualified",
            "Not Qualified",
        ],
        ("Accounts", "Industry") => &[
            "-None-",
            "Aerospace",
            "Energy",
            "Government",
            "Technology",
            "Manufacturing",
        ],
        ("Deals", "Stage") => &[
            "Qualification",
            "Needs Analysis",
            "Value Proposition",
            "Id. Decision Makers",
            "Proposal/Price Quote",
            "Negotiation/Review",
            "Closed Won",
            "Closed Lost",
        ],
        _ => crate::fields::pick_list(module, field),
    }
}
