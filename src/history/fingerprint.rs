//! Input fingerprints: a file's size and the XXH3-128 hash of its bytes.
//!
//! The fingerprint answers "is this the same export as last time", not "was it tampered with":
//! a 128-bit non-cryptographic hash makes an accidental collision negligible and reads at memory
//! speed (xxhash-rust is pure Rust, no build step), so it costs a fraction of the audit's own
//! read of the file.

use std::io::Read;
use std::path::Path;

use xxhash_rust::xxh3::Xxh3;

use super::snapshot::InputPrint;

/// Reads `path` in 1 MiB blocks.
pub fn fingerprint(table: &str, path: &Path) -> std::io::Result<InputPrint> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok(InputPrint {
        table: table.to_string(),
        bytes,
        fingerprint: format!("xxh3-128:{:032x}", hasher.digest128()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_same_print_one_byte_off_another() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, "id,email\n1,a@b.co\n").unwrap();
        std::fs::write(&b, "id,email\n1,a@b.co\n").unwrap();
        let (pa, pb) = (fingerprint("t", &a).unwrap(), fingerprint("t", &b).unwrap());
        assert_eq!(pa, pb);
        assert_eq!(pa.bytes, 18);
        // The reference: `printf 'id,email\n1,a@b.co\n' | xxhsum -H2` (xxHash 0.8's own tool).
        assert_eq!(pa.fingerprint, "xxh3-128:a3b753e1bfac0125b3b0e29ed0118ab3");
        std::fs::write(&b, "id,email\n1,a@b.cO\n").unwrap();
        assert_ne!(fingerprint("t", &b).unwrap().fingerprint, pa.fingerprint);
    }
}
