"""The tool registry; importing this package registers every tool."""

from maitred.ai.tools import booking_tools, contact_tools, knowledge_tools
from maitred.ai.tools.registry import TOOLS, Tool, ToolContext, ToolOutcome, call_tool

__all__ = [
    "TOOLS",
    "Tool",
    "ToolContext",
    "ToolOutcome",
    "booking_tools",
    "call_tool",
    "contact_tools",
    "knowledge_tools",
]
