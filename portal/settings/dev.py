"""Embedded defaults for running the portal on a fresh machine."""
from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
