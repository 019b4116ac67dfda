#!/usr/bin/env python3
"""Deterministic synthetic cchcgen site for benchmarks.

    python bench/synth.py OUT [--posts 5000] [--plans 200] [--procedures 2000]
                              [--seed 42] [--today DD/MM/YYYY]

Writes OUT/site.yaml and OUT/content/: news posts, plans, procedure records, two pages
and the hotline file (copied from the repository's sample site). Standard library only;
every sentence is assembled from the word and phrase pools below.

The same seed gives the same files: posts, plans and procedures each draw from their own
random stream, so a site with more posts has the same plans and procedures. The only
input besides the seed is ``--today`` (default: the current date): the procedures'
``source.retrieved`` dates and the hotline's ``verified_at`` are placed a few weeks
before it, so that the build (which compares them with its clock) gives no freshness
warnings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import statistics
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MARKER = ".cchcgen-synth"
"""File written in OUT so that a later run may replace what it generated."""

BASE_URL = "https://bench.example.gov.vn/cchc/"
FIRST_DAY = dt.date(2021, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)

# ------------------------------------------------------------------ word pools


def pool(text: str) -> tuple[str, ...]:
    """One entry per line of ``text``."""
    return tuple(line.strip() for line in text.strip().splitlines() if line.strip())


TAGS = pool(
    """
Cải cách hành chính
Chuyển đổi số
Dịch vụ công trực tuyến
Một cửa
Chỉ số CCHC
Tuyên truyền
Kế hoạch
Thủ tục hành chính
Kỷ luật kỷ cương
Đề án 06
Phản ánh kiến nghị
Hộ tịch
"""
)

PLAN_TAGS = ("Cải cách hành chính", "Chuyển đổi số", "Tuyên truyền", "Chỉ số CCHC")

CATEGORIES = ("Tin hoạt động", "Chỉ đạo điều hành", "Thông tin tuyên truyền", "Mô hình – sáng kiến")

AUTHORS = pool(
    """
Phòng Nội vụ huyện
Văn phòng HĐND và UBND huyện
Đài Truyền thanh huyện
Phòng Văn hóa và Thông tin
Bộ phận Một cửa huyện
"""
)

COMMUNES = pool(
    """
An Lạc
An Thịnh
Bình Minh
Đông Phong
Hòa Bình
Hồng Phúc
Minh Tân
Nam Hà
Phú Xuân
Quỳnh Lâm
Tân Tiến
Thanh Sơn
Thống Nhất
Trung Hòa
Vĩnh Khang
Xuân Trường
"""
)

TITLE_ACTORS = pool(
    """
Huyện Quỳnh Phụ
UBND huyện
Xã {commune}
Thị trấn Quỳnh Côi
Phòng Nội vụ huyện
Bộ phận Một cửa huyện
Văn phòng HĐND và UBND huyện
Phòng Tư pháp huyện
Công an huyện
Đoàn Thanh niên huyện
Hội Liên hiệp Phụ nữ huyện
Tổ công nghệ số cộng đồng xã {commune}
"""
)

TITLE_ACTIONS = pool(
    """
tổ chức tập huấn
triển khai
sơ kết
tổng kết
ra quân hướng dẫn
kiểm tra
đẩy mạnh
hướng dẫn người dân về
công bố kết quả
rà soát
nâng cao hiệu quả
đánh giá
phát động thi đua về
ký kết quy chế phối hợp về
đối thoại với người dân về
giới thiệu mô hình
"""
)

TITLE_TOPICS = pool(
    """
dịch vụ công trực tuyến
cải cách hành chính
chuyển đổi số
số hóa hồ sơ thủ tục hành chính
thanh toán trực tuyến phí, lệ phí
cơ chế một cửa, một cửa liên thông
Đề án 06
ứng dụng định danh điện tử VNeID
kỷ luật, kỷ cương hành chính
khảo sát mức độ hài lòng SIPAS
Chỉ số cải cách hành chính
tiếp nhận phản ánh, kiến nghị
hệ thống quản lý chất lượng ISO 9001
chữ ký số cho cán bộ, công chức
liên thông khai sinh, thường trú, bảo hiểm y tế
tuyên truyền cải cách hành chính
đơn giản hóa thủ tục hành chính
văn hóa công vụ
đăng ký hộ tịch trực tuyến
giải quyết hồ sơ đất đai
"""
)

TITLE_TAILS = (
    "năm {year}",
    "6 tháng đầu năm {year}",
    "quý {quarter}/{year}",
    "tháng {month}/{year}",
    "giai đoạn 2021–2025",
    "cho công chức cấp xã",
    "tại Bộ phận Một cửa",
    "ở khu dân cư",
    "cho đoàn viên, thanh niên",
    "",
)

SUBJECTS = pool(
    """
Ủy ban nhân dân huyện
Phòng Nội vụ
Văn phòng HĐND và UBND huyện
Bộ phận Một cửa huyện
UBND các xã, thị trấn
UBND xã {commune}
Đoàn kiểm tra công vụ của huyện
Tổ công nghệ số cộng đồng
công chức Tư pháp - Hộ tịch
Ban Chỉ đạo cải cách hành chính huyện
Phòng Tài chính - Kế hoạch
Đài Truyền thanh huyện
người đứng đầu các cơ quan, đơn vị
các phòng chuyên môn thuộc UBND huyện
Công an xã {commune}
đội ngũ cán bộ, công chức cấp xã
"""
)

VERBS = pool(
    """
đã chủ động triển khai
tiếp tục đẩy mạnh
đã tổ chức rà soát
hướng dẫn cụ thể
thường xuyên kiểm tra
công khai đầy đủ
tập trung nâng cao
phối hợp chặt chẽ trong
đề xuất cắt giảm
kịp thời tháo gỡ vướng mắc về
đã hoàn thành
quán triệt nghiêm túc
chú trọng cải thiện
duy trì ổn định
từng bước chuẩn hóa
theo dõi sát
"""
)

OBJECTS = pool(
    """
việc tiếp nhận hồ sơ trực tuyến
quy trình nội bộ giải quyết thủ tục hành chính
chất lượng phục vụ người dân và doanh nghiệp
kỷ luật, kỷ cương hành chính
việc số hóa hồ sơ, kết quả giải quyết thủ tục
danh mục thủ tục hành chính thuộc thẩm quyền
việc thanh toán phí, lệ phí trực tuyến
hệ thống quản lý chất lượng TCVN ISO 9001:2015
việc niêm yết, công khai thủ tục hành chính
công tác tuyên truyền cải cách hành chính
việc cấp tài khoản định danh điện tử
tiến độ giải quyết hồ sơ đất đai
việc tiếp nhận, xử lý phản ánh, kiến nghị
hạ tầng công nghệ thông tin tại Bộ phận Một cửa
việc sử dụng chữ ký số trong văn bản điện tử
các chỉ tiêu cải cách hành chính được giao
việc đánh giá mức độ hài lòng của người dân
hồ sơ trễ hạn và thư xin lỗi người dân
"""
)

COMPLEMENTS = pool(
    """
trên địa bàn huyện
theo đúng kế hoạch đề ra
trong quý {quarter} năm {year}
nhằm rút ngắn thời gian chờ đợi của người dân
bảo đảm công khai, minh bạch
gắn với trách nhiệm của người đứng đầu
để người dân không phải đi lại nhiều lần
theo hướng lấy người dân làm trung tâm
phù hợp với điều kiện thực tế của địa phương
trước thời hạn tỉnh giao
ở tất cả các xã, thị trấn
với sự hỗ trợ của đoàn viên thanh niên
thông qua nhiều hình thức phong phú
ngay từ những tháng đầu năm
"""
)

CONNECTORS = (
    "",
    "",
    "",
    "Bên cạnh đó, ",
    "Đồng thời, ",
    "Ngoài ra, ",
    "Qua đó, ",
    "Trong thời gian tới, ",
    "Đáng chú ý, ",
    "Theo đánh giá chung, ",
    "Cùng với đó, ",
    "Nhờ vậy, ",
)

PERIODS = pool(
    """
quý {quarter} năm {year}
6 tháng đầu năm {year}
năm {year}
tháng {month}/{year}
9 tháng năm {year}
"""
)

TREND = pool(
    """
tăng {delta} điểm phần trăm so với cùng kỳ năm trước
cao hơn mức bình quân của tỉnh
vượt chỉ tiêu kế hoạch đề ra
giảm nhẹ so với quý trước do số hồ sơ đất đai tăng cao
tương đương cùng kỳ năm trước
"""
)

POSITIONS = pool(
    """
Phó Chủ tịch UBND huyện
Trưởng phòng Nội vụ
Chánh Văn phòng HĐND và UBND huyện
Chủ tịch UBND xã {commune}
Phó Trưởng phòng Tư pháp
công chức Văn phòng - Thống kê xã {commune}
"""
)

QUOTES = pool(
    """
mỗi hồ sơ trễ hạn đều phải được giải trình và xin lỗi người dân bằng văn bản
người dân chỉ phải cung cấp thông tin một lần cho cơ quan nhà nước
chuyển đổi số chỉ thành công khi người dân thấy thuận tiện hơn
việc hướng dẫn phải đi đến từng thôn, từng hộ gia đình
cán bộ một cửa cần giải thích rõ ràng, tránh để người dân phải hỏi lại
kết quả cải cách hành chính được đo bằng sự hài lòng của người dân
thủ tục nào đã nộp trực tuyến được thì không yêu cầu nộp bản giấy
phải công khai tiến độ giải quyết để người dân tự theo dõi hồ sơ của mình
"""
)

ATTENDEES = pool(
    """
lãnh đạo UBND huyện, trưởng các phòng chuyên môn và chủ tịch UBND các xã, thị trấn
hơn {count} cán bộ, công chức cấp xã
đại diện Sở Nội vụ và Trung tâm Phục vụ hành chính công tỉnh
các thành viên Tổ công nghệ số cộng đồng
đông đảo người dân và đại diện doanh nghiệp trên địa bàn
"""
)

ADVICE = pool(
    """
chuẩn bị sẵn bản chụp giấy tờ trước khi nộp hồ sơ trực tuyến
kích hoạt tài khoản định danh điện tử mức độ 2 để đăng nhập Cổng Dịch vụ công
theo dõi tình trạng hồ sơ bằng mã hồ sơ ghi trên giấy tiếp nhận
liên hệ đường dây nóng khi gặp khó khăn trong quá trình nộp hồ sơ
kiểm tra kỹ thông tin cá nhân trên tờ khai trước khi ký
lựa chọn nhận kết quả qua dịch vụ bưu chính công ích để tiết kiệm thời gian
đánh giá mức độ hài lòng sau khi nhận kết quả giải quyết
"""
)

HARDSHIPS = pool(
    """
hạ tầng mạng ở một số thôn còn chập chờn
một bộ phận người cao tuổi chưa quen sử dụng điện thoại thông minh
dữ liệu đất đai chưa được số hóa đầy đủ
số lượng công chức làm việc tại Bộ phận Một cửa còn mỏng
một số phần mềm chuyên ngành chưa kết nối với hệ thống một cửa điện tử
hồ sơ nộp trực tuyến có tỷ lệ phải bổ sung còn cao
"""
)

H2 = pool(
    """
Kết quả nổi bật
Những kết quả đạt được
Khó khăn, vướng mắc
Nguyên nhân của hạn chế
Nhiệm vụ trọng tâm thời gian tới
Giải pháp thực hiện
Ý kiến của người dân
Cách làm mới ở cơ sở
Tổ chức thực hiện
Số liệu giải quyết hồ sơ
Kiến nghị, đề xuất
Bối cảnh
Nội dung chính
Đánh giá chung
Kinh nghiệm từ các xã
Hướng dẫn cho người dân
"""
)

H3 = pool(
    """
Về cải cách thể chế
Về cải cách thủ tục hành chính
Về cải cách tổ chức bộ máy
Về cải cách chế độ công vụ
Về cải cách tài chính công
Về xây dựng chính quyền số
Tại cấp huyện
Tại cấp xã
Đối với người dân
Đối với doanh nghiệp
Đối với cán bộ, công chức
"""
)

LINKS = (
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Hệ thống văn bản của Chính phủ", "https://vanban.chinhphu.vn/"),
    ("Báo Điện tử Chính phủ", "https://baochinhphu.vn/"),
    ("Cổng thông tin điện tử Bộ Nội vụ", "https://moha.gov.vn/"),
    ("Cơ sở dữ liệu quốc gia về văn bản pháp luật", "https://vbpl.vn/"),
    ("Cổng Dịch vụ công tỉnh", "https://dichvucong.thaibinh.gov.vn/"),
    (
        "trang khảo sát mức độ hài lòng",
        "https://dichvucong.gov.vn/p/home/dvc-danh-gia-hai-long.html",
    ),
)

INDICATORS = pool(
    """
Hồ sơ giải quyết đúng hạn
Hồ sơ tiếp nhận trực tuyến
Thủ tục được số hóa kết quả
Người dân hài lòng
Hồ sơ thanh toán phí trực tuyến
Văn bản điện tử có chữ ký số
"""
)

NAMES_FAMILY = pool(
    """
Nguyễn
Trần
Lê
Phạm
Hoàng
Vũ
Đặng
Bùi
Đỗ
Ngô
"""
)
NAMES_MIDDLE = pool(
    """
Văn
Thị
Đức
Minh
Thu
Quang
Hữu
Thanh
Ngọc
"""
)
NAMES_GIVEN = pool(
    """
An
Bình
Cường
Dũng
Hà
Hạnh
Hùng
Lan
Long
Mai
Nam
Phương
Quân
Sơn
Thảo
Trung
Tuấn
Yến
"""
)

# ------------------------------------------------------------------ helpers


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def slugify(text: str, limit: int = 80) -> str:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def vn_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def day_text(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def words(text: str) -> int:
    return len(text.split())


def person(rng: random.Random) -> str:
    return f"{rng.choice(NAMES_FAMILY)} {rng.choice(NAMES_MIDDLE)} {rng.choice(NAMES_GIVEN)}"


def random_day(rng: random.Random, first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


class Writer:
    """Sentences, paragraphs, lists and tables of CCHC news, from the pools above."""

    def __init__(self, rng: random.Random, year: int) -> None:
        self.rng = rng
        self.year = year

    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(
            commune=rng.choice(COMMUNES),
            year=self.year,
            quarter=rng.choice(("I", "II", "III", "IV")),
            month=rng.randint(1, 12),
            count=rng.choice((50, 80, 120, 150, 200)),
            delta=vn_percent(rng.uniform(0.5, 12)),
        )

    def emphasise(self, phrase: str) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return f"**{phrase}**"
        if roll < 0.14:
            return f"*{phrase}*"
        return phrase

    def sentence(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.50:
            subject = self.fill(rng.choice(SUBJECTS))
            text = (
                f"{rng.choice(CONNECTORS)}{subject} "
                f"{rng.choice(VERBS)} {self.emphasise(rng.choice(OBJECTS))} "
                f"{self.fill(rng.choice(COMPLEMENTS))}"
            )
        elif kind < 0.62:
            total = rng.randint(120, 9500)
            online = int(total * rng.uniform(0.35, 0.97))
            text = (
                f"Trong {self.fill(rng.choice(PERIODS))}, {self.fill(rng.choice(SUBJECTS))} "
                f"đã tiếp nhận {vn_number(total)} hồ sơ, trong đó {vn_number(online)} hồ sơ "
                f"nộp trực tuyến, chiếm {vn_percent(100 * online / total)}%"
            )
        elif kind < 0.72:
            text = (
                f"Tỷ lệ {rng.choice(INDICATORS).lower()} đạt "
                f"{self.emphasise(vn_percent(rng.uniform(82, 99.9)) + '%')}, "
                f"{self.fill(rng.choice(TREND))}"
            )
        elif kind < 0.80:
            text = (
                f"Theo đồng chí {person(rng)}, {self.fill(rng.choice(POSITIONS))}, "
                f"{rng.choice(QUOTES)}"
            )
        elif kind < 0.86:
            text = f"Hội nghị có sự tham dự của {self.fill(rng.choice(ATTENDEES))}"
        elif kind < 0.93:
            text = f"Người dân được khuyến nghị {rng.choice(ADVICE)}"
        else:
            text = f"{rng.choice(CONNECTORS)}một trong những khó khăn là {rng.choice(HARDSHIPS)}"
        return upper_first(text.strip()) + "."

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def link_sentence(self, internal: Sequence[tuple[str, str]]) -> str:
        rng = self.rng
        if internal and rng.random() < 0.4:
            label, url = rng.choice(internal)
            return f"Bạn đọc xem thêm [{label}]({url}) trong chuyên mục."
        label, url = rng.choice(LINKS)
        return rng.choice(
            (
                f"Thông tin chi tiết được đăng tải trên [{label}]({url}).",
                f"Người dân có thể tra cứu thêm tại [{label}]({url}).",
                f"Văn bản liên quan được công khai trên [{label}]({url}).",
            )
        )

    def bullet_list(self, numbered: bool | None = None) -> str:
        """A bullet list, or a numbered one (``numbered=None``: either, at random)."""
        rng = self.rng
        items = []
        for _ in range(rng.randint(3, 6)):
            items.append(
                f"{rng.choice(VERBS).replace('đã ', '')} {self.emphasise(rng.choice(OBJECTS))} "
                f"{self.fill(rng.choice(COMPLEMENTS))};"
            )
        items[-1] = items[-1][:-1] + "."
        if numbered is None:
            numbered = rng.random() < 0.5
        if not numbered:
            return "\n".join(f"- {item}" for item in items)
        return "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))

    def table(self) -> str:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            rows = ["| STT | Đơn vị | Hồ sơ tiếp nhận | Trực tuyến | Đúng hạn (%) |"]
            rows.append("|:---:|---|---:|---:|---:|")
            for n, commune in enumerate(rng.sample(COMMUNES, rng.randint(3, 7)), 1):
                total = rng.randint(80, 2400)
                online = int(total * rng.uniform(0.4, 0.95))
                rows.append(
                    f"| {n} | UBND xã {commune} | {vn_number(total)} | {vn_number(online)} | "
                    f"{vn_percent(rng.uniform(90, 100))} |"
                )
        elif kind == 1:
            rows = ["| Chỉ tiêu | Kế hoạch | Thực hiện | Đánh giá |", "|---|---:|---:|---|"]
            for indicator in rng.sample(INDICATORS, rng.randint(3, 5)):
                plan = rng.uniform(70, 98)
                done = plan + rng.uniform(-6, 6)
                verdict = "Vượt" if done > plan + 1 else "Đạt" if done >= plan else "Chưa đạt"
                rows.append(
                    f"| {indicator} | {vn_percent(plan)}% | {vn_percent(min(done, 100))}% "
                    f"| {verdict} |"
                )
        elif kind == 2:
            rows = ["| Lĩnh vực | Số thủ tục | Toàn trình | Một phần |", "|---|---:|---:|---:|"]
            for _code, name, _bases in rng.sample(SECTORS, rng.randint(3, 6)):
                count = rng.randint(4, 40)
                full = rng.randint(0, count)
                rows.append(f"| {name} | {count} | {full} | {count - full} |")
        else:
            rows = ["| Thời gian | Nội dung | Đơn vị thực hiện |", "|---|---|---|"]
            for month in sorted(rng.sample(range(1, 13), rng.randint(3, 5))):
                rows.append(
                    f"| Tháng {month}/{self.year} | {rng.choice(OBJECTS).capitalize()} | "
                    f"{upper_first(self.fill(rng.choice(SUBJECTS)))} |"
                )
        return "\n".join(rows)


# ------------------------------------------------------------------ procedures

SECTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "ho-tich",
        "Hộ tịch",
        (
            "đăng ký khai sinh",
            "đăng ký kết hôn",
            "đăng ký khai tử",
            "đăng ký nhận cha, mẹ, con",
            "đăng ký giám hộ",
            "thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "cấp bản sao trích lục hộ tịch",
            "cấp Giấy xác nhận tình trạng hôn nhân",
            "đăng ký lại khai sinh",
        ),
    ),
    (
        "chung-thuc",
        "Chứng thực",
        (
            "chứng thực bản sao từ bản chính",
            "chứng thực chữ ký trong giấy tờ, văn bản",
            "chứng thực hợp đồng, giao dịch liên quan đến động sản",
            "chứng thực văn bản thỏa thuận phân chia di sản",
            "chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
        ),
    ),
    (
        "dat-dai",
        "Đất đai",
        (
            "đăng ký đất đai, tài sản gắn liền với đất lần đầu",
            "đăng ký biến động quyền sử dụng đất",
            "cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
            "đính chính Giấy chứng nhận đã cấp",
            "tách thửa hoặc hợp thửa đất",
            "chuyển mục đích sử dụng đất",
            "gia hạn sử dụng đất nông nghiệp",
        ),
    ),
    (
        "xay-dung",
        "Xây dựng",
        (
            "cấp giấy phép xây dựng nhà ở riêng lẻ",
            "điều chỉnh giấy phép xây dựng",
            "gia hạn giấy phép xây dựng",
            "cấp giấy phép di dời công trình",
            "cấp giấy phép xây dựng có thời hạn",
        ),
    ),
    (
        "bao-tro-xa-hoi",
        "Bảo trợ xã hội",
        (
            "trợ giúp xã hội thường xuyên tại cộng đồng",
            "hỗ trợ chi phí mai táng",
            "điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
            "xác định, xác định lại mức độ khuyết tật",
            "đổi, cấp lại Giấy xác nhận khuyết tật",
            "trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở",
        ),
    ),
    (
        "ho-kinh-doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        (
            "đăng ký thành lập hộ kinh doanh",
            "đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
            "tạm ngừng hoạt động hộ kinh doanh",
            "chấm dứt hoạt động hộ kinh doanh",
            "cấp lại Giấy chứng nhận đăng ký hộ kinh doanh",
        ),
    ),
    (
        "giao-duc",
        "Giáo dục và Đào tạo",
        (
            "cho phép trường mầm non hoạt động giáo dục",
            "chuyển trường đối với học sinh trung học cơ sở",
            "xét cấp hỗ trợ chi phí học tập",
            "công nhận xã đạt chuẩn phổ cập giáo dục",
            "thành lập nhóm trẻ, lớp mẫu giáo độc lập",
        ),
    ),
    (
        "nong-nghiep",
        "Nông nghiệp",
        (
            "hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai",
            "xác nhận nguồn gốc thủy sản khai thác",
            "phê duyệt kế hoạch khuyến nông địa phương",
            "cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        ),
    ),
    (
        "van-hoa",
        "Văn hóa",
        (
            "công nhận danh hiệu Gia đình văn hóa",
            "thông báo tổ chức lễ hội cấp xã",
            "đăng ký hoạt động thư viện cộng đồng",
            "công nhận lần đầu thôn, tổ dân phố văn hóa",
        ),
    ),
    (
        "nguoi-co-cong",
        "Người có công",
        (
            "giải quyết chế độ trợ cấp một lần đối với thân nhân người có công",
            "cấp lại Giấy chứng nhận người có công",
            "hỗ trợ người có công với cách mạng cải thiện nhà ở",
            "di chuyển hồ sơ người có công với cách mạng",
        ),
    ),
    (
        "cu-tru",
        "Đăng ký, quản lý cư trú",
        (
            "đăng ký thường trú",
            "đăng ký tạm trú",
            "xóa đăng ký thường trú",
            "gia hạn tạm trú",
            "khai báo thông tin về cư trú",
        ),
    ),
    (
        "khieu-nai-to-cao",
        "Khiếu nại, tố cáo",
        (
            "giải quyết khiếu nại lần đầu",
            "giải quyết tố cáo",
            "tiếp công dân",
            "xử lý đơn kiến nghị, phản ánh",
        ),
    ),
)

NAME_QUALIFIERS = (
    "",
    "",
    "",
    " tại cấp xã",
    " có yếu tố nước ngoài",
    " lưu động",
    " trên môi trường điện tử",
    " đối với trường hợp đặc biệt",
    " theo nhóm thủ tục liên thông",
)

LEVEL_AGENCIES = {
    "xa": ("UBND cấp xã", "Bộ phận Một cửa UBND xã, phường, thị trấn nơi cư trú của người yêu cầu"),
    "huyen": ("UBND cấp huyện", "Bộ phận Một cửa UBND huyện"),
    "tinh": ("Sở, ngành cấp tỉnh", "Trung tâm Phục vụ hành chính công tỉnh"),
    "bo": ("Bộ, cơ quan ngang bộ", "Bộ phận Một cửa của Bộ"),
}

PROC_SUBJECTS = pool(
    """
Công dân Việt Nam
Người nước ngoài
Tổ chức
Doanh nghiệp
Hộ gia đình
Cán bộ, công chức, viên chức
Hợp tác xã
"""
)

STEP_BODIES = (
    "Tổ chức, cá nhân chuẩn bị hồ sơ theo quy định và nộp trực tiếp tại {desk}, gửi qua "
    "dịch vụ bưu chính hoặc nộp trực tuyến trên Cổng Dịch vụ công.",
    "Công chức tiếp nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ. Hồ sơ đầy đủ thì tiếp nhận "
    "và hẹn ngày trả kết quả; hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần bằng phiếu "
    "hướng dẫn.",
    "Bộ phận chuyên môn thẩm định hồ sơ, xác minh khi cần thiết và trình người có thẩm "
    "quyền xem xét, quyết định trong thời hạn quy định.",
    "Người có thẩm quyền ký văn bản giải quyết; trường hợp từ chối thì trả lời bằng văn bản "
    "và nêu rõ lý do.",
    "Trả kết quả cho người yêu cầu tại {desk} hoặc qua dịch vụ bưu chính; bản điện tử được "
    "gửi vào tài khoản của người nộp trên Cổng Dịch vụ công.",
)

DOCUMENTS = pool(
    """
Tờ khai theo mẫu quy định
Đơn đề nghị có xác nhận của người yêu cầu
Bản sao giấy tờ chứng minh nhân thân của người yêu cầu
Văn bản ủy quyền theo quy định của pháp luật (nếu có)
Bản chính giấy tờ đã được cấp trước đây
Giấy tờ chứng minh nơi cư trú
Bản vẽ, sơ đồ kèm theo hồ sơ
Biên bản xác minh của cơ quan có thẩm quyền
Giấy xác nhận của UBND cấp xã nơi cư trú
"""
)

CASE_NAMES = pool(
    """
Trường hợp chung
Trường hợp nộp trực tuyến
Trường hợp ủy quyền cho người khác thực hiện
Trường hợp người yêu cầu là người nước ngoài
Trường hợp cấp lại
"""
)

REQUIREMENTS = (
    "Người yêu cầu chịu trách nhiệm về tính chính xác của thông tin đã kê khai.",
    "Hồ sơ phải được nộp trong thời hạn quy định kể từ ngày phát sinh sự kiện.",
    "Giấy tờ do cơ quan nước ngoài cấp phải được hợp pháp hóa lãnh sự, trừ trường hợp được miễn.",
    "Không yêu cầu nộp giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
)

RESULTS = pool(
    """
Giấy chứng nhận (bản chính)
Văn bản trả lời của cơ quan có thẩm quyền
Quyết định giải quyết
Bản sao trích lục (nếu có yêu cầu)
Bản điện tử kết quả giải quyết gửi vào tài khoản của người yêu cầu
"""
)

PARTIAL_REASONS = (
    "Cơ quan giải quyết phải kiểm tra thực địa trước khi ra quyết định",
    "Người yêu cầu phải có mặt để ký vào sổ đăng ký",
    "Hồ sơ có giấy tờ bản chính phải nộp trực tiếp để đối chiếu",
)

LAW_KINDS = (
    ("QH", "Luật {sector}", "Quốc hội"),
    ("NĐ-CP", "Nghị định quy định chi tiết một số điều của Luật {sector}", "Chính phủ"),
    ("TT-BNV", "Thông tư hướng dẫn thực hiện thủ tục trong lĩnh vực {sector}", "Bộ Nội vụ"),
    ("NQ-HĐND", "Nghị quyết quy định mức thu phí, lệ phí lĩnh vực {sector}", "HĐND tỉnh"),
)


@dataclass
class Procedure:
    code: str
    name: str
    sector: tuple[str, str]
    detail: str  # full or list_only
    status: str = "active"
    replaced_by: str = ""
    replaces: str = ""
    change_date: dt.date | None = None
    decision: str = ""


def procedure_codes(rng: random.Random, count: int) -> list[str]:
    """Unique codes: about 70 % 1.0xxxxx, the rest 2.00xxxx."""
    ones = min(count - count * 3 // 10, 90000)
    twos = count - ones
    if twos > 10000:
        raise SystemExit("at most 100000 procedures")
    codes = [f"1.{n:06d}" for n in rng.sample(range(1000, 100000), ones)]
    codes += [f"2.00{n:04d}" for n in rng.sample(range(10000), twos)]
    rng.shuffle(codes)
    return codes


def plan_procedures(rng: random.Random, count: int) -> list[Procedure]:
    procedures = []
    for code in procedure_codes(rng, count):
        sector_code, sector_name, bases = rng.choice(SECTORS)
        name = f"Thủ tục {rng.choice(bases)}{rng.choice(NAME_QUALIFIERS)}"
        detail = "list_only" if rng.random() < 0.15 else "full"
        procedures.append(Procedure(code, name, (sector_code, sector_name), detail))
    # a few replacements and abolitions, with their references
    changed = max(1, count // 60) if count >= 4 else 0
    pool = list(range(count))
    rng.shuffle(pool)
    for _ in range(changed):
        if len(pool) < 2:
            break
        old, new = procedures[pool.pop()], procedures[pool.pop()]
        when = random_day(rng, dt.date(2024, 1, 1))
        decision = f"{rng.randint(100, 3500)}/QĐ-UBND"
        old.status, old.replaced_by, old.change_date = "replaced", new.code, when
        new.replaces, new.change_date = old.code, when
        new.sector, new.name = old.sector, old.name
        old.decision = new.decision = decision
    for _ in range(changed):
        if not pool:
            break
        gone = procedures[pool.pop()]
        gone.status, gone.change_date = "abolished", random_day(rng, dt.date(2024, 1, 1))
        gone.decision = f"{rng.randint(100, 3500)}/QĐ-UBND"
    return procedures


def procedure_yaml(rng: random.Random, p: Procedure, codes: Sequence[str], today: dt.date) -> str:
    level = rng.choices(("xa", "huyen", "tinh", "bo"), weights=(5, 3, 2, 1))[0]
    executing, desk = LEVEL_AGENCIES[level]
    sector_code, sector_name = p.sector
    announced = random_day(rng, dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    lines = [
        f"# {p.code} — {p.name}",
        f"code: {q(p.code)}",
        f"name: {q(p.name)}",
        "sector:",
        f"  code: {sector_code}",
        f"  name: {q(sector_name)}",
        "levels:",
        f"  - {level}",
    ]
    channels = ["direct"]
    if rng.random() < 0.75:
        channels.append("online")
    if rng.random() < 0.45:
        channels.append("postal")
    full = p.detail == "full"
    if full:
        lines.append("subjects:")
        lines += [f"  - {q(s)}" for s in rng.sample(PROC_SUBJECTS, rng.randint(1, 3))]
        lines += ["agencies:", "  executing:", f"    - {q(executing)}"]
        lines += ["  competent:", f"    - {q(executing)}"]
        lines += ["receiving_addresses:", f"  - {q(desk)}"]
        if "online" in channels:
            lines.append(f"  - {q('Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)')}")
        lines.append("steps:")
        steps = STEP_BODIES if rng.random() < 0.5 else (STEP_BODIES[:2] + STEP_BODIES[3:])
        for n, body in enumerate(steps, 1):
            lines += [f"  - title: {q(f'Bước {n}')}", f"    body: {q(body.format(desk=desk))}"]
    days = rng.choice((1, 3, 5, 7, 10, 15, 20, 30))
    fee = rng.choice((0, 0, 0, 8000, 10000, 15000, 20000, 50000, 100000))
    lines.append("methods:")
    for channel in channels:
        lines += [
            f"  - channel: {channel}",
            "    processing_time:",
            f"      text: {q(f'{days:02d} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ')}",
            f"      value: {days}",
            "      unit: working_day",
            "    fees:",
            f"      - kind: {'le_phi' if rng.random() < 0.7 else 'phi'}",
        ]
        if fee:
            amount = fee // 2 if channel == "online" else fee
            lines += [
                f"        text: {q(f'{vn_number(amount)} đồng/hồ sơ')}",
                f"        amount_vnd: {amount}",
            ]
        else:
            lines += [f"        text: {q('Miễn lệ phí')}", "        amount_vnd: 0"]
    if full:
        lines.append("cases:")
        for case in rng.sample(CASE_NAMES, rng.randint(1, 3)):
            lines += [f"  - name: {q(case)}", "    dossier_sets: 1", "    documents:"]
            for n, document in enumerate(rng.sample(DOCUMENTS, rng.randint(2, 5))):
                originals = 1 if n == 0 or rng.random() < 0.6 else 0
                copies = 1 if not originals else rng.randint(0, 1) if n else 0
                lines += [
                    f"      - name: {q(document)}",
                    f"        originals: {originals}",
                    f"        copies: {copies}",
                ]
                if n == 0:
                    lines += ["        form:", f"          name: {q(document)}"]
        requirements = rng.sample(REQUIREMENTS, rng.randint(0, 2))
        if requirements:
            lines.append("requirements:")
            lines += [f"  - {q(r)}" for r in requirements]
        lines.append("results:")
        lines += [f"  - name: {q(r)}" for r in rng.sample(RESULTS, rng.randint(1, 2))]
    lines.append("legal_basis:")
    for suffix, title, issuer in rng.sample(LAW_KINDS, rng.randint(1, 3)):
        year = rng.randint(2013, 2022)
        number = f"{rng.randint(1, 150)}/{year}/{suffix}"
        if suffix == "QH":
            number += f"{13 if year < 2016 else 14 if year < 2021 else 15}"
        lines += [
            f"  - number: {q(number)}",
            f"    title: {q(title.format(sector=sector_name))}",
            f"    issued: {day_text(random_day(rng, dt.date(year, 1, 1), dt.date(year, 12, 28)))}",
            f"    issuer: {q(issuer)}",
        ]
    related = [c for c in rng.sample(list(codes), 2) if c != p.code] if rng.random() < 0.2 else []
    if related:
        lines.append("related:")
        lines += [f"  - {q(c)}" for c in related]
    if full and rng.random() < 0.3:
        lines += ["keywords:", f"  - {q(p.name.removeprefix('Thủ tục ').lower())}"]
    lines.append("online_service:")
    if "online" in channels:
        level_text = "toan_trinh" if rng.random() < 0.65 else "mot_phan"
        lines.append(f"  level: {level_text}")
        if level_text == "mot_phan":
            lines.append(f"  partial_reason: {q(rng.choice(PARTIAL_REASONS))}")
    else:
        lines.append("  level: khong")
    change = {"replaced": "replaced", "abolished": "abolished"}.get(p.status, "new")
    if p.replaces:
        change = "replaced"
    decision_date = p.change_date or announced
    decision = p.decision or f"{rng.randint(100, 3500)}/QĐ-UBND"
    lines += [
        "announcement:",
        f"  number: {q(decision)}",
        f"  date: {day_text(decision_date)}",
        f"  issuer: {q('Chủ tịch UBND tỉnh Thái Bình')}",
        f"  change_type: {change}",
        f"status: {p.status}",
    ]
    if p.status == "active":
        start = decision_date + dt.timedelta(days=7) if p.replaces else announced
        lines.append(f"effective_from: {day_text(start)}")
    else:
        lines.append(f"effective_from: {day_text(announced)}")
        lines.append(f"effective_to: {day_text(decision_date + dt.timedelta(days=6))}")
    if p.replaced_by:
        lines.append(f"replaced_by: {q(p.replaced_by)}")
    lines.append("history:")
    if not p.replaces:
        first = f"{rng.randint(100, 3500)}/QĐ-UBND"
        lines += [
            f"  - date: {day_text(announced)}",
            "    change_type: new",
            f"    decision: {q(first)}",
            f"    note: {q(f'Công bố danh mục thủ tục hành chính lĩnh vực {sector_name}')}",
        ]
    if p.status != "active" or p.replaces:
        note = {
            "replaced": f"Được thay thế bởi thủ tục {p.replaced_by}",
            "abolished": "Bãi bỏ theo quyết định công bố của Chủ tịch UBND tỉnh",
        }.get(p.status, f"Thay thế thủ tục {p.replaces}")
        lines += [
            f"  - date: {day_text(decision_date)}",
            f"    change_type: {change}",
            f"    decision: {q(decision)}",
            f"    note: {q(note)}",
        ]
    retrieved = today - dt.timedelta(days=rng.randint(2, 75))
    lines += [
        f"detail_level: {p.detail}",
        f"featured: {'true' if full and rng.random() < 0.02 else 'false'}",
        "source:",
        f"  name: {q('Cơ sở dữ liệu quốc gia về thủ tục hành chính')}",
        "  url: "
        + q(
            "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
            f"?ma_thu_tuc={p.code}"
        ),
        f"  retrieved: {day_text(retrieved)}",
        "reviewed:",
        f"  date: {day_text(retrieved + dt.timedelta(days=1))}",
        f"  by: {q('Công chức Văn phòng - Thống kê')}",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ plans


@dataclass(frozen=True)
class Issuer:
    parent: str
    name: str
    display: str  # the name as written in a sentence
    place: str
    suffix: str  # of the symbol: KH-<suffix>
    head: str  # title of the head who signs


ISSUERS = (
    Issuer(
        "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH",
        "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ",
        "Ủy ban nhân dân huyện",
        "Quỳnh Phụ",
        "UBND",
        "CHỦ TỊCH",
    ),
    Issuer(
        "",
        "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH",
        "Ủy ban nhân dân tỉnh",
        "Thái Bình",
        "UBND",
        "CHỦ TỊCH",
    ),
    Issuer(
        "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH", "SỞ NỘI VỤ", "Sở Nội vụ", "Thái Bình", "SNV", "GIÁM ĐỐC"
    ),
    Issuer(
        "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH", "SỞ TƯ PHÁP", "Sở Tư pháp", "Thái Bình", "STP", "GIÁM ĐỐC"
    ),
    Issuer(
        "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ",
        "PHÒNG NỘI VỤ",
        "Phòng Nội vụ",
        "Quỳnh Phụ",
        "PNV",
        "TRƯỞNG PHÒNG",
    ),
    Issuer(
        "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ",
        "ỦY BAN NHÂN DÂN XÃ AN LẠC",
        "Ủy ban nhân dân xã",
        "An Lạc",
        "UBND",
        "CHỦ TỊCH",
    ),
    Issuer(
        "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ",
        "ỦY BAN NHÂN DÂN XÃ MINH TÂN",
        "Ủy ban nhân dân xã",
        "Minh Tân",
        "UBND",
        "CHỦ TỊCH",
    ),
    Issuer(
        "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ",
        "ỦY BAN NHÂN DÂN THỊ TRẤN QUỲNH CÔI",
        "Ủy ban nhân dân thị trấn",
        "Quỳnh Côi",
        "UBND",
        "CHỦ TỊCH",
    ),
)

PLAN_KINDS = (
    # doc_type, weight, title templates
    (
        "KH",
        8,
        (
            "Cải cách hành chính năm {year}",
            "Tuyên truyền cải cách hành chính năm {year}",
            "Kiểm soát thủ tục hành chính năm {year}",
            "Chuyển đổi số trong giải quyết thủ tục hành chính năm {year}",
            "Nâng cao Chỉ số hài lòng của người dân năm {year}",
            "Kiểm tra công tác cải cách hành chính năm {year}",
            "Thực hiện Đề án 06 năm {year}",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính năm {year}",
        ),
    ),
    (
        "BC",
        1,
        (
            "Kết quả công tác cải cách hành chính 6 tháng đầu năm {year}",
            "Kết quả công tác cải cách hành chính năm {year}",
            "Tình hình giải quyết thủ tục hành chính quý {quarter} năm {year}",
        ),
    ),
    (
        "TB",
        1,
        (
            "Kết luận của Chủ tịch tại hội nghị cải cách hành chính năm {year}",
            "Lịch tiếp nhận hồ sơ tại Bộ phận Một cửa dịp Tết năm {year}",
        ),
    ),
)

INTRO_VERBS = {"KH": "ban hành Kế hoạch", "BC": "báo cáo", "TB": "thông báo"}

RECIPIENTS = pool(
    """
Sở Nội vụ
Thường trực Huyện ủy
Thường trực HĐND huyện
Chủ tịch, các PCT UBND huyện
Các phòng chuyên môn, đơn vị thuộc UBND huyện
UBND các xã, thị trấn
Đài Truyền thanh huyện
Cổng thông tin điện tử huyện
"""
)

PLAN_SECTIONS = (
    ("I. MỤC ĐÍCH, YÊU CẦU", ("1. Mục đích", "2. Yêu cầu")),
    ("II. NỘI DUNG TRỌNG TÂM", ("1. Cải cách thủ tục hành chính", "2. Xây dựng chính quyền số")),
    ("III. GIẢI PHÁP THỰC HIỆN", ()),
    ("IV. TỔ CHỨC THỰC HIỆN", ()),
)


@dataclass
class PlanRef:
    year: int
    number: int
    symbol: str
    issuer: int
    title: str
    issued: dt.date

    @property
    def full_number(self) -> str:
        return f"{self.number:02d}/{self.symbol}"

    @property
    def url(self) -> str:
        return f"/ke-hoach/{self.year}/{slugify(f'{self.number:02d}-{self.symbol}')}/"


def plan_refs(rng: random.Random, count: int) -> list[PlanRef]:
    used: set[tuple[int, int, str]] = set()
    refs = []
    weights = [w for _t, w, _titles in PLAN_KINDS]
    while len(refs) < count:
        kind, _w, titles = rng.choices(PLAN_KINDS, weights=weights)[0]
        issuer = rng.randrange(len(ISSUERS))
        symbol = f"{kind}-{ISSUERS[issuer].suffix}"
        issued = random_day(rng)
        number = rng.randint(1, 420)
        # the address is /ke-hoach/<year>/<number>-<symbol>/: unique per year and symbol
        if (issued.year, number, symbol) in used:
            continue
        used.add((issued.year, number, symbol))
        title = rng.choice(titles).format(
            year=issued.year, quarter=rng.choice(("I", "II", "III", "IV"))
        )
        refs.append(PlanRef(issued.year, number, symbol, issuer, title, issued))
    refs.sort(key=lambda r: (r.issued, r.full_number))
    return refs


def plan_markdown(rng: random.Random, ref: PlanRef, refs: Sequence[PlanRef]) -> str:
    issuer = ISSUERS[ref.issuer]
    head = issuer.head
    doc_type = ref.symbol.split("-")[0]
    writer = Writer(rng, ref.year)
    authority = (
        rng.choice(("none", "TM", "KT")) if head == "CHỦ TỊCH" else rng.choice(("none", "KT"))
    )
    signer = ["signer:", f"  authority: {authority}"]
    if authority == "TM":
        signer += [f"  on_behalf_of: {q('ỦY BAN NHÂN DÂN')}", f"  title: {q(head)}"]
    elif authority == "KT":
        signer += [f"  head_title: {q(head)}", f"  title: {q('PHÓ ' + head)}"]
    else:
        signer.append(f"  title: {q(head)}")
    signer.append(f"  name: {q(person(rng))}")
    later = [r for r in refs if r.symbol == ref.symbol and r.issued > ref.issued]
    status = "active" if ref.year >= 2025 else "expired"
    superseded = ""
    if later and rng.random() < 0.05:
        status, superseded = "superseded", rng.choice(later).full_number
    published = dt.datetime.combine(
        ref.issued + dt.timedelta(days=rng.randint(0, 6)), dt.time(rng.choice((8, 9, 14, 15)))
    )
    basis_year = ref.year - 1
    lines = [
        "---",
        f"doc_type: {doc_type}",
        f"number: {q(str(ref.number))}",
        f"symbol: {q(ref.symbol)}",
        "issuer:",
    ]
    if issuer.parent:
        lines.append(f"  parent: {q(issuer.parent)}")
    lines += [
        f"  name: {q(issuer.name)}",
        f"place: {q(issuer.place)}",
        f"issued_date: {day_text(ref.issued)}",
        f"title: {q(ref.title)}",
        "basis:",
        "  - "
        + q(
            f"Thực hiện Kế hoạch số {rng.randint(10, 300)}/KH-UBND ngày "
            f"{day_text(random_day(rng, dt.date(basis_year, 1, 1), dt.date(basis_year, 12, 28)))}"
            " của Ủy ban nhân dân tỉnh về cải cách hành chính nhà nước"
        ),
        *signer,
        "recipients:",
        *[f"  - {q(r)}" for r in rng.sample(RECIPIENTS, rng.randint(3, 6))],
        f"archive: {q(rng.choice(('VT, NV', 'VT, VP', 'VT')))}",
        f"status: {status}",
    ]
    if superseded:
        lines.append(f"superseded_by: {q(superseded)}")
    lines += [
        f"published_at: {published:%d/%m/%Y %H:%M}",
        "tags: " + json.dumps(["Kế hoạch", rng.choice(PLAN_TAGS)], ensure_ascii=False),
        "---",
        f"Để triển khai các văn bản nêu trên, {issuer.display} {INTRO_VERBS[doc_type]} "
        f"{ref.title[0].lower() + ref.title[1:]} như sau:",
        "",
    ]
    for heading, subsections in PLAN_SECTIONS:
        lines += [f"## {heading}", ""]
        if subsections:
            for sub in subsections:
                lines += [f"### {sub}", "", writer.bullet_list(numbered=False), ""]
        elif heading.startswith("III"):
            for letter in "abc"[: rng.randint(2, 3)]:
                lines += [f"{letter}) {writer.paragraph(1, 2)}", ""]
        else:
            for n in range(1, rng.randint(3, 4)):
                lines += [f"{n}\\. {writer.paragraph(1, 2)}", ""]
            lines += ["Các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.", ""]
    if rng.random() < 0.3:
        lines += [
            "## Phụ lục",
            "",
            f"**NHIỆM VỤ CỤ THỂ NĂM {ref.year}**",
            "",
            writer.table(),
            "",
        ]
    return "\n".join(lines)


# ------------------------------------------------------------------ posts


def post_markdown(
    rng: random.Random, day: dt.datetime, target: int, internal: Sequence[tuple[str, str]]
) -> tuple[str, str, int]:
    """The front matter and body of one post; also its title and body word count."""
    writer = Writer(rng, day.year)
    tail = writer.fill(rng.choice(TITLE_TAILS)).replace("{year}", str(day.year))
    title = " ".join(
        part
        for part in (
            writer.fill(rng.choice(TITLE_ACTORS)),
            rng.choice(TITLE_ACTIONS),
            rng.choice(TITLE_TOPICS),
            tail,
        )
        if part
    )
    closing = writer.paragraph(1, 1) + " " + writer.link_sentence(internal)
    budget = target - words(closing)
    blocks = [writer.paragraph(1, 3)]
    count = words(blocks[0])

    def add(*new: str) -> None:
        nonlocal count
        blocks.extend(new)
        count += sum(words(b) for b in new)

    with_list = rng.random() < 0.5
    table_at = rng.randint(0, 1)
    h2 = rng.sample(H2, len(H2))
    section = 0
    while section < 2 or count < budget:
        add(f"## {h2[section % len(h2)]}")
        if section == table_at:
            add(writer.paragraph(1, 2), writer.table())
        if with_list and section == 1:
            add("Các nhiệm vụ được giao cụ thể như sau:", writer.bullet_list())
        if rng.random() < 0.3:
            for sub in rng.sample(H3, rng.randint(2, 3)):
                add(f"### {sub}", writer.paragraph(1, 3))
                if count >= budget:
                    break
        else:
            add(writer.paragraph(1, 3))
            while count < budget and rng.random() < 0.6:
                add(writer.paragraph(1, 3))
        section += 1
    blocks.append(closing)
    body = "\n\n".join(blocks) + "\n"
    tags = rng.sample(TAGS, rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0])
    front = [
        "---",
        f"title: {q(title)}",
        f"date: {day.isoformat()}",
        f"summary: {q(writer.sentence())}",
        "tags: " + json.dumps(tags, ensure_ascii=False),
        f"category: {q(rng.choice(CATEGORIES))}",
    ]
    if rng.random() < 0.6:
        front.append(f"author: {q(rng.choice(AUTHORS))}")
    front.append("---")
    return "\n".join(front) + "\n" + body, title, words(body)


def post_dates(rng: random.Random, count: int) -> list[dt.datetime]:
    """Distinct publication times over 2021–2025, in +07:00, working hours."""
    tz = dt.timezone(dt.timedelta(hours=7))
    seen: set[dt.datetime] = set()
    result = []
    while len(result) < count:
        day = random_day(rng)
        moment = dt.datetime(
            day.year, day.month, day.day, rng.randint(7, 17), rng.randrange(60), tzinfo=tz
        )
        if moment not in seen:
            seen.add(moment)
            result.append(moment)
    return result


# ------------------------------------------------------------------ site files


def site_yaml() -> str:
    return f"""\
# Synthetic benchmark site, generated by bench/synth.py (same structure as the sample site.yaml).
title: "Chuyên mục Cải cách hành chính"
description: "Tin tức, kế hoạch và thủ tục hành chính (dữ liệu tổng hợp để đo hiệu năng)."
base_url: "{BASE_URL}"
language: vi
timezone: Asia/Ho_Chi_Minh
agency:
  name: "Ủy ban nhân dân huyện Quỳnh Phụ"
  parent: "Ủy ban nhân dân tỉnh Thái Bình"
  address: "Thị trấn Quỳnh Côi, huyện Quỳnh Phụ, tỉnh Thái Bình"
  phone: "0227 3000 000"
  email: "vanphong@quynhphu.example.gov.vn"
  responsible_person:
    name: "Trần Văn Minh"
    position: "Chánh Văn phòng HĐND và UBND huyện"
copyright: "© Ủy ban nhân dân huyện Quỳnh Phụ. Ghi rõ nguồn khi trích dẫn thông tin từ chuyên mục."
paginate: 10
feed_items: 20
home_posts: 6
related_posts: 5
menu:
  - {{title: "Trang chủ", url: /}}
  - {{title: "Tin tức", url: /tin-tuc/}}
  - {{title: "Kế hoạch", url: /ke-hoach/}}
  - {{title: "Thủ tục hành chính", url: /thu-tuc-hanh-chinh/}}
  - {{title: "Hướng dẫn tra cứu", url: /huong-dan-tra-cuu/}}
  - {{title: "Giới thiệu", url: /gioi-thieu/}}
  - {{title: "Dịch vụ công quốc gia", url: "https://dichvucong.gov.vn/"}}
"""


def page_markdown(rng: random.Random, title: str, summary: str, weight: int) -> str:
    writer = Writer(rng, 2025)
    parts = [
        f"---\ntitle: {q(title)}\nsummary: {q(summary)}\nweight: {weight}\n---",
        writer.paragraph(3, 4),
        f"## {rng.choice(H2)}",
        writer.paragraph(2, 4),
        writer.bullet_list(),
        f"## {rng.choice(H2)}",
        writer.paragraph(2, 3) + " " + writer.link_sentence(()),
    ]
    return "\n\n".join(parts) + "\n"


def hotline_yaml(today: dt.date) -> str:
    """The sample's hotline file, with verified_at moved close to ``today``."""
    text = (REPO / "content" / "hotline.yaml").read_text(encoding="utf-8")
    verified = day_text(today - dt.timedelta(days=5))
    text, count = re.subn(r"(?m)^verified_at:.*$", f"verified_at: {verified}", text)
    if not count:
        text += f"verified_at: {verified}\n"
    return text


# ------------------------------------------------------------------ main


def prepare(out: Path, force: bool) -> None:
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise SystemExit(
            f"{out} is not empty and was not made by synth.py; choose another folder or --force"
        )
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "content", ignore_errors=True)


def generate(
    out: Path, posts: int, plans: int, procedures: int, seed: int, today: dt.date
) -> dict[str, object]:
    content = out / "content"
    (out / "site.yaml").write_text(site_yaml(), encoding="utf-8")
    (content / "pages").mkdir(parents=True)
    page_rng = random.Random(f"{seed}:pages")
    (content / "pages" / "gioi-thieu.md").write_text(
        page_markdown(
            page_rng,
            "Giới thiệu chuyên mục Cải cách hành chính",
            "Chuyên mục đăng tin, kế hoạch và thủ tục hành chính của huyện.",
            1,
        ),
        encoding="utf-8",
    )
    (content / "pages" / "huong-dan-tra-cuu.md").write_text(
        page_markdown(
            page_rng,
            "Hướng dẫn tra cứu thủ tục hành chính",
            "Cách tìm một thủ tục, xem hồ sơ cần chuẩn bị và nộp trực tuyến.",
            2,
        ),
        encoding="utf-8",
    )
    (content / "hotline.yaml").write_text(hotline_yaml(today), encoding="utf-8")

    proc_rng = random.Random(f"{seed}:procedures")
    records = plan_procedures(proc_rng, procedures)
    codes = [p.code for p in records]
    (content / "procedures").mkdir()
    for record in records:
        (content / "procedures" / f"{record.code}.yaml").write_text(
            procedure_yaml(proc_rng, record, codes, today), encoding="utf-8"
        )

    plan_rng = random.Random(f"{seed}:plans")
    refs = plan_refs(plan_rng, plans)
    for ref in refs:
        folder = content / "plans" / str(ref.year)
        folder.mkdir(parents=True, exist_ok=True)
        place_slug = slugify(ISSUERS[ref.issuer].place)
        name = f"{ref.number}-{slugify(ref.symbol)}-{place_slug}.md"
        (folder / name).write_text(plan_markdown(plan_rng, ref, refs), encoding="utf-8")

    internal = [(f"Kế hoạch số {r.full_number}", r.url) for r in refs[:50]]
    internal += [
        (f"thủ tục {p.name.removeprefix('Thủ tục ')}", f"/thu-tuc-hanh-chinh/{p.code}/")
        for p in records[:50]
    ]
    post_rng = random.Random(f"{seed}:posts")
    slugs: set[str] = set()
    counts = []
    for day in post_dates(post_rng, posts):
        target = round(post_rng.triangular(300, 1440, 760))
        text, title, count = post_markdown(post_rng, day, target, internal)
        base = slugify(title, limit=72)  # cchcgen cuts slugs at 80 characters
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        folder = content / "posts" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
        counts.append(count)
    stats = {
        "posts": posts,
        "plans": plans,
        "procedures": procedures,
        "seed": seed,
        "today": today.isoformat(),
        "words_min": min(counts, default=0),
        "words_median": statistics.median(counts) if counts else 0,
        "words_max": max(counts, default=0),
    }
    (out / MARKER).write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return stats


def parse_day(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected DD/MM/YYYY, got {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="site folder to write (site.yaml, content/)")
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--today",
        type=parse_day,
        default=dt.date.today(),
        help="date the freshness fields are placed before (default: today)",
    )
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    args = parser.parse_args(argv)
    if min(args.posts, args.plans, args.procedures) < 0:
        parser.error("counts must not be negative")
    prepare(args.out, args.force)
    stats = generate(args.out, args.posts, args.plans, args.procedures, args.seed, args.today)
    print(
        f"synth: {stats['posts']} posts (words min/median/max {stats['words_min']}/"
        f"{stats['words_median']}/{stats['words_max']}), {stats['plans']} plans, "
        f"{stats['procedures']} procedures -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
