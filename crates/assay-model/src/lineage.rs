//! The catalog's lineage graph, from every manifest's `lineage.derivedFrom`.
//!
//! Nodes are datasets (by `name`); an edge runs from an upstream to the dataset derived from it.
//! The graph reports what makes lineage untrustworthy: references to datasets the catalog does
//! not hold, self-references, cycles, version mismatches (the upstream's current version differs
//! from the one recorded) and stale derivations (the upstream's current digest, from its lock,
//! differs from the digest recorded in `derivedFrom`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::PathBuf;

use serde::Serialize;

use crate::manifest::Upstream;

/// One dataset of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Dataset name.
    pub name: String,
    /// Dataset version.
    pub version: String,
    /// Industrial field code.
    pub field: String,
    /// The manifest's path.
    pub manifest: PathBuf,
    /// The dataset digest from its lock, when it has a valid one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// `lineage.derivedFrom` as written.
    #[serde(skip)]
    pub derived_from: Vec<Upstream>,
}

/// An edge: `to` is derived from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Upstream dataset name.
    pub from: String,
    /// Derived dataset name.
    pub to: String,
    /// Upstream version recorded by the derived dataset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Upstream digest recorded by the derived dataset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// False when `from` is not in the catalog.
    pub resolved: bool,
}

/// What is wrong with the lineage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// Two manifests use one dataset name; the first (by path) is the node.
    DuplicateName {
        /// The name.
        dataset: String,
    },
    /// `derivedFrom` names a dataset the catalog does not hold.
    Dangling {
        /// The derived dataset.
        dataset: String,
        /// The missing upstream.
        upstream: String,
    },
    /// A dataset names itself as its upstream.
    SelfReference {
        /// The dataset.
        dataset: String,
    },
    /// Datasets derived from each other in a loop.
    Cycle {
        /// The datasets on the cycle, starting at the smallest name, in derivation order.
        datasets: Vec<String>,
    },
    /// The recorded upstream version is not the upstream's current version.
    VersionMismatch {
        /// The derived dataset.
        dataset: String,
        /// The upstream.
        upstream: String,
        /// Version recorded in `derivedFrom`.
        recorded: String,
        /// The upstream manifest's version.
        current: String,
    },
    /// The recorded upstream digest is not the upstream's current digest: the data changed
    /// since the derivation.
    Stale {
        /// The derived dataset.
        dataset: String,
        /// The upstream.
        upstream: String,
        /// Digest recorded in `derivedFrom`.
        recorded: String,
        /// The upstream's digest from its lock.
        current: String,
    },
    /// A digest is recorded but the upstream has no valid lock to compare it with.
    UpstreamNotLocked {
        /// The derived dataset.
        dataset: String,
        /// The upstream.
        upstream: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::DuplicateName { dataset } => {
                write!(
                    f,
                    "dataset name `{dataset}` is used by more than one manifest"
                )
            }
            Problem::Dangling { dataset, upstream } => write!(
                f,
                "`{dataset}` is derived from `{upstream}`, which is not in the catalog"
            ),
            Problem::SelfReference { dataset } => {
                write!(f, "`{dataset}` names itself in derivedFrom")
            }
            Problem::Cycle { datasets } => {
                write!(f, "derivation cycle: {}", datasets.join(" -> "))?;
                if let Some(first) = datasets.first() {
                    write!(f, " -> {first}")?;
                }
                Ok(())
            }
            Problem::VersionMismatch {
                dataset,
                upstream,
                recorded,
                current,
            } => write!(
                f,
                "`{dataset}` records `{upstream}` version {recorded}, but its manifest says {current}"
            ),
            Problem::Stale {
                dataset,
                upstream,
                recorded,
                current,
            } => write!(
                f,
                "`{dataset}` is stale: derived from `{upstream}` at {recorded}, which is now {current}"
            ),
            Problem::UpstreamNotLocked { dataset, upstream } => write!(
                f,
                "`{dataset}` records a digest of `{upstream}`, which has no valid lock to compare it with (run `assay lock` on it)"
            ),
        }
    }
}

/// The lineage graph of a catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    /// Datasets, sorted by name.
    pub datasets: Vec<Node>,
    /// Edges, sorted by (from, to).
    pub edges: Vec<Edge>,
    /// Problems, sorted.
    pub problems: Vec<Problem>,
}

impl Graph {
    /// Builds the graph and finds its problems. `nodes` may come in any order.
    pub fn build(mut nodes: Vec<Node>) -> Graph {
        nodes.sort_by(|a, b| (&a.name, &a.manifest).cmp(&(&b.name, &b.manifest)));
        let mut problems = BTreeSet::new();
        let mut by_name: BTreeMap<String, Node> = BTreeMap::new();
        for n in nodes {
            if by_name.contains_key(&n.name) {
                problems.insert(Problem::DuplicateName {
                    dataset: n.name.clone(),
                });
            } else {
                by_name.insert(n.name.clone(), n);
            }
        }
        let mut edges = BTreeMap::new();
        for n in by_name.values() {
            for up in &n.derived_from {
                if up.dataset == n.name {
                    problems.insert(Problem::SelfReference {
                        dataset: n.name.clone(),
                    });
                    continue;
                }
                let upstream = by_name.get(&up.dataset);
                match upstream {
                    None => {
                        problems.insert(Problem::Dangling {
                            dataset: n.name.clone(),
                            upstream: up.dataset.clone(),
                        });
                    }
                    Some(u) => {
                        if let Some(v) = &up.version
                            && *v != u.version
                        {
                            problems.insert(Problem::VersionMismatch {
                                dataset: n.name.clone(),
                                upstream: u.name.clone(),
                                recorded: v.clone(),
                                current: u.version.clone(),
                            });
                        }
                        if let Some(d) = &up.digest {
                            match &u.digest {
                                Some(current) if current != d => {
                                    problems.insert(Problem::Stale {
                                        dataset: n.name.clone(),
                                        upstream: u.name.clone(),
                                        recorded: d.clone(),
                                        current: current.clone(),
                                    });
                                }
                                Some(_) => {}
                                None => {
                                    problems.insert(Problem::UpstreamNotLocked {
                                        dataset: n.name.clone(),
                                        upstream: u.name.clone(),
                                    });
                                }
                            }
                        }
                    }
                }
                edges.insert(
                    (up.dataset.clone(), n.name.clone()),
                    Edge {
                        from: up.dataset.clone(),
                        to: n.name.clone(),
                        version: up.version.clone(),
                        digest: up.digest.clone(),
                        resolved: upstream.is_some(),
                    },
                );
            }
        }
        let edges: Vec<Edge> = edges.into_values().collect();
        for cycle in cycles(&by_name, &edges) {
            problems.insert(Problem::Cycle { datasets: cycle });
        }
        Graph {
            datasets: by_name.into_values().collect(),
            edges,
            problems: problems.into_iter().collect(),
        }
    }

    /// The dataset called `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.datasets.iter().find(|n| n.name == name)
    }

    /// Upstream names of `name` (direct), sorted.
    pub fn parents(&self, name: &str) -> Vec<&str> {
        self.edges
            .iter()
            .filter(|e| e.to == name)
            .map(|e| e.from.as_str())
            .collect()
    }

    /// Derived dataset names of `name` (direct), sorted.
    pub fn children(&self, name: &str) -> Vec<&str> {
        self.edges
            .iter()
            .filter(|e| e.from == name)
            .map(|e| e.to.as_str())
            .collect()
    }

    /// Every dataset reachable from `name` going up (`up = true`) or down, `name` excluded.
    pub fn reachable(&self, name: &str, up: bool) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.to_string()];
        while let Some(n) = stack.pop() {
            let next = if up {
                self.parents(&n)
            } else {
                self.children(&n)
            };
            for m in next {
                if m != name && seen.insert(m.to_string()) {
                    stack.push(m.to_string());
                }
            }
        }
        seen
    }

    /// The subgraph of `name` and everything upstream (`up`) or downstream of it.
    pub fn around(&self, name: &str, up: bool) -> Graph {
        let mut keep = self.reachable(name, up);
        keep.insert(name.to_string());
        let edges: Vec<Edge> = self
            .edges
            .iter()
            .filter(|e| keep.contains(&e.from) && keep.contains(&e.to))
            .cloned()
            .collect();
        let involves = |p: &Problem| match p {
            Problem::DuplicateName { dataset }
            | Problem::SelfReference { dataset }
            | Problem::Dangling { dataset, .. }
            | Problem::VersionMismatch { dataset, .. }
            | Problem::Stale { dataset, .. }
            | Problem::UpstreamNotLocked { dataset, .. } => keep.contains(dataset),
            Problem::Cycle { datasets } => datasets.iter().any(|d| keep.contains(d)),
        };
        Graph {
            datasets: self
                .datasets
                .iter()
                .filter(|n| keep.contains(&n.name))
                .cloned()
                .collect(),
            edges,
            problems: self
                .problems
                .iter()
                .filter(|p| involves(p))
                .cloned()
                .collect(),
        }
    }

    fn label(&self, name: &str) -> String {
        match self.node(name) {
            Some(n) => format!("{} {} ({})", n.name, n.version, n.field),
            None => format!("{name} (not in the catalog)"),
        }
    }

    /// A text tree. Downstream (`up = false`): roots are datasets with no upstream in view,
    /// children below. Upstream: `root` first, its upstreams below.
    pub fn to_text(&self, root: Option<&str>, up: bool) -> String {
        let mut out = String::new();
        let roots: Vec<String> = match root {
            Some(r) => vec![r.to_string()],
            None => {
                let mut names: BTreeSet<String> =
                    self.datasets.iter().map(|n| n.name.clone()).collect();
                names.extend(self.edges.iter().map(|e| e.from.clone()));
                names
                    .into_iter()
                    .filter(|n| self.parents(n).is_empty())
                    .collect()
            }
        };
        // Each dataset's subtree is printed once; later visits say "(see above)", so diamonds
        // cannot multiply the output.
        let mut shown: BTreeSet<String> = BTreeSet::new();
        for r in &roots {
            out.push_str(&self.label(r));
            out.push('\n');
            shown.insert(r.clone());
            let mut path = vec![r.clone()];
            self.tree(r, up, "", &mut path, &mut shown, &mut out);
        }
        // Datasets reached from no root (every one has a parent: they sit on or below a cycle)
        // are printed from the smallest of them not yet shown, until all are.
        if root.is_none() {
            loop {
                let rest = self
                    .datasets
                    .iter()
                    .map(|n| &n.name)
                    .find(|n| !shown.contains(*n))
                    .cloned();
                let Some(r) = rest else { break };
                let _ = writeln!(out, "{} (on or below a cycle)", self.label(&r));
                shown.insert(r.clone());
                let mut path = vec![r.clone()];
                self.tree(&r, up, "", &mut path, &mut shown, &mut out);
            }
        }
        if !self.problems.is_empty() {
            out.push('\n');
            for p in &self.problems {
                let _ = writeln!(out, "problem: {p}");
            }
        }
        out
    }

    fn tree(
        &self,
        name: &str,
        up: bool,
        indent: &str,
        path: &mut Vec<String>,
        shown: &mut BTreeSet<String>,
        out: &mut String,
    ) {
        let next = if up {
            self.parents(name)
        } else {
            self.children(name)
        };
        for (i, m) in next.iter().enumerate() {
            let last = i + 1 == next.len();
            let (branch, more) = if last {
                ("└── ", "    ")
            } else {
                ("├── ", "│   ")
            };
            let edge = if up {
                self.edges.iter().find(|e| e.from == *m && e.to == name)
            } else {
                self.edges.iter().find(|e| e.from == name && e.to == *m)
            };
            let recorded = edge
                .and_then(|e| e.version.as_deref())
                .map(|v| format!(" [recorded {v}]"))
                .unwrap_or_default();
            if path.iter().any(|p| p == m) {
                let _ = writeln!(out, "{indent}{branch}{} (cycle){recorded}", self.label(m));
                continue;
            }
            if !shown.insert(m.to_string()) {
                let _ = writeln!(
                    out,
                    "{indent}{branch}{}{recorded} (see above)",
                    self.label(m)
                );
                continue;
            }
            let _ = writeln!(out, "{indent}{branch}{}{recorded}", self.label(m));
            path.push(m.to_string());
            self.tree(m, up, &format!("{indent}{more}"), path, shown, out);
            path.pop();
        }
    }

    /// Graphviz DOT.
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n");
        for n in &self.datasets {
            let _ = writeln!(
                out,
                "  {} [label={}];",
                dot_id(&n.name),
                dot_id(&format!("{}\\n{} · {}", n.name, n.version, n.field))
            );
        }
        for e in self.edges.iter().filter(|e| !e.resolved) {
            let _ = writeln!(
                out,
                "  {} [label={}, style=dashed];",
                dot_id(&e.from),
                dot_id(&format!("{}\\n(not in the catalog)", e.from))
            );
        }
        for e in &self.edges {
            let label = e.version.as_deref().unwrap_or("");
            let _ = writeln!(
                out,
                "  {} -> {} [label={}];",
                dot_id(&e.from),
                dot_id(&e.to),
                dot_id(label)
            );
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let mut ids: BTreeMap<&str, String> = BTreeMap::new();
        let mut names: BTreeSet<&str> = self.datasets.iter().map(|n| n.name.as_str()).collect();
        names.extend(self.edges.iter().map(|e| e.from.as_str()));
        for (i, n) in names.iter().enumerate() {
            ids.insert(n, format!("d{i}"));
        }
        let mut out = String::from("flowchart LR\n");
        for n in &names {
            let label = match self.node(n) {
                Some(node) => format!("{}<br/>{} · {}", node.name, node.version, node.field),
                None => format!("{n}<br/>not in the catalog"),
            };
            let _ = writeln!(out, "  {}[\"{}\"]", ids[n], mermaid_text(&label));
        }
        for e in &self.edges {
            let arrow = if e.resolved { "-->" } else { "-.->" };
            let _ = writeln!(
                out,
                "  {} {arrow} {}",
                ids[e.from.as_str()],
                ids[e.to.as_str()]
            );
        }
        let dangling: Vec<&str> = names
            .iter()
            .filter(|n| self.node(n).is_none())
            .map(|n| ids[n].as_str())
            .collect();
        if !dangling.is_empty() {
            out.push_str("  classDef missing stroke-dasharray: 5 5;\n");
            let _ = writeln!(out, "  class {} missing;", dangling.join(","));
        }
        out
    }
}

fn dot_id(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// Cycles of length two or more, each as its datasets from the smallest name, one per strongly
/// connected component (Tarjan).
fn cycles(nodes: &BTreeMap<String, Node>, edges: &[Edge]) -> Vec<Vec<String>> {
    let names: Vec<&str> = nodes.keys().map(String::as_str).collect();
    let index_of = |n: &str| names.binary_search(&n).ok();
    let mut adj = vec![Vec::new(); names.len()];
    for e in edges {
        if let (Some(a), Some(b)) = (index_of(&e.from), index_of(&e.to)) {
            adj[a].push(b);
        }
    }
    struct Tarjan<'a> {
        adj: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for i in 0..self.adj[v].len() {
                let w = self.adj[v][i];
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut scc = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    self.out.push(scc);
                }
            }
        }
    }
    let n = names.len();
    let mut t = Tarjan {
        adj: &adj,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.out
        .into_iter()
        .map(|scc| {
            // A real cycle through the component's smallest member: the shortest path (BFS,
            // smallest names first) from it back to itself along edges inside the component.
            let members: BTreeSet<usize> = scc.into_iter().collect();
            let start = *members.first().expect("a component has members");
            let mut prev: BTreeMap<usize, usize> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            let mut end = None;
            while let Some(v) = queue.pop_front() {
                let mut next: Vec<usize> = adj[v]
                    .iter()
                    .copied()
                    .filter(|w| members.contains(w))
                    .collect();
                next.sort_unstable();
                for w in next {
                    if w == start {
                        end = Some(v);
                        break;
                    }
                    if let std::collections::btree_map::Entry::Vacant(e) = prev.entry(w) {
                        e.insert(v);
                        queue.push_back(w);
                    }
                }
                if end.is_some() {
                    break;
                }
            }
            let mut order = Vec::new();
            let mut cur = end.unwrap_or(start);
            while cur != start {
                order.push(cur);
                cur = prev[&cur];
            }
            order.push(start);
            order.reverse();
            order.into_iter().map(|i| names[i].to_string()).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, version: &str, ups: &[(&str, Option<&str>, Option<&str>)]) -> Node {
        Node {
            name: name.into(),
            version: version.into(),
            field: "IF-C341".into(),
            manifest: PathBuf::from(format!("{name}/dataset.yaml")),
            digest: Some(format!("sha256:{}", name.len().to_string().repeat(64))[..71].to_string()),
            derived_from: ups
                .iter()
                .map(|(d, v, g)| Upstream {
                    dataset: d.to_string(),
                    version: v.map(str::to_string),
                    digest: g.map(str::to_string),
                })
                .collect(),
        }
    }

    #[test]
    fn tree_up_and_down() {
        let g = Graph::build(vec![
            node("raw", "1.0.0", &[]),
            node("clean", "2.0.0", &[("raw", Some("1.0.0"), None)]),
            node("agg", "1.0.0", &[("clean", None, None)]),
            node("other", "1.0.0", &[]),
        ]);
        assert!(g.problems.is_empty(), "{:?}", g.problems);
        assert_eq!(
            g.reachable("raw", false),
            BTreeSet::from(["clean".to_string(), "agg".to_string()])
        );
        assert_eq!(g.reachable("agg", true).len(), 2);
        let text = g.to_text(None, false);
        assert!(text.starts_with("other 1.0.0 (IF-C341)\nraw 1.0.0 (IF-C341)\n└── clean 2.0.0 (IF-C341) [recorded 1.0.0]\n    └── agg 1.0.0 (IF-C341)\n"), "{text}");
        let down = g.around("clean", false);
        assert_eq!(down.datasets.len(), 2);
        let m = g.to_mermaid();
        assert!(
            m.contains("  d3 --> d1\n") && m.contains("  d1 --> d0\n"),
            "{m}"
        );
    }

    #[test]
    fn cycles_without_roots_and_diamonds_print_every_dataset_once() {
        // a <-> b, c derived from a: no dataset lacks a parent.
        let g = Graph::build(vec![
            node("a", "1.0.0", &[("b", None, None)]),
            node("b", "1.0.0", &[("a", None, None)]),
            node("c", "1.0.0", &[("a", None, None)]),
        ]);
        let text = g.to_text(None, false);
        for n in ["a 1.0.0", "b 1.0.0", "c 1.0.0"] {
            assert!(text.contains(n), "{n} missing:\n{text}");
        }
        // Two loops through a: the reported cycle uses real edges only.
        let g = Graph::build(vec![
            node("a", "1.0.0", &[("b", None, None), ("c", None, None)]),
            node("b", "1.0.0", &[("a", None, None)]),
            node("c", "1.0.0", &[("a", None, None)]),
        ]);
        assert_eq!(
            g.problems,
            [Problem::Cycle {
                datasets: vec!["a".into(), "b".into()]
            }]
        );
        // 20 layers of diamonds: output stays linear.
        let mut nodes = vec![node("l0x", "1.0.0", &[]), node("l0y", "1.0.0", &[])];
        for i in 1..20 {
            let (px, py) = (format!("l{}x", i - 1), format!("l{}y", i - 1));
            for side in ["x", "y"] {
                nodes.push(Node {
                    derived_from: [&px, &py]
                        .iter()
                        .map(|d| Upstream {
                            dataset: d.to_string(),
                            version: None,
                            digest: None,
                        })
                        .collect(),
                    ..node(&format!("l{i}{side}"), "1.0.0", &[])
                });
            }
        }
        let text = Graph::build(nodes).to_text(None, false);
        assert!(text.lines().count() < 200, "{} lines", text.lines().count());
        assert!(text.contains("(see above)"));
    }

    #[test]
    fn problems_found() {
        let g = Graph::build(vec![
            node("a", "1.0.0", &[("c", None, None)]),
            node("b", "1.0.0", &[("a", Some("0.9.0"), None)]),
            node("c", "1.0.0", &[("b", None, None)]),
            node("s", "1.0.0", &[("s", None, None)]),
            node(
                "d",
                "1.0.0",
                &[
                    ("ghost", None, None),
                    ("a", None, Some(&format!("sha256:{}", "e".repeat(64)))),
                ],
            ),
        ]);
        let shown: Vec<String> = g.problems.iter().map(|p| p.to_string()).collect();
        assert!(
            shown.contains(&"derivation cycle: a -> b -> c -> a".to_string()),
            "{shown:?}"
        );
        assert!(shown.contains(&"`s` names itself in derivedFrom".to_string()));
        assert!(
            shown
                .iter()
                .any(|s| s.contains("`ghost`, which is not in the catalog"))
        );
        assert!(
            shown
                .iter()
                .any(|s| s.contains("version 0.9.0, but its manifest says 1.0.0"))
        );
        assert!(shown.iter().any(|s| s.starts_with("`d` is stale")));
        assert_eq!(g.problems.len(), 5);
        // The text tree terminates on a cycle.
        let text = g.to_text(Some("a"), false);
        assert!(text.contains("(cycle)"), "{text}");
    }
}
