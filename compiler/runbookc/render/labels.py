"""The words the generated pages use, per site language (`[tool.runbookc] language`).
A document type's own words (its name, its nav section) are in its descriptor (doctypes)."""

from __future__ import annotations

_EN = {
    "home": "Home",
    "runbooks": "Runbooks",
    "alerts": "Alerts",
    "rules": "Lint rules",
    "tags": "Tags",
    "doc_id": "doc_id",
    "title": "Title",
    "type": "Type",
    "status": "Status",
    "owner": "Owner",
    "owner_role": "Owner role",
    "created": "Created",
    "updated": "Updated",
    "approval": "Approval",
    "request": "Request",
    "required": "Required",
    "approved_by": "Approved by",
    "missing": "Missing",
    "issues": "Issues",
    "scripts": "Scripts",
    "script": "Script",
    "mutating": "changes the system",
    "read_only": "read-only",
    "referenced_by": "Referenced by",
    "refers_to": "Refers to",
    "handled_by": "Handled by",
    "severity": "Severity",
    "summary": "Summary",
    "threshold": "Threshold",
    "for": "for",
    "condition": "Condition",
    "alert": "Alert",
    "document": "Document",
    "service": "Service",
    "objectives": "Objectives",
    "objective": "Objective",
    "target": "Target",
    "window": "Window",
    "sli": "SLI",
    "section": "Section",
    "line": "Line",
    "count": "Count",
    "code": "Code",
    "name": "Name",
    "severity_default": "Default severity",
    "corpus": "What the corpus holds",
    "attention": "Needs attention",
    "attention_none": "Nothing needs attention: every document is approved and lint-clean.",
    "reason": "Reason",
    "lint": "Lint findings",
    "lint_errors": "{n} lint error(s)",
    "lint_warnings": "{n} lint warning(s)",
    "no_alerts": "No alerts.",
    "none": "—",
    "approval_approved": "approved",
    "approval_pending": "pending",
    "approval_stale": "stale",
    "approval_rejected": "rejected",
    "approval_none": "not required",
    "proof_claimed": "claimed by {by} (unsigned)",
    "proof_signed": "{by} (signed)",
    "proof_unsigned": "claimed by {by} (no signature: does not count)",
    "proof_forged": "{by} (bad signature: does not count)",
    "proof_none": "{by} (stale)",
    "banner_pending": "Approval pending",
    "banner_stale": "Approval is stale",
    "banner_rejected": "Approval rejected",
    "banner_pending_text": "Not approved yet: ask {roles} to approve it{request}.",
    "banner_stale_text": (
        "Changed after it was approved: ask {roles} to approve this version{request}."
    ),
    "banner_rejected_text": (
        "The approval request was rejected{request}: do not follow this document."
    ),
    "tag_status": "status",
    "tag_owner": "owner",
    "tag_type": "type",
    "all_tags": "Documents by tag",
    "rule_summary": "Summary",
}

_RU = {
    **_EN,
    "home": "Главная",
    "runbooks": "Ранбуки",
    "alerts": "Алерты",
    "rules": "Правила линтера",
    "tags": "Теги",
    "title": "Название",
    "type": "Тип",
    "status": "Статус",
    "owner": "Владелец",
    "owner_role": "Роль владельца",
    "created": "Создан",
    "updated": "Обновлён",
    "approval": "Согласование",
    "request": "Запрос",
    "required": "Требуется",
    "approved_by": "Согласовали",
    "missing": "Не хватает",  # noqa: RUF001 (Russian text)
    "issues": "Задачи",
    "scripts": "Скрипты",
    "script": "Скрипт",
    "mutating": "изменяет систему",
    "read_only": "только чтение",
    "referenced_by": "Ссылаются сюда",
    "refers_to": "Ссылается на",
    "handled_by": "Обрабатывает",
    "severity": "Важность",
    "for": "Длительность",
    "summary": "Описание",
    "threshold": "Порог",
    "condition": "Условие",
    "alert": "Алерт",
    "document": "Документ",
    "service": "Сервис",
    "objectives": "Цели",
    "objective": "Цель",
    "target": "Целевое значение",
    "window": "Окно",
    "section": "Раздел",
    "line": "Строка",
    "count": "Количество",
    "code": "Код",
    "name": "Имя",
    "severity_default": "Уровень по умолчанию",
    "corpus": "Что есть в корпусе",
    "attention": "Требуют внимания",
    "attention_none": "Всё в порядке: все документы согласованы и без замечаний линтера.",
    "reason": "Причина",
    "lint": "Замечания линтера",
    "lint_errors": "ошибок линтера: {n}",
    "lint_warnings": "предупреждений линтера: {n}",
    "no_alerts": "Алертов нет.",
    "approval_approved": "согласован",
    "approval_pending": "ожидает согласования",
    "approval_stale": "согласование устарело",
    "approval_rejected": "отклонён",
    "approval_none": "не требуется",
    "proof_claimed": "заявлено: {by} (без подписи)",
    "proof_signed": "{by} (подписано)",
    "proof_unsigned": "заявлено: {by} (нет подписи: не засчитано)",
    "proof_forged": "{by} (подпись не сходится: не засчитано)",
    "proof_none": "{by} (согласование устарело)",
    "banner_pending": "Ожидает согласования",
    "banner_stale": "Согласование устарело",
    "banner_rejected": "Согласование отклонено",
    "banner_pending_text": "Не согласован: попросите {roles} согласовать его{request}.",  # noqa: RUF001
    "banner_stale_text": (
        "Изменён после согласования: попросите {roles} согласовать эту версию{request}."
    ),
    "banner_rejected_text": (
        "Запрос на согласование отклонён{request}: не следуйте этому документу."
    ),
    "tag_status": "статус",
    "tag_owner": "владелец",
    "tag_type": "тип",
    "all_tags": "Документы по тегам",
}

# --- site chrome (issue 21): the banner's request, the palette toggle -------------------
_EN |= {
    "banner_request": ", see the request {request}",
    "palette_to_dark": "Switch to the dark palette",
    "palette_to_light": "Switch to the light palette",
}
_RU |= {
    "banner_request": ", см. запрос {request}",
    "palette_to_dark": "Включить тёмную тему",
    "palette_to_light": "Включить светлую тему",
}

# --- one language (issue 21): values and pages that showed English words ---------------
_EN |= {
    "severity_error": "error",
    "severity_warning": "warning",
    "severity_info": "info",
    "status_draft": "draft",
    "status_active": "active",
    "status_deprecated": "deprecated",
    # the sections of a rule's page (ruledocs/<CODE>.md)
    "rule_problem": "Problem",
    "rule_example": "Example",
    "rule_fix": "Fix",
    "rule_why": "Why",
    "permalink": "Permanent link",
    "made_with": "Made with",
    "not_found": "Page not found",
    "not_found_text": "No page has this address: search for it, or start from the home page.",
}
_RU |= {
    "severity_error": "ошибка",
    "severity_warning": "предупреждение",
    "severity_info": "сведения",
    "status_draft": "черновик",
    "status_active": "действует",
    "status_deprecated": "устарел",
    "rule_problem": "Проблема",
    "rule_example": "Пример",
    "rule_fix": "Как исправить",
    "rule_why": "Почему это важно",
    "permalink": "Постоянная ссылка",
    "made_with": "Сделано на",
    "not_found": "Страница не найдена",
    "not_found_text": "По этому адресу страницы нет: найдите её поиском или начните с главной.",  # noqa: RUF001
}

LABELS = {"en": _EN, "ru": _RU}


def labels(language: str) -> dict[str, str]:
    """The label table for `language`; English for languages without one."""
    return LABELS.get(language_key(language), _EN)


def language_key(language: str) -> str:
    """`ru-RU` -> `ru`: the key of a language's words here and in doctypes."""
    return language.split("-")[0].lower()
