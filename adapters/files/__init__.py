"""File codecs: how finance files and table downloads are written."""
