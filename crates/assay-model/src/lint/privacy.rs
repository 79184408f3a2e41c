//! Lint rules about personal information: a column that looks personal by its name must say so
//! (`personal: true`), and a personal column is never `public`.

use super::semantics::Semantics;
use crate::manifest::Sensitivity;

/// Why a column name looks like personal information, if it does: an e-mail address, a phone
/// number, an ID number, or a person's name or staff number.
pub fn looks_personal(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let has = |set: &[&str]| tokens.iter().any(|t| set.contains(t));
    if has(&["email", "mail", "emailaddress"]) || lower.contains("e_mail") || lower.contains("邮箱")
    {
        return Some("an e-mail address");
    }
    if has(&["phone", "mobile", "tel", "telephone", "cellphone", "msisdn"])
        || lower.contains("手机")
        || lower.contains("电话")
    {
        return Some("a phone number");
    }
    if has(&["idcard", "ssn", "passport", "sfz"])
        || lower.contains("id_card")
        || lower.contains("id_number")
        || lower.contains("身份证")
    {
        return Some("an ID number");
    }
    if has(&["fullname", "firstname", "lastname", "surname", "givenname"])
        || lower.contains("full_name")
        || lower.contains("first_name")
        || lower.contains("last_name")
        || lower.contains("姓名")
        || lower.contains("工号")
    {
        return Some("a person's name or staff number");
    }
    const PEOPLE: [&str; 16] = [
        "operator",
        "inspector",
        "employee",
        "emp",
        "worker",
        "staff",
        "driver",
        "welder",
        "technician",
        "grader",
        "person",
        "user",
        "customer",
        "contact",
        "approver",
        "signer",
    ];
    const IDENTIFYING: [&str; 8] = [
        "id", "no", "num", "number", "name", "code", "badge", "login",
    ];
    if has(&PEOPLE) && has(&IDENTIFYING) {
        return Some("a person's name or staff number");
    }
    None
}

impl Semantics<'_> {
    /// Columns that look personal and are not marked; personal columns marked public.
    pub(super) fn privacy(&mut self) {
        let m = &self.loaded.manifest;
        let mut found: Vec<(String, String, &'static str)> = Vec::new();
        let mut public_personal: Vec<String> = Vec::new();
        for (i, r) in m.resources.iter().enumerate() {
            for (j, f) in r.schema.fields.iter().enumerate() {
                let at = format!("/resources/{i}/schema/fields/{j}");
                if f.personal {
                    if f.classification == Some(Sensitivity::Public) {
                        public_personal.push(at);
                    }
                } else if f.classification.is_none()
                    && let Some(why) = looks_personal(&f.name)
                {
                    found.push((at, f.name.clone(), why));
                }
            }
        }
        for (at, name, why) in found {
            self.warn(
                &at,
                "personal-column",
                format!("column `{name}` looks like {why} but is not marked personal"),
                Some(
                    "add `personal: true` so its values are redacted outside your terminal; if it is not personal, say `classification: public`"
                        .into(),
                ),
            );
        }
        for at in public_personal {
            self.warn(
                &format!("{at}/classification"),
                "personal-column",
                "a personal column is never public; its values are redacted anyway".into(),
                Some(
                    "drop `classification: public`, or `personal: true` if it is not personal"
                        .into(),
                ),
            );
        }
    }
}
