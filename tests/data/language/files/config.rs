use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Config {
    pub listen: String,
    #[serde(default = "default_workers")]
    pub workers: usize,
    pub database_url: Option<String>,
}

fn default_workers() -> usize {
    4
}

impl Config {
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_defaults() {
        let c = Config::from_toml("listen = \"0.0.0.0:80\"").unwrap();
        assert_eq!(c.workers, 4);
        assert!(c.database_url.is_none());
    }
}
