//! Org currencies (zohocrmsdk2-0 6.0.0 CurrenciesOperations): enabling multi-currency makes the
//! home currency, the org follows it, other currencies come after.

use crate::support::{only_error, setup};
use zohocrm::ErrorCode;
use zohocrm::types::{Currency, CurrencyFormat, DecimalSeparator, ThousandSeparator};

fn currency(name: &str, iso: &str, symbol: &str, rate: &str) -> Currency {
    let mut f = CurrencyFormat::new();
    f.decimal_separator = Some(DecimalSeparator::Period);
    f.thousand_separator = Some(ThousandSeparator::Comma);
    f.decimal_places = Some("2".into());
    let mut c = Currency::new();
    c.name = Some(name.into());
    c.iso_code = Some(iso.into());
    c.symbol = Some(symbol.into());
    c.exchange_rate = Some(rate.into());
    c.format = Some(f);
    c
}

#[tokio::test]
async fn enabling_multi_currency_sets_the_home_currency_and_others_follow() {
    let (_emu, client) = setup().await;
    let org = client.org();
    // Source: zoho-api-v2.md §5 "Settings and metadata" lists GET /org/currencies; with no
    // currency yet the list is empty, which settings lists answer with 204.
    let none = org.get_currencies().send().await.unwrap();
    assert!(none.data.is_empty());
    // Source: add before enable is refused (Zoho v2 docs, "Enable Multiple Currencies": the
    // admin adds the home currency first).
    let early = org
        .add_currencies([currency("Euro - EUR", "EUR", "€", "0.9")])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&early).code, ErrorCode::InvalidData);

    let on = org
        .enable_multiple_currencies(currency("Pound Sterling - GBP", "GBP", "£", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(on.http_status, 201);
    let on = on.into_result().unwrap();
    // Source: zohocrmsdk2-0 6.0.0 currencies.SuccessResponse messages.
    assert_eq!(
        on[0].message,
        "The multi-currency feature is enabled and given currency is created as the base currency."
    );
    let base_id = on[0].details.id.clone().unwrap();
    let o = client.get_organization().send().await.unwrap();
    assert_eq!(
        (o.mc_status, o.iso_code.as_deref()),
        (Some(true), Some("GBP"))
    );

    let added = org
        .add_currencies([currency("Euro - EUR", "EUR", "€", "1.17")])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(added[0].message, "The currency created successfully.");
    let eur_id = added[0].details.id.clone().unwrap();

    let all = org.get_currencies().send().await.unwrap();
    let isos: Vec<_> = all
        .data
        .iter()
        .filter_map(|c| c.iso_code.as_deref())
        .collect();
    assert_eq!(isos, ["GBP", "EUR"]);
    assert_eq!(all.data[0].is_base, Some(true));
    let eur = org.get_currency(eur_id.clone()).send().await.unwrap();
    assert_eq!(eur.exchange_rate.as_deref(), Some("1.170000000"));
    assert_eq!(
        eur.format
            .as_ref()
            .and_then(|f| f.thousand_separator.clone()),
        Some(ThousandSeparator::Comma)
    );

    let mut change = Currency::new();
    change.exchange_rate = Some("1.2".into());
    org.update_currency(eur_id.clone(), change)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let mut change = Currency::new();
    change.id = Some(eur_id.clone());
    change.symbol = Some("EUR€".into());
    org.update_currencies([change])
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let eur = org.get_currency(eur_id).send().await.unwrap();
    assert_eq!(
        (eur.exchange_rate.as_deref(), eur.symbol.as_deref()),
        (Some("1.200000000"), Some("EUR€"))
    );

    let mut base = Currency::new();
    base.id = Some(base_id.clone());
    base.symbol = Some("GBP£".into());
    let upd = org
        .update_base_currency(base)
        .send()
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(upd[0].message, "The currency updated successfully");
    let o = client.get_organization().send().await.unwrap();
    assert_eq!(o.currency_symbol.as_deref(), Some("GBP£"));

    // Source: "you can edit the properties of your home currency, you cannot change it" (Zoho v2
    // docs, "Enable Multiple Currencies"); a second enable is refused.
    let mut iso = Currency::new();
    iso.id = Some(base_id);
    iso.iso_code = Some("USD".into());
    let err = org.update_base_currency(iso).send().await.unwrap();
    assert_eq!(only_error(&err).code, ErrorCode::InvalidData);
    let twice = org
        .enable_multiple_currencies(currency("US Dollar - USD", "USD", "$", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&twice).code, ErrorCode::InvalidData);
    let dup = org
        .add_currencies([currency("Euro again", "EUR", "€", "1.1")])
        .send()
        .await
        .unwrap();
    assert_eq!(only_error(&dup).code, ErrorCode::DuplicateData);
    let mut bad = currency("Yen - JPY", "JPY", "¥", "150");
    bad.format.as_mut().unwrap().decimal_places = Some("5".into());
    let bad = org.add_currencies([bad]).send().await.unwrap();
    assert_eq!(
        only_error(&bad).details.api_name.as_deref(),
        Some("decimal_places")
    );
}
