//! Cluster mode (`validate --cluster`) on a real Apache DataFusion Ballista cluster: a
//! scheduler and executors, each its own `assay-ballista` process on free loopback ports,
//! reading the dataset from `moto_server` as the client does; the report is the local
//! engine's.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;
use crate::support::{stdout, temp_dir};

/// [`VALIDATE_JSON`] without the cache of per-file results: the objects here have the URLs,
/// sizes and ETags of those other tests read from their own servers, and those tests count
/// what a run fetches.
const FRESH: [&str; 8] = [
    "validate",
    ".",
    "--format",
    "json",
    "--now",
    "2025-08-01T00:00:00Z",
    "--no-history",
    "--no-cache",
];

/// A scheduler and its executors, stopped when dropped.
struct Ballista {
    scheduler: Child,
    executors: Vec<Child>,
    port: u16,
}

/// The settings of a test cluster.
struct Settings {
    executors: usize,
    /// Seconds without a heartbeat before the scheduler declares an executor dead.
    executor_timeout: u64,
    /// Seconds between an executor's heartbeats.
    heartbeat: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            executors: 2,
            executor_timeout: 180,
            heartbeat: 60,
        }
    }
}

fn node_bin() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_assay")).with_file_name("assay-ballista");
    assert!(
        bin.exists(),
        "{} is missing: `cargo test --workspace` builds it (crates/assay-ballista)",
        bin.display()
    );
    bin
}

impl Ballista {
    /// Starts the processes in `cwd` (where the dataset's `storage.yaml` is) with `env` (the
    /// variables it names), and waits until every executor has registered.
    fn start(cwd: &Path, env: &[(&str, &str)], s: Settings) -> Ballista {
        let port = free_port();
        let spawn = |args: &[String]| {
            let mut cmd = Command::new(node_bin());
            cmd.args(args)
                .current_dir(cwd)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            for (k, _) in std::env::vars() {
                if k.starts_with("AWS_") {
                    cmd.env_remove(k);
                }
            }
            for (k, v) in env {
                cmd.env(k, v);
            }
            cmd.spawn().expect("assay-ballista starts")
        };
        let mut scheduler = spawn(&[
            "scheduler".into(),
            "--port".into(),
            port.to_string(),
            "--executor-timeout".into(),
            s.executor_timeout.to_string(),
        ]);
        wait_listening(&mut scheduler, port, "the Ballista scheduler");
        let mut cluster = Ballista {
            scheduler,
            executors: Vec::new(),
            port,
        };
        let work = temp_dir(&format!("ballista-{port}"));
        for i in 0..s.executors {
            let child = spawn(&[
                "executor".into(),
                "--scheduler-port".into(),
                port.to_string(),
                "--port".into(),
                free_port().to_string(),
                "--grpc-port".into(),
                free_port().to_string(),
                "--work-dir".into(),
                work.join(format!("e{i}")).display().to_string(),
                "--heartbeat".into(),
                s.heartbeat.to_string(),
            ]);
            cluster.executors.push(child);
        }
        let start = Instant::now();
        while cluster.registered() < s.executors {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the executors did not register with the scheduler"
            );
            for e in &mut cluster.executors {
                if let Ok(Some(status)) = e.try_wait() {
                    panic!("an executor exited ({status}) before registering");
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        cluster
    }

    fn url(&self) -> String {
        format!("df://127.0.0.1:{}", self.port)
    }

    /// The scheduler's REST API: `GET path` as JSON.
    fn get(&self, path: &str) -> serde_json::Value {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return serde_json::Value::Null;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        );
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        // A chunked body: the JSON is between the first chunk size and the trailer.
        let body = match (body.find(['[', '{']), body.rfind([']', '}'])) {
            (Some(a), Some(b)) if a <= b => &body[a..=b],
            _ => "",
        };
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
    }

    fn registered(&self) -> usize {
        self.get("/api/executors").as_array().map_or(0, Vec::len)
    }

    /// The status of every job the scheduler knows.
    fn job_states(&self) -> Vec<String> {
        self.get("/api/jobs")
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|j| j["status"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Ballista {
    fn drop(&mut self) {
        for c in self.executors.iter_mut().chain([&mut self.scheduler]) {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The outcome of every check a report holds, to compare two runs: status, counts, observed
/// value and samples (a `unique` sample's row group is left out: the local engine names it
/// only when the row group was settled on its own, as the differential test notes).
fn checks(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for r in doc["resources"].as_array().unwrap() {
        for c in r["checks"].as_array().unwrap() {
            let mut c = c.clone();
            let kind = c["kind"].as_str().unwrap_or("").to_string();
            if let Some(samples) = c.get_mut("samples").and_then(|s| s.as_array_mut()) {
                for s in samples {
                    if kind.starts_with("unique") {
                        s.as_object_mut().unwrap().remove("row_group");
                    }
                }
            }
            let c = c.as_object_mut().unwrap();
            // How a result was reached: the local engine says what its statistics decided,
            // and counts those pages; on a cluster every count is the data's.
            c.remove("pages");
            c.remove("decided_by");
            out.push(serde_json::json!({"resource": r["name"], "check": c}));
        }
    }
    out
}

#[test]
fn every_example_dataset_validates_the_same_on_a_cluster_as_locally() {
    let s3 = S3::start(false);
    let root = temp_dir("cluster-examples");
    let env = lake_storage_yaml(&s3, &root, None);
    let cluster = Ballista::start(&root, &env, Settings::default());
    let mut compared = 0;
    let datasets = examples();
    for dataset in &datasets {
        let name = dataset.file_name().unwrap().to_string_lossy().to_string();
        let remote = root.join("remote").join(&name);
        remote_copy(&s3, "lake", dataset, &remote);
        let local = assay_s3(&remote, &FRESH, &env);
        let mut args = FRESH.to_vec();
        let url = cluster.url();
        args.extend(["--cluster", &url]);
        let on = assay_s3(&remote, &args, &env);
        assert_eq!(
            local.status.code(),
            on.status.code(),
            "{name}: exit codes differ; cluster stderr: {}",
            stderr(&on)
        );
        let ld: serde_json::Value = serde_json::from_slice(&local.stdout).unwrap();
        let cd: serde_json::Value = serde_json::from_slice(&on.stdout)
            .unwrap_or_else(|e| panic!("{name}: no JSON report ({e}): {}", stderr(&on)));
        crate::support::assert_valid_report(&cd);
        let (lc, cc) = (checks(&ld), checks(&cd));
        assert_eq!(lc.len(), cc.len(), "{name}");
        for (a, b) in lc.iter().zip(&cc) {
            assert_eq!(a, b, "{name}: a check differs");
        }
        for key in ["status", "summary", "quality", "dataset"] {
            assert_eq!(ld[key], cd[key], "{name}: {key} differs");
        }
        // The progress names the cluster's jobs as the scheduler reports them.
        let err = stderr(&on);
        assert!(
            err.contains("cluster: job ") && err.contains("Completed"),
            "{name}: no job progress: {err}"
        );
        compared += cc.len();
    }
    assert!(compared > 50, "only {compared} checks compared");
    // The cluster ran the jobs: at least one a dataset, all completed.
    let states = cluster.job_states();
    assert!(states.len() >= datasets.len(), "{states:?}");
    assert!(states.iter().all(|s| s == "Completed"), "{states:?}");
}

/// A dataset big enough for a job to outlast a killed executor: `files` files of `rows` rows,
/// uploaded to `lake/big/`, with a manifest in `dir`.
fn big_dataset(s3: &S3, dir: &Path, files: usize, rows: usize) {
    use std::sync::Arc;

    use arrow::array::{Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::record_batch::RecordBatch;
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("value", DataType::Float64, true),
        Field::new("code", DataType::Utf8, true),
    ]));
    let mut rng = crate::support::Rng(7);
    let mut upload = Vec::new();
    for f in 0..files {
        let ids: Vec<i64> = (0..rows).map(|i| (f * rows + i) as i64).collect();
        let values: Vec<Option<f64>> = (0..rows)
            .map(|_| {
                let v = rng.f64() * 120.0;
                (v < 119.0).then_some(v)
            })
            .collect();
        let codes: Vec<&str> = (0..rows)
            .map(|_| ["A", "B", "C", "D"][(rng.next() % 4) as usize])
            .collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(ids)),
                Arc::new(Float64Array::from(values)),
                Arc::new(StringArray::from(codes)),
            ],
        )
        .unwrap();
        let path = data.join(format!("part-{f:03}.parquet"));
        let mut w = parquet::arrow::ArrowWriter::try_new(
            std::fs::File::create(&path).unwrap(),
            schema.clone(),
            None,
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        upload.push((path, format!("big/part-{f:03}.parquet")));
    }
    s3.upload("lake", &upload);
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: cluster-kill\ntitle: Cluster kill test\nversion: 1.0.0\nfield: IF-C31\n\
         description: Synthetic rows for the executor-loss test.\nlicenses: [{name: CC-BY-4.0}]\nsensitivity: public\n\
         resources:\n  - name: rows\n    path: s3://lake/big/*.parquet\n    schema:\n      fields:\n\
        \x20       - {name: id, type: int64, constraints: {required: true, unique: true}}\n\
        \x20       - {name: value, type: float64, constraints: {required: true, minimum: 0, maximum: 100}}\n\
        \x20       - {name: code, type: string, constraints: {enum: [A, B, C]}}\n",
    )
    .unwrap();
}

#[test]
fn an_executor_killed_mid_job_ends_in_the_local_report_or_a_clean_failure() {
    let s3 = S3::start(false);
    let root = temp_dir("cluster-kill");
    let env = lake_storage_yaml(&s3, &root, None);
    let dir = root.join("big");
    big_dataset(&s3, &dir, 24, 200_000);
    let local = assay_s3(&dir, &FRESH, &env);
    assert!(
        matches!(local.status.code(), Some(0 | 1)),
        "{}",
        stderr(&local)
    );
    let cluster = Ballista::start(
        &root,
        &env,
        Settings {
            executors: 2,
            executor_timeout: 4,
            heartbeat: 1,
        },
    );
    let out = root.join("report.json");
    let mut cluster = cluster;
    let child = spawn_validate(&dir, &cluster.url(), &out, &env);
    // Once a job runs, one executor is killed (SIGKILL: no goodbye to the scheduler).
    let start = Instant::now();
    let running = wait_running(&cluster);
    cluster.executors[0].kill().unwrap();
    let killed_at = Instant::now();
    let _ = running;
    let result = finish_within(child, Duration::from_secs(240));
    let took = killed_at.elapsed();
    eprintln!(
        "killed an executor {:?} into the run; the run ended {took:?} later with {:?}",
        killed_at - start,
        result.status.code()
    );
    assert!(took < Duration::from_secs(240), "{took:?} after the kill");
    match result.status.code() {
        Some(0 | 1) => {
            // Ballista ran the lost tasks again: the report is the local one.
            let ld: serde_json::Value = serde_json::from_slice(&local.stdout).unwrap();
            let cd: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
            assert_eq!(checks(&ld), checks(&cd));
            assert_eq!(ld["summary"], cd["summary"]);
        }
        Some(3) => {
            // Or the job failed: a message, and no report at all.
            let err = stderr(&result);
            assert!(err.contains("did not finish"), "{err}");
            assert!(!out.exists(), "a report was written for an unfinished run");
        }
        other => panic!("exit {other:?}: {}", stderr(&result)),
    }
    assert!(stdout(&result).is_empty());
}

#[test]
fn a_scheduler_that_is_not_there_is_exit_3_within_seconds_and_no_report() {
    let s3 = S3::start(false);
    let root = temp_dir("cluster-down");
    let env = lake_storage_yaml(&s3, &root, None);
    let dataset = examples().remove(0);
    let remote = root.join("remote");
    remote_copy(&s3, "lake", &dataset, &remote);
    let url = format!("df://127.0.0.1:{}", free_port());
    let out = root.join("report.json");
    let started = Instant::now();
    let r = assay_s3(
        &remote,
        &[
            "validate",
            ".",
            "--format",
            "json",
            "--cluster",
            &url,
            "--out",
            out.to_str().unwrap(),
        ],
        &env,
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(r.status.code(), Some(3), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("cannot reach the Ballista scheduler at df://127.0.0.1:"),
        "{}",
        stderr(&r)
    );
    assert!(!out.exists());
    // A malformed address is the user's mistake: exit 2.
    let r = assay_s3(&remote, &["validate", ".", "--cluster", "http://x:1"], &env);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("expected df://HOST:PORT"));
}

/// `validate --cluster` of `dir` in the background, its report to `out`.
fn spawn_validate(dir: &Path, url: &str, out: &Path, env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assay"));
    cmd.args(FRESH)
        .args(["--cluster", url, "--out"])
        .arg(out)
        .current_dir(dir)
        .env("ASSAY_CACHE_DIR", crate::support::cache_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// The output of `child`, which must end within `limit` (else it is killed and the test fails).
fn finish_within(mut child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("still running after {limit:?}: {}", stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

/// Waits until the cluster runs a job.
fn wait_running(cluster: &Ballista) -> Instant {
    let start = Instant::now();
    while !cluster.job_states().iter().any(|s| s == "Running") {
        assert!(start.elapsed() < Duration::from_secs(120), "no job started");
        std::thread::sleep(Duration::from_millis(50));
    }
    Instant::now()
}

#[test]
fn a_cluster_lost_mid_job_is_exit_3_with_a_message_and_no_report() {
    let s3 = S3::start(false);
    let root = temp_dir("cluster-lost");
    let env = lake_storage_yaml(&s3, &root, None);
    let dir = root.join("big");
    big_dataset(&s3, &dir, 24, 200_000);
    let settings = || Settings {
        executors: 1,
        executor_timeout: 3,
        heartbeat: 1,
    };
    // Its only executor killed: no slot is left to retry the tasks on.
    let mut cluster = Ballista::start(&root, &env, settings());
    let out = root.join("lost-executor.json");
    let child = spawn_validate(&dir, &cluster.url(), &out, &env);
    let killed = wait_running(&cluster);
    cluster.executors[0].kill().unwrap();
    let r = finish_within(child, Duration::from_secs(120));
    eprintln!(
        "executor lost: exit {:?} after {:?}",
        r.status.code(),
        killed.elapsed()
    );
    assert!(killed.elapsed() < Duration::from_secs(120));
    assert_eq!(r.status.code(), Some(3), "{}", stderr(&r));
    assert!(stderr(&r).contains("did not finish"), "{}", stderr(&r));
    assert!(stdout(&r).is_empty());
    assert!(!out.exists(), "a report was written for an unfinished run");
    drop(cluster);
    // Its scheduler killed.
    let mut cluster = Ballista::start(&root, &env, settings());
    let out = root.join("lost-scheduler.json");
    let child = spawn_validate(&dir, &cluster.url(), &out, &env);
    let killed = wait_running(&cluster);
    cluster.scheduler.kill().unwrap();
    let r = finish_within(child, Duration::from_secs(120));
    eprintln!(
        "scheduler lost: exit {:?} after {:?}",
        r.status.code(),
        killed.elapsed()
    );
    assert!(killed.elapsed() < Duration::from_secs(120));
    assert_eq!(r.status.code(), Some(3), "{}", stderr(&r));
    assert!(stderr(&r).contains("did not finish"), "{}", stderr(&r));
    assert!(!out.exists(), "a report was written for an unfinished run");
}

#[test]
fn a_catalog_published_with_a_cluster_reports_what_a_local_publish_does() {
    let s3 = S3::start(false);
    let root = temp_dir("cluster-publish");
    let catalog = root.join("catalog");
    crate::support::example_catalog(&catalog);
    let mut uploads = Vec::new();
    for f in walkdir(&catalog) {
        let rel = f
            .strip_prefix(&catalog)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".parquet") {
            uploads.push((f.clone(), format!("catalog/{rel}")));
        }
    }
    s3.upload("lake", &uploads);
    for (f, _) in &uploads {
        std::fs::remove_file(f).unwrap();
    }
    let env = lake_storage_yaml(&s3, &catalog, Some("s3://lake/catalog"));
    let cluster = Ballista::start(&catalog, &env, Settings::default());
    let publish = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "publish",
            "catalog",
            "--out",
            out,
            "--now",
            "2025-08-01T00:00:00Z",
        ];
        args.extend(extra);
        assay_s3(&root, &args, &env)
    };
    let l = publish("local-site", &[]);
    assert_eq!(l.status.code(), Some(0), "{}", stderr(&l));
    // Without the reports the first publish kept for the next.
    std::fs::remove_dir_all(catalog.join(".assay/publish-cache")).unwrap();
    let url = cluster.url();
    let c = publish("cluster-site", &["--cluster", &url]);
    assert_eq!(c.status.code(), Some(0), "{}{}", stdout(&c), stderr(&c));
    let (lt, ct) = (
        tree(&root.join("local-site")),
        tree(&root.join("cluster-site")),
    );
    assert_eq!(lt.keys().collect::<Vec<_>>(), ct.keys().collect::<Vec<_>>());
    let mut reports = 0;
    for (k, v) in &lt {
        if k.ends_with("/report.json") {
            let ld: serde_json::Value = serde_json::from_slice(v).unwrap();
            let cd: serde_json::Value = serde_json::from_slice(&ct[k]).unwrap();
            assert_eq!(checks(&ld), checks(&cd), "{k}");
            assert_eq!(ld["summary"], cd["summary"], "{k}");
            assert_eq!(ld["quality"], cd["quality"], "{k}");
            reports += 1;
        }
    }
    assert!(reports >= 6, "{reports} reports");
    assert!(
        cluster.job_states().len() >= reports,
        "the cluster ran no job for some dataset"
    );
    // A cluster that is not there publishes nothing: exit 3, and no site.
    let down = format!("df://127.0.0.1:{}", free_port());
    std::fs::remove_dir_all(catalog.join(".assay/publish-cache")).unwrap();
    let d = publish("no-site", &["--cluster", &down]);
    assert_eq!(d.status.code(), Some(3), "{}", stderr(&d));
    assert!(
        stderr(&d).contains("cannot reach the Ballista scheduler")
            && stderr(&d).contains("nothing was published"),
        "{}",
        stderr(&d)
    );
    assert!(!root.join("no-site").exists());
}
