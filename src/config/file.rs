//! The TOML file named by `--config`: read, and merged under the flags and environment.

use std::path::Path;

use super::{ConfigError, RawSettings};

impl RawSettings {
    /// Reads the file named by `--config`, if any, and takes from it every setting that flags
    /// and environment left unset.
    pub(super) fn fill_missing_from_file(&mut self) -> Result<(), ConfigError> {
        let Some(path) = self.config.clone() else {
            return Ok(());
        };
        let file = self.read_file(Path::new(&path))?;
        self.fill_missing_from(file)
    }

    fn read_file(&self, path: &Path) -> Result<toml::Table, ConfigError> {
        let config = self.settings().config;
        let text = std::fs::read_to_string(path)
            .map_err(|error| config.invalid(format!("cannot read {}: {error}", path.display())))?;
        text.parse::<toml::Table>().map_err(|error| {
            let message = error.message().to_owned();
            let line = error
                .span()
                .map(|span| text[..span.start].lines().count().max(1));
            config.invalid(match line {
                Some(line) => format!("{} line {line}: {message}", path.display()),
                None => format!("{}: {message}", path.display()),
            })
        })
    }

    /// Takes from the file every setting that flags and environment left unset; a key that
    /// names no setting is refused.
    pub(super) fn fill_missing_from(&mut self, file: toml::Table) -> Result<(), ConfigError> {
        for (key, value) in file {
            let Some((declared, slot)) = self.slot(&key) else {
                return Err(self
                    .settings()
                    .config
                    .invalid(format!("unknown key {key:?} in the config file")));
            };
            let text = match value {
                toml::Value::String(text) => text,
                toml::Value::Integer(number) => number.to_string(),
                toml::Value::Boolean(flag) => flag.to_string(),
                other => {
                    return Err(declared.invalid(format!(
                        "in the config file, expected text or a number, got a {}",
                        other.type_str()
                    )));
                }
            };
            slot.get_or_insert(text);
        }
        Ok(())
    }
}
