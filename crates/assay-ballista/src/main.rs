//! `assay-ballista`: one Apache DataFusion Ballista 55 process, a scheduler or an executor, as
//! the stock `ballista-scheduler` / `ballista-executor` binaries are, wired to read datasets
//! from the same object stores `assay` reads (`assay_validate::plans::StoresRegistry`: each
//! cloud's standard variables and the `storage.yaml` of the working folder), so that no credential travels with
//! a query. It adds no function: the executors run the plans `assay validate --cluster`
//! submits with DataFusion's built-in functions only.
//!
//! The tests and `bench/cluster.sh` start it on loopback ports:
//!
//! ```text
//! assay-ballista scheduler --port 50050
//! assay-ballista executor --scheduler-port 50050 --port 50051 --grpc-port 50052 --work-dir /tmp/e1
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use ballista_core::extension::SessionConfigExt;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use clap::{Parser, Subcommand};
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::prelude::SessionConfig;

#[derive(Parser)]
#[command(name = "assay-ballista", version, about)]
struct Cli {
    #[command(subcommand)]
    role: Role,
}

#[derive(Subcommand)]
enum Role {
    /// A scheduler: plans jobs into stages and hands their tasks to executors.
    Scheduler {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port of its gRPC and REST services.
        #[arg(long, default_value_t = 50050)]
        port: u16,
        /// Seconds without a heartbeat after which an executor is dead and its tasks run
        /// elsewhere.
        #[arg(long, default_value_t = 180)]
        executor_timeout: u64,
        /// Attempts of one task before its job fails.
        #[arg(long, default_value_t = 4)]
        task_max_failures: usize,
    },
    /// An executor: runs tasks and serves their shuffle output.
    Executor {
        /// The scheduler's host.
        #[arg(long, default_value = "127.0.0.1")]
        scheduler_host: String,
        /// The scheduler's port.
        #[arg(long, default_value_t = 50050)]
        scheduler_port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port of its Arrow Flight service (shuffle reads).
        #[arg(long)]
        port: u16,
        /// Port of its gRPC service (tasks).
        #[arg(long)]
        grpc_port: u16,
        /// Tasks run at once.
        #[arg(long, default_value_t = 1)]
        vcores: usize,
        /// Folder of its shuffle files.
        #[arg(long)]
        work_dir: PathBuf,
        /// Seconds between heartbeats to the scheduler.
        #[arg(long, default_value_t = 60)]
        heartbeat: u64,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("assay-ballista: cannot start a runtime: {e}");
            return std::process::ExitCode::from(3);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("assay-ballista: {e:#}");
            std::process::ExitCode::from(3)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.role {
        Role::Scheduler {
            bind,
            port,
            executor_timeout,
            task_max_failures,
        } => {
            let addr: SocketAddr = format!("{bind}:{port}")
                .parse()
                .with_context(|| format!("not an address: {bind}:{port}"))?;
            let mut config = SchedulerConfig {
                bind_host: bind.clone(),
                external_host: bind,
                bind_port: port,
                executor_timeout_seconds: executor_timeout,
                expire_dead_executor_interval_seconds: executor_timeout.clamp(1, 15),
                no_executors_grace_period_seconds: executor_timeout,
                task_max_failures,
                ..Default::default()
            };
            config = config
                .with_override_config_producer(Arc::new(SessionConfig::new_with_ballista))
                .with_override_session_builder(Arc::new(|config: SessionConfig| {
                    Ok(SessionStateBuilder::new()
                        .with_default_features()
                        .with_config(config)
                        .with_runtime_env(runtime_env()?)
                        .build())
                }));
            let cluster = BallistaCluster::new_from_config(&config).await?;
            start_server(cluster, addr, Arc::new(config)).await?;
            Ok(())
        }
        Role::Executor {
            scheduler_host,
            scheduler_port,
            bind,
            port,
            grpc_port,
            vcores,
            work_dir,
            heartbeat,
        } => {
            std::fs::create_dir_all(&work_dir)
                .with_context(|| format!("cannot create {}", work_dir.display()))?;
            let config = ExecutorProcessConfig {
                bind_host: bind.clone(),
                external_host: Some(bind),
                port,
                grpc_port,
                scheduler_host,
                scheduler_port,
                scheduler_connect_timeout_seconds: 30,
                vcores,
                work_dir: Some(work_dir.to_string_lossy().into_owned()),
                executor_heartbeat_interval_seconds: heartbeat,
                print_thread_info: false,
                override_runtime_producer: Some(Arc::new(|_: &SessionConfig| runtime_env())),
                ..Default::default()
            };
            start_executor_process(Arc::new(config)).await?;
            Ok(())
        }
    }
}

/// A runtime whose object stores are `assay`'s, for the working folder.
fn runtime_env() -> datafusion::error::Result<Arc<RuntimeEnv>> {
    let here = std::env::current_dir()?;
    assay_validate::plans::runtime_with_stores(&here)
        .map_err(datafusion::error::DataFusionError::Configuration)
}
