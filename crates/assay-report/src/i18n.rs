//! Labels in English and Chinese, as one table: a label is added in one place, in both
//! languages, and a missing translation is a test failure, not an English word on a Chinese page.

use assay_model::check::Dimension;

use crate::Lang;

/// (key, English, Chinese). `{}` stands for a number where a label has one.
pub const LABELS: &[(&str, &str, &str)] = &[
    ("report", "Data quality report", "数据质量报告"),
    ("grade", "Grade", "等级"),
    ("score", "Score", "总分"),
    ("dimensions", "Quality dimensions", "质量维度"),
    ("failed", "Checks that did not pass", "未通过的检查"),
    ("none_failed", "Every check passed.", "所有检查均已通过。"),
    ("resource", "Resource", "资源"),
    ("check", "Check", "检查"),
    ("kind", "Kind", "类型"),
    ("severity", "Severity", "严重性"),
    ("status", "Status", "状态"),
    ("failing", "Failing", "不合格行"),
    ("fraction", "Fraction", "比例"),
    ("samples", "Samples", "样例"),
    ("file", "File", "文件"),
    ("row", "Row", "行"),
    ("values", "Values", "值"),
    ("key", "Key", "主键"),
    ("profile", "Column profile", "列概况"),
    ("column", "Column", "列"),
    ("type", "Type", "类型"),
    ("nulls", "Null rate", "空值率"),
    ("distinct", "Distinct", "不同值"),
    ("min", "Min", "最小值"),
    ("max", "Max", "最大值"),
    ("histogram", "Histogram", "分布"),
    ("identity", "Data identity", "数据标识"),
    ("bytes", "Bytes", "字节"),
    ("rows", "Rows", "行数"),
    ("digest", "Dataset digest", "数据集摘要"),
    ("manifest", "Manifest sha256", "清单 sha256"),
    ("checkset", "Check set sha256", "检查集 sha256"),
    ("lineage", "Lineage", "数据血缘"),
    (
        "no_lineage",
        "No upstream datasets declared.",
        "未声明上游数据集。",
    ),
    ("derived", "Derived from", "来源"),
    ("process", "Process", "处理过程"),
    ("capped", "Capped because", "等级上限原因"),
    (
        "conforms_to",
        "Conforms to the field standard",
        "符合领域标准",
    ),
    (
        "deviates_from",
        "Deviates from the field standard",
        "偏离领域标准",
    ),
    (
        "field_standard",
        "Reference dataset: the field standard of",
        "领域标准数据集：",
    ),
    ("reference", "Reference time", "参考时间"),
    ("estimated", " (estimated)", "（估计）"),
    ("trends", "Trends", "趋势"),
    (
        "no_trends",
        "The history holds fewer than two runs.",
        "历史记录不足两次运行。",
    ),
    ("metric", "Metric", "指标"),
    ("training", "Training readiness", "训练就绪度"),
    ("split", "Split", "划分"),
    ("share", "Share", "占比"),
    ("filter", "Filter", "筛选条件"),
    (
        "label_distribution",
        "Label distribution per split",
        "各划分的标签分布",
    ),
    ("drift", "Drift from train", "相对训练集的漂移"),
    ("threshold", "Threshold", "阈值"),
    ("drift_value", "Value", "数值"),
    ("drifted", "Drifted", "已漂移"),
    ("no_drift", "No column drifted.", "没有列发生漂移。"),
    ("training_checks", "Training-set checks", "训练集检查"),
    ("runs", "Runs", "运行次数"),
    ("latest", "Latest", "最新"),
    ("schema", "Schema", "数据结构"),
    ("unit", "Unit", "计量单位"),
    ("constraints", "Constraints", "约束"),
    ("about", "Description", "说明"),
    (
        "dashboard_title",
        "Catalog quality dashboard",
        "数据目录质量总览",
    ),
    ("search_datasets", "Search the datasets", "搜索数据集"),
    ("datasets_n", "{} datasets", "{} 个数据集"),
    (
        "fields_covered",
        "industrial fields covered",
        "个产业领域已覆盖",
    ),
    (
        "coverage",
        "Coverage of the 100 fields (coloured by best grade)",
        "100 个产业领域的覆盖（按最佳等级着色）",
    ),
    (
        "grades_by_sector",
        "Grades by sector",
        "各行业门类的等级分布",
    ),
    ("sector", "Sector", "门类"),
    ("datasets", "Datasets", "数据集"),
    ("dataset", "Dataset", "数据集"),
    ("field", "Field", "领域"),
    ("error_failures", "Error-level failures", "错误级失败"),
    (
        "error_failure_sets",
        "Datasets with error-level failures",
        "存在错误级失败的数据集",
    ),
    (
        "failing_kinds",
        "Most-failing check kinds",
        "最常失败的检查类型",
    ),
    ("not_passed", "Results not passed", "未通过的结果"),
    (
        "left_out",
        "Left out of this build",
        "未收入本次发布的数据集",
    ),
    (
        "left_out_note",
        "These datasets are in the catalog but not on the site until the problem is fixed.",
        "这些数据集在目录中，但在问题修复前不会出现在站点上。",
    ),
    ("stage", "Stage", "阶段"),
    ("reason", "Reason", "原因"),
    ("fix", "Fix with", "修复命令"),
    ("left_out_n", "{} left out", "{} 个未收入"),
    ("w_required", "required", "必填"),
    ("w_unique", "unique", "唯一"),
    ("w_one_of", "one of", "取值之一："),
    ("w_length", "length", "长度"),
    ("w_pattern", "pattern", "格式"),
    ("s_pass", "pass", "通过"),
    ("s_warn", "warn", "警告"),
    ("s_fail", "fail", "未通过"),
    ("s_error", "error", "无法评估"),
    ("sev_error", "error", "错误"),
    ("sev_warn", "warning", "警告"),
    ("sens_public", "public", "公开"),
    ("sens_internal", "internal", "内部"),
    ("sens_confidential", "confidential", "机密"),
    ("sens_restricted", "restricted", "受限"),
    (
        "cap_error_n",
        "{} error-level check(s) failed",
        "{} 项错误级检查未通过",
    ),
    ("capped_at", "grade capped at", "等级上限为"),
    (
        "cap_unreadable",
        "some data could not be read",
        "部分数据无法读取",
    ),
    ("nav_dashboard", "Dashboard", "总览"),
    ("nav_search", "Search", "搜索"),
    ("nav_field", "Field page", "领域页面"),
    ("documents", "Documents", "文档"),
    ("about_dataset", "About this dataset", "数据集信息"),
    ("title_zh", "Chinese title", "中文标题"),
    ("description_zh", "Chinese description", "中文说明"),
    ("title_en", "English title", "英文标题"),
    ("description_en", "English description", "英文说明"),
    ("owner", "Owner", "所有者"),
    ("steward", "Steward", "数据管理员"),
    ("licenses", "Licence", "许可"),
    ("keywords", "Keywords", "关键词"),
    ("temporal", "Time covered", "时间范围"),
    ("spatial", "Place covered", "空间范围"),
    ("sources", "Sources", "数据来源"),
    ("homepage", "Home page", "主页"),
    ("standards_used", "Standards used", "引用标准"),
    ("scenario", "Scenario", "应用场景"),
    ("version", "Version", "版本"),
    ("sensitivity", "Sensitivity", "敏感级别"),
    ("paths", "Files", "文件路径"),
    ("fields_match", "Columns must match", "列匹配方式"),
    ("primary_key", "Primary key", "主键"),
    ("unique_keys", "Unique keys", "唯一键"),
    ("foreign_keys", "Foreign keys", "外键"),
    (
        "all_checks",
        "Checks, failed first",
        "全部检查（未通过的在前）",
    ),
    ("guards", "What it guards against", "检查目的"),
    ("note", "Note", "说明"),
    ("row_n", "row {}", "第 {} 行"),
    ("versions", "Versions", "版本历史"),
    ("breaking", "breaking", "不兼容"),
    ("compatible", "compatible", "兼容"),
    ("informational", "informational", "仅说明"),
    ("change_class", "Class", "类别"),
    ("change_rule", "Rule", "规则"),
    ("change_at", "Where", "位置"),
    ("change_what", "What changed", "变更内容"),
    ("outliers", "outside the bins", "超出分箱范围"),
    ("title_col", "Title", "标题"),
    (
        "no_datasets",
        "No datasets in this field yet.",
        "该领域暂无数据集。",
    ),
    ("field_standard_h", "Field standard", "领域标准"),
    ("label_col", "Label", "标签列"),
    ("reference_dataset", "Reference dataset", "参考数据集"),
    ("start_from", "start a dataset from it", "以此创建数据集"),
    ("hold_to", "hold a dataset to it", "要求数据集符合此标准"),
    ("draws_on", "Draws on", "依据的标准"),
    ("rules", "Rules", "规则"),
    ("why", "Why", "原因"),
    ("is_label", "label", "标签"),
    ("search_title", "Search the catalog", "搜索数据目录"),
    ("count_n", "{} dataset(s)", "{} 个数据集"),
    ("f_field", "Field", "领域"),
    ("f_sector", "Sector", "门类"),
    ("f_owner", "Owner", "所有者"),
    ("f_license", "Licence", "许可"),
    ("f_sensitivity", "Sensitivity", "敏感级别"),
    ("f_grade", "Grade", "等级"),
    ("f_status", "Status", "状态"),
    ("f_validated", "Validated on", "验证日期"),
];

/// The label `key` in `lang`; the empty string for an unknown key (caught by a test).
pub fn t(lang: Lang, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh)| match lang {
            Lang::En => *en,
            Lang::Zh => *zh,
        })
        .unwrap_or("")
}

/// Every label of `lang` by key, for the templates.
pub fn labels(lang: Lang) -> std::collections::BTreeMap<&'static str, &'static str> {
    LABELS.iter().map(|(k, _, _)| (*k, t(lang, k))).collect()
}

/// A dimension as shown: both names, the page's language first.
pub fn dimension_label(lang: Lang, d: Dimension) -> String {
    match lang {
        Lang::Zh => format!("{} {}", d.name_zh(), d.as_str()),
        Lang::En => format!("{} {}", d.as_str(), d.name_zh()),
    }
}

#[cfg(test)]
mod tests {
    use super::LABELS;

    #[test]
    fn every_label_has_both_languages_once() {
        let mut keys: Vec<&str> = LABELS.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "a key appears twice");
        for (k, en, zh) in LABELS {
            assert!(!en.is_empty() && !zh.is_empty(), "{k}");
            assert!(
                !zh.is_ascii() || zh.trim().is_empty(),
                "{k}: `{zh}` is not Chinese"
            );
        }
    }
}
