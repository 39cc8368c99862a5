"""The catalogue of issue codes: one stable code per kind of problem.

Codes never change meaning once released. ``SQK-E1xx`` are structural
problems, ``SQK-E2xx`` official codes and their check characters,
``SQK-E3xx``/``SQK-W3xx`` semantic problems between records, ``SQK-E4xx``
standards (rule packs). ``E`` codes are errors by default, ``W`` warnings.
The documentation page ``docs/reference/issue-codes.md`` is generated from
this table (``make schemas`` runs ``python -m shequkit._generate``) and a test
keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from shequkit.codes._labelled import LabelledEnum

__all__ = ["CATALOGUE", "EXCEPTION_CODES", "IssueType", "Layer", "Severity", "issue_type"]


class Severity(LabelledEnum):
    """How serious an issue is. Only errors make a report invalid."""

    ERROR = ("error", "错误")
    WARNING = ("warning", "警告")
    INFO = ("info", "提示")


class Layer(LabelledEnum):
    """The validation layer that finds an issue; layers run in this order."""

    STRUCTURAL = ("structural", "结构校验")
    SEMANTIC = ("semantic", "语义校验")
    STANDARDS = ("standards", "标准校验")


@attrs.frozen
class IssueType:
    """One entry of the catalogue.

    ``template_zh``/``template_en`` are :meth:`str.format` templates filled
    with the facts of one occurrence; ``example`` shows input that raises it.
    """

    code: str
    severity: Severity
    layer: Layer
    title_zh: str
    title_en: str
    template_zh: str
    template_en: str
    example: str

    def format(self, **facts: Any) -> tuple[str, str]:
        """The Chinese and English messages for one occurrence."""
        return self.template_zh.format(**facts), self.template_en.format(**facts)


_S, _M, _R = Layer.STRUCTURAL, Layer.SEMANTIC, Layer.STANDARDS
_E, _W = Severity.ERROR, Severity.WARNING
_DETAIL = ("{detail_zh}", "{detail_en}")

# fmt: off
_ENTRIES: Final = [
    # -- structural ---------------------------------------------------------
    IssueType("SQK-E101", _E, _S, "缺少必填字段", "required field missing",
              "缺少必填字段 {field}", "required field {field} is missing",
              '{"communities": [{"id": "c1", "name": "龙潭社区"}]}  (no households)'),
    IssueType("SQK-E102", _E, _S, "类型错误", "wrong type", *_DETAIL,
              '{"households": "3000"}  (a string where an integer is required)'),
    IssueType("SQK-E103", _E, _S, "枚举取值无效", "unknown enum value", *_DETAIL,
              '{"charging": "半价"}  (not 无偿/低偿/有偿)'),
    IssueType("SQK-E104", _E, _S, "未知字段", "unknown field",
              "未知字段 {field}(数据规范中没有此字段)",
              "unknown field {field} (not in the schema)",
              '{"id": "c1", "househlds": 3000}'),
    IssueType("SQK-E105", _E, _S, "取值超出范围", "value out of range", *_DETAIL,
              '{"households": -5}  or  {"satisfaction_pct": 120}'),
    IssueType("SQK-E106", _E, _S, "未知记录类型", "unknown record kind",
              "未知记录类型“{kind}”", "unknown record kind {kind!r}",
              '{"kind": "building", ...}  in JSONL, or a top-level key "buildings"'),
    IssueType("SQK-E107", _E, _S, "不支持的数据规范版本", "unsupported schema version",
              "数据规范版本“{version}”不受支持,支持的版本:{supported}",
              "schema version {version!r} is not supported; supported: {supported}",
              '{"schema_version": "9.0", ...}'),
    IssueType("SQK-E108", _E, _S, "记录不是对象", "record is not an object",
              "记录应为 JSON 对象,实际为 {got}", "a record must be a JSON object, got {got}",
              '{"communities": [42]}'),
    IssueType("SQK-E109", _E, _S, "缺少元数据", "metadata missing",
              "数据缺少元数据(填报单位、统计期)",
              "the document has no metadata (reporting unit, period)",
              '{"schema_version": "1.0", "communities": []}  (no "meta")'),
    # -- official codes ------------------------------------------------------
    IssueType("SQK-E201", _E, _M, "区划代码格式错误", "division code malformed", *_DETAIL,
              '"32010200100"  (11 digits)'),
    IssueType("SQK-E202", _E, _M, "区划代码结构错误", "division code structure invalid",
              *_DETAIL, '"320102700001"  (township part 700 is outside 001–599)'),
    IssueType("SQK-E211", _E, _M, "统一社会信用代码格式错误", "USCC malformed", *_DETAIL,
              '"51320102MJ5OI1234"  (17 characters, letters O and I)'),
    IssueType("SQK-E212", _E, _M, "统一社会信用代码校验码错误", "USCC check character wrong",
              *_DETAIL, "a valid code with its last character changed"),
    IssueType("SQK-E221", _E, _M, "身份证号码格式错误", "resident ID malformed", *_DETAIL,
              "a 15-digit first-generation number, or letters inside"),
    IssueType("SQK-E222", _E, _M, "身份证号码校验码错误", "resident ID check character wrong",
              *_DETAIL, "a valid number with its last character changed"),
    IssueType("SQK-E223", _E, _M, "身份证号码出生日期无效", "resident ID birth date invalid",
              *_DETAIL, "birth date part 19900231"),
    IssueType("SQK-E231", _E, _M, "电话号码格式错误", "phone number malformed", *_DETAIL,
              '"1234567"  or  "2381234567"'),
    IssueType("SQK-E241", _E, _M, "姓名无效", "personal name invalid", *_DETAIL,
              '""  or a name containing digits'),
    # -- semantic ------------------------------------------------------------
    IssueType("SQK-E301", _E, _M, "引用的记录不存在", "dangling reference",
              "{field} 引用的{target_zh}“{value}”不存在",
              "{field} refers to {target_en} {value!r}, which does not exist",
              '{"grids": [{"community_id": "c999", ...}]}  with no community c999'),
    IssueType("SQK-E302", _E, _M, "编号重复", "duplicate id",
              "编号“{value}”重复,首次出现在 {first}",
              "id {value!r} is used twice; first at {first}",
              "two communities both with id c1"),
    IssueType("SQK-E303", _E, _M, "代码重复", "duplicate official code",
              "{field_zh}“{value}”重复,首次出现在 {first}",
              "{field_en} {value!r} appears twice; first at {first}",
              "two organisations with the same unified social credit code"),
    IssueType("SQK-E304", _E, _M, "合计数不符", "totals do not add up",
              "各网格户数合计 {total} 与社区户数 {expected} 不符",
              "grid households add up to {total}, but the community has {expected}",
              "a community of 3000 households whose grids hold 2800"),
    IssueType("SQK-E305", _E, _M, "上级区划代码不是本级代码的前缀",
              "parent division is not the code's prefix",
              "上级区划代码 {parent} 不是 {code} 的上级(前缀不符)",
              "parent code {parent} is not an ancestor (prefix) of {code}",
              '{"code": "320102001001", "parent_code": "320104001000"}'),
    IssueType("SQK-E306", _E, _M, "区划级别与代码不符", "division level contradicts code",
              "级别“{level}”与区划代码 {code} 表示的级别“{expected}”不符",
              "level {level!r} contradicts code {code}, which is {expected!r}",
              '{"code": "320102001000", "level": "村级"}'),
    IssueType("SQK-E307", _E, _M, "社区代码不是村级代码", "community code not village-level",
              "社区的区划代码 {code} 不是村级(居委会)代码",
              "community division code {code} is not a village-level code",
              '{"division_code": "320102001000"}  (a township code)'),
    IssueType("SQK-W308", _W, _M, "社区代码属于村委会区段", "community coded as a village",
              "社区的区划代码 {code} 的村级部分 {part} 属于村民委员会区段(200–399)",
              "community code {code} has village part {part}, the villagers' committee"
              " range (200–399)",
              '{"division_code": "320102001201"}'),
    IssueType("SQK-W309", _W, _M, "人口少于户数", "population below households",
              "人口 {population} 少于户数 {households}",
              "population {population} is below the number of households {households}",
              '{"households": 3000, "population": 2500}'),
    IssueType("SQK-E310", _E, _M, "性别与身份证号码不符", "gender contradicts ID number",
              "性别“{gender}”与身份证号码所示性别“{expected}”不符",
              "gender {gender!r} contradicts the ID number, which says {expected!r}",
              "a staff record with gender 女 and an odd 17th ID digit"),
    IssueType("SQK-E313", _E, _M, "引用跨越社区", "reference crosses communities",
              "{field} 引用的{target_zh}“{value}”属于其他社区 {other}",
              "{field} refers to {target_en} {value!r} of another community ({other})",
              "a service whose provider organisation belongs to another community"),
    IssueType("SQK-E316", _E, _M, "下属委员会不隶属居委会",
              "sub-committee not under the residents' committee",
              "下属委员会的上级组织“{value}”是{parent_type},应为社区居民委员会",
              "the sub-committee's parent {value!r} is a {parent_type}, not the residents'"
              " committee",
              '{"type": "人民调解委员会", "parent_id": "<the party organisation>"}'),
    IssueType("SQK-E315", _E, _M, "记录不在填报单位辖区内", "record outside reporting division",
              "区划代码 {code} 不在填报单位辖区 {division} 内",
              "division code {code} is outside the reporting division {division}",
              'meta.reporting_division "320102000000" and a community coded 370481...'),
    # -- standards (rule packs; `validate --rules PACK`) ---------------------
    IssueType("SQK-E401", _E, _R, "未达到标准要求", "standard requirement not met",
              "社区“{name}”未达到[{rule}]{title_zh}:实际 {actual},要求 {expected}(依据 {source})",
              "community {name!r} does not meet [{rule}] {title_en}: found {actual},"
              " required {expected} (source {source})",
              "jiangsu-2008 and a community with 12 service items (≥ 15 required)"),
    IssueType("SQK-W402", _W, _R, "未达到建议目标", "recommended target not met",
              "社区“{name}”未达到[{rule}]{title_zh}:实际 {actual},要求 {expected}(依据 {source})",
              "community {name!r} does not meet [{rule}] {title_en}: found {actual},"
              " recommended {expected} (source {source})",
              "a rule of severity warning that a community fails"),
    IssueType("SQK-W403", _W, _R, "缺少判断标准所需的数据", "data needed by a rule is missing",
              "社区“{name}”缺少判断[{rule}]{title_zh}所需的数据",
              "community {name!r} lacks the data needed for [{rule}] {title_en}",
              "jiangsu-2008 and a community without satisfaction_pct"),
    IssueType("SQK-W404", _W, _R, "辖区未达到比例目标", "division misses a share target",
              "{scope_zh} {unit}:[{rule}]{title_zh} 实际 {actual},要求 {expected},"
              "还差 {needed} 个社区",
              "{scope_en} {unit}: [{rule}] {title_en} is {actual}, required {expected};"
              " {needed} more communities needed",
              "a county where 4 of 10 communities meet a standard whose target is 60%"),
]
# fmt: on

CATALOGUE: Final[dict[str, IssueType]] = {entry.code: entry for entry in _ENTRIES}
"""Every issue code shequkit can report, by code."""


# Codes of exceptions (input that cannot be read, plugins, usage). Report issues
# above; these are raised. Every code used anywhere in src/ or plugins/ must be
# listed here (a test scans the sources).
EXCEPTION_CODES: Final[dict[str, tuple[str, str]]] = {
    "SQK-X000": ("ShequkitError", "root of all shequkit errors (never raised as such)"),
    "SQK-D100": ("DataError", "the data was read but has errors; nothing was loaded or written"),
    "SQK-E200": ("CodeError", "an official code is invalid (the report uses the specific E2xx)"),
    "SQK-F100": ("InputError", "the input cannot be read"),
    "SQK-F101": ("InputNotFoundError", "the file does not exist or cannot be opened"),
    "SQK-F102": ("EncodingError", "text not in the format's encoding (JSON UTF-8; CSV + GB18030)"),
    "SQK-F103": ("MalformedInputError", "broken JSON, JSONL, CSV, XLSX or XML"),
    "SQK-F104": ("HostileInputError", "DTD/entities, zip bombs, nesting, size or count limits"),
    "SQK-F105": ("UnknownFormatError", "no codec for the format name or file extension"),
    "SQK-F106": ("OSError (CLI)", "the operating system refused to read or write a file"),
    "SQK-P100": ("PluginError", "a plugin problem"),
    "SQK-P101": ("PluginError", "an installed plugin failed to load"),
    "SQK-P102": ("PluginError", "two plugins provide the same name"),
    "SQK-P103": ("PluginError", "the same plugin was registered twice"),
    "SQK-P104": ("PluginError", "two formats claim the same file extension"),
    "SQK-P105": ("PluginError", "a rule of a rule pack failed while checking a community"),
    "SQK-U120": ("UsageError", "no rule pack of that name is installed (`shequkit standards`)"),
    "SQK-U121": ("UsageError", "no report writer for the output's extension (.xlsx .html .json)"),
    "SQK-U122": ("UsageError", "a fill-in template is an XLSX workbook: name the output .xlsx"),
    "SQK-U100": ("UsageError", "shequkit was used in an unsupported way"),
    "SQK-U101": ("UsageError", "sample: unknown province code"),
    "SQK-U102": ("UsageError", "sample: community count out of range"),
    "SQK-U103": ("UsageError", "sample: malformed period"),
    "SQK-U104": ("UsageError", "sample: the seed is not an integer"),
    "SQK-U110": ("UsageError", "a value holds characters the target format cannot store"),
    "SQK-U111": ("UsageError", "CSV is written as a .zip package, not a single .csv file"),
    "SQK-U112": ("UsageError", "an optional dependency is missing (e.g. shequkit[xlsx])"),
    "SQK-U113": ("UsageError", "the format is export-only and cannot be read"),
    "SQK-U140": ("UsageError", "sync: no endpoint chosen, or no endpoint of that name"),
    "SQK-U141": ("UsageError", "sync: the redirects file is malformed"),
    "SQK-U142": ("UsageError", "sync: a redirect contradicts the file (record kept, target gone)"),
    "SQK-U143": ("UsageError", "sync: the state file belongs to another server"),
    "SQK-U144": ("UsageError", "sync: not a sync state file, or written by a newer release"),
    "SQK-U145": ("UsageError", "sync: the state file is in use by another process"),
    "SQK-U146": ("UsageError", "sync: the config file is unreadable or holds a secret inline"),
    "SQK-U150": ("UsageError", "sandbox: the keys file is malformed"),
    "SQK-S000": ("SyncError", "root of the sync protocol errors (never raised as such)"),
    "SQK-S001": ("CredentialsError", "sync credentials missing or unreadable (env, secret file)"),
    "SQK-S400": ("BadRequestError", "HTTP 400: bad request or body (also refused by the client)"),
    "SQK-S401": ("AuthenticationError", "HTTP 401: bad or missing signature, key or digest"),
    "SQK-S402": ("AuthenticationError", "HTTP 401: timestamp outside the ±300 s window"),
    "SQK-S403": ("AuthenticationError", "HTTP 401: nonce already used (replayed request)"),
    "SQK-S404": ("ScopeError", "HTTP 403: the app key may not touch that division"),
    "SQK-S409": ("IdempotencyInFlightError", "HTTP 409: same Idempotency-Key still in flight"),
    "SQK-S413": ("PayloadTooLargeError", "HTTP 413: request body too large"),
    "SQK-S422": ("IdempotencyMismatchError", "HTTP 422: Idempotency-Key reused, other body"),
    "SQK-S429": ("RateLimitedError", "HTTP 429: rate limited (Retry-After says how long)"),
    "SQK-S500": ("ServerError", "HTTP 500: server fault"),
    "SQK-S502": ("SyncProtocolError", "the server's answer is not the protocol (client side)"),
    "SQK-S503": ("ServerError", "HTTP 503: service unavailable"),
    "SQK-S599": ("SyncConnectionError", "no answer after every retry (connect/read, dropped)"),
}
"""Codes carried by exceptions, with the exception class and what they mean."""


def issue_type(code: str) -> IssueType:
    """The catalogue entry for ``code``; raises ``KeyError`` for an unknown code."""
    return CATALOGUE[code]


def render_markdown() -> str:
    """The issue-code catalogue as the Markdown page in the docs."""
    lines = [
        "# Issue codes / 问题代码",
        "",
        "<!-- Generated by `make schemas` (python -m shequkit._generate); do not edit. -->",
        "",
        "Every problem a validation report lists carries one of these stable codes.",
        "Codes never change meaning; new codes are only added. `E` codes are errors",
        "(the data is invalid), `W` codes warnings. Input that cannot be read at all",
        "raises an exception instead; those `SQK-F` codes are listed at the end.",
        "",
    ]
    for layer in Layer:
        if not any(entry.layer is layer for entry in _ENTRIES):
            continue  # the standards layer fills up with rule packs
        lines += [f"## {layer.label_zh} / {layer.label_en} layer", ""]
        lines += ["| code | severity | problem | 问题 | example |", "|---|---|---|---|---|"]
        for entry in _ENTRIES:
            if entry.layer is layer:
                example = entry.example.replace("|", "\\|")
                lines.append(
                    f"| `{entry.code}` | {entry.severity.value} | {entry.title_en} "
                    f"| {entry.title_zh} | `{example}` |"
                )
        lines.append("")
    lines += [
        "## Exception codes / 异常代码",
        "",
        "Raised, not reported: the input cannot be read at all, a plugin failed,",
        "or shequkit was used wrongly. The CLI prints them and exits with code 2",
        "(`SQK-D100`, invalid data, exits with 1).",
        "",
        "| code | exception | when |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{code}` | `{exception}` | {meaning} |"
        for code, (exception, meaning) in EXCEPTION_CODES.items()
    ]
    lines.append("")
    return "\n".join(lines)
