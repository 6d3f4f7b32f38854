"""Placeholder until its screen is written (replaced in this same issue)."""

from ecp.tui.app import EcpScreen


class BalanceScreen(EcpScreen):
    def compose(self):  # type: ignore[no-untyped-def]
        yield from self.compose_header()
        yield from self.compose_footer()


class JournalScreen(EcpScreen):
    def compose(self):  # type: ignore[no-untyped-def]
        yield from self.compose_header()
        yield from self.compose_footer()


class LedgerScreen(EcpScreen):
    def compose(self):  # type: ignore[no-untyped-def]
        yield from self.compose_header()
        yield from self.compose_footer()
