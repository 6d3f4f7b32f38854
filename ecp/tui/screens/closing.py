"""Placeholder until its screen is written (replaced in this same issue)."""

from ecp.tui.app import EcpScreen


class ClosingScreen(EcpScreen):
    def compose(self):  # type: ignore[no-untyped-def]
        yield from self.compose_header()
        yield from self.compose_footer()
