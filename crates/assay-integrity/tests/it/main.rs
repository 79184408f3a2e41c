//! The integrity library on real files: the parquet-testing corpus and a file whose footer is
//! larger than the tail kept while hashing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assay_integrity::hash::{FileError, TAIL_BYTES, hash_parquet, read_footer};
use sha2::{Digest, Sha256};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/parquet-testing")
}

fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            parquet_files(&p, out);
        } else if p.to_string_lossy().contains(".parquet") {
            out.push(p);
        }
    }
}

/// Every corpus file: the streamed sha256 is the sha256 of the whole file, and the footer read
/// from the kept tail equals the footer read on its own. Unreadable files give errors, never a
/// panic; encrypted footers say so.
#[test]
fn corpus_hashes_and_footers_agree() {
    let mut files = Vec::new();
    parquet_files(&corpus(), &mut files);
    assert!(
        files.len() >= 90,
        "the corpus is at ../shared: {}",
        files.len()
    );
    let (mut readable, mut encrypted) = (0, 0);
    for f in &files {
        let facts = hash_parquet(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let bytes = std::fs::read(f).unwrap();
        assert_eq!(facts.bytes, bytes.len() as u64);
        assert_eq!(
            facts.sha256,
            format!("{:x}", Sha256::digest(&bytes)),
            "{}",
            f.display()
        );
        match (&facts.footer, read_footer(f)) {
            (Ok(a), Ok((len, b))) => {
                assert_eq!(a, &b, "{}", f.display());
                assert_eq!(len, facts.bytes);
                readable += 1;
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, &b, "{}", f.display());
                if a.to_string().contains("encrypted") {
                    encrypted += 1;
                }
            }
            (a, b) => panic!("{}: streamed {a:?}, alone {b:?}", f.display()),
        }
    }
    assert!(readable >= 75, "{readable} of {}", files.len());
    assert!(encrypted > 0, "the corpus has files with encrypted footers");
}

#[test]
fn footer_larger_than_the_kept_tail() {
    use parquet::data_type::Int32Type;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    let columns = 3000;
    let mut message = String::from("message wide {\n");
    for i in 0..columns {
        message.push_str(&format!(
            "  required int32 column_with_a_long_name_{i:05};\n"
        ));
    }
    message.push('}');
    let schema = Arc::new(parse_message_type(&message).unwrap());
    let dir = std::env::temp_dir().join(format!("assay-integrity-wide-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wide.parquet");
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema, Default::default()).unwrap();
    let mut rg = writer.next_row_group().unwrap();
    while let Some(mut col) = rg.next_column().unwrap() {
        col.typed::<Int32Type>()
            .write_batch(&[1, 2], None, None)
            .unwrap();
        col.close().unwrap();
    }
    rg.close().unwrap();
    writer.close().unwrap();

    let bytes = std::fs::read(&path).unwrap();
    let footer_len =
        u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    assert!(
        footer_len as usize > TAIL_BYTES,
        "footer {footer_len} bytes"
    );
    let facts = hash_parquet(&path).unwrap();
    let footer = facts.footer.unwrap();
    assert_eq!((footer.rows, footer.row_groups), (2, 1));
    assert_eq!(read_footer(&path).unwrap().1, footer);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn short_and_foreign_files_are_named() {
    let dir = std::env::temp_dir().join(format!("assay-integrity-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty.parquet", b"", "too short"),
        (
            "text.parquet",
            b"this is a CSV file, honestly\n",
            "does not end with the Parquet magic",
        ),
        ("lying.parquet", b"PAR1\xff\xff\xff\x7fPAR1", "claims"),
    ];
    for (name, content, expected) in cases {
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        let facts = hash_parquet(&p).unwrap();
        match facts.footer {
            Err(FileError::NotParquet(m)) => assert!(m.contains(expected), "{name}: {m}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(matches!(
        hash_parquet(&dir.join("absent.parquet")),
        Err(FileError::Io(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
