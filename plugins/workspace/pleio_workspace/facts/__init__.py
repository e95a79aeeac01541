"""What the workspace learns from a file's bytes: its type, a thumbnail and its text.

Pure functions of a file on disk (the upload's temporary file): no model, no request. Each
reads only what it needs and never trusts the name the uploader gave; each survives any
bytes (a broken, truncated or hostile file gives the plainest answer, never an error).
"""
