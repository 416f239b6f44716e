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
    "alert_rule": "Alerting rule",
    "alert_rule_group": "group",
    "alert_rule_labels": "Labels",
    "alert_rule_description": "Description",
    "alert_rule_expr": "Expression (PromQL)",
    "alert_pages": "By name",
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
    "alert_rule": "Правило алерта",
    "alert_rule_group": "группа",
    "alert_rule_labels": "Метки",
    "alert_rule_description": "Описание",
    "alert_rule_expr": "Выражение (PromQL)",
    "alert_pages": "По имени",
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


# The incident-first page, the scripts index and the home page's finder (issue 21, items 1,
# 2, 4, 7): a block of their own, merged into the tables above.
_EN_INCIDENT = {
    "first_diagnose": "Do this first: diagnostics",
    "first_diagnose_text": (
        "Download {run} and the runbook's steps ({all}) into one folder, then run the "
        "read-only diagnostics steps; each one's output is kept for the incident record:"
    ),
    "first_params": "Values they need (environment variables): {names}.",
    "first_steps": "Do this first: the steps",
    "first_steps_text": (
        "This runbook has no read-only diagnostics steps. Download {run} and its steps ({all}) "
        "into one folder; this lists them:"
    ),
    "first_handlers": "Do this first: open the runbook",
    "first_rollback": "Roll back: the first step",
    "first_rollback_text": (
        "Download {run} and the plan's steps ({all}) into one folder; this runs the first "
        "rollback step, {step}:"
    ),
    "first_runbooks": "When this SLO burns: the runbooks",
    "no_runbook": "no runbook handles it",
    "all_steps": "all steps",
    "details": "All details",
    "field": "Field",
    "value": "Value",
    "step": "Step",
    "role": "Role",
    "changes": "Changes the system",
    "params": "Parameters",
    "param_required": "required",
    "yes": "yes",
    "no": "no",
    "role_diagnostics": "diagnostics",
    "role_mitigation": "mitigation",
    "role_verification": "verification",
    "role_rollback": "rollback",
    "role_symptoms": "symptoms",
    "scripts_intro": (
        "Every document's steps as scripts: each document's page lists them with their "
        "roles and parameters. Download its `run.sh` with the steps into one folder: "
        "`bash run.sh --list` lists the steps, `bash run.sh --diagnose` runs the read-only "
        "diagnostics and keeps their output, `bash run.sh STEP --help` tells what a step takes."
    ),
    "no_scripts": "No scripts.",
    "steps": "Steps",
    "steps_changing": "{n} change the system",
    "find": "Find your alert or runbook",
    "find_hint": (
        "Search (press `/` or `s`) for the alert's name, a doc_id or a word from the error "
        "message, or pick the firing alert below: each leads to its runbook."
    ),
}

_RU_INCIDENT = {
    **_EN_INCIDENT,
    "first_diagnose": "Сначала: диагностика",
    "first_diagnose_text": (
        "Скачайте {run} и шаги ранбука ({all}) в одну папку и запустите шаги диагностики "
        "(только чтение); вывод каждого сохранится для записи об инциденте:"  # noqa: RUF001 (Russian text)
    ),
    "first_params": "Нужные им значения (переменные окружения): {names}.",
    "first_steps": "Сначала: шаги",
    "first_steps_text": (
        "В ранбуке нет шагов диагностики только для чтения. Скачайте {run} и шаги ({all}) "  # noqa: RUF001 (Russian text)
        "в одну папку; эта команда их перечислит:"
    ),
    "first_handlers": "Сначала: откройте ранбук",
    "first_rollback": "Откат: первый шаг",
    "first_rollback_text": (
        "Скачайте {run} и шаги плана ({all}) в одну папку; эта команда запустит первый шаг "
        "отката, {step}:"
    ),
    "first_runbooks": "При нарушении SLO: ранбуки",
    "no_runbook": "ранбука нет",
    "all_steps": "все шаги",
    "details": "Все сведения",  # noqa: RUF001 (Russian text)
    "field": "Поле",
    "value": "Значение",
    "step": "Шаг",
    "role": "Роль",
    "changes": "Изменяет систему",
    "params": "Параметры",
    "param_required": "обязательный",
    "yes": "да",
    "no": "нет",
    "role_diagnostics": "диагностика",
    "role_mitigation": "митигирование",
    "role_verification": "проверка",
    "role_rollback": "откат",
    "role_symptoms": "симптомы",
    "scripts_intro": (
        "Шаги всех документов в виде скриптов: страница документа перечисляет их с ролями "  # noqa: RUF001 (Russian text)
        "и параметрами. Скачайте его `run.sh` вместе с шагами в одну папку: `bash run.sh "  # noqa: RUF001 (Russian text)
        "--list` перечислит шаги, `bash run.sh --diagnose` запустит диагностику (только "
        "чтение) и сохранит вывод, `bash run.sh ШАГ --help` расскажет, что нужно шагу."
    ),
    "no_scripts": "Скриптов нет.",
    "steps": "Шаги",
    "steps_changing": "изменяют систему: {n}",
    "find": "Найдите свой алерт или ранбук",
    "find_hint": (
        "Поиск (клавиша `/` или `s`): имя алерта, doc_id или слово из сообщения об ошибке; "  # noqa: RUF001 (Russian text)
        "или выберите сработавший алерт ниже: каждый ведёт к своему ранбуку."
    ),
}

_EN.update(_EN_INCIDENT)
_RU.update(_RU_INCIDENT)
