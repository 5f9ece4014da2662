"""The AI concierge (issue 19): understanding, engines, tools and threads."""
