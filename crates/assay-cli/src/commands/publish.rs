//! `assay publish`: arguments → `assay_catalog::publish::publish` → what happened, and the exit
//! status. The pipeline is in `assay-catalog`.

use anyhow::Result;
use assay_catalog::publish::{self, Error, Outcome, PublishOptions};
use assay_model::FieldRegistry;

use super::manifests_under;
use crate::cli::PublishArgs;
use crate::exit::Status;

/// A dataset-count progress bar on stderr, drawn only on a terminal.
struct Bar(indicatif::ProgressBar);

impl publish::Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn dataset(&self, manifest: &str) {
        self.0.set_message(manifest.to_string());
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

pub fn run(registry: &FieldRegistry, args: PublishArgs) -> Result<Status> {
    let manifests = match manifests_under(std::slice::from_ref(&args.catalog)) {
        Ok(m) => m,
        Err(s) => return Ok(s),
    };
    let (now_us, now_text) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    let options = PublishOptions {
        catalog: args.catalog.clone(),
        manifests,
        out: args.out.clone(),
        now_us,
        now_text,
        strict: args.strict,
        jobs: super::lock::default_jobs(),
        langs: args.lang.langs(),
        cluster: None,
    };
    let mut options = options;
    if let Some(url) = &args.cluster {
        let cluster = match assay_cluster::Cluster::parse(url) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(Status::Invalid);
            }
        };
        options.cluster = Some(publish::Decider(std::sync::Arc::new(
            move |loaded: &assay_model::LoadedManifest, o: &assay_validate::Options| {
                assay_cluster::decide(loaded, o, &cluster, false)
                    .map(|outcome| outcome.decided)
                    .map_err(|e| e.to_string())
            },
        )));
    }
    let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} publishing {pos}/{len} {bar:30} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(pb)
    });
    let progress = bar.as_ref().map(|b| b as &dyn publish::Progress);
    let out = &args.out;
    let open = out.join("index.html");
    match publish::publish(registry, &options, progress) {
        Ok(Outcome::Unchanged { build }) => {
            println!(
                "unchanged: {} is already the build of these inputs ({build}); open {}",
                out.display(),
                open.display()
            );
            Ok(Status::Success)
        }
        Ok(Outcome::Published {
            datasets,
            reused,
            left_out,
            dropped,
        }) => {
            for l in &left_out {
                eprintln!("left out: {} ({}): {}", l.manifest, l.stage, l.reason);
                eprintln!("  fix: {}", l.fix);
            }
            println!(
                "published {datasets} dataset(s) to {} ({reused} reused from the cache, {} left out); open {}",
                out.display(),
                left_out.len(),
                open.display()
            );
            if dropped.is_empty() || args.allow_drop {
                return Ok(Status::Success);
            }
            eprintln!(
                "error: {} dataset(s) of the previous build are not in this one: {}\n  hint: fix them (see `left out` above), or pass --allow-drop if dropping them is intended",
                dropped.len(),
                dropped.join(", ")
            );
            Ok(Status::Failure)
        }
        Ok(Outcome::Refused { left_out }) => {
            for l in &left_out {
                eprintln!("left out: {} ({}): {}", l.manifest, l.stage, l.reason);
            }
            eprintln!(
                "error: {} dataset(s) left out; with --strict nothing is published and {} is unchanged",
                left_out.len(),
                out.display()
            );
            Ok(Status::Failure)
        }
        Err(e @ Error::Leak { .. }) => {
            eprintln!(
                "error: refusing to publish: {e}\n  hint: a published page must not repeat a value of a personal column; if the manifest repeats it (a title, a description, a code list, a check), remove it there"
            );
            Ok(Status::Failure)
        }
        Err(e @ (Error::NotASite(_) | Error::Busy { .. } | Error::Key(_))) => {
            eprintln!("error: {e}");
            Ok(Status::Invalid)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(Status::Unreadable)
        }
    }
}
