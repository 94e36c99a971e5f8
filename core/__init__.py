"""CTA Batch Studio product logic. Framework-free: never imports streamlit or dramatiq."""
