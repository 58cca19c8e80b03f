//! The PostgreSQL major version a project runs, read from the files of the tools that state it,
//! for projects whose `ddlint.toml` does not: Supabase's `supabase/config.toml`
//! (`[db] major_version`), the `postgres` image of a Docker Compose file, and asdf's
//! `.tool-versions`.

use std::path::Path;

/// The directories looked at: the project's (where `ddlint.toml` or `.git` is) and those between
/// it and `start`; a bound so that a path far from any project does not walk to the root.
const MAX_LEVELS: usize = 8;

const COMPOSE_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The version stated by the tool files nearest to `start` (a directory or a file), searching
/// up to the directory that holds `ddlint.toml` or `.git`; the oldest when one directory's
/// files state several.
pub(super) fn detect(start: &Path) -> Option<u32> {
    let start = std::path::absolute(start).ok()?;
    let first = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    for dir in first.ancestors().take(MAX_LEVELS) {
        let found = [
            read(&dir.join("supabase/config.toml"), supabase_major),
            read(&dir.join(".tool-versions"), tool_versions_major),
        ]
        .into_iter()
        .chain(
            COMPOSE_FILES
                .iter()
                .map(|name| read(&dir.join(name), compose_major)),
        )
        .flatten()
        .min();
        if found.is_some() {
            return found;
        }
        if dir.join(super::FILE_NAME).is_file() || dir.join(".git").exists() {
            return None;
        }
    }
    None
}

fn read(path: &Path, major: fn(&str) -> Option<u32>) -> Option<u32> {
    // Only a file: opening a named pipe of that name would wait for a writer.
    if !path.is_file() {
        return None;
    }
    major(&std::fs::read_to_string(path).ok()?)
}

/// `major_version = 15` in the `[db]` table of Supabase's configuration.
fn supabase_major(text: &str) -> Option<u32> {
    let mut in_db = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            in_db = line == "[db]";
        } else if in_db
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "major_version"
        {
            return leading_major(value.trim());
        }
    }
    None
}

/// `postgres 15.3` (or `postgresql`) in asdf's `.tool-versions`.
fn tool_versions_major(text: &str) -> Option<u32> {
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let tool = words.next()?;
        matches!(tool, "postgres" | "postgresql")
            .then(|| leading_major(words.next()?))
            .flatten()
    })
}

/// The PostgreSQL images a Compose file runs, by the last part of the image name.
const POSTGRES_IMAGES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "pgvector",
    "timescaledb",
    "timescaledb-ha",
];

/// The oldest major among the `image:` lines of a Compose file that run PostgreSQL:
/// `postgres:16-alpine`, `postgis/postgis:15-3.4`, `pgvector/pgvector:pg16`,
/// `timescale/timescaledb:latest-pg15`, `supabase/postgres:15.1.0.147`.
fn compose_major(text: &str) -> Option<u32> {
    text.lines()
        .filter_map(|line| {
            let value = line.trim().strip_prefix("image:")?;
            let image = value.trim().trim_matches(|c| c == '"' || c == '\'');
            let (name, tag) = image.split_once(':')?;
            let last = name.rsplit('/').next()?;
            if !POSTGRES_IMAGES.contains(&last) && name != "supabase/postgres" {
                return None;
            }
            match tag.find("pg") {
                Some(at) if !tag.starts_with(|c: char| c.is_ascii_digit()) => {
                    leading_major(&tag[at + 2..])
                }
                _ => leading_major(tag),
            }
        })
        .min()
}

/// The major version at the start of `15.3`, `16-alpine`, `9.6`: the digits before the first
/// non-digit, accepted when PostgreSQL has had such a major.
fn leading_major(text: &str) -> Option<u32> {
    let digits: String = text
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let major = digits.parse::<i64>().ok()?;
    super::KNOWN_POSTGRES
        .contains(&major)
        .then_some(major as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tools_that_state_a_version() {
        assert_eq!(
            supabase_major("[api]\nport = 54321\n\n[db]\nport = 54322\nmajor_version = 15 # pg\n"),
            Some(15)
        );
        assert_eq!(supabase_major("[api]\nmajor_version = 15\n"), None);
        assert_eq!(
            tool_versions_major("nodejs 20.1.0\npostgres 14.9\n"),
            Some(14)
        );
        assert_eq!(tool_versions_major("python 3.12\n"), None);
        let compose = "services:\n  db:\n    image: \"postgis/postgis:15-3.4\"\n  cache:\n    \
                       image: redis:7\n  vector:\n    image: pgvector/pgvector:pg16\n";
        assert_eq!(compose_major(compose), Some(15));
        assert_eq!(
            compose_major("    image: timescale/timescaledb:latest-pg12\n"),
            Some(12)
        );
        assert_eq!(compose_major("  image: postgres:9.6\n"), Some(9));
        assert_eq!(
            compose_major("  image: supabase/postgres:15.1.0.147\n"),
            Some(15)
        );
        assert_eq!(compose_major("  image: postgres:latest\n"), None);
        assert_eq!(compose_major("  image: mysql:8\n"), None);
    }

    #[test]
    fn looks_up_to_the_project_directory() {
        let root = std::env::temp_dir().join(format!("ddlint-pg-version-{}", std::process::id()));
        let migrations = root.join("project/db/migrations");
        std::fs::create_dir_all(&migrations).unwrap();
        std::fs::create_dir_all(root.join("project/.git")).unwrap();
        std::fs::write(root.join("compose.yaml"), "image: postgres:11\n").unwrap();
        assert_eq!(detect(&migrations), None, "stops at the project directory");
        std::fs::write(
            root.join("project/docker-compose.yml"),
            "services:\n  db:\n    image: postgres:12-alpine\n",
        )
        .unwrap();
        assert_eq!(detect(&migrations.join("0001_init.sql")), Some(12));
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A named pipe is passed by, not read: that would wait for a writer forever.
    #[cfg(unix)]
    #[test]
    fn named_pipes_are_not_read() {
        let root = std::env::temp_dir().join(format!("ddlint-pg-pipe-{}", std::process::id()));
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join(".tool-versions"))
            .status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
        std::fs::write(root.join("compose.yaml"), "image: postgres:16\n").unwrap();
        assert_eq!(detect(&root), Some(16));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
