# The article's CMD passes `-c gunicorn.conf.py` but never shows the file.
# This stand-in sets nothing, so the article's variant runs with gunicorn's defaults
# (one sync worker), which is what "the server's default worker settings" means for it.
