//! The config and the jobs file survive `kill -9` in the middle of a write: a child
//! process (this test binary, re-run as a writer) rewrites both as fast as it can and is
//! killed at whatever moment the loop reaches; each time, both files read back whole
//! (the old version or the new, never a mix), and the temporary file a killed write
//! leaves behind is gone after the next start's read.

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Command, Stdio};

use receipt_desk::api::ConvertRequest;
use receipt_desk::config::{Config, Profile};
use receipt_desk::jobs::{JobFile, JobRecord};

const ROUNDS: usize = 40;

/// Set in the child: where to write.
const WRITER_DIR: &str = "RECEIPT_DESK_TEST_WRITER_DIR";

fn config_with(generation: usize) -> Config {
    let mut config = Config::default();
    // Large enough (about 100 KB) that a write takes a while.
    for n in 0..400 {
        config.profiles.insert(
            format!("profile-{n:03}"),
            Profile {
                client_id: format!("client{generation:020}"),
                region: Some("ap-northeast-1".to_owned()),
                bucket: Some(format!("bucket-{generation}")),
                ..Profile::default()
            },
        );
    }
    config
}

fn jobs_with(generation: usize) -> JobFile {
    let mut file = JobFile::default();
    for n in 0..200 {
        file.add(JobRecord::new(
            format!("job-{generation}-{n}"),
            "p".to_owned(),
            ConvertRequest {
                source_bucket: format!("bucket-{generation}"),
                pdf_prefix: "api/receipts/r6/pdf/".to_owned(),
                upload_prefix: "api/receipts/r6/jpeg/".to_owned(),
            },
            1,
        ));
    }
    file
}

/// The child: writes both files in a loop, saying when the first round is done.
#[test]
#[ignore = "run by kill_9_mid_write_never_loses_the_config_or_the_jobs as its child"]
fn writer_child() {
    let Some(dir) = std::env::var_os(WRITER_DIR) else {
        return;
    };
    let dir = Path::new(&dir);
    for generation in 1.. {
        config_with(generation)
            .save(&dir.join("config.toml"))
            .expect("config");
        receipt_desk::fsutil::write_private_atomic(
            &JobFile::path(dir),
            &jobs_with(generation).to_json(),
        )
        .expect("jobs");
        if generation == 1 {
            println!("written");
        }
    }
}

#[test]
fn kill_9_mid_write_never_loses_the_config_or_the_jobs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut temps_seen = 0;
    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "crash_safe::writer_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("writer");
        // Killed only once it has written both files whole at least once (the first
        // round's files then exist), at whatever point its loop has reached.
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        while !line.contains("written") {
            line.clear();
            assert_ne!(
                stdout.read_line(&mut line).expect("read"),
                0,
                "the writer ended"
            );
        }
        // The writer keeps going meanwhile; each round kills it at another moment.
        let spins = (round * 7919) % 50 * 20_000;
        for _ in 0..spins {
            std::hint::spin_loop();
        }
        child.kill().expect("kill -9");
        child.wait().expect("wait");

        temps_seen += std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| {
                Path::new(&e.file_name())
                    .extension()
                    .is_some_and(|x| x == "tmp")
            })
            .count();
        // What the next start reads: both whole, nothing set aside.
        let (config, problem) =
            Config::load_keeping(&dir.path().join("config.toml")).expect("config readable");
        assert_eq!(problem, None, "round {round}");
        assert_eq!(config.profiles.len(), 400, "round {round}");
        let (jobs, problem) = JobFile::load(&JobFile::path(dir.path()));
        assert_eq!(problem, None, "round {round}");
        assert_eq!(jobs.jobs.len(), receipt_desk::jobs::MAX_JOBS.min(200));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                Path::new(n).extension().is_some_and(|e| e == "tmp") || n.contains("unreadable")
            })
            .collect();
        assert_eq!(leftovers, Vec::<String>::new(), "round {round}");
    }
    // Not asserted (it depends on timing), only told: how often a kill left a
    // temporary file behind for the next start to clean.
    println!("killed writes left a temporary file {temps_seen} times in {ROUNDS}");
}
