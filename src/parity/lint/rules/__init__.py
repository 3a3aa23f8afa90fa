"""The rules, one module per concern; importing this package registers them all."""

from parity.lint.rules import (  # noqa: F401  (imported for their @rule registrations)
    build,
    compose,
    dependencies,
    ignorefile,
    image,
    secrets,
    stages,
    startup,
    syntax,
)
