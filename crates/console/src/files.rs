//! The files console commands read and write (`apply -f FILE`, `--from-file`, `> FILE`): an
//! interface the host implements, so that the library itself never touches a file system.

use std::collections::BTreeMap;

/// Why a file could not be read or written, as Go's `os` package words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    NotFound,
    IsDirectory,
    PermissionDenied,
    Other(String),
}

impl FileError {
    /// `no such file or directory`, `is a directory`...
    pub fn reason(&self) -> String {
        match self {
            FileError::NotFound => "no such file or directory".into(),
            FileError::IsDirectory => "is a directory".into(),
            FileError::PermissionDenied => "permission denied".into(),
            FileError::Other(s) => s.clone(),
        }
    }
}

/// The console's view of files.
pub trait Files {
    fn read(&self, path: &str) -> Result<String, FileError>;
    fn write(&mut self, path: &str, contents: &str) -> Result<(), FileError>;
    fn append(&mut self, path: &str, contents: &str) -> Result<(), FileError> {
        let mut s = match self.read(path) {
            Ok(s) => s,
            Err(FileError::NotFound) => String::new(),
            Err(e) => return Err(e),
        };
        s.push_str(contents);
        self.write(path, &s)
    }
    /// Whether `path` names a directory (for `apply -f DIR`); none by default.
    fn is_dir(&self, _path: &str) -> bool {
        false
    }
    /// The files directly inside a directory, sorted (for `apply -f DIR`).
    fn list_dir(&self, _path: &str) -> Vec<String> {
        Vec::new()
    }
}

/// Files held in memory: the web app's editor buffers, and the default for tests.
#[derive(Clone, Debug, Default)]
pub struct MemFiles {
    pub files: BTreeMap<String, String>,
}

impl Files for MemFiles {
    fn read(&self, path: &str) -> Result<String, FileError> {
        self.files
            .get(normalize(path))
            .cloned()
            .ok_or(FileError::NotFound)
    }
    fn write(&mut self, path: &str, contents: &str) -> Result<(), FileError> {
        self.files
            .insert(normalize(path).to_string(), contents.to_string());
        Ok(())
    }
}

fn normalize(path: &str) -> &str {
    path.strip_prefix("./").unwrap_or(path)
}

/// The files as a [`crate::Session::check`] sees them: reads go to the host's files, writes stay
/// in memory and are discarded with the overlay.
pub(crate) struct Overlay {
    base: Box<dyn Files>,
    writes: BTreeMap<String, String>,
}

impl Overlay {
    pub(crate) fn new(base: Box<dyn Files>) -> Overlay {
        Overlay {
            base,
            writes: BTreeMap::new(),
        }
    }

    /// The host's files, untouched.
    pub(crate) fn into_base(self) -> Box<dyn Files> {
        self.base
    }
}

impl Files for Overlay {
    fn read(&self, path: &str) -> Result<String, FileError> {
        match self.writes.get(normalize(path)) {
            Some(s) => Ok(s.clone()),
            None => self.base.read(path),
        }
    }
    fn write(&mut self, path: &str, contents: &str) -> Result<(), FileError> {
        self.writes
            .insert(normalize(path).to_string(), contents.to_string());
        Ok(())
    }
    fn is_dir(&self, path: &str) -> bool {
        self.base.is_dir(path)
    }
    fn list_dir(&self, path: &str) -> Vec<String> {
        self.base.list_dir(path)
    }
}
