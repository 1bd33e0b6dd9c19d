"""The app's screens: the reader, and the views it opens over itself."""
