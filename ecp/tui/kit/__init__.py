"""The TUI kit: what every feature screen is built from (base screen, forms, dialogs, pickers,
the line editor, the paged table, the footer). Feature screens import the kit, never each other."""
