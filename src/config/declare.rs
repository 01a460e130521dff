//! The `settings!` macro: from the one list in `settings.rs` it makes the command-line
//! arguments (with their `--help`), the TOML keys, the defaults and a Debug that hides secrets.

use super::ConfigError;

/// What the list says about one setting, apart from its help text.
#[derive(Debug)]
pub struct Declaration {
    /// The key in the TOML file; the flag is the same with `-` for `_`.
    pub key: &'static str,
    pub env: &'static str,
    /// The value when none is given, if it is a fixed one; `--help` shows it.
    pub default: Option<&'static str>,
    /// Never printed: `--help` hides its environment value and Debug its value.
    pub secret: bool,
}

impl Declaration {
    /// "--db-pool-max (AMPLI_DB_POOL_MAX)": how a user finds the setting again.
    pub fn describe(&self) -> String {
        format!("--{} ({})", self.key.replace('_', "-"), self.env)
    }

    pub fn invalid(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            setting: self.describe(),
            message: message.into(),
        }
    }
}

/// One setting as `Config::from_raw` reads it: its declaration and its value, the one given or
/// else its fixed default. `V` is `&str` for a setting with a fixed default, `Option<&str>` for
/// one without, so that code cannot forget a default the list does not have.
pub struct Setting<V> {
    pub declared: &'static Declaration,
    value: V,
}

impl<V> Setting<V> {
    pub fn new(declared: &'static Declaration, value: V) -> Self {
        Self { declared, value }
    }

    /// An error naming this setting.
    pub fn invalid(&self, message: impl Into<String>) -> ConfigError {
        self.declared.invalid(message)
    }
}

impl<'a> Setting<&'a str> {
    /// The value as written.
    pub fn text(&self) -> &'a str {
        self.value
    }

    /// The value, trimmed, through `parse`; a refusal names the setting.
    pub fn parse<T>(
        &self,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        parse(self.value.trim()).map_err(|message| self.invalid(message))
    }
}

impl<'a> Setting<Option<&'a str>> {
    /// The value as written, when one was given.
    pub fn given(&self) -> Option<&'a str> {
        self.value
    }

    /// The value given, trimmed, unless it is blank: blank counts as not given.
    pub fn non_blank(&self) -> Option<&'a str> {
        self.value.map(str::trim).filter(|text| !text.is_empty())
    }

    /// Like `parse` on a setting with a fixed default, for a default worked out at start.
    pub fn parse_or<T>(
        &self,
        default: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        parse(self.value.unwrap_or(default).trim()).map_err(|message| self.invalid(message))
    }
}

/// A setting's `--help`: its doc comment as clap shows one, then its fixed default. (clap reads
/// only literal doc comments, so the default cannot simply be appended to them.)
pub fn help(doc: &[&str], default: Option<&str>) -> String {
    let text = doc
        .iter()
        .map(|line| line.trim())
        .collect::<Vec<_>>()
        .join(" ");
    match default {
        Some(default) => format!("{text} [default: {default}]"),
        // clap drops the one full stop that ends a help line.
        None => text.strip_suffix('.').unwrap_or(&text).to_owned(),
    }
}

/// Shown by Debug in place of a setting's value.
pub fn shown(value: &Option<String>, secret: bool) -> Option<&str> {
    match value {
        Some(_) if secret => Some("***"),
        other => other.as_deref(),
    }
}

/// Declares `RawSettings` from a list of settings, each written once:
///
/// ```text
/// /// Help text (the doc comment is the `--help`).
/// #[arg(env = "AMPLI_NAME", value_name = "N")]
/// name = "default",
/// ```
///
/// `= "default"` is left out where there is none or it is worked out at start (the doc comment
/// then says what it is), and `hide_env_values = true` follows `value_name` for a secret. The
/// first entry is `config;`, the file itself, which is not a key in it.
macro_rules! settings {
    (@default) => { None };
    (@default $default:literal) => { Some($default) };
    (@secret) => { false };
    (@secret $secret:literal) => { $secret };
    (@value_type $lifetime:lifetime) => { Option<&$lifetime str> };
    (@value_type $lifetime:lifetime $default:literal) => { &$lifetime str };
    (@value $given:expr) => { $given };
    (@value $given:expr, $default:literal) => { $given.unwrap_or($default) };
    (@declaration $key:ident, $env:literal, [$($default:literal)?], [$($secret:literal)?]) => {
        &$crate::config::declare::Declaration {
            key: stringify!($key),
            env: $env,
            default: settings!(@default $($default)?),
            secret: settings!(@secret $($secret)?),
        }
    };
    (
        $(#[doc = $config_doc:literal])*
        #[arg(env = $config_env:literal, value_name = $config_value_name:literal)]
        config;
        $(
            $(#[doc = $doc:literal])*
            #[arg(
                env = $env:literal,
                value_name = $value_name:literal
                $(, hide_env_values = $secret:literal)? $(,)?
            )]
            $key:ident $(= $default:literal)?
        ),+ $(,)?
    ) => {
        /// Settings shared by every subcommand, as given on the command line or in the
        /// environment. `None` means "not given here": the TOML file or the default decides.
        #[derive(Default, Clone, clap::Args)]
        pub struct RawSettings {
            $(#[doc = $config_doc])*
            #[arg(long, env = $config_env, global = true, value_name = $config_value_name)]
            pub config: Option<String>,
            $(
                $(#[doc = $doc])*
                #[arg(
                    long,
                    env = $env,
                    global = true,
                    value_name = $value_name,
                    help = $crate::config::declare::help(
                        &[$($doc),*],
                        settings!(@default $($default)?),
                    )
                    $(, hide_env_values = $secret)?
                )]
                pub $key: Option<String>,
            )+
        }

        /// Each setting with its declaration and its value, as `Config::from_raw` reads them.
        pub struct Settings<'a> {
            pub config: $crate::config::declare::Setting<Option<&'a str>>,
            $(
                pub $key: $crate::config::declare::Setting<
                    settings!(@value_type 'a $($default)?)
                >,
            )+
        }

        impl RawSettings {
            /// Every setting the TOML file may hold, in `--help` order.
            pub const DECLARED: &'static [$crate::config::declare::Declaration] = &[$(
                $crate::config::declare::Declaration {
                    key: stringify!($key),
                    env: $env,
                    default: settings!(@default $($default)?),
                    secret: settings!(@secret $($secret)?),
                },
            )+];

            pub fn settings(&self) -> Settings<'_> {
                Settings {
                    config: $crate::config::declare::Setting::new(
                        settings!(@declaration config, $config_env, [], []),
                        self.config.as_deref(),
                    ),
                    $(
                        $key: $crate::config::declare::Setting::new(
                            settings!(@declaration $key, $env, [$($default)?], [$($secret)?]),
                            settings!(@value self.$key.as_deref() $(, $default)?),
                        ),
                    )+
                }
            }

            /// Where the setting a TOML key names is kept, with its declaration.
            pub(in $crate::config) fn slot(
                &mut self,
                key: &str,
            ) -> Option<(&'static $crate::config::declare::Declaration, &mut Option<String>)> {
                $(
                    if key == stringify!($key) {
                        return Some((
                            settings!(@declaration $key, $env, [$($default)?], [$($secret)?]),
                            &mut self.$key,
                        ));
                    }
                )+
                None
            }
        }

        impl std::fmt::Debug for RawSettings {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("RawSettings")
                    .field("config", &self.config)
                    $(
                        .field(
                            stringify!($key),
                            &$crate::config::declare::shown(
                                &self.$key,
                                settings!(@secret $($secret)?),
                            ),
                        )
                    )+
                    .finish()
            }
        }
    };
}

pub(super) use settings;
