"""What makes the stages fast and safe to publish: the content-addressed cache, fan-out over
worker processes, incremental rendering, the MkDocs memo and atomic publishing. It is handed
the per-document function; no stage imports it."""
