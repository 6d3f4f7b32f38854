"""The language of a member's documents in the TUI (issue 16): chosen when the member is added,
changed on the member's form (F6, then e); ``ecp member add|edit --language`` is its twin."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Select

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.screens.members import MemberAddScreen, MemberEditScreen, MembersScreen
from tests.tui.pilot import type_text, until

TODAY = dt.date(2026, 3, 15)
SIZE = (120, 40)


async def test_member_language_added_then_changed(books: api.Books) -> None:
    app = EcpApp(books, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6", "a")
        await until(pilot, lambda: isinstance(app.screen, MemberAddScreen))
        await type_text(pilot, "M020")
        await pilot.press("tab")
        await type_text(pilot, "Hafsa")
        app.screen.query_one("#language", Select).value = "ar"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
        assert api.get_member(books, "M020").language == "ar"
        app.screen.query_one("#members").focus()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, MemberEditScreen))
        assert app.screen.query_one("#language", Select).value == "ar"
        app.screen.query_one("#language", Select).value = "fr"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))
    assert api.get_member(books, "M020").language == "fr"
