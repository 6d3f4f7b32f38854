"""The façade both the TUI and the CLI call: one function per user operation.

Each writing function is one unit of work: it commits whole or not at all. Reading
functions return view-models, never ORM rows. Every function takes typed values (centimes,
dates, months, quantities, rates, frozen line specs); parsing what a user typed happens at
the edge that received it (``ecp.cli``, the TUI's forms).

Loaded lazily: ``api.X`` imports the submodule that defines ``X`` on first use (module
``__getattr__``), so a command pays only for the domains it touches and ``ecp --help`` for
none. The imports under ``TYPE_CHECKING`` below are the table of what lives where — add a new
public name there and in ``__all__``, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecp.api.annual import (
        AnnualStatement,
        annual_dir,
        annual_statement,
        annual_statements,
        write_annual_statements,
        year_members,
    )
    from ecp.api.archive import archive_dir, statements_dir
    from ecp.api.assets import (
        AssetRow,
        AssetView,
        DepreciationLine,
        DisposalResult,
        YearView,
        add_asset,
        depreciation_run,
        dispose_asset,
        get_asset,
        list_assets,
        list_years,
    )
    from ecp.api.balance import trial_balance  # light: no SQLAlchemy on SQLite books
    from ecp.api.bank import (
        bank_accept,
        bank_auto,
        bank_import,
        bank_lines,
        bank_profile_add,
        bank_profiles,
        bank_reconciliation,
        bank_rule_add,
        bank_rules,
        bank_suggestions,
    )
    from ecp.api.closing import (
        CloseStep,
        VerifyOutcome,
        chain_head,
        close_period,
        last_verify,
        month_close,
        month_is_closed,
        period_events,
        reopen_period,
        verify,
    )
    from ecp.api.filings import (
        delais_paiement,
        export_delais_paiement,
        export_releve_deductions,
        releve_deductions,
    )
    from ecp.api.inventory import (
        InventoryLine,
        inventory_preview,
        inventory_run,
        inventory_set,
    )
    from ecp.api.ledger import (
        add_account,
        dashboard,
        entries_page,
        entry_detail,
        entry_of_line,
        export,
        export_hledger,
        import_file,
        journal_page,
        journal_totals,
        ledger_page,
        list_accounts,
        post_entry,
        postings,
        reverse_entry,
        search_accounts,
    )
    from ecp.api.members import (
        MEMBER_STATUSES,
        add_member,
        add_payout,
        advance_outstanding,
        contribution_run,
        get_member,
        list_members,
        member_balances,
        member_route,
        member_statement,
        member_treasury,
        payout_payslip,
        payout_pdf,
        repay_advance,
        set_route,
        update_member,
        write_statements,
    )
    from ecp.api.outputs import check_output, check_output_dir
    from ecp.api.payroll import ir_pay, payroll_month, payroll_year, social_pay
    from ecp.api.production import (
        BomItem,
        DateSpan,
        add_material,
        add_order,
        add_resource,
        cancel_order,
        complete_order,
        earliest_date,
        get_bom,
        get_order,
        list_capacities,
        list_materials,
        list_orders,
        list_resources,
        material_needs,
        order_resources,
        production_plan,
        set_bom,
        set_capacity,
        start_order,
        stock_adjust,
        stock_receive,
        stock_report,
    )
    from ecp.api.refunds import customer_credits, refund
    from ecp.api.sales import (
        DocumentSpec,
        LineInput,
        MaterialIn,
        ProductLine,
        accept_quote,
        add_customer,
        add_expense,
        add_payment,
        add_product,
        add_supplier,
        aged_receivables,
        create_and_issue,
        create_document,
        credit_note,
        delete_draft,
        document_pdf,
        document_view,
        draft,
        edit_party,
        invoice_quote,
        issue_document,
        issue_new,
        list_documents,
        list_drafts,
        list_expenses,
        list_parties,
        list_products,
        pay_expense,
        save_document,
        save_draft,
        settle_expense,
        vat_report,
    )
    from ecp.api.session import (
        BackupResult,
        Books,
        RestoreResult,
        backup,
        init,
        is_initialised,
        open_books,
        restore,
        schema_status,
    )
    from ecp.api.settings import (
        SettingSet,
        get_setting,
        set_setting,
        settings_apply,
        settings_list,
        settings_set,
        settings_show,
        settings_warnings,
    )
    from ecp.api.statutory import (
        fiscal_year_bounds,
        statutory_figures,
        statutory_year,
        vat_declared,
    )
    from ecp.api.trail import AuditEvent, audit_check, audit_events, audit_head
    from ecp.api.vat import (
        vat_declarations,
        vat_declare,
        vat_pay,
        vat_return,
        vat_return_pdf,
        vat_reverse,
        vat_status,
    )
    from ecp.api.year import (
        Allocation,
        CloseOutcome,
        YearEventView,
        allocate_result,
        close_year,
        reopen_year,
        year_checklist,
        year_events,
    )

__all__ = [
    "MEMBER_STATUSES",
    "Allocation",
    "AnnualStatement",
    "AssetRow",
    "AssetView",
    "AuditEvent",
    "BackupResult",
    "BomItem",
    "Books",
    "CloseOutcome",
    "CloseStep",
    "DateSpan",
    "DepreciationLine",
    "DisposalResult",
    "DocumentSpec",
    "InventoryLine",
    "LineInput",
    "MaterialIn",
    "ProductLine",
    "RestoreResult",
    "SettingSet",
    "VerifyOutcome",
    "YearEventView",
    "YearView",
    "accept_quote",
    "add_account",
    "add_asset",
    "add_customer",
    "add_expense",
    "add_material",
    "add_member",
    "add_order",
    "add_payment",
    "add_payout",
    "add_product",
    "add_resource",
    "add_supplier",
    "advance_outstanding",
    "aged_receivables",
    "allocate_result",
    "annual_dir",
    "annual_statement",
    "annual_statements",
    "archive_dir",
    "audit_check",
    "audit_events",
    "audit_head",
    "backup",
    "bank_accept",
    "bank_auto",
    "bank_import",
    "bank_lines",
    "bank_profile_add",
    "bank_profiles",
    "bank_reconciliation",
    "bank_rule_add",
    "bank_rules",
    "bank_suggestions",
    "cancel_order",
    "chain_head",
    "check_output",
    "check_output_dir",
    "close_period",
    "close_year",
    "complete_order",
    "contribution_run",
    "create_and_issue",
    "create_document",
    "credit_note",
    "customer_credits",
    "dashboard",
    "delais_paiement",
    "delete_draft",
    "depreciation_run",
    "dispose_asset",
    "document_pdf",
    "document_view",
    "draft",
    "earliest_date",
    "edit_party",
    "entries_page",
    "entry_detail",
    "entry_of_line",
    "export",
    "export_delais_paiement",
    "export_hledger",
    "export_releve_deductions",
    "fiscal_year_bounds",
    "get_asset",
    "get_bom",
    "get_member",
    "get_order",
    "get_setting",
    "import_file",
    "init",
    "inventory_preview",
    "inventory_run",
    "inventory_set",
    "invoice_quote",
    "ir_pay",
    "is_initialised",
    "issue_document",
    "issue_new",
    "journal_page",
    "journal_totals",
    "last_verify",
    "ledger_page",
    "list_accounts",
    "list_assets",
    "list_capacities",
    "list_documents",
    "list_drafts",
    "list_expenses",
    "list_materials",
    "list_members",
    "list_orders",
    "list_parties",
    "list_products",
    "list_resources",
    "list_years",
    "material_needs",
    "member_balances",
    "member_route",
    "member_statement",
    "member_treasury",
    "month_close",
    "month_is_closed",
    "open_books",
    "order_resources",
    "pay_expense",
    "payout_payslip",
    "payout_pdf",
    "payroll_month",
    "payroll_year",
    "period_events",
    "post_entry",
    "postings",
    "production_plan",
    "refund",
    "releve_deductions",
    "reopen_period",
    "reopen_year",
    "repay_advance",
    "restore",
    "reverse_entry",
    "save_document",
    "save_draft",
    "schema_status",
    "search_accounts",
    "set_bom",
    "set_capacity",
    "set_route",
    "set_setting",
    "settings_apply",
    "settings_list",
    "settings_set",
    "settings_show",
    "settings_warnings",
    "settle_expense",
    "social_pay",
    "start_order",
    "statements_dir",
    "statutory_figures",
    "statutory_year",
    "stock_adjust",
    "stock_receive",
    "stock_report",
    "trial_balance",
    "update_member",
    "vat_declarations",
    "vat_declare",
    "vat_declared",
    "vat_pay",
    "vat_report",
    "vat_return",
    "vat_return_pdf",
    "vat_reverse",
    "vat_status",
    "verify",
    "write_annual_statements",
    "write_statements",
    "year_checklist",
    "year_events",
    "year_members",
]


_where: dict[str, str] = {}


def _table() -> dict[str, str]:
    """Name → submodule, read from the ``TYPE_CHECKING`` imports of this very file."""
    if not _where:
        import ast  # only when a name is first looked up: ``ecp --help`` looks up none
        from pathlib import Path

        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module \
                    and node.module.startswith("ecp.api."):
                for alias in node.names:
                    _where[alias.asname or alias.name] = node.module
    return _where


def __getattr__(name: str) -> Any:
    module = _table().get(name)
    if module is None:
        raise AttributeError(f"module 'ecp.api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
