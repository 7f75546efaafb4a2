//! COQL (`client.coql(..)`) over real HTTP against the emulator: one query per construct, the
//! bad-input errors, and `.stream()` paging by offset.
//! Source of the language and its limits: zoho.com/crm/developer/docs/api/v2/COQL-Limitations.html
//! and COQL-Overview.html.

mod support;

use serde_json::json;
use support::*;
use zohocrm::stream::TryStreamExt;
use zohocrm::types::Record;
use zohocrm::{Client, Error, ErrorCode};

/// Twelve leads of company `Qco`: Last_Name `Q00`..`Q11`, No_of_Employees 0..11, an Email on
/// the even ones, Lead_Source `Web` on multiples of three.
async fn seed(client: &Client) {
    let recs: Vec<Record> = (0..12)
        .map(|i| {
            let mut v =
                json!({"Last_Name": format!("Q{i:02}"), "Company": "Qco", "No_of_Employees": i});
            if i % 2 == 0 {
                v["Email"] = json!(format!("q{i}@qco.test"));
            }
            if i % 3 == 0 {
                v["Lead_Source"] = json!("Web");
            }
            record_json(v)
        })
        .collect();
    client
        .module("Leads")
        .create_records(recs)
        .send()
        .await
        .expect("created")
        .into_result()
        .expect("all created");
}

async fn names(client: &Client, query: &str) -> Vec<String> {
    let page = client.coql(query).send().await.expect("the query runs");
    page.data
        .iter()
        .map(|r| {
            r.get_field_value::<String>("Last_Name")
                .expect("a Last_Name")
                .expect("a string")
        })
        .collect()
}

fn q(ns: &[u32]) -> Vec<String> {
    ns.iter().map(|n| format!("Q{n:02}")).collect()
}

const BASE: &str = "select Last_Name from Leads where Company = 'Qco'";

#[tokio::test]
async fn one_query_per_construct() {
    let (_emu, client) = setup().await;
    seed(&client).await;

    // Select list: only the asked fields and the id come back; default order is ascending id.
    let page = client
        .coql(format!("{BASE} limit 3"))
        .send()
        .await
        .expect("runs");
    assert_eq!(page.data.len(), 3);
    assert!(page.more_records(), "info.more_records says more follow");
    let row = &page.data[0];
    assert!(row.id.is_some());
    assert!(
        row.get_field_value::<String>("Company").is_none(),
        "Company was not selected: {row:?}"
    );
    assert_eq!(
        names(&client, &format!("{BASE} limit 3")).await,
        q(&[0, 1, 2])
    );

    // Comparisons.
    let n = |cond: &str| format!("{BASE} and {cond} order by Last_Name");
    assert_eq!(
        names(&client, &n("No_of_Employees > 9")).await,
        q(&[10, 11])
    );
    assert_eq!(
        names(&client, &n("No_of_Employees >= 10")).await,
        q(&[10, 11])
    );
    assert_eq!(names(&client, &n("No_of_Employees < 2")).await, q(&[0, 1]));
    assert_eq!(names(&client, &n("No_of_Employees <= 1")).await, q(&[0, 1]));
    assert_eq!(names(&client, &n("No_of_Employees = 5")).await, q(&[5]));
    assert_eq!(
        names(&client, &n("Last_Name != 'Q00' and No_of_Employees < 3")).await,
        q(&[1, 2])
    );
    // like: starts with, ends with, contains; not like.
    assert_eq!(
        names(&client, &n("Last_Name like 'Q1%'")).await,
        q(&[10, 11])
    );
    assert_eq!(names(&client, &n("Last_Name like '%7'")).await, q(&[7]));
    assert_eq!(names(&client, &n("Email like '%10@%'")).await, q(&[10]));
    assert_eq!(
        names(&client, &n("Last_Name not like 'Q0%'")).await,
        q(&[10, 11])
    );
    // in / not in.
    assert_eq!(
        names(&client, &n("Last_Name in ('Q03', 'Q04')")).await,
        q(&[3, 4])
    );
    assert_eq!(
        names(
            &client,
            &n("No_of_Employees not in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)")
        )
        .await,
        q(&[10, 11])
    );
    // between.
    assert_eq!(
        names(&client, &n("No_of_Employees between 4 and 6")).await,
        q(&[4, 5, 6])
    );
    // is null / is not null.
    assert_eq!(
        names(&client, &n("Email is null and No_of_Employees < 5")).await,
        q(&[1, 3])
    );
    assert_eq!(
        names(&client, &n("Email is not null and No_of_Employees < 5")).await,
        q(&[0, 2, 4])
    );
    // and / or with parentheses.
    assert_eq!(
        names(
            &client,
            &n("((Lead_Source = 'Web' and No_of_Employees > 4) or Last_Name = 'Q01')")
        )
        .await,
        q(&[1, 6, 9])
    );
    // Bare words for picklist values.
    assert_eq!(
        names(&client, &n("Lead_Source = Web")).await,
        q(&[0, 3, 6, 9])
    );

    // order by, descending, with several columns.
    assert_eq!(
        names(
            &client,
            &format!("{BASE} order by Lead_Source desc, No_of_Employees desc limit 5")
        )
        .await,
        q(&[9, 6, 3, 0, 11])
    );
    // limit offset, count and limit count offset offset.
    assert_eq!(
        names(&client, &format!("{BASE} order by Last_Name limit 2, 3")).await,
        q(&[2, 3, 4])
    );
    assert_eq!(
        names(
            &client,
            &format!("{BASE} order by Last_Name limit 3 offset 9")
        )
        .await,
        q(&[9, 10, 11])
    );
    // Nothing matches: 204, an empty page.
    let none = client
        .coql(format!("{BASE} and Last_Name = 'nobody'"))
        .send()
        .await
        .expect("runs");
    assert!(none.data.is_empty());
}

#[tokio::test]
async fn lookup_fields_through_dot_notation() {
    let (_emu, client) = setup().await;
    let acct = create(
        &client,
        "Accounts",
        &[("Account_Name", "Dotco"), ("Industry", "Retail")],
    )
    .await;
    create_json(
        &client,
        "Contacts",
        json!({"Last_Name": "Dotted", "Account_Name": {"id": acct.to_string()}}),
    )
    .await;
    let page = client
        .coql("select Last_Name, Account_Name.Industry from Contacts where Account_Name.Account_Name = 'Dotco'")
        .send()
        .await
        .expect("runs");
    assert_eq!(page.data.len(), 1);
    let row = &page.data[0];
    assert_eq!(
        row.get_field_value::<String>("Account_Name.Industry")
            .transpose()
            .unwrap()
            .as_deref(),
        Some("Retail")
    );
}

fn api(e: Error) -> zohocrm::ApiError {
    match e {
        Error::Api(a) => *a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_queries_get_zohos_codes_and_details() {
    let (_emu, client) = setup().await;
    let err = |q: &'static str| {
        let client = client.clone();
        async move { api(client.coql(q).send().await.expect_err(q)) }
    };
    let e = err("select Last_Name Leads").await;
    assert_eq!(
        (e.http_status, e.code.clone()),
        (400, ErrorCode::SyntaxError)
    );
    assert_eq!(e.details.extra.get("near"), Some(&json!("Leads")));
    let e = err("select Last_Name from Leads where (Last_Name = 'x'").await;
    assert_eq!(e.code, ErrorCode::SyntaxError);
    assert_eq!(e.details.extra.get("clause"), Some(&json!("where")));

    let e = err("select Nope_Field from Leads").await;
    assert_eq!(e.code, ErrorCode::InvalidQuery);
    assert_eq!(
        e.details.extra.get("column_name"),
        Some(&json!("Nope_Field"))
    );
    let e = err("select Last_Name from Nope_Module").await;
    assert_eq!(e.code, ErrorCode::InvalidQuery);

    let e = err("select Last_Name from Leads limit 201").await;
    assert_eq!(e.code, ErrorCode::LimitExceeded);
    assert_eq!(e.details.limit.as_deref(), Some("200"));
    let fields: Vec<String> = (0..51).map(|_| "Last_Name".to_owned()).collect();
    let e = api(client
        .coql(format!("select {} from Leads", fields.join(", ")))
        .send()
        .await
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::LimitExceeded);
    assert_eq!(e.details.limit.as_deref(), Some("50"));
}

#[tokio::test]
async fn stream_pages_by_offset() {
    let (_emu, client) = setup().await;
    let recs: Vec<Record> = (0..450)
        .map(|i| record(&[("Last_Name", &format!("S{i:03}")), ("Company", "Streamq")]))
        .collect();
    client
        .module("Leads")
        .create_records(recs)
        .send_all()
        .await
        .expect("created")
        .into_result()
        .expect("all created");
    let q = "select Last_Name from Leads where Company = 'Streamq' order by Last_Name";
    let pages: Vec<_> = client
        .coql(format!("{q} limit 0, 100"))
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(
        pages.iter().map(|p| p.data.len()).collect::<Vec<_>>(),
        [100, 100, 100, 100, 50]
    );
    let all: Vec<String> = client
        .coql(q)
        .stream()
        .map_ok(|r| r.get_field_value::<String>("Last_Name").unwrap().unwrap())
        .try_collect()
        .await
        .expect("streams");
    let want: Vec<String> = (0..450).map(|i| format!("S{i:03}")).collect();
    assert_eq!(all, want, "every row once, in query order");
    // The query's own offset is where the stream starts.
    let tail: Vec<_> = client
        .coql(format!("{q} limit 440, 200"))
        .stream()
        .try_collect()
        .await
        .expect("streams");
    assert_eq!(tail.len(), 10);
}
