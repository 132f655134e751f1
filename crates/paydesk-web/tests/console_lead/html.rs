//! Reading the pages' HTML: a table's row of numbers, by the table's id and the row's name.

/// The part of `page` from `<table id="{id}"` to its end.
pub fn table<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<table id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table #{id}"));
    let rest = &page[start..];
    &rest[..rest.find("</table>").unwrap()]
}

/// The numbers of the row headed `name` in table `id`.
pub fn numbers(page: &str, id: &str, name: &str) -> Vec<i64> {
    let t = table(page, id);
    let head = format!("<th scope=\"row\">{name}</th>");
    let start = t
        .find(&head)
        .unwrap_or_else(|| panic!("no row {name} in #{id}: {t}"));
    let row = &t[start..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].trim().parse().unwrap())
        .collect()
}

/// Posts `fields` as a console form would (urlencoded, with the session's CSRF field).
pub async fn post_form(
    api: &crate::common::Api,
    who: &crate::common::Person,
    uri: &str,
    fields: &[(&str, &str)],
) -> crate::common::Reply {
    let mut all = vec![("csrf_token", who.csrf.as_str())];
    all.extend_from_slice(fields);
    let body = serde_urlencoded::to_string(&all).unwrap();
    let request = axum::http::Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", who.cookie.clone())
        .body(axum::body::Body::from(body))
        .unwrap();
    api.send(request).await
}

/// The reply's body as text.
pub fn page(reply: &crate::common::Reply) -> String {
    String::from_utf8(reply.body.to_vec()).unwrap()
}
