//! A realistic page of Leads: 200 records of about 1 KB each.

pub fn lead(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("41508680000{:08}", i),
        "Owner": {"name": "Ada Lovelace", "id": "4150868000000225013", "email": "ada@zylker.test"},
        "Company": format!("Zylker Industries {i}"),
        "Email": format!("lead{i}@zylker.test"),
        "$currency_symbol": "$",
        "$field_states": null,
        "Last_Activity_Time": "2026-11-20T10:15:00+00:00",
        "Industry": "Manufacturing",
        "$state": "save",
        "Unsubscribed_Mode": null,
        "$converted": false,
        "$process_flow": false,
        "Street": "123 Industrial Way",
        "Zip_Code": "94107",
        "$approved": true,
        "Created_Time": "2026-11-01T09:00:00+00:00",
        "$editable": true,
        "City": "San Francisco",
        "No_of_Employees": 250,
        "State": "CA",
        "Country": "United States",
        "Created_By": {"name": "Ada Lovelace", "id": "4150868000000225013", "email": "ada@zylker.test"},
        "Annual_Revenue": 1250000.5,
        "Secondary_Email": null,
        "Description": "Met at the trade fair; interested in the enterprise plan and a pilot in Q1.",
        "Rating": "Hot",
        "Website": "https://zylker.test",
        "Twitter": "zylker",
        "Salutation": "Mr.",
        "First_Name": "John",
        "Full_Name": "John Smith",
        "Lead_Status": "Contacted",
        "Modified_By": {"name": "Ben Hopper", "id": "4150868000000225014", "email": "ben@zylker.test"},
        "Skype_ID": "john.smith",
        "Phone": "+1 555 0100",
        "Email_Opt_Out": false,
        "Designation": "Purchasing Manager",
        "Modified_Time": "2026-11-22T16:45:12+00:00",
        "Mobile": "+1 555 0199",
        "Last_Name": format!("Smith{i}"),
        "Lead_Source": "Trade Show",
        "Tag": [{"name": "fair-2026", "id": "4150868000000300001"}],
        "Fax": null,
        "Custom_Score__c": 87,
    })
}

pub fn page_json(n: usize) -> Vec<u8> {
    let data: Vec<_> = (0..n).map(lead).collect();
    serde_json::to_vec(&serde_json::json!({
        "data": data,
        "info": {"per_page": n, "count": n, "page": 1, "more_records": true, "sort_by": "id", "sort_order": "desc"}
    }))
    .unwrap()
}
