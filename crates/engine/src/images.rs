//! The image catalogue: which repositories and tags exist, how big they are and how long a first
//! pull takes. An unknown tag of a known repository fails to pull (ErrImagePull); an unknown
//! repository pulls with default timings, since the playground cannot know every registry.

/// A repository the playground knows, with its real tags.
pub struct Repository {
    /// The short name as people write it (`nginx`), without `docker.io/library/`.
    pub name: &'static str,
    pub tags: &'static [&'static str],
    /// Compressed size in bytes, reported in the Pulled event and node.status.images.
    pub size_bytes: i64,
    /// Seconds a first pull takes on a node, before jitter.
    pub pull_seconds: f64,
}

pub const CATALOGUE: &[Repository] = &[
    Repository {
        name: "nginx",
        tags: &[
            "1.10",
            "1.11",
            "1.12",
            "1.13",
            "1.14",
            "1.15",
            "1.16",
            "1.17",
            "1.18",
            "1.19",
            "1.20",
            "1.21",
            "1.22",
            "1.23",
            "1.24",
            "1.25",
            "1.26",
            "1.27",
            "1.28",
            "1.29",
            "stable",
            "mainline",
            "alpine",
            "latest",
            "1.27-alpine",
            "1.25-alpine",
        ],
        size_bytes: 67_216_514,
        pull_seconds: 4.0,
    },
    Repository {
        name: "redis",
        tags: &["6", "7", "7.2", "7.4", "alpine", "latest"],
        size_bytes: 45_925_178,
        pull_seconds: 3.0,
    },
    Repository {
        name: "busybox",
        tags: &["1.36", "1.37", "stable", "latest"],
        size_bytes: 2_155_577,
        pull_seconds: 1.0,
    },
    Repository {
        name: "httpd",
        tags: &["2.4", "alpine", "latest"],
        size_bytes: 58_300_000,
        pull_seconds: 3.5,
    },
    Repository {
        name: "postgres",
        tags: &["15", "16", "17", "alpine", "latest"],
        size_bytes: 157_000_000,
        pull_seconds: 8.0,
    },
    Repository {
        name: "registry.k8s.io/pause",
        tags: &["3.9", "3.10"],
        size_bytes: 320_368,
        pull_seconds: 0.5,
    },
    Repository {
        name: "kelseyhightower/app",
        tags: &["1.0.0", "2.0.0"],
        size_bytes: 6_000_000,
        pull_seconds: 2.0,
    },
    Repository {
        name: "gcr.io/hightowerlabs/nginx",
        tags: &["1.10", "1.11"],
        size_bytes: 67_000_000,
        pull_seconds: 4.0,
    },
];

/// Default timings for a repository the catalogue does not know.
pub const DEFAULT_PULL_SECONDS: f64 = 3.0;
pub const DEFAULT_SIZE_BYTES: i64 = 50_000_000;

/// What pulling `image` would do.
#[derive(Clone, Debug, PartialEq)]
pub enum PullOutcome {
    Ok {
        size_bytes: i64,
        seconds: f64,
    },
    /// The repository is known but has no such tag.
    NotFound {
        reference: String,
    },
}

/// Splits `repo[:tag]` (digests are accepted as they are).
fn split(image: &str) -> (&str, &str) {
    if let Some((repo, _digest)) = image.split_once('@') {
        return (repo, "");
    }
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].rfind(':') {
        Some(i) => (&image[..slash + i], &image[slash + i + 1..]),
        None => (image, "latest"),
    }
}

/// The fully qualified reference, as containerd reports it (`docker.io/library/nginx:1.10`).
pub fn qualified(image: &str) -> String {
    let (repo, tag) = split(image);
    let first = repo.split('/').next().unwrap_or("");
    let has_registry =
        repo.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full = if has_registry {
        repo.to_string()
    } else if repo.contains('/') {
        format!("docker.io/{repo}")
    } else {
        format!("docker.io/library/{repo}")
    };
    if tag.is_empty() {
        full
    } else {
        format!("{full}:{tag}")
    }
}

pub fn lookup(image: &str) -> PullOutcome {
    let (repo, tag) = split(image);
    let short = repo
        .strip_prefix("docker.io/library/")
        .or_else(|| repo.strip_prefix("docker.io/"))
        .unwrap_or(repo);
    match CATALOGUE.iter().find(|r| r.name == short) {
        Some(r) if tag.is_empty() || r.tags.contains(&tag) => PullOutcome::Ok {
            size_bytes: r.size_bytes,
            seconds: r.pull_seconds,
        },
        Some(_) => PullOutcome::NotFound {
            reference: qualified(image),
        },
        None => PullOutcome::Ok {
            size_bytes: DEFAULT_SIZE_BYTES,
            seconds: DEFAULT_PULL_SECONDS,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_tags_pull_and_unknown_tags_fail() {
        assert!(matches!(lookup("nginx:1.10"), PullOutcome::Ok { .. }));
        assert!(matches!(lookup("nginx"), PullOutcome::Ok { .. }));
        assert_eq!(
            lookup("nginx:9.99"),
            PullOutcome::NotFound {
                reference: "docker.io/library/nginx:9.99".into()
            }
        );
        assert!(matches!(
            lookup("example.com/team/app:v2"),
            PullOutcome::Ok { .. }
        ));
        assert_eq!(
            qualified("example.com/team/app:v2"),
            "example.com/team/app:v2"
        );
        assert_eq!(qualified("bitnami/redis"), "docker.io/bitnami/redis:latest");
    }
}
