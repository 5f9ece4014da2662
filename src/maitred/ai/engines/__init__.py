"""The two engines behind one interface: offline (default) and any OpenAI-compatible LLM."""
