"""The site and the admin driven in the system Chromium."""
