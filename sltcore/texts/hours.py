"""Text about which hours count (`sltcore.services.hours`): the same words on every page."""

TEXTS = {
    "hours.col.confirmed": ("组织方确认", "Confirmed"),
    "hours.confirmed.yes": ("已确认", "confirmed"),
    "hours.confirmed.no": ("待确认（不计入）", "awaiting (not counted)"),
    "hours.unconfirmed.note": (
        "另有 {hours}（{count} 条记录）尚待组织方确认，确认前不计入服务时长、星级和证明"
        "（《中国注册志愿者管理办法》第十四条）。",
        "Another {hours} ({count} records) await the organiser's confirmation; until then "
        "they count towards no hours, stars or certificates (art. 14).",
    ),
}
