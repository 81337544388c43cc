"""Serving a class: several replicas of the app behind HAProxy (`python -m deploy.serve`)."""
