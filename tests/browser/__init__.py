"""Browser tests: the real site built once, served locally and used in Debian's Chromium."""
