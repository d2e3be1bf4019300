"""newsevents: news articles in, an event-data warehouse out."""

__version__ = "0.1.0"
