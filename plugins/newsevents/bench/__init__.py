"""``make bench``: performance figures, printed, never asserted. ``corpus`` generates
the realistic news pages (article lengths and page weights like real news) served on
127.0.0.1; ``run`` measures extraction, ingestion and whole pipeline runs on them."""
