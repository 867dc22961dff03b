"""`aias collect`: an HTTP intake for Segment-spec product events and Sentry envelopes.

Parsers (segment.py, sentry.py) turn a request body into contract rows and rejects without touching a
database; store.py commits them to the same raw tables the loader writes; app.py answers the SDKs.
"""
