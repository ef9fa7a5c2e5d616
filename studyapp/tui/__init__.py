"""The Textual user interface. Thin: it renders core state and sends intents."""
