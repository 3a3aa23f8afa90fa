"""`parity build`: not built yet."""

from parity.errors import ParityError

HELP = "(not built yet)"


def register(parser):
    parser.add_argument("path", nargs="?", default=".")


def run(args) -> int:
    raise ParityError("parity build is not built yet")
