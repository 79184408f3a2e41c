//! A field's page in the published site: its names and codes, and its datasets
//! (`templates/field.html`).

use assay_model::IndustrialField;
use minijinja::context;
use minijinja::value::Value;

/// A dataset listed on a field page.
pub struct FieldDataset<'a> {
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub grade: assay_model::quality::Grade,
    pub score: f64,
}

/// The page of one industrial field: its datasets and, when it has one, its standard (linked to
/// the reference dataset's page when that is published).
pub fn field_page(
    field: &IndustrialField,
    datasets: &[FieldDataset],
    standard: Option<&assay_model::standards::Summary>,
    left_out: &[&assay_model::index::LeftOut],
    lang: crate::Lang,
    site: &crate::SitePage,
) -> String {
    let standard_published = standard.is_some_and(|s| datasets.iter().any(|d| d.name == s.name));
    let datasets: Vec<Value> = datasets
        .iter()
        .map(|d| {
            context! {
                name => d.name,
                title => d.title.unwrap_or(""),
                grade => format!("{:?}", d.grade),
                score => format!("{:.1}", d.score),
            }
        })
        .collect();
    super::render(
        "field.html",
        context! {
            css => super::css(),
            html_lang => lang.html(),
            t => crate::i18n::labels(lang),
            sfx => site.suffix.clone(),
            alternate => site.alternate("index"),
            other_lang => lang.other_name(),
            title => if lang == crate::Lang::Zh { &field.name_zh } else { &field.name_en },
            subtitle => if lang == crate::Lang::Zh { &field.name_en } else { &field.name_zh },
            code => field.code,
            name_en => field.name_en,
            name_zh => field.name_zh,
            gbt4754 => field.gbt4754,
            isic4 => field.isic4,
            datasets,
            standard => standard.map(Value::from_serialize),
            standard_published,
            left_out => left_out.iter().map(|l| context! {
                name => l.name.clone().unwrap_or_else(|| l.manifest.clone()),
                manifest => l.manifest,
                stage => l.stage,
                reason => l.reason,
                fix => l.fix,
            }).collect::<Vec<_>>(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_only_the_stylesheet_is_not() {
        let field = IndustrialField {
            code: "IF-C341".into(),
            name_en: "Boilers <script>alert(1)</script>".into(),
            name_zh: "锅炉 & \"原动设备\"".into(),
            sector: String::new(),
            gbt4754: "C341".into(),
            isic4: "2513".into(),
            notes: String::new(),
            includes_zh: String::new(),
        };
        let page = field_page(
            &field,
            &[FieldDataset {
                name: "a\"><img src=x onerror=alert(1)>",
                title: Some("it's <b>bold</b>"),
                grade: assay_model::quality::Grade::A,
                score: 99.95,
            }],
            None,
            &[],
            crate::Lang::En,
            &crate::SitePage::default(),
        );
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("Boilers &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("锅炉 &amp; &quot;原动设备&quot;"));
        assert!(page.contains("a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("it&#39;s &lt;b&gt;bold&lt;/b&gt;"));
        assert!(!page.contains("<img"));
        // The stylesheet is the one value marked safe: its quotes stay quotes.
        assert!(page.contains("font-family:system-ui,'Noto Sans CJK SC'"));
        assert!(page.contains("<td class=\"num\">100.0</td>"));
    }
}
