pub fn generate(_root: &std::path::Path) -> anyhow::Result<()> {
    Ok(())
}
