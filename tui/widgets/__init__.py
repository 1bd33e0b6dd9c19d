"""The reader's widgets; each posts messages and never queries its siblings."""
