"""The colours that mark what the tool owns, so a repair finds its own headers and conditional
formats among any a person added."""

HEADER_COLOR = {"red": 0.85, "green": 0.9, "blue": 0.98}
TOOL_COLOR = {"red": 0.93, "green": 0.93, "blue": 0.93}
FLAG_COLOR = {"red": 1, "green": 0.8, "blue": 0.8}
WARN_COLOR = {"red": 1, "green": 0.95, "blue": 0.75}
