"""One row of any table: create, edit, archive, restore, each one transaction; and no page
writes through the store's single-table calls any more."""

from __future__ import annotations

import re

import pytest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import ConflictError, PermissionDenied, ValidationError
from sltcore.services import rows
from tests.conftest import ROOT
from tests.helpers import TxSpy, dump


def test_create_edit_archive_restore_are_one_transaction_each(store):
    spy = TxSpy(store)
    row = rows.create(spy, "communities", {"name": "幸福一村", "population": 8000}, SYSTEM)
    row = rows.edit(spy, "communities", row["id"], {"population": 8100}, row["version"], SYSTEM)
    assert row["population"] == 8100 and row["version"] == 2
    row = rows.archive(spy, "communities", row["id"], row["version"], SYSTEM)
    assert row["archived"] and store.read("communities").empty
    row = rows.restore(spy, "communities", row["id"], row["version"], SYSTEM)
    assert not row["archived"] and row["version"] == 4
    assert spy.transactions == [
        [("append", "communities")],
        [("update", "communities")],
        [("archive", "communities")],
        [("set_archived", "communities")],
    ]
    audit = store.read("audit_log")
    assert list(audit["action"]) == ["create", "update", "archive", "restore"]


def test_refusals_store_nothing(store):
    row = rows.create(store, "communities", {"name": "幸福一村"}, SYSTEM)
    before = dump(store)
    with pytest.raises(ValidationError):
        rows.create(store, "communities", {"name": "幸福一村"}, SYSTEM)  # the name is taken
    with pytest.raises(ConflictError):
        rows.edit(store, "communities", row["id"], {"population": 1}, row["version"] + 1, SYSTEM)
    with pytest.raises(PermissionDenied):
        rows.archive(store, "communities", row["id"], row["version"], Actor("v", "viewer"))
    assert dump(store) == before


def test_a_restored_row_obeys_the_rules_of_a_new_one(store):
    old = rows.create(store, "communities", {"name": "幸福一村"}, SYSTEM)
    old = rows.archive(store, "communities", old["id"], old["version"], SYSTEM)
    rows.create(store, "communities", {"name": "幸福一村"}, SYSTEM)  # the name is free again
    before = dump(store)
    with pytest.raises(ValidationError, match="already exists"):
        rows.restore(store, "communities", old["id"], old["version"], SYSTEM)
    assert dump(store) == before


def test_no_page_writes_through_the_store_directly():
    """Every user action a page runs is one service call, hence one transaction."""
    direct = re.compile(r"\bstore\.(append|update|update_many|set_archived|archive|transact)\(")
    store_archive = re.compile(r"from sltcore\.store import .*\barchive\b")
    hits = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted((ROOT / "app_pages").glob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if direct.search(line) or store_archive.search(line)
    ]
    assert not hits, hits
