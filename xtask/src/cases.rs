use anyhow::Result;
use std::path::Path;

pub fn generate(_dir: &Path) -> Result<()> {
    Ok(())
}
