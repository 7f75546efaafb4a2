//! Generation from a user crate's `build.rs`, the way `prost-build` works: their spec files are
//! loaded on top of the SDK's spec and their part is written to `OUT_DIR`.
//!
//! ```no_run
//! // In build.rs's `main`:
//! zohocrm_codegen::build::Builder::new().spec("spec/org.yaml").compile();
//! ```
//!
//! ```ignore
//! // src/main.rs (or any module): the generated `types`, `handles` and `prelude` modules.
//! include!(concat!(env!("OUT_DIR"), "/zohocrm_org.rs"));
//! ```
//!
//! The spec format is `spec/README.md`'s; a user file may use the SDK's entities, enums and
//! handles by name (`Record`, `UserRef`, `LookupRef`, the `module` handle ...) but not redefine
//! them. See `docs/your-own-org.md`.

use crate::builtin;
use crate::load::SpecErrors;
use std::path::{Path, PathBuf};

/// The file [`Builder::compile`] writes in `OUT_DIR` unless told otherwise.
pub const DEFAULT_OUT_FILE: &str = "zohocrm_org.rs";

/// Which spec files to generate from, and where the result goes.
#[derive(Debug, Clone)]
pub struct Builder {
    specs: Vec<PathBuf>,
    out_file: String,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            specs: Vec::new(),
            out_file: DEFAULT_OUT_FILE.to_owned(),
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A spec file could not be read, or `OUT_DIR`'s file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The spec is invalid; each error names the user's file, line and column.
    #[error("{0}")]
    Spec(SpecErrors),
    /// `compile` ran outside a build script.
    #[error("OUT_DIR is not set: `compile` is for build.rs; use `generate_into` elsewhere")]
    NoOutDir,
}

impl Builder {
    /// No spec files yet; output `zohocrm_org.rs`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a spec file (relative paths are relative to the crate, where build scripts run).
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.specs.push(path.into());
        self
    }

    /// Names the file written in the output directory (default [`DEFAULT_OUT_FILE`]).
    pub fn out_file(mut self, name: impl Into<String>) -> Self {
        self.out_file = name.into();
        self
    }

    /// The generated source, without writing anything.
    pub fn generate(&self) -> Result<String, BuildError> {
        let mut sources = Vec::new();
        for path in &self.specs {
            let bytes = std::fs::read(path).map_err(|source| BuildError::Io {
                path: path.clone(),
                source,
            })?;
            let name = display_name(path);
            let text = crate::load::decode_source(&name, bytes)
                .map_err(|e| BuildError::Spec(SpecErrors(vec![e])))?;
            sources.push((name, text));
        }
        let names: Vec<String> = sources.iter().map(|(n, _)| n.clone()).collect();
        let api = builtin::load_with(&sources).map_err(BuildError::Spec)?;
        Ok(crate::emit::emit_user(&api, &|f| {
            names.iter().any(|n| n == f)
        }))
    }

    /// Writes the generated source into `dir`; returns the file's path. An unchanged file is not
    /// rewritten, so nothing downstream rebuilds for it.
    pub fn generate_into(&self, dir: &Path) -> Result<PathBuf, BuildError> {
        let code = self.generate()?;
        let dest = dir.join(&self.out_file);
        if std::fs::read_to_string(&dest).ok().as_deref() != Some(code.as_str()) {
            std::fs::write(&dest, code).map_err(|source| BuildError::Io {
                path: dest.clone(),
                source,
            })?;
        }
        Ok(dest)
    }

    /// For `build.rs`: tells cargo to rerun only when one of the spec files changes, writes into
    /// `OUT_DIR`, and on failure reports each problem as a cargo error (`spec/org.yaml:12:7:
    /// unknown type Invoce`) and fails the build.
    pub fn compile(&self) {
        for path in &self.specs {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let result = std::env::var_os("OUT_DIR")
            .ok_or(BuildError::NoOutDir)
            .and_then(|dir| self.generate_into(Path::new(&dir)));
        if let Err(e) = result {
            let lines = match &e {
                BuildError::Spec(errs) => errs.0.iter().map(ToString::to_string).collect(),
                other => vec![other.to_string()],
            };
            for line in lines {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    }
}

/// The name errors and headers use: the path as the user wrote it, unless that is also the name
/// of one of the SDK's files (then `./` keeps the two apart).
fn display_name(path: &Path) -> String {
    let name = path.display().to_string();
    if builtin::is_builtin_file(&name) {
        format!("./{name}")
    } else {
        name
    }
}
