//! Cluster mode (`assay validate --cluster df://HOST:PORT`): a dataset's checks compiled into
//! DataFusion plans ([`assay_validate::plans`]) and run on an Apache DataFusion Ballista 55
//! cluster through `SessionContext::remote`; only the client is linked here, no scheduler or
//! executor.
//!
//! What runs where:
//!
//! - the **executors** scan the files (from the object store both they and the client reach)
//!   and answer every count: one aggregate per resource grouped by file, `unique` /
//!   `unique_key` as `GROUP BY key`, and the files that hold repeated keys as a join;
//! - the **client** (this process) resolves the files, reads their footers for the `schema`
//!   check and the file reports, locates the samples of failing checks in the first files
//!   that hold failing rows (`file_row_index()`, which names a row, does not survive a
//!   plan's serialisation to the executors in DataFusion 55.2), and evaluates the checks that
//!   are not compiled (they say why in the progress output).
//!
//! A cluster that cannot be reached, a job that fails (an executor lost for good, a task out
//! of retries) or any query error ends the run with [`Error`] and no report: a result the
//! cluster did not finish is never reported as one.

use std::collections::{BTreeMap, HashMap};
use std::net::ToSocketAddrs;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assay_model::LoadedManifest;
use assay_validate::Options;
use assay_validate::plans::{self, Planned};
use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

/// Why a cluster run gave no report.
#[derive(Debug)]
pub enum Error {
    /// `--cluster` is not `df://HOST:PORT`.
    Url(String),
    /// The scheduler cannot be reached.
    Unreachable(String),
    /// The cluster took the job and it did not finish.
    Job(String),
    /// The dataset's files could not be listed.
    Storage(assay_validate::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Url(m) | Error::Unreachable(m) | Error::Job(m) => f.write_str(m),
            Error::Storage(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// 2 for a malformed `--cluster`, 3 for a cluster that could not finish.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Url(_) => 2,
            Error::Unreachable(_) | Error::Job(_) => 3,
            Error::Storage(e) => e.exit_code(),
        }
    }
}

/// A Ballista scheduler's address.
#[derive(Debug, Clone)]
pub struct Cluster {
    host: String,
    port: u16,
}

/// Ballista's scheduler port.
const DEFAULT_PORT: u16 = 50050;

impl Cluster {
    /// `df://HOST[:PORT]` (the port defaults to Ballista's 50050).
    pub fn parse(url: &str) -> Result<Cluster, Error> {
        let bad = |why: &str| {
            Error::Url(format!(
                "--cluster {url}: {why}; expected df://HOST:PORT, the address of a Ballista scheduler"
            ))
        };
        let rest = url
            .strip_prefix("df://")
            .ok_or_else(|| bad("not a df:// URL"))?;
        let rest = rest.trim_end_matches('/');
        if rest.is_empty() || rest.contains('/') || rest.contains('@') {
            return Err(bad("it must name only a host and a port"));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (
                h.to_string(),
                p.parse::<u16>()
                    .map_err(|_| bad("the port is not a number from 1 to 65535"))?,
            ),
            _ => (rest.to_string(), DEFAULT_PORT),
        };
        if host.is_empty() || port == 0 {
            return Err(bad("no host or port"));
        }
        Ok(Cluster { host, port })
    }

    /// `df://HOST:PORT`, as the user gives it.
    pub fn url(&self) -> String {
        format!("df://{}:{}", self.host, self.port)
    }

    fn http(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }

    /// Fails unless the scheduler's port accepts a connection within `within`.
    fn reachable(&self, within: Duration) -> Result<(), Error> {
        let unreachable = |why: String| {
            Error::Unreachable(format!(
                "cannot reach the Ballista scheduler at {}: {why}; start it, or check --cluster",
                self.url()
            ))
        };
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<_> = (host, self.port)
            .to_socket_addrs()
            .map_err(|e| unreachable(e.to_string()))?
            .collect();
        let mut last = String::from("the host has no address");
        for a in addrs {
            match std::net::TcpStream::connect_timeout(&a, within) {
                Ok(_) => return Ok(()),
                Err(e) => last = e.to_string(),
            }
        }
        Err(unreachable(last))
    }
}

/// What the cluster decided, ready for [`Options::decided`], and the checks it did not (name,
/// kind, why), which the client evaluates.
pub struct Outcome {
    /// Per resource, in plan order.
    pub decided: assay_validate::Decided,
    /// Checks evaluated by the client: resource, check name, kind, why.
    pub local: Vec<(String, String, String, String)>,
}

/// Runs every compiled check of `loaded` on the cluster. With `progress`, each change of a
/// job's state, as the scheduler reports it, is a line on stderr.
pub fn decide(
    loaded: &LoadedManifest,
    options: &Options,
    cluster: &Cluster,
    progress: bool,
) -> Result<Outcome, Error> {
    cluster.reachable(Duration::from_secs(5))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Job(format!("cannot start the client's runtime: {e}")))?;
    runtime.block_on(async {
        // A job given to a scheduler without executors waits for one, with no end: refused
        // here (when its REST API answers).
        if executors(&cluster.http()).await == Some(0) {
            return Err(Error::Unreachable(format!(
                "the Ballista scheduler at {} has no executors; start one, or check --cluster",
                cluster.url()
            )));
        }
        let runtime_env = plans::runtime_with_stores(&loaded.dir).map_err(Error::Job)?;
        let state = SessionStateBuilder::new()
            .with_default_features()
            .with_config(SessionConfig::new_with_ballista())
            .with_runtime_env(runtime_env)
            .build();
        let ctx = SessionContext::remote_with_state(&cluster.http(), state)
            .await
            .map_err(|e| Error::Unreachable(format!("{}: {e}", cluster.url())))?;
        let shown = Shown::default();
        let watch = if progress {
            let before = seen_jobs(&cluster.http()).await;
            let (base, shown, seen) = (cluster.http(), shown.clone(), before.clone());
            Some(tokio::spawn(async move {
                loop {
                    show(&base, &seen, &shown).await;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }))
            .map(|w| (w, before))
        } else {
            None
        };
        let result = plans::evaluate_or_stop(&ctx, loaded, options).await;
        if let Some((w, before)) = watch {
            w.abort();
            let _ = w.await;
            // Every job of the run in its last state, however short it was.
            show(&cluster.http(), &before, &shown).await;
        }
        let resources = result.map_err(|e| match e {
            // A store that refuses, or a misconfiguration: as the local engine says it.
            plans::Stop::Storage(e) => Error::Storage(e),
            plans::Stop::Query(e) => Error::Job(format!(
                "the cluster at {} did not finish: {e}; nothing was reported",
                cluster.url()
            )),
        })?;
        let mut decided = HashMap::new();
        let mut local = Vec::new();
        for r in resources {
            let mut list = Vec::new();
            for c in r.checks {
                match c {
                    Planned::Result(result) => list.push(Some(*result)),
                    Planned::Local { name, kind, why } => {
                        local.push((r.name.clone(), name, kind, why));
                        list.push(None);
                    }
                }
            }
            decided.insert(
                r.name,
                assay_validate::DecidedResource {
                    files: r.files,
                    checks: list,
                },
            );
        }
        Ok(Outcome { decided, local })
    })
}

/// The job ids the scheduler already knows, so progress shows only this run's jobs.
async fn seen_jobs(base: &str) -> Vec<String> {
    jobs(base).await.unwrap_or_default().into_keys().collect()
}

/// `GET base + path` of the scheduler's REST API, as JSON (`None`: it does not answer).
async fn rest(base: &str, path: &str) -> Option<serde_json::Value> {
    let body = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .ok()?
        .get(format!("{base}{path}"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    serde_json::from_str(&body).ok()
}

/// How many executors the scheduler's REST API lists (`None`: it does not answer).
async fn executors(base: &str) -> Option<usize> {
    rest(base, "/api/executors").await?.as_array().map(Vec::len)
}

/// Every job the scheduler's REST API lists.
async fn jobs(base: &str) -> Option<BTreeMap<String, JobState>> {
    let doc = rest(base, "/api/jobs").await?;
    let list = doc.as_array().or_else(|| doc["jobs"].as_array())?;
    Some(
        list.iter()
            .filter_map(|j| {
                Some((
                    j["job_id"].as_str()?.to_string(),
                    (
                        j["status"].as_str().unwrap_or("?").to_string(),
                        j["completed_stages"].as_u64().unwrap_or(0),
                        j["num_stages"].as_u64().unwrap_or(0),
                        match (j["start_time"].as_u64(), j["end_time"].as_u64()) {
                            (Some(a), Some(b)) if b >= a && b > 0 => Some(b - a),
                            _ => None,
                        },
                    ),
                ))
            })
            .collect(),
    )
}

/// The state of each job last shown.
type Shown = Arc<Mutex<HashMap<String, JobState>>>;

/// A job's status, stages done, stages, and how long it took once it ended (ms).
type JobState = (String, u64, u64, Option<u64>);

/// Prints each job (but those in `before`) whose state changed since it was last shown.
async fn show(base: &str, before: &[String], shown: &Shown) {
    let Some(now) = jobs(base).await else {
        return;
    };
    let mut shown = shown.lock().unwrap_or_else(|p| p.into_inner());
    for (id, state) in now {
        if before.contains(&id) || shown.get(&id) == Some(&state) {
            continue;
        }
        let (status, done, stages, took) = &state;
        let took = took
            .map(|ms| format!(" in {:.1} s", ms as f64 / 1000.0))
            .unwrap_or_default();
        eprintln!("cluster: job {id} {status}, {done} of {stages} stage(s) done{took}");
        shown.insert(id, state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_urls() {
        let c = Cluster::parse("df://sched.example:50051").unwrap();
        assert_eq!(c.url(), "df://sched.example:50051");
        assert_eq!(Cluster::parse("df://h").unwrap().url(), "df://h:50050");
        for bad in [
            "http://h:1",
            "df://",
            "df://h:x",
            "df://h:0",
            "df://u@h:1",
            "df://h:1/x",
        ] {
            let e = Cluster::parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
            assert!(e.to_string().contains("expected df://HOST:PORT"), "{e}");
        }
    }

    /// `input_file_name()` survives a plan's trip to a cluster's executors and
    /// `file_row_index()` does not (docs/scale.md): run by hand against a running cluster (`ASSAY_TEST_CLUSTER=df://HOST:PORT` and
    /// `ASSAY_TEST_PARQUET=/abs/file.parquet`, a path the executors can read).
    #[test]
    #[ignore = "needs a running cluster"]
    fn file_row_index_on_a_cluster() {
        use datafusion::functions::core::expr_fn::{file_row_index, input_file_name};
        let url = std::env::var("ASSAY_TEST_CLUSTER").unwrap();
        let file = std::env::var("ASSAY_TEST_PARQUET").unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let c = Cluster::parse(&url).unwrap();
            let state = SessionStateBuilder::new()
                .with_default_features()
                .with_config(SessionConfig::new_with_ballista())
                .build();
            let ctx = SessionContext::remote_with_state(&c.http(), state)
                .await
                .unwrap();
            let df = ctx.read_parquet(file, Default::default()).await.unwrap();
            let named = df
                .clone()
                .select(vec![input_file_name().alias("f")])
                .unwrap()
                .limit(0, Some(2))
                .unwrap()
                .collect()
                .await;
            eprintln!("input_file_name(): {named:?}");
            assert!(named.is_ok_and(|b| b.iter().map(|b| b.num_rows()).sum::<usize>() > 0));
            let rows = df
                .select(vec![file_row_index().alias("r")])
                .unwrap()
                .limit(0, Some(2))
                .unwrap()
                .collect()
                .await;
            eprintln!("file_row_index(): {rows:?}");
            // DataFusion 55.2: the executor rejects the task ("task could not be prepared or
            // was rejected by executor"). When this fails, samples can be located there.
            assert!(
                rows.is_err(),
                "file_row_index() now runs on the cluster: {rows:?}"
            );
        });
    }
}
