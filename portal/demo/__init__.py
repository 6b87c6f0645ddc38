"""The demo `manage.py load_demo` builds: accounts for every role, the catalog, and an enterprise's side.

Everything is written through the apps' services (the catalog data itself is datasets/demo/);
every step skips what is already there, so a re-run changes nothing and resets no one.
"""
