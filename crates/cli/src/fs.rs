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

/// A workshop folder on disk, as the workshop loader reads it: paths confined to the folder,
/// files over 1 MiB refused before they are read.
pub struct WorkshopDir(pub std::path::PathBuf);

impl kubeplay_workshop::Source for WorkshopDir {
    fn read(&self, path: &str) -> Result<String, kubeplay_workshop::SourceError> {
        use kubeplay_workshop::SourceError;
        kubeplay_workshop::check_path(path)?;
        let full = self.0.join(path);
        let meta = std::fs::metadata(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SourceError::NotFound,
            _ => SourceError::Other(e.to_string()),
        })?;
        if meta.is_dir() {
            return Err(SourceError::Other("is a directory".into()));
        }
        let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        if len > kubeplay_workshop::MAX_FILE_BYTES {
            return Err(SourceError::TooLarge(len));
        }
        std::fs::read_to_string(&full).map_err(|e| SourceError::Other(e.to_string()))
    }
}
