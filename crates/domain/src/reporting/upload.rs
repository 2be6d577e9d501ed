//! File deliverables (vedlegg): which files a form accepts. The type is decided by the file's
//! extension and confirmed by its first bytes, so a renamed program is refused.

/// Largest file a form accepts.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub extension: &'static str,
    pub content_type: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("ingen fil er valgt")]
    Empty,
    #[error("«{name}» er {size} byte; største tillatte fil er 10 MB")]
    TooLarge { name: String, size: usize },
    #[error(
        "«{name}» har en filtype som ikke tas imot; bruk PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, CSV eller tekst"
    )]
    Refused { name: String },
    #[error("innholdet i «{name}» stemmer ikke med filtypen .{extension}")]
    Mismatch { name: String, extension: &'static str },
}

enum Magic {
    Prefix(&'static [u8]),
    /// Office Open XML and OpenDocument files are zip archives.
    Zip,
    Text,
}

const TYPES: [(&str, &str, Magic); 12] = [
    ("pdf", "application/pdf", Magic::Prefix(b"%PDF-")),
    ("png", "image/png", Magic::Prefix(b"\x89PNG\r\n\x1a\n")),
    ("jpg", "image/jpeg", Magic::Prefix(b"\xff\xd8\xff")),
    ("jpeg", "image/jpeg", Magic::Prefix(b"\xff\xd8\xff")),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Magic::Zip),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Magic::Zip),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", Magic::Zip),
    ("odt", "application/vnd.oasis.opendocument.text", Magic::Zip),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet", Magic::Zip),
    ("odp", "application/vnd.oasis.opendocument.presentation", Magic::Zip),
    ("csv", "text/csv; charset=utf-8", Magic::Text),
    ("txt", "text/plain; charset=utf-8", Magic::Text),
];

/// Decides whether a file may be stored, and as what.
pub fn classify(name: &str, bytes: &[u8]) -> Result<FileType, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(UploadError::TooLarge { name: name.to_string(), size: bytes.len() });
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let (extension, content_type, magic) = TYPES
        .iter()
        .find(|(e, _, _)| *e == extension)
        .ok_or_else(|| UploadError::Refused { name: name.to_string() })?;
    let matches = match magic {
        Magic::Prefix(p) => bytes.starts_with(p),
        Magic::Zip => bytes.starts_with(b"PK\x03\x04"),
        Magic::Text => std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')),
    };
    if matches {
        Ok(FileType { extension, content_type })
    } else {
        Err(UploadError::Mismatch { name: name.to_string(), extension })
    }
}

/// A file name safe to show and to send back in a download header: the last path part, without
/// control characters or quotes, at most 120 characters.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
    if cleaned.trim().is_empty() { "vedlegg".to_string() } else { cleaned.trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_known_types_by_extension_and_content() {
        assert_eq!(classify("DPIA.PDF", b"%PDF-1.7 ...").map(|t| t.content_type), Ok("application/pdf"));
        assert_eq!(classify("flyt.docx", b"PK\x03\x04rest").map(|t| t.extension), Ok("docx"));
        assert_eq!(classify("liste.csv", "kommune;antall\nBodø;3".as_bytes()).map(|t| t.extension), Ok("csv"));
    }

    #[test]
    fn refuses_and_names_the_file() {
        assert_eq!(classify("tom.pdf", b""), Err(UploadError::Empty));
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        assert!(
            matches!(classify("stor.txt", &big), Err(UploadError::TooLarge { size, .. }) if size == MAX_FILE_BYTES + 1)
        );
        let refused = classify("virus.exe", b"MZ").unwrap_err().to_string();
        assert!(refused.contains("«virus.exe»"), "{refused}");
        let renamed = classify("rapport.pdf", b"MZ\x90\x00").unwrap_err().to_string();
        assert!(renamed.contains("«rapport.pdf»") && renamed.contains(".pdf"), "{renamed}");
        assert!(classify("binær.txt", b"a\0b").is_err());
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\Users\\x\\Flytskjema \"v2\".pdf"), "Flytskjema v2.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\n"), "vedlegg");
    }
}
