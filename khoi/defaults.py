"""Data the app ships as defaults (loaded by migrations, editable afterwards)."""

# (code, name, short name, kind, member noun)
ORGANIZATION_TYPES = [
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam", "MTTQ", "front", ""),
    ("LDLD", "Liên đoàn Lao động", "LĐLĐ", "sociopolitical", "đoàn viên"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ", "Hội LHPN", "sociopolitical", "hội viên"),
    ("DTN", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn TN", "sociopolitical", "đoàn viên"),
    ("HND", "Hội Nông dân", "Hội ND", "sociopolitical", "hội viên"),
    ("HCCB", "Hội Cựu chiến binh", "Hội CCB", "sociopolitical", "hội viên"),
    ("BDV", "Ban Dân vận (Ban Tuyên giáo và Dân vận) của cấp ủy", "BDV", "party_board", ""),
]

# The default "9 chung, 14 chia" catalog (ours, ../shared/DOMAIN.md): to be adapted by each
# province to the text of its own coordination regulation.
RULES = [
    ("C1", "shared", "Chương trình, kế hoạch công tác chung", "Chương trình công tác năm, quý, tháng và các kế hoạch chung của cơ quan khối."),
    ("C2", "shared", "Báo cáo định kỳ chung", "Một báo cáo chung của cơ quan khối thay cho báo cáo riêng của từng tổ chức."),
    ("C3", "shared", "Hội nghị sơ kết, tổng kết chung", "Một hội nghị sơ kết, tổng kết chung cho tất cả các tổ chức."),
    ("C4", "shared", "Tập huấn, bồi dưỡng nghiệp vụ chung", "Một lớp tập huấn, bồi dưỡng chung cho cán bộ các tổ chức."),
    ("C5", "shared", "Tuyên truyền, vận động; chiến dịch chung", "Tuyên truyền, vận động và các chiến dịch, tổ công tác liên tổ chức."),
    ("C6", "shared", "Kiểm tra, giám sát, phản biện xã hội", "Kế hoạch và đoàn kiểm tra, giám sát, phản biện xã hội chung."),
    ("C7", "shared", "Dân chủ – pháp luật; tiếp dân, đơn thư qua một đầu mối", "Công tác dân chủ, pháp luật; tiếp công dân, tiếp nhận đơn thư qua một đầu mối."),
    ("C8", "shared", "Văn phòng, văn thư, lưu trữ, trụ sở, con dấu cơ quan khối", "Văn phòng, văn thư, lưu trữ, trụ sở và con dấu của cơ quan khối."),
    ("C9", "shared", "Tài chính, quy chế chi tiêu nội bộ, tài sản chung", "Tài chính, quy chế chi tiêu nội bộ và tài sản chung."),
    ("R1", "separate", "Điều lệ, tôn chỉ, mục đích", "Điều lệ, tôn chỉ, mục đích của từng tổ chức."),
    ("R2", "separate", "Đại hội; hội nghị ban chấp hành, ban thường vụ", "Đại hội và hội nghị ban chấp hành, ban thường vụ của từng tổ chức."),
    ("R3", "separate", "Phát triển, quản lý đoàn viên, hội viên", "Kết nạp, quản lý đoàn viên, hội viên."),
    ("R4", "separate", "Đoàn phí, hội phí", "Thu, nộp, quản lý đoàn phí, hội phí."),
    ("R5", "separate", "Chỉ đạo, hướng dẫn, báo cáo theo ngành dọc", "Chỉ đạo, hướng dẫn và báo cáo theo hệ thống ngành dọc."),
    ("R6", "separate", "Phong trào thi đua, cuộc vận động riêng", "Các phong trào thi đua, cuộc vận động riêng của từng tổ chức."),
    ("R7", "separate", "Thi đua, khen thưởng trong hệ thống", "Thi đua, khen thưởng trong hệ thống của từng tổ chức."),
    ("R8", "separate", "Quỹ riêng (Vì người nghèo, Hỗ trợ nông dân…)", "Các quỹ riêng của từng tổ chức."),
    ("R9", "separate", "Ủy thác vốn vay Ngân hàng Chính sách xã hội", "Nhận ủy thác cho vay vốn Ngân hàng Chính sách xã hội."),
    ("R10", "separate", "Mô hình, câu lạc bộ, tổ hội chuyên đề", "Mô hình, câu lạc bộ, tổ hội chuyên đề của từng tổ chức."),
    ("R11", "separate", "Đại diện, bảo vệ quyền lợi riêng của hội viên", "Đại diện, bảo vệ quyền và lợi ích riêng của đoàn viên, hội viên."),
    ("R12", "separate", "Đối ngoại của tổ chức", "Hoạt động đối ngoại của từng tổ chức."),
    ("R13", "separate", "Công tác cán bộ theo điều lệ; giới thiệu đoàn viên ưu tú", "Công tác cán bộ theo điều lệ; giới thiệu đoàn viên, hội viên ưu tú."),
    ("R14", "separate", "Con dấu, tài khoản, tư cách pháp nhân", "Con dấu, tài khoản và tư cách pháp nhân riêng của từng tổ chức."),
]

SUBCOMMITTEES = [
    ("propaganda", "Tiểu ban Tuyên truyền – Vận động"),
    ("inspection", "Tiểu ban Kiểm tra – Giám sát"),
    ("democracy", "Tiểu ban Dân chủ – Pháp luật"),
    ("office", "Văn phòng"),
]
