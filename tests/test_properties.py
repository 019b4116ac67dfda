"""Property tests (hypothesis) for slugs, paths, date parsing and date formatting."""

from __future__ import annotations

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchcgen import i18n, webserver
from cchcgen.dates import DateParseError, parse_date
from cchcgen.kinds.plan import split_appendix
from cchcgen.urls import (
    ENCODED_PATH,
    SLUG_RE,
    BaseUrl,
    UnsafePath,
    alias_url,
    encode_path,
    fold,
    output_path,
    safe_relative,
    slugify,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VI = i18n.load("vi")

vietnamese_text = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789 -_/.,:;!?()'\"")
        + list("áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
    ),
    max_size=120,
)


# ---------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Đường dây nóng", "duong-day-nong"),
        ("Thủ tục: Đăng ký hộ kinh doanh", "thu-tuc-dang-ky-ho-kinh-doanh"),
        ("Kế hoạch số 13/KH-UBND", "ke-hoach-so-13-kh-ubnd"),
        ("ĐẤT ĐAI", "dat-dai"),
        ("Chỉ số PAPI năm 2022", "chi-so-papi-nam-2022"),
    ],
)
def test_vietnamese_titles_give_readable_ascii_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


@given(st.one_of(vietnamese_text, st.text(max_size=200)))
@settings(max_examples=400)
def test_slug_is_ascii_kebab_case_short_and_idempotent(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or SLUG_RE.fullmatch(slug)
    assert len(slug) <= 80
    assert slugify(slug) == slug


@given(vietnamese_text)
def test_fold_removes_every_diacritic_and_keeps_length_of_words(text: str) -> None:
    folded = fold(text)
    assert (
        folded.isascii()
        or not text.isascii()
        and all(ord(c) < 128 or not c.isalpha() for c in folded)
    )
    assert "đ" not in folded and "Đ" not in folded
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"


# Vietnamese letters, whole and decomposed, among characters beyond ASCII that are not
# marks (kept where they stand) and characters a regular expression treats specially
_MIXED = st.text(
    alphabet=st.sampled_from(list("aăâeêoôơuưđĐẠặỆ \u0301\u0323\u034f\u20d0–“”ø中]^-\\"))
)


@given(st.one_of(st.text(), _MIXED))
@settings(max_examples=300)
def test_fold_equals_removing_every_combining_mark(text: str) -> None:
    """The fast fold gives what the plain definition gives, for any text at all."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    assert fold(text) == plain


# ---------------------------------------------------------------- output paths


@given(st.text(max_size=60))
@settings(max_examples=500)
def test_output_paths_never_leave_the_output_folder(text: str) -> None:
    for candidate in (text, "/" + text):
        try:
            rel = output_path(candidate)
        except UnsafePath:
            continue
        parts = rel.split("/")
        assert not rel.startswith("/") and ".." not in parts and "" not in parts
        assert "\\" not in rel and ":" not in rel


@given(st.text(max_size=60))
def test_aliases_are_site_paths_or_rejected(text: str) -> None:
    try:
        url = alias_url(text)
    except UnsafePath:
        return
    assert url.startswith("/") and not url.startswith("//")
    safe_relative(output_path(url))


HOSTILE_PIECES = st.lists(
    st.sampled_from([*"/ {};$'\"#?%\\\n\t\r.:*!=~&+@()[]aảđ0", "%7B", "%0A", "%2e", "%e1%ba%a3"]),
    max_size=30,
).map("".join)


@given(st.one_of(st.text(max_size=60), HOSTILE_PIECES))
@settings(max_examples=400)
def test_every_accepted_alias_can_be_written_into_each_server_file(text: str) -> None:
    """What alias_url accepts, the three writers can express: they never raise."""
    try:
        url = alias_url(text)
    except UnsafePath:
        return
    assert unicodedata.is_normalized("NFC", url)
    assert ENCODED_PATH.fullmatch(encode_path(url))
    base = BaseUrl.parse("https://example.gov.vn/cải cách/")
    aliases = [(url, "/tin-tuc/a/")]
    nginx = webserver.nginx_conf(base, aliases).decode("utf-8")
    redirects = webserver.redirects_file(base, aliases).decode("utf-8")
    assert redirects.count("\n") == 1 and len(redirects.split()) == 3
    assert nginx.count("location = ") in (1, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/tin-tuc/c%E1%BA%A3i%20c%C3%A1ch", "/tin-tuc/cải cách/"),
        ("tin-cu/a;b{c}", "/tin-cu/a;b{c}/"),
        (unicodedata.normalize("NFD", "/đổi mới/"), "/đổi mới/"),
        ("/a%25b.html", "/a%b.html"),
        ("/a%2Fb/", "/a/b/"),
    ],
)
def test_aliases_are_decoded_and_normalised(text: str, expected: str) -> None:
    assert alias_url(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("/a%0Ab/", "control or invisible character (U+000A)"),
        ("/a?b=1", "contains '?'"),
        ("/a#b", "contains '#'"),
        ("/a%b/", "'%' that is not followed by two hexadecimal digits"),
        ("/a%ff/", "not UTF-8"),
        ("/a\\b/", "contains '\\'"),
        ("/a/%2E%2E/%2e%2E/b/", "contains '..'"),
        ("//evil.example/x/", "must be a path on this site"),
    ],
)
def test_unusable_aliases_say_why(text: str, message: str) -> None:
    with pytest.raises(UnsafePath) as info:
        alias_url(text)
    assert message in str(info.value)
    assert info.value.hint


@pytest.mark.parametrize(
    ("path", "aliases"),
    [
        ("/cchc/", [('/a"b/', "/x/")]),
        ("/cchc/", [("/a\\b/", "/x/")]),
        ("/cchc/", [("/a\nb/", "/x/")]),
        ("/c%24uri/", []),  # '$' in error_page
        ("/c%22/", []),
    ],
)
def test_a_value_that_slipped_past_the_checks_stops_the_nginx_writer(
    path: str, aliases: list[tuple[str, str]]
) -> None:
    """The writer's own check, for a value that reaches it unchecked (not built by
    BaseUrl.parse or alias_url): a bug, never a configuration with a directive of its own."""
    with pytest.raises(webserver.Unexpressible):
        webserver.nginx_conf(BaseUrl("https://example.gov.vn", path), aliases)


@pytest.mark.parametrize(
    ("url", "path", "message"),
    [
        ("https://example.gov.vn/cải cách/", "/c%E1%BA%A3i%20c%C3%A1ch/", None),
        ("HTTPS://Example.gov.vn:8443/a;{b}", "/a%3B%7Bb%7D/", None),
        ("https://example.gov.vn/cchc$x/", None, "contains '$'"),
        ("https://example.gov.vn/c%0Ach/", None, "(U+000A)"),
        ("https://example.gov.vn/c\tch/", None, "(U+0009)"),
        ("https://user:pw@example.gov.vn/", None, "user name"),
        ("https://exa mple.gov.vn/", None, "invalid host name"),
        ("https://example.gov.vn{/", None, "invalid host name"),
        ("https://example.gov.vn/a/../b/", None, "contains '..'"),
        ("example.gov.vn/cchc/", None, "absolute http(s) URL"),
    ],
)
def test_base_urls_follow_the_same_grammar(url: str, path: str | None, message: str | None) -> None:
    if message is None:
        assert BaseUrl.parse(url).path == path
        return
    with pytest.raises(UnsafePath) as info:
        BaseUrl.parse(url)
    assert message in str(info.value)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("30/01/2023", dt.datetime(2023, 1, 30, tzinfo=TZ), False),
        ("3/2/2023", dt.datetime(2023, 2, 3, tzinfo=TZ), False),
        ("30/01/2023 13:20", dt.datetime(2023, 1, 30, 13, 20, tzinfo=TZ), True),
        ("2023-01-30", dt.datetime(2023, 1, 30, tzinfo=TZ), False),
        ("2023-01-30T13:20:00+07:00", dt.datetime(2023, 1, 30, 13, 20, tzinfo=TZ), True),
        ("2023-01-30T06:20:00Z", dt.datetime(2023, 1, 30, 13, 20, tzinfo=TZ), True),
        ("2023-01-30 13:20", dt.datetime(2023, 1, 30, 13, 20, tzinfo=TZ), True),
    ],
)
def test_accepted_date_forms(text: str, expected: dt.datetime, has_time: bool) -> None:
    parsed = parse_date(text, TZ)
    assert parsed.value == expected
    assert parsed.has_time is has_time


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("31/02/2023", "check the day and the month"),
        ("2023-13-01", "ISO dates are written year-month-day"),
        ("01/13/2023", "dates are written day/month/year"),
        ("30/01/23", "four digits"),
        ("30-01-2023", "separate day, month and year with '/'"),
        ("30.01.2023", "separate day, month and year with '/'"),
        ("ngày 30 tháng 01 năm 2023", "in figures"),
        ("30/01/2023 25:00", "13:20"),
        ("hôm qua", "30/01/2023"),
    ],
)
def test_wrong_date_forms_explain_themselves(text: str, hint: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(text, TZ)
    assert hint in info.value.hint


@given(
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2200, 12, 31)),
    st.booleans(),
)
def test_vietnamese_and_iso_forms_round_trip(moment: dt.datetime, with_time: bool) -> None:
    moment = moment.replace(second=0, microsecond=0)
    if with_time:
        forms = (moment.strftime("%d/%m/%Y %H:%M"), moment.strftime("%Y-%m-%dT%H:%M"))
        expected = moment.replace(tzinfo=TZ)
    else:
        forms = (moment.strftime("%d/%m/%Y"), moment.strftime("%Y-%m-%d"))
        expected = moment.replace(hour=0, minute=0, tzinfo=TZ)
    for form in forms:
        parsed = parse_date(form, TZ)
        assert parsed.value == expected
        assert parsed.has_time is with_time


@given(st.text(max_size=40))
@settings(max_examples=500)
def test_any_text_parses_or_raises_a_date_error(text: str) -> None:
    try:
        parsed = parse_date(text, TZ)
    except DateParseError as exc:
        assert exc.hint
    else:
        assert parsed.value.tzinfo is not None


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_document_date_pads_days_and_only_months_one_and_two(day: dt.date) -> None:
    text = VI.document_date(day)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    assert text == f"ngày {day.day:02d} tháng {month} năm {day.year}"


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_a_date_without_its_day_prints_like_the_full_date_with_a_blank(day: dt.date) -> None:
    full = VI.document_date(day)
    partial = VI.document_date_partial(day.year, day.month)
    blank = "\u00a0" * 5
    assert partial == full.replace(f"ngày {day.day:02d} ", f"ngày {blank} ", 1)
    assert VI.document_date_partial(day.year, None) == f"ngày {blank} tháng {blank} năm {day.year}"


def test_basis_lines_get_can_cu_unless_they_open_with_it() -> None:
    assert VI.basis_line("Luật Tổ chức chính quyền địa phương") == (
        "Căn cứ Luật Tổ chức chính quyền địa phương"
    )
    assert VI.basis_line("Thực hiện Kế hoạch số 15/KH-UBND") == "Thực hiện Kế hoạch số 15/KH-UBND"


def test_dates_in_vietnamese() -> None:
    moment = dt.datetime(2022, 3, 1, 13, 20, tzinfo=TZ)
    assert VI.date_full(moment) == "Thứ Ba, 01/03/2022 13:20"
    assert VI.date_full(moment, with_time=False) == "Thứ Ba, 01/03/2022"
    assert VI.document_date(dt.date(2023, 1, 30)) == "ngày 30 tháng 01 năm 2023"
    assert VI.document_date(dt.date(2019, 6, 29)) == "ngày 29 tháng 6 năm 2019"
    assert VI.document_date(dt.date(2020, 1, 5)) == "ngày 05 tháng 01 năm 2020"
    assert VI.date_full(dt.datetime(2024, 11, 24, tzinfo=TZ)) == "Chủ Nhật, 24/11/2024 00:00"


@given(
    st.lists(
        st.sampled_from(
            ["Nội dung.", "## I. MỤC ĐÍCH", "## Phụ lục", "### PHU LUC 2", "```", "| a | b |", ""]
        ),
        max_size=12,
    )
)
def test_split_appendix_keeps_every_line_and_starts_at_a_heading(lines: list[str]) -> None:
    body = "\n".join(lines)
    main, appendix = split_appendix(body)
    assert main + appendix == body
    if appendix:
        assert fold(appendix.splitlines()[0]).lstrip("# ").startswith("phu luc")
        fences_before = sum(1 for line in main.splitlines() if line.startswith("```"))
        assert fences_before % 2 == 0, "split inside a code block"
    else:
        assert "phu luc" not in fold(body) or "```" in body
