//! Golden snapshots of the HTML pages (bless with `ASSAY_BLESS=1`, review the diff): a dataset
//! report in Chinese, the dashboard, and a published dataset page and field page. The pages
//! come from templates; these pin every byte of what a chief data officer sees.

use crate::support::*;

fn golden(name: &str, actual: &str) {
    let path = repo().join("fixtures/golden").join(name);
    if bless() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{name} differs from fixtures/golden/{name}; bless with ASSAY_BLESS=1 and review the diff"
    );
}

#[test]
fn report_dashboard_and_site_pages_match_their_golden_files() {
    let dir = temp_dir("golden-pages");
    let catalog = dir.join("catalog");
    example_catalog(&catalog);
    // Other tests validate in the repository's catalog and leave their runs in its history;
    // the pages must not depend on them (trends come from the history).
    for entry in walkdir::WalkDir::new(&catalog).into_iter().flatten() {
        if entry.file_name() == ".assay" {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let now = "2025-07-03T00:00:00Z";
    let report = assay(
        &catalog,
        &[
            "report",
            "IF-C397/pcb-aoi-inspection",
            "--now",
            now,
            "--format",
            "html",
            "--lang",
            "zh",
        ],
    );
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    golden("report-pcb-aoi-inspection-zh.html", &stdout(&report));
    let dashboard = assay(&catalog, &["report", ".", "--now", now, "--format", "html"]);
    assert_eq!(dashboard.status.code(), Some(0), "{}", stderr(&dashboard));
    golden("dashboard-en.html", &stdout(&dashboard));
    let published = assay(&dir, &["publish", "catalog", "--out", "site", "--now", now]);
    assert_eq!(published.status.code(), Some(0), "{}", stderr(&published));
    let page = |p: &str| std::fs::read_to_string(dir.join("site").join(p)).unwrap();
    golden(
        "site-dataset-boiler-sensor-telemetry.html",
        &page("datasets/boiler-sensor-telemetry/index.html"),
    );
    golden(
        "site-field-IF-C341.html",
        &page("fields/IF-C341/index.html"),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
