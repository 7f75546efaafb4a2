//! The fields of the four core modules (Leads, Contacts, Accounts, Deals) as a real Zoho org has
//! them: Zoho's standard fields, then one custom field of every kind an admin can add
//! (multi-select picklist, date, datetime, decimal, currency, lookup, boolean, long integer,
//! formula). Record validation, field metadata and generated records all read these lists, so
//! what `GET /settings/fields` says is what records carry.
//!
//! Sources: the standard Leads fields and their data types are those of the genuine field list
//! in `fixtures/zoho-v2/fields/GET_settings_fields_Leads.doc-schmorrison.response.json` and the
//! live record `fixtures/zoho-v2/records/GET_Leads_list.nango.response.json`; Contacts,
//! Accounts and Deals keys are those of `records/GET_{Contacts,Accounts,Deals}_id.*.json`. The
//! data types (`bigint` for long integer, `double` for decimal, `formula` with
//! `formula.return_type`) are the ones listed in zoho-api-v2.md §5 "Settings and metadata".

use crate::seed::FieldMeta;

pub(crate) const fn field(api_name: &'static str, data_type: &'static str) -> FieldMeta {
    FieldMeta {
        api_name,
        data_type,
        mandatory: false,
        unique: false,
        custom: false,
        lookup: None,
        formula: None,
    }
}

pub(crate) const fn required(api_name: &'static str, data_type: &'static str) -> FieldMeta {
    FieldMeta {
        mandatory: true,
        ..field(api_name, data_type)
    }
}

const fn unique(api_name: &'static str, data_type: &'static str) -> FieldMeta {
    FieldMeta {
        unique: true,
        ..field(api_name, data_type)
    }
}

/// The custom fields of one module, one per kind, named as an admin of that module would.
#[derive(Debug, Clone, Copy)]
pub struct CustomSet {
    /// Multi-select picklist.
    pub multi: &'static str,
    /// Date.
    pub date: &'static str,
    /// Date and time.
    pub datetime: &'static str,
    /// Decimal (`double`), 0 to 100.
    pub decimal: &'static str,
    /// Currency.
    pub currency: &'static str,
    /// Lookup, and the module it points to.
    pub lookup: (&'static str, &'static str),
    /// Checkbox (`boolean`).
    pub boolean: &'static str,
    /// Long integer (`bigint`).
    pub long: &'static str,
    /// Formula returning a decimal: `currency * decimal / 100`, rounded to 2 places.
    pub formula: &'static str,
}

/// The custom fields of `module` (one of the four core modules).
pub fn custom_set(module: &str) -> Option<CustomSet> {
    Some(match module {
        "Leads" => CustomSet {
            multi: "Product_Interests",
            date: "Next_Follow_Up",
            datetime: "Last_Demo_At",
            decimal: "Engagement_Score",
            currency: "Expected_Budget",
            lookup: ("Referred_By", "Contacts"),
            boolean: "Newsletter_Opt_In",
            long: "External_Ref",
            formula: "Weighted_Budget",
        },
        "Contacts" => CustomSet {
            multi: "Preferred_Channels",
            date: "Last_Meeting",
            datetime: "Last_Login_At",
            decimal: "Satisfaction_Score",
            currency: "Lifetime_Value",
            lookup: ("Partner_Account", "Accounts"),
            boolean: "Is_VIP",
            long: "Loyalty_Number",
            formula: "Expected_Value",
        },
        "Accounts" => CustomSet {
            multi: "Regions_Served",
            date: "Contract_Renewal",
            datetime: "Last_Audit_At",
            decimal: "Health_Score",
            currency: "Credit_Limit",
            lookup: ("Primary_Contact", "Contacts"),
            boolean: "Key_Account",
            long: "DUNS_Number",
            formula: "Credit_At_Risk",
        },
        "Deals" => CustomSet {
            multi: "Competitors",
            date: "Kickoff_Date",
            datetime: "Last_Negotiation_At",
            decimal: "Discount_Percent",
            currency: "Implementation_Fee",
            lookup: ("Referral_Lead", "Leads"),
            boolean: "Multi_Year",
            long: "Opportunity_Number",
            formula: "Fee_Discount",
        },
        _ => return None,
    })
}

impl CustomSet {
    /// The custom fields as metadata, in the order an admin added them.
    pub fn fields(&self) -> Vec<FieldMeta> {
        vec![
            field(self.multi, "multiselectpicklist").custom(),
            field(self.date, "date").custom(),
            field(self.datetime, "datetime").custom(),
            field(self.decimal, "double").custom(),
            field(self.currency, "currency").custom(),
            field(self.lookup.0, "lookup").custom().to(self.lookup.1),
            field(self.boolean, "boolean").custom(),
            field(self.long, "bigint").custom(),
            FieldMeta {
                formula: Some("double"),
                ..field(self.formula, "formula").custom()
            },
        ]
    }

    /// The formula's expression, in Zoho's formula syntax.
    pub fn expression(&self) -> String {
        format!("(${{{}}} * ${{{}}}) / 100", self.currency, self.decimal)
    }
}

fn with_custom(module: &str, mut standard: Vec<FieldMeta>) -> Vec<FieldMeta> {
    if let Some(c) = custom_set(module) {
        standard.extend(c.fields());
    }
    standard
}

/// Leads: the fields of a Zoho Leads layout, then the custom ones.
pub fn leads() -> Vec<FieldMeta> {
    with_custom(
        "Leads",
        vec![
            required("Last_Name", "text"),
            field("First_Name", "text"),
            unique("Email", "email"),
            field("Company", "text"),
            field("Phone", "phone"),
            field("Mobile", "phone"),
            field("Lead_Source", "picklist"),
            field("Lead_Status", "picklist"),
            field("Annual_Revenue", "currency"),
            field("No_of_Employees", "integer"),
            field("Email_Opt_Out", "boolean"),
            field("Website", "website"),
            field("Salutation", "picklist"),
            field("Full_Name", "text"),
            field("Designation", "text"),
            field("Fax", "text"),
            field("Industry", "picklist"),
            field("Rating", "picklist"),
            field("Skype_ID", "text"),
            field("Secondary_Email", "email"),
            field("Twitter", "text"),
            field("Street", "text"),
            field("City", "text"),
            field("State", "text"),
            field("Zip_Code", "text"),
            field("Country", "text"),
            field("Description", "textarea"),
        ],
    )
}

/// Contacts.
pub fn contacts() -> Vec<FieldMeta> {
    with_custom(
        "Contacts",
        vec![
            required("Last_Name", "text"),
            field("First_Name", "text"),
            unique("Email", "email"),
            field("Phone", "phone"),
            field("Mobile", "phone"),
            field("Account_Name", "lookup").to("Accounts"),
            field("Date_of_Birth", "date"),
            field("Email_Opt_Out", "boolean"),
            field("Salutation", "picklist"),
            field("Full_Name", "text"),
            field("Title", "text"),
            field("Department", "text"),
            field("Secondary_Email", "email"),
            field("Home_Phone", "phone"),
            field("Other_Phone", "phone"),
            field("Fax", "text"),
            field("Assistant", "text"),
            field("Asst_Phone", "phone"),
            field("Reporting_To", "lookup").to("Contacts"),
            field("Lead_Source", "picklist"),
            field("Skype_ID", "text"),
            field("Twitter", "text"),
            field("Mailing_Street", "text"),
            field("Mailing_City", "text"),
            field("Mailing_State", "text"),
            field("Mailing_Zip", "text"),
            field("Mailing_Country", "text"),
            field("Description", "textarea"),
        ],
    )
}

/// Accounts.
pub fn accounts() -> Vec<FieldMeta> {
    with_custom(
        "Accounts",
        vec![
            required("Account_Name", "text"),
            field("Phone", "phone"),
            field("Website", "website"),
            field("Industry", "picklist"),
            field("Employees", "integer"),
            field("Annual_Revenue", "currency"),
            field("Account_Number", "text"),
            field("Account_Site", "text"),
            field("Account_Type", "picklist"),
            field("Ownership", "picklist"),
            field("Rating", "picklist"),
            field("Fax", "text"),
            field("Ticker_Symbol", "text"),
            field("SIC_Code", "integer"),
            field("Parent_Account", "lookup").to("Accounts"),
            field("Billing_Street", "text"),
            field("Billing_City", "text"),
            field("Billing_State", "text"),
            field("Billing_Code", "text"),
            field("Billing_Country", "text"),
            field("Shipping_Street", "text"),
            field("Shipping_City", "text"),
            field("Shipping_State", "text"),
            field("Shipping_Code", "text"),
            field("Shipping_Country", "text"),
            field("Description", "textarea"),
        ],
    )
}

/// Deals.
pub fn deals() -> Vec<FieldMeta> {
    with_custom(
        "Deals",
        vec![
            required("Deal_Name", "text"),
            required("Stage", "picklist"),
            field("Amount", "currency"),
            field("Closing_Date", "date"),
            field("Probability", "integer"),
            field("Account_Name", "lookup").to("Accounts"),
            field("Contact_Name", "lookup").to("Contacts"),
            field("Type", "picklist"),
            field("Next_Step", "text"),
            field("Expected_Revenue", "currency"),
            field("Lead_Source", "picklist"),
            field("Description", "textarea"),
        ],
    )
}

/// Picklist options of the core modules' fields beyond those `seed::pick_list` lists.
pub fn pick_list(module: &str, field: &str) -> &'static [&'static str] {
    match (module, field) {
        (_, "Salutation") => &["-None-", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof."],
        (_, "Rating") => &[
            "-None-",
            "Acquired",
            "Active",
            "Market Failed",
            "Project Cancelled",
            "Shut Down",
        ],
        ("Leads", "Industry") => &[
            "-None-",
            "ASP (Application Service Provider)",
            "Data/Telecom OEM",
            "ERP (Enterprise Resource Planning)",
            "Government/Military",
            "Large Enterprise",
            "ManagementISV",
            "MSP (Management Service Provider)",
            "Network Equipment Enterprise",
            "Non-management ISV",
            "Optical Networking",
            "Service Provider",
            "Small/Medium Enterprise",
            "Storage Equipment",
            "Storage Service Provider",
            "Systems Integrator",
            "Wireless Industry",
        ],
        ("Contacts" | "Deals", "Lead_Source") => &[
            "-None-",
            "Advertisement",
            "Cold Call",
            "Employee Referral",
            "External Referral",
            "Partner",
            "Trade Show",
            "Web Download",
            "Web Research",
        ],
        ("Accounts", "Account_Type") => &[
            "-None-",
            "Analyst",
            "Competitor",
            "Customer",
            "Distributor",
            "Integrator",
            "Investor",
            "Partner",
            "Press",
            "Prospect",
            "Reseller",
            "Other",
        ],
        ("Accounts", "Ownership") => &[
            "-None-",
            "Other",
            "Private",
            "Public",
            "Subsidiary",
            "Partnership",
            "Government",
        ],
        ("Deals", "Type") => &["-None-", "Existing Business", "New Business"],
        ("Leads", "Product_Interests") => &["Analytics", "CRM", "Desk", "Mail", "Projects"],
        ("Contacts", "Preferred_Channels") => &["Email", "Phone", "SMS", "WhatsApp", "Post"],
        ("Accounts", "Regions_Served") => &["APAC", "EMEA", "LATAM", "North America"],
        ("Deals", "Competitors") => &["Salesforce", "HubSpot", "Pipedrive", "Freshsales"],
        _ => &[],
    }
}
