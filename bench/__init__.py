"""`make bench`: the site under load with the production gunicorn config, uncached and cached.

Run with `python -m bench` (see bench/__main__.py for the environment variables it reads). Results go to
bench/results/latest.md.
"""
