//! The real file system behind the console's files (`apply -f FILE`, `> FILE`), relative to the
//! current directory, as the real kubectl reads them.

use kubeplay_console::{FileError, Files};

pub struct RealFiles;

fn map(e: std::io::Error) -> FileError {
    match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound,
        std::io::ErrorKind::PermissionDenied => FileError::PermissionDenied,
        std::io::ErrorKind::IsADirectory => FileError::IsDirectory,
        _ => FileError::Other(e.to_string()),
    }
}

impl Files for RealFiles {
    fn read(&self, path: &str) -> Result<String, FileError> {
        if std::path::Path::new(path).is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read_to_string(path).map_err(map)
    }
    fn write(&mut self, path: &str, contents: &str) -> Result<(), FileError> {
        std::fs::write(path, contents).map_err(map)
    }
    fn is_dir(&self, path: &str) -> bool {
        std::path::Path::new(path).is_dir()
    }
    fn list_dir(&self, path: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(path)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.path().is_file())
                    .map(|e| e.path().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}
