"""The ingest stage: sources in, spool files out.

``discover`` (feeds, sitemaps, local folders), ``fetch`` (polite HTTP client),
``netguard`` (the address guard every connection passes), ``extract`` (trafilatura,
in processes), ``metadata`` (bylines and dates) and ``batches`` (the per-URL work:
plan batches, fetch and extract one into a spool file). ``newsevents.pipeline``
calls them with the run's settings.
"""
