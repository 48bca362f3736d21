"""Errors that reach a person: each carries its message in Chinese and English.

Pages show `err.message(lang)` in `st.error`; the CLI prints it. Nothing here is a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class DeskError(Exception):
    """Base of every error a user may see."""

    zh: str = "操作失败"
    en: str = "The operation failed"

    def __init__(self, zh: str | None = None, en: str | None = None) -> None:
        if zh is not None:
            self.zh = zh
        if en is not None:
            self.en = en
        super().__init__(self.en)

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Problem:
    """One reason a row was refused: which table, which row of the batch, which field."""

    table: str
    row: int | None  # 1-based position in the submitted batch (or sheet row when reading)
    field: str | None
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        from sltcore.schema import TABLE_BY_KEY

        t = TABLE_BY_KEY.get(self.table)
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行" if lang == "zh" else f"row {self.row}")
        if t is not None and self.field and t.has(self.field):
            where.append(t.field(self.field).label(lang))
        prefix = ("，".join(where) + "：") if lang == "zh" else (", ".join(where) + ": ")
        body = self.zh if lang == "zh" else self.en
        return (prefix if where else "") + body


class ValidationError(DeskError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "；".join(p.message("zh") for p in problems[:10]),
            "; ".join(p.message("en") for p in problems[:10]),
        )


class ConflictError(DeskError):
    def __init__(self, table: str, row_id: str, expected: int, actual: int | None) -> None:
        self.table, self.row_id, self.expected, self.actual = table, row_id, expected, actual
        super().__init__(
            f"这条记录（{row_id}）已被别人修改（版本 {expected} → {actual}），"
            "为避免覆盖，本次修改未保存。请刷新后重新修改。",
            f"Someone else changed this row ({row_id}, version {expected} → {actual}); "
            "your change was not saved so theirs is not overwritten. Refresh and edit again.",
        )


class NotFoundError(DeskError):
    def __init__(self, table: str, row_id: str) -> None:
        self.table, self.row_id = table, row_id
        super().__init__(
            f"找不到记录 {row_id}（可能已被删除或编号有误）。",
            f"Row {row_id} was not found (deleted, or a wrong id).",
        )


class PermissionDenied(DeskError):
    zh = "当前账号没有这项操作的权限。"
    en = "Your account is not allowed to do this."


class BackendUnavailable(DeskError):
    """The storage backend could not be reached or refused us; nothing was written."""

    zh = "暂时无法连接数据表，请稍后重试；已填写的内容仍保留在表单中。"
    en = "The data sheet cannot be reached right now; try again. What you typed is kept."


class LeaseBusy(BackendUnavailable):
    """Another process kept the shared sheet's write lease for longer than we could wait."""

    zh = "其他同事正在保存，表格暂时被占用。本次未保存，已填写的内容仍在表单中，请稍后再提交。"
    en = (
        "A colleague is saving and the sheet is busy. Nothing was saved; what you typed is "
        "kept. Submit again in a moment."
    )


class OutcomeUnknown(BackendUnavailable):
    """The answer to a commit was lost and could not be verified in time.

    The commit is one atomic request, so it is wholly there or wholly absent; `token` lets
    `store.outcome(token)` say which once the sheet can be reached again.
    """

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__(
            "保存时与 Google 表格的连接中断，暂时无法确认是否已保存。这次操作要么完整保存，"
            "要么完全没有保存，不会只存一半。请点击“确认是否已保存”，或稍后刷新查看，再决定是否重新提交。",
            "The connection broke while saving and it is not yet known whether the save "
            "landed. It is either wholly saved or not saved at all, never half. Press "
            "'Check whether it was saved', or refresh later, before submitting again.",
        )
