"""The default indicator catalog (chỉ tiêu) as data, and the functions that load and copy it.

Source: ``research/indicators.md`` §5 — 66 default indicators and 11 optional ones (shipped
inactive, except TC11, the unique-persons count of the joint body), plus the figures the seeds
report (dialogue conferences, drafts criticised and opinions given, "Chính quyền thân thiện"
communes), the denominator TC16 needs, and the figures the app counts itself (``auto_source``,
see ``reports/auto.py``).

Org codes of the research map to ``OrganizationType`` codes: MT→MTTQ, PN→HLHPN, ND→HND,
CB→HCCB, DTN→DTN, CD→LDLD, ALL→"" (every organization).

``load_default_catalog`` and ``adopt_catalog`` take the model class so that the data
migration can pass its historical model.
"""
from __future__ import annotations

from dataclasses import dataclass

from khoi import text

ORG = {"MT": "MTTQ", "PN": "HLHPN", "ND": "HND", "CB": "HCCB", "DTN": "DTN", "CD": "LDLD"}

GROUPS = {
    "TC": "Tổ chức, đoàn viên, hội viên",
    "PT": "Phong trào thi đua, cuộc vận động",
    "AS": "An sinh xã hội",
    "GS": "Giám sát, phản biện xã hội",
    "DC": "Dân chủ ở cơ sở, đối thoại",
    "DN": "Tiếp dân, đơn thư, phản ánh, kiến nghị",
    "HG": "Hòa giải ở cơ sở",
    "KT": "Phát triển kinh tế, chăm lo đời sống",
    "UD": "Số liệu phần mềm tự đếm",
}


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    unit_label: str
    aggregation: str  # sum | latest | max | ratio
    reporters: str  # research codes ("MT PN"), "ALL", or "KHOI" (the joint body's own figure)
    source: str = "inferred"
    active: bool = True
    ratio: tuple[str, str] | None = None  # (numerator, denominator) codes
    not_above: str = ""  # the value may not exceed this indicator's value in the same submission
    auto_source: str = ""

    @property
    def value_type(self) -> str:
        if self.aggregation == "ratio":
            return "percent"
        if self.unit_label == "triệu đồng":
            return "amount"
        return "count"

    @property
    def reported_by(self) -> str:
        if self.reporters in ("ALL", ""):
            return ""
        if self.reporters == "KHOI":  # entered by the Front, which hosts the joint body's agency
            return "MTTQ"
        return " ".join(ORG[c] for c in self.reporters.split())

    @property
    def is_shared(self) -> bool:
        return self.reporters == "KHOI"

    @property
    def group(self) -> str:
        return GROUPS[self.code[:2]]


_TD = "https://thoidai.com.vn/mat-tran-so-cong-nghe-giup-mat-tran-to-quoc-viet-nam-giai-quyet-kip-thoi-nguyen-vong-cua-nhan-dan-215582.html"
_HG = "http://baohaugiang.com.vn/thoi-su-trong-tinh/toan-tinh-co-tren-118-000-hoi-vien-166-000-phu-nu-64207.html"
_BD = "https://binhdinh.gov.vn/tin-tuc/tin-tu-so-ban-nganh/uy-ban-mttq-viet-nam-tinh-so-ket-2-cuoc-van-dong-lon.html"
_DK = "http://baodongkhoi.vn/tren-365-ngan-ho-dat-gia-dinh-van-hoa-04122018-a55376.html"
_BM = "https://baomoi.com/thong-qua-quy-che-van-dong-quan-ly-va-su-dung-quy-vi-nguoi-ngheo-c46982796.epi"
_PY = "https://baophuyen.vn/141/215978/van-dong-cac-loai-quy-gan-119-3-ti-dong.html"
_CCB = "http://cuuchienbinh.vn/hoi-ccb-tinh-ninh-thuan-cham-lo-doi-song-hoi-vien/"
_DDK_TN = "http://daidoanket.vn/giam-sat-phan-bien/thai-nguyen-ban-thanh-tra-nhan-dan-giam-sat-2045-vu-viec-tintuc418928"
_DDK_HN = "http://daidoanket.vn/giam-sat-phan-bien/ha-noi-ban-giam-sat-dau-tu-cua-cong-dong-giam-sat-hon-4000-cong-trinh-du-an-tintuc461323"
_QB = "http://baoquangbinh.vn/phap-luat/201511/tiep-nhan-25-don-thu-khieu-nai-to-cao-cua-cong-dan-2129976/"
_DNG = "http://mattran.danang.gov.vn/chi-tiet-tin/group/79/nid/12304/gioi-thieu-nen-tang-mat-tran-so"
_TQ = "https://tuyenquangtv.vn/xay-dung-dang/202205/ttv-phat-trien-dang-trong-doan-vien-thanh-nien-52628a3/"
_LC = "https://baolaocai.vn/dai-hoi-dai-bieu-mttq-tag16370.html"
_BRVT = "https://baobariavungtau.com.vn/chinh-tri/202112/soi-noi-phong-trao-thi-dua-dan-van-kheo-941443/"
_TNG = "https://baothainguyen.vn/xa-hoi/201301/van-dong-ung-ho-quy-vi-nguoi-ngheo-dat-tren-250-trieu-dong-367793A"
_LD5 = "https://ldldq5.vn/tin-tuc/to-chuc/bao-cao-so-lieu-to-chuc-quy-32016-va-cong-tac-phat-trien-doan-vien-cong-doan"
_KTDT = "https://kinhtedothi.vn/giup-hon-60-000-hoi-vien-nong-dan-vay-von-uu-dai.html"
_SEED = "Báo cáo tổng kết công tác dân vận (tài liệu mẫu của dự án, seeds/004)"
_APP = "Phần mềm tự đếm từ dữ liệu đã ghi nhận, không nhập lại"
_ALL5 = "PN ND CB DTN CD"

# The 66 default indicators of §5, in its order.
DEFAULT: list[Row] = [
    Row("TC01", "Số Ban công tác Mặt trận ở khu dân cư", "ban", "latest", "MT",
        "https://vneconomy.vn/chuyen-doi-so-la-khau-dot-pha-trong-cong-tac-mat-tran-thoi-gian-toi.htm"),
    Row("TC02", "Số tổ chức thành viên, đoàn thể, hội quần chúng (theo cấp)", "tổ chức", "latest", "MT", _TD),
    Row("TC04", "Tổng số đoàn viên, hội viên (thành viên)", "người", "latest", "ALL", _TD),
    Row("TC05", "Đoàn viên, hội viên kết nạp mới", "người", "sum", _ALL5, _HG),
    Row("TC06", "Đoàn viên, hội viên đưa ra khỏi tổ chức / xóa tên", "người", "sum", "PN DTN CD", _HG),
    Row("TC09", "Số đối tượng trong độ tuổi/diện có thể tập hợp (mẫu số tỷ lệ tập hợp)", "người", "latest", _ALL5, _LD5),
    Row("TC10", "Tỷ lệ tập hợp đoàn viên, hội viên (TC04/TC09)", "%", "ratio", _ALL5,
        "https://baokhanhhoa.vn/xa-hoi/202410/ky-niem-94-nam-ngay-thanh-lap-hoi-lien-hiep-phu-nu-viet-nam-20-10-1930-20-10-2024-day-manh-ung-dung-cong-nghe-thong-tin-trong-hoat-dong-hoi-fbc17e6",
        ratio=("TC04", "TC09")),
    Row("TC12", "Số cán bộ chuyên trách", "người", "latest", "ALL", _TD),
    Row("TC13", "Số Ủy viên Ủy ban MTTQ", "người", "latest", "MT", _TD),
    Row("TC14", "Số Ủy viên Ban Chấp hành đoàn thể, hội", "người", "latest", _ALL5, _TD),
    Row("TC15", "Đã hoàn thành đại hội nhiệm kỳ (0/1 mỗi đơn vị)", "đơn vị", "max", "ALL", _LC),
    Row("TC16", "Tỷ lệ đơn vị hoàn thành đại hội (TC15 / số đơn vị phải tổ chức)", "%", "ratio", "ALL", _LC,
        ratio=("TC15", "TC20")),
    Row("TC17", "Số cơ sở, chi hội xếp loại vững mạnh / trong sạch vững mạnh / chi hội mẫu", "đơn vị", "latest", _ALL5,
        "https://baokhanhhoa.vn/chinh-tri/201612/ky-niem-27-nam-ngay-thanh-lap-hoi-cuu-chien-binh-viet-nam-2463486"),
    Row("TC18", "Số người được giới thiệu để Đảng xem xét kết nạp", "người", "sum", "ALL", _TQ),
    Row("TC19", "Số người được giới thiệu đã được kết nạp Đảng", "người", "sum", "ALL", _TQ),
    Row("PT01", "Số hộ đạt danh hiệu “Gia đình văn hóa”", "hộ", "latest", "MT", _BD, not_above="PT02"),
    Row("PT02", "Tổng số hộ gia đình trên địa bàn (mẫu số)", "hộ", "latest", "MT", _DK),
    Row("PT03", "Tỷ lệ hộ đạt “Gia đình văn hóa” (PT01/PT02)", "%", "ratio", "MT", _DK, ratio=("PT01", "PT02")),
    Row("PT04", "Số thôn, tổ dân phố đạt “Thôn, tổ dân phố văn hóa” (trước 2024: khu dân cư văn hóa)", "thôn/TDP",
        "latest", "MT",
        "https://nguoihanoi.vn/quy-dinh-moi-khung-tieu-chuan-xet-tang-gia-dinh-van-hoa-xa-phuong-tieu-bieu-79919.html"),
    Row("PT05", "Số khu dân cư tổ chức Ngày hội Đại đoàn kết toàn dân tộc", "KDC", "sum", "MT", _BD),
    Row("PT06", "Số cuộc tuyên truyền, vận động", "cuộc", "sum", "ALL", _TNG),
    Row("PT07", "Lượt người tham dự tuyên truyền", "lượt người", "sum", "ALL", _TNG),
    Row("PT08", "Mô hình “Dân vận khéo” đăng ký", "mô hình", "sum", "ALL", _BRVT),
    Row("PT09", "Mô hình “Dân vận khéo” được đánh giá hiệu quả / công nhận", "mô hình", "sum", "ALL", _BRVT),
    Row("PT10", "Tập thể, cá nhân được biểu dương, khen thưởng", "lượt", "sum", "ALL", _DK),
    Row("AS01", "Quỹ “Vì người nghèo”: số tiền vận động (thu) trong kỳ", "triệu đồng", "sum", "MT", _BM),
    Row("AS02", "Quỹ “Vì người nghèo”: số tiền chi trong kỳ", "triệu đồng", "sum", "MT", _BM),
    Row("AS03", "Quỹ “Vì người nghèo”: số dư cuối kỳ", "triệu đồng", "latest", "MT", _BM),
    Row("AS04", "Nhà Đại đoàn kết xây mới", "căn", "sum", "MT", _PY),
    Row("AS05", "Nhà Đại đoàn kết sửa chữa", "căn", "sum", "MT", "http://drt.danang.vn/chi_tiet-53745"),
    Row("AS06", "Kinh phí hỗ trợ xây mới, sửa chữa nhà", "triệu đồng", "sum", "MT CB PN CD", _BD),
    Row("AS07", "Nhà do tổ chức thành viên hỗ trợ cho đoàn viên, hội viên (nghĩa tình đồng đội, mái ấm tình thương, "
        "mái ấm công đoàn…)", "căn", "sum", "CB PN CD ND DTN", _CCB),
    Row("AS08", "Quỹ Cứu trợ: số tiền tiếp nhận", "triệu đồng", "sum", "MT", _PY),
    Row("AS09", "Quỹ Cứu trợ: số tiền phân bổ, chi hỗ trợ", "triệu đồng", "sum", "MT", _PY),
    Row("AS10", "Giá trị chương trình an sinh xã hội đăng ký / thực hiện", "triệu đồng", "sum", "MT", _DK),
    Row("GS01", "Cuộc giám sát do Mặt trận chủ trì", "cuộc", "sum", "MT",
        "inferred (NQLT 403/2017: https://m.sggp.org.vn/cong-bo-4-nghi-quyet-cua-quoc-hoi-451619.html)"),
    Row("GS02", "Kiến nghị sau giám sát", "kiến nghị", "sum", "MT"),
    Row("GS03", "Kiến nghị sau giám sát đã được tiếp thu, giải quyết", "kiến nghị", "sum", "MT", _DDK_TN, not_above="GS02"),
    Row("GS04", "Hội nghị phản biện xã hội, lấy ý kiến nhân dân", "cuộc", "sum", "MT",
        "https://baoquangnam.vn/infographic/infographic--hon-2-nam-mat-tran-cac-cap-to-chuc-580-cuoc-phan-bien-xa-hoi-lay-y-kien-nhan-dan-147560.html"),
    Row("GS06", "Số Ban Thanh tra nhân dân", "ban", "latest", "MT", _DDK_TN),
    Row("GS07", "Ban TTND: vụ việc đã giám sát", "vụ việc", "sum", "MT", _DDK_HN),
    Row("GS08", "Ban TTND: vụ việc phát hiện vi phạm, kiến nghị xử lý", "vụ việc", "sum", "MT", _DDK_HN, not_above="GS07"),
    Row("GS09", "Số Ban Giám sát đầu tư của cộng đồng", "ban", "latest", "MT", _DDK_TN),
    Row("GS10", "Ban GSĐTCCĐ: công trình, dự án được giám sát", "công trình", "sum", "MT", _DDK_HN),
    Row("GS11", "Ban GSĐTCCĐ: vi phạm phát hiện, kiến nghị xử lý", "vụ", "sum", "MT", _DDK_HN),
    Row("GS12", "Ý kiến, kiến nghị cử tri và nhân dân tổng hợp gửi kỳ họp Quốc hội/HĐND", "ý kiến", "sum", "MT",
        "https://xe.today/2025/10/21/voters-demand-sustainable-practical-solutions-to-flooding-and-traffic-congestion"),
    Row("DN02", "Lượt công dân được tiếp", "lượt", "sum", "MT",
        "http://www.lamdong.gov.vn/vi-VN/a/thanhtra/tintuc/tiepdan/Pages/TCDThang42017.aspx"),
    Row("DN03", "Đơn thư tiếp nhận (khiếu nại / tố cáo / kiến nghị, phản ánh / khác)", "đơn", "sum", "MT", _QB),
    Row("DN04", "Đơn thư chuyển cơ quan có thẩm quyền", "đơn", "sum", "MT", _QB, not_above="DN03"),
    Row("DN05", "Đơn thư đã có văn bản trả lời, kết quả giải quyết", "đơn", "sum", "MT",
        "http://www.baodongnai.com.vn/tintuc/201808/tiep-va-xu-ly-don-thu-to-cao-cua-cong-dan-2907513/", not_above="DN03"),
    Row("DN06", "Phản ánh, kiến nghị tiếp nhận (mọi kênh, gồm Mặt trận số, QR, hòm thư)", "phản ánh", "sum", "MT", _DNG),
    Row("DN07", "Phản ánh, kiến nghị đã phản hồi và công khai", "phản ánh", "sum", "MT", _DNG, not_above="DN06"),
    Row("DN08", "Tỷ lệ phản ánh, kiến nghị được phản hồi (DN07/DN06)", "%", "ratio", "MT", ratio=("DN07", "DN06")),
    Row("HG01", "Vụ việc hòa giải ở cơ sở tiếp nhận", "vụ việc", "sum", "MT",
        "inferred (Luật Hòa giải ở cơ sở 2013: https://pbgdpl.moj.gov.vn/qt/tintuc/Pages/Hoa-Giai-Co-So.aspx?ItemID=104)"),
    Row("HG02", "Vụ việc hòa giải thành", "vụ việc", "sum", "MT", not_above="HG01"),
    Row("KT01", "Dư nợ vốn vay ủy thác Ngân hàng Chính sách xã hội", "triệu đồng", "latest", "PN ND CB DTN", _CCB),
    Row("KT03", "Hộ đăng ký danh hiệu “Nông dân sản xuất, kinh doanh giỏi”", "hộ", "sum", "ND",
        "https://baobariavungtau.com.vn/kinh-te/201910/27235-nong-dan-san-xuat-kinh-doanh-gioi-876702/index.htm"),
    Row("KT04", "Hộ đạt danh hiệu sản xuất, kinh doanh giỏi các cấp", "hộ", "sum", "ND",
        "http://mtnt.hoinongdan.org.vn/sitepages/news/1099/129487/dau-an-thuc-hien-nghi-quyet-dai-hoi-vii-hoi-nong-dan-viet-nam-36-trieu-ho-san-xuat-kinh-doanh-gioi-bai-2"),
    Row("KT05", "Quỹ Hỗ trợ nông dân: tổng nguồn vốn", "triệu đồng", "latest", "ND", _KTDT),
    Row("KT06", "Quỹ Hỗ trợ nông dân: số hộ đang vay", "hộ", "latest", "ND", _KTDT),
    Row("KT08", "Hộ gia đình hội viên đạt tiêu chí “5 không 3 sạch”", "hộ", "latest", "PN", _HG),
    Row("KT09", "Hộ nghèo do phụ nữ làm chủ được giúp thoát nghèo", "hộ", "sum", "PN",
        "https://baothainguyen.vn/xa-hoi/201710/tp-song-cong-giup-do-315-hoi-vien-thoat-ngheo-367D200"),
    Row("KT10", "Hộ đoàn viên, hội viên nghèo / cận nghèo (tính theo tổ chức)", "hộ", "latest", "CB PN ND", _CCB),
    Row("KT12", "Lao động được giải quyết việc làm", "người", "sum", "CB DTN PN ND", _CCB),
    Row("KT13", "Công trình, phần việc thanh niên", "công trình", "sum", "DTN",
        "http://tapchicaosu.vn/2015/04/06/dam-nhiem-it-nhat-1-cong-trinh-thanh-nien/"),
    Row("KT14", "Số công đoàn cơ sở", "CĐCS", "latest", "CD", "https://nld.com.vn/Print.aspx?NewsID=20170621220908869"),
]

# The 11 optional extensions of §5: shipped inactive, except TC11 (the joint body's own figure).
OPTIONAL: list[Row] = [
    Row("TC03", "Số chi hội, chi đoàn, tổ/cơ sở trực thuộc", "đơn vị", "latest", _ALL5, active=False),
    Row("TC07", "Đoàn viên, hội viên chuyển đến", "người", "sum", "DTN CD", _LD5, active=False),
    Row("TC08", "Đoàn viên, hội viên chuyển đi", "người", "sum", "DTN CD", _LD5, active=False),
    Row("TC11", "Số người tham gia ít nhất một tổ chức (không trùng lặp)", "người", "latest", "KHOI",
        "https://timtailieu.vn/tai-lieu/trien-khai-ap-dung-phan-mem-quan-ly-doan-vien-hoi-vien-tren-dia-ban-tinh-tra-vinh-69444/"),
    Row("AS11", "Suất quà trao cho hộ nghèo, hoàn cảnh khó khăn", "suất", "sum", "ALL", active=False),
    Row("GS05", "Văn bản dự thảo được Mặt trận góp ý", "văn bản", "sum", "MT", active=False),
    Row("DN01", "Buổi tiếp công dân", "buổi", "sum", "MT", active=False),
    Row("HG03", "Tỷ lệ hòa giải thành (HG02/HG01)", "%", "ratio", "MT", active=False, ratio=("HG02", "HG01")),
    Row("KT02", "Số tổ tiết kiệm và vay vốn / tổ vay vốn", "tổ", "latest", "PN ND CB DTN",
        "http://cuuchienbinh.vn/3-cong-trinh-deu-vuot-chi-tieu-03-05-2010/", active=False),
    Row("KT07", "Lớp tập huấn, chuyển giao khoa học kỹ thuật / lượt người", "lớp; lượt", "sum", "ND PN",
        "https://baothainguyen.vn/kinh-te/201801/gan-60-nghin-ho-nong-dan-san-xuat-kinh-doanh-gioi-3675870", active=False),
    Row("KT11", "Doanh nghiệp, HTX, trang trại, gia trại do hội viên làm chủ", "đơn vị", "latest", "CB ND", _CCB, active=False),
]

# Ours: the denominator TC16 needs, the seeds' figures, and what the app counts by itself.
EXTRA: list[Row] = [
    Row("TC20", "Số đơn vị phải tổ chức đại hội nhiệm kỳ (mẫu số TC16)", "đơn vị", "latest", "ALL", _LC),
    Row("DC01", "Hội nghị đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân", "hội nghị", "sum",
        "MT", _SEED),
    Row("DC02", "Văn bản dự thảo được góp ý, phản biện xã hội", "văn bản", "sum", "ALL", _SEED),
    Row("DC03", "Ý kiến góp ý, phản biện xã hội đối với dự thảo văn bản", "ý kiến", "sum", "ALL", _SEED),
    Row("DC04", "Số xã, phường, thị trấn xây dựng mô hình “Chính quyền thân thiện” đạt kết quả", "xã", "latest", "MT", _SEED),
    Row("UD01", "Hồ sơ đầu mối tiếp nhận", "hồ sơ", "sum", "KHOI", _APP, auto_source="cases_received"),
    Row("UD02", "Hồ sơ đầu mối đã đóng (giải quyết xong)", "hồ sơ", "sum", "KHOI", _APP, auto_source="cases_closed"),
    Row("UD03", "Hộ dân đồng thuận trong chiến dịch", "hộ", "sum", "KHOI", _APP, auto_source="campaign_households_agreed"),
    Row("UD04", "Hộ dân hoàn thành trong chiến dịch", "hộ", "sum", "KHOI", _APP, auto_source="campaign_households_completed"),
    Row("UD05", "Nhiệm vụ đã hoàn thành", "nhiệm vụ", "sum", "KHOI", _APP, auto_source="tasks_done"),
    Row("UD06", "Hoạt động trong chương trình công tác đã hoàn thành", "hoạt động", "sum", "KHOI", _APP,
        auto_source="activities_done"),
    Row("UD07", "Cuộc kiểm tra, giám sát chung đã thực hiện (theo chương trình công tác)", "cuộc", "sum", "KHOI", _APP,
        auto_source="supervisions_done"),
    Row("UD08", "Lớp tập huấn, bồi dưỡng chung đã tổ chức (theo chương trình công tác)", "lớp", "sum", "KHOI", _APP,
        auto_source="trainings_done"),
]

ALL_ROWS: list[Row] = DEFAULT + OPTIONAL + EXTRA
DEFAULT_CODES = frozenset(r.code for r in DEFAULT)

assert len(DEFAULT) == 66 and len(OPTIONAL) == 11, "indicators.md §5: 66 defaults + 11 optional"
assert len({r.code for r in ALL_ROWS}) == len(ALL_ROWS), "codes are unique"


def _indicator_model(model):
    if model is None:
        from reports.models import Indicator

        return Indicator
    return model


def _fields(row: Row, order: int) -> dict:
    return {
        "name": row.name, "search_name": text.fold(row.name), "group": row.group, "unit_label": row.unit_label,
        "value_type": row.value_type, "aggregation": row.aggregation, "reported_by": row.reported_by,
        "is_shared": row.is_shared, "auto_source": row.auto_source, "source_note": row.source,
        "is_active": row.active, "sort_order": order,
    }


def load_default_catalog(Indicator=None) -> int:
    """Create or refresh the shipped catalog (``catalog_unit`` empty). Idempotent: running it
    again changes nothing and adds nothing. Returns the number of default indicators."""
    Indicator = _indicator_model(Indicator)
    by_code = {}
    for order, row in enumerate(ALL_ROWS):
        fields = _fields(row, order)
        if row.aggregation == "ratio":  # the check constraint wants both terms at once: set below
            fields["aggregation"] = "sum"
        by_code[row.code], _created = Indicator.objects.update_or_create(catalog_unit=None, code=row.code, defaults=fields)
    for row in ALL_ROWS:
        ind = by_code[row.code]
        ind.numerator = by_code[row.ratio[0]] if row.ratio else None
        ind.denominator = by_code[row.ratio[1]] if row.ratio else None
        ind.aggregation = row.aggregation
        ind.not_above = by_code[row.not_above] if row.not_above else None
        ind.save(update_fields=["numerator", "denominator", "aggregation", "not_above"])
    return len(by_code)


COPIED_FIELDS = ("code", "name", "group", "unit_label", "value_type", "aggregation", "reported_by", "is_shared",
                 "auto_source", "source_note", "is_active", "sort_order")


def adopt_catalog(province, Indicator=None) -> list:
    """Copy the default catalog into ``province``'s own catalog (ratios and cross-field rules
    point to the copies). Idempotent: a province that has its own catalog keeps it unchanged.
    Access is checked by ``services.indicator_catalog_adopt``, which calls this."""
    Indicator = _indicator_model(Indicator)
    own = list(Indicator.objects.filter(catalog_unit=province))
    if own:
        return own
    defaults = list(Indicator.objects.filter(catalog_unit__isnull=True).order_by("sort_order", "code"))
    copies = {}
    for ind in defaults:
        copy = Indicator(catalog_unit=province, **{f: getattr(ind, f) for f in COPIED_FIELDS})
        if copy.aggregation == "ratio":
            copy.aggregation = "sum"  # until its terms exist (check constraint)
        copy.save()
        copies[ind.pk] = copy
    for ind in defaults:
        copy = copies[ind.pk]
        copy.aggregation = ind.aggregation
        copy.numerator = copies.get(ind.numerator_id)
        copy.denominator = copies.get(ind.denominator_id)
        copy.not_above = copies.get(ind.not_above_id)
        if copy.aggregation == "ratio" or copy.not_above is not None:
            copy.save()
    return list(copies.values())


def load_default_template(ReportTemplate=None):
    """The shipped report template (no province): State cut-off (15th), monthly submissions."""
    if ReportTemplate is None:
        from reports.models import ReportTemplate
    template = ReportTemplate.objects.filter(province__isnull=True).first()
    if template is None:
        template = ReportTemplate.objects.create(
            province=None, name="Báo cáo định kỳ (mặc định)", cutoff_day=15, deadline_days=3, submission_kind="month",
        )
    return template
