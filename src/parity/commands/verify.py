"""`parity verify`: not built yet."""

from parity.errors import ParityError

HELP = "(not built yet)"


def register(parser):
    parser.add_argument("path", nargs="?", default=".")


def run(args) -> int:
    raise ParityError("parity verify is not built yet")
