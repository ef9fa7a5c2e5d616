"""Rich renderings shared by the commands and the study app: card text spans as
styled text (``card_text``) and the statistics report as tables and text charts
(``stats``).

Rich only, never Textual, so a command printing them starts fast. Deck text is
data: it only ever goes into :class:`rich.text.Text` objects or cells built from
them, never into markup.
"""
