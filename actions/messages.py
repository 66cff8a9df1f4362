"""Every Vietnamese sentence the actions say, in one place."""

from __future__ import annotations

from actions.aspects import Aspect

PORTAL_SEARCH_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh.html"

ASPECT_TITLES = {
    Aspect.DOCUMENTS: "Giấy tờ cần chuẩn bị",
    Aspect.FEE: "Lệ phí",
    Aspect.TIME: "Thời gian giải quyết",
    Aspect.PLACE: "Nơi nộp hồ sơ",
    Aspect.STEPS: "Các bước thực hiện",
    Aspect.ONLINE: "Nộp trực tuyến",
    Aspect.LEGAL_BASIS: "Căn cứ pháp lý",
    Aspect.RESULT: "Kết quả nhận được",
    Aspect.CONDITIONS: "Điều kiện",
}

# Buttons offered after an answer: (title, payload sent back as the citizen's text).
NEXT_STEP_BUTTONS = [
    ("Giấy tờ cần chuẩn bị", "cần giấy tờ gì"),
    ("Lệ phí", "lệ phí bao nhiêu"),
    ("Thời gian", "mất bao lâu"),
    ("Nơi nộp", "nộp ở đâu"),
    ("Nộp trực tuyến", "nộp trực tuyến được không"),
]

# No emoji: kiosks and many portal PCs have no emoji font and would show empty boxes.
PROCEDURE_HEADER = "{name} (mã {code})"
PROVINCIAL_HEADER = "{name} (mã {code}; thủ tục riêng của {province}, chỉ áp dụng tại địa phương này)"
DISTRICT_ABOLISHED = ("Lưu ý: cấp huyện đã bỏ từ ngày 01/7/2025; hồ sơ Cổng Dịch vụ công còn ghi cấp huyện, bạn hỏi "
                      "Ủy ban nhân dân cấp xã hoặc Trung tâm phục vụ hành chính công cấp tỉnh nơi nộp hồ sơ.")
SOURCE_LINE = "Nguồn: {url}"
MORE_BUTTON = "Xem đầy đủ"
MORE_PAYLOAD = '/show_more{{"aspect": "{aspect}"}}'
MORE_HEADER = "{name} (mã {code}) — {aspect} (tiếp theo):"
NOTHING_MORE = "Câu trả lời trên đã đầy đủ."
NO_INFO = "Cổng Dịch vụ công chưa công bố thông tin này cho thủ tục."
TIME_NO_UNIT = "Lưu ý: Cổng Dịch vụ công chỉ ghi con số, không ghi là ngày hay giờ làm việc; bạn hỏi lại nơi nộp hồ sơ."
TIME_NO_UNIT_SHORT = "Cổng không ghi đơn vị"
NO_INFO_SHORT = "chưa có thông tin"
FEE_BY_RULE = "Có thu phí, lệ phí theo quy định: “{rule}” (Cổng Dịch vụ công không ghi mức cụ thể)."
TIME_FROM_STEPS = "Cổng Dịch vụ công không ghi thời gian ở cách thức thực hiện; trình tự thực hiện ghi: “{sentence}”."
FEE_SET_BY_PROVINCE = "Mức do Hội đồng nhân dân cấp tỉnh quyết định."
FEE_PERIOD_LAPSED = "(Mức miễn, giảm ghi kèm chỉ áp dụng đến hết ngày {date}, nay đã hết hạn.)"
FEE_NO_CURRENT_AMOUNT = ("Mức phí ghi trên Cổng Dịch vụ công chỉ áp dụng đến hết ngày {date}, nay đã hết hạn; Cổng chưa "
                         "cập nhật mức hiện hành. Bạn vui lòng hỏi lại nơi nộp hồ sơ.")
ONLINE_YES = "Có thể nộp trực tuyến trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn) hoặc ứng dụng VNeID."
ONLINE_NO = "Không. Thủ tục này chưa nộp trực tuyến được; bạn nộp trực tiếp hoặc qua bưu chính."
MORE_DOCUMENTS = "… và {count} giấy tờ/trường hợp khác (xem chi tiết ở trang nguồn)."
MORE_STEPS = "… (xem đủ các bước ở trang nguồn)."
MORE_ON_SOURCE = "… (xem đầy đủ ở trang nguồn bên dưới)."
OFFICE_FROM_STEPS = "Nộp hồ sơ tại: {office} (theo các bước của thủ tục)"

NOT_CONFIDENT = (
    "Xin lỗi, tôi chưa chắc bạn hỏi thủ tục nào. Bạn có thể nói rõ hơn (ví dụ: “đăng ký khai sinh cho con”), "
    "hoặc tìm trên Cổng Dịch vụ công quốc gia: {url}. Nếu cần, tôi có thể chuyển bạn tới cán bộ."
)
# Unsure, with options: one message, the options numbered in it and as buttons.
NOT_CONFIDENT_OPTIONS = "Xin lỗi, tôi chưa chắc bạn hỏi thủ tục nào. Có phải bạn muốn hỏi một trong các thủ tục sau?"
NOT_CONFIDENT_OUTRO = (
    "Không có thủ tục bạn cần thì nhắn “không phải”, nói rõ hơn (ví dụ: “đăng ký khai sinh cho con”), "
    "hoặc tìm trên Cổng Dịch vụ công quốc gia: {url}"
)
# A question about the current procedure answered from its record (knowledge/grounding.py).
RECORD_SAYS = "Hồ sơ thủ tục ghi:"
RECORD_QUOTE = "• {field}: “{text}”"
# The yes or no first, by what the record states it from (knowledge.grounding.Grounding.basis).
RECORD_VERDICTS = {
    ("age", "Có"): "Có. Thủ tục này dành cho trường hợp: {name}.",
    ("age", "Không"): "Không. Thủ tục này chỉ dành cho trường hợp: {name}; bạn hỏi lại kèm tuổi để tôi tìm đúng thủ tục.",
    ("online", "Có"): "Có. " + ONLINE_YES,
    ("online", "Không"): ONLINE_NO,
    ("post", "Có"): "Có. Thủ tục này nhận hồ sơ và trả kết quả qua dịch vụ bưu chính.",
    ("fee", "Có"): "Có, thủ tục này có thu phí, lệ phí:",
    ("fee", "Không"): "Không, thủ tục này không thu lệ phí:",
    ("quote", "Có"): "Có, theo hồ sơ thủ tục (câu trích dưới đây).",
    ("quote", "Không"): "Không, theo hồ sơ thủ tục (câu trích dưới đây).",
}
RECORD_SILENT = ("Hồ sơ thủ tục trên Cổng Dịch vụ công không nêu rõ điều bạn hỏi. Bạn xem toàn văn ở trang nguồn, "
                 "hoặc bấm “Gặp cán bộ” để hỏi cán bộ.")
ONE_OPTION_NOTE = "(Nếu không đúng thủ tục bạn cần, nhắn “không phải”.)"
MORE_OPTIONS = "Xin lỗi vì chưa đúng. Thủ tục bạn cần có thể là một trong các thủ tục sau (ít khớp hơn với câu hỏi):"
STILL_NOT_FOUND = "Vẫn chưa đúng? Bạn mô tả thêm việc cần làm, hoặc gặp cán bộ để được hỗ trợ."
NO_MORE_OPTIONS = (
    "Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của bạn. Bạn mô tả thêm việc cần làm "
    "(ví dụ: giấy tờ gì, cho ai, ở đâu), hoặc gặp cán bộ để được hỗ trợ."
)
OTHER_MINISTRY = (
    "Thủ tục này thuộc thẩm quyền của {ministry}, hiện chưa có trong dữ liệu của tôi nên tôi không muốn trả lời sai. "
    "Bạn có thể tra cứu trên Cổng Dịch vụ công quốc gia: {url}"
)
OTHER_VARIANTS = "Nếu bạn thuộc trường hợp khác, chọn thủ tục tương ứng:"
ONE_OTHER_VARIANT = "Thủ tục này còn trường hợp: “{name}”. Nếu đó là trường hợp của bạn, nhắn tên ấy để tôi trả lời."
LIFE_EVENT_INTRO = "{title}, thường cần làm các thủ tục sau, theo thứ tự:"
LIFE_EVENT_CASES = "{title}, thủ tục tùy trường hợp của bạn:"
LIFE_EVENT_OTHER_STEPS = "{title}, thường cũng cần các bước sau:"
ONE_MORE_STEP = "{title}, thường cũng cần: “{name}”. Khi cần, bạn nhắn tên ấy để tôi hướng dẫn."
LIFE_EVENT_OUTRO = "Bạn bấm vào một bước để xem giấy tờ, lệ phí, thời gian và nơi nộp của thủ tục đó."
CLARIFY = "Thủ tục này có vài trường hợp khác nhau. Bạn đang cần trường hợp nào?"
CLARIFY_FIRST = "Bạn chọn giúp tôi trường hợp của bạn trước, tôi sẽ trả lời ngay về {aspect}:"
# A question asked instead of choosing between variants: answered for the likeliest, or once for all.
ANSWER_FOR_VARIANT = ("(Tôi trả lời cho trường hợp “{title}”. Nếu bạn thuộc trường hợp khác, "
                      "chọn trường hợp của bạn bên dưới.)")
SAME_FOR_VARIANTS = "(Điều này như nhau ở mọi trường hợp của thủ tục. Bạn vẫn có thể chọn trường hợp của mình bên dưới.)"
SWITCH_VARIANT = "Trường hợp của bạn là:"
NO_CONDITIONS = "Cổng Dịch vụ công không công bố điều kiện riêng cho thủ tục này."
TARGET_GROUPS = "Đối tượng thực hiện: {groups}"
OFFICER_WAIT = (
    "Cán bộ sẽ trả lời ngay tại đây khi tiếp nhận cuộc trò chuyện (trong giờ hành chính). "
    "Trong lúc chờ, bạn vẫn có thể hỏi tôi về thủ tục."
)
PORTAL_DOSSIER_CODE = (
    "Mã {code} là mã hồ sơ của Cổng Dịch vụ công / hệ thống một cửa, không phải hồ sơ nháp tôi tạo. "
    "Bạn tra cứu tại https://dichvucong.gov.vn (mục “Tra cứu hồ sơ”), trên ứng dụng VNeID, "
    "hoặc hỏi Bộ phận một cửa nơi đã nộp."
)
NO_CURRENT_PROCEDURE = "Bạn đang hỏi về thủ tục nào ạ? Ví dụ: “lệ phí đăng ký khai sinh”."

FALLBACK_REPHRASE = "Xin lỗi, tôi chưa hiểu ý bạn. Bạn có thể nói lại rõ hơn không? Ví dụ:"
FALLBACK_EXAMPLES = [
    ("Làm giấy khai sinh", "làm giấy khai sinh"),
    ("Đăng ký tạm trú", "đăng ký tạm trú"),
    ("Đổi bằng lái xe", "đổi bằng lái xe"),
]
FALLBACK_HUMAN = "Tôi vẫn chưa hiểu được yêu cầu của bạn. Bạn có muốn gặp cán bộ hỗ trợ không?"
FALLBACK_HUMAN_BUTTONS = [("Gặp cán bộ", "cho tôi gặp cán bộ"), ("Hỏi lại", "tôi muốn hỏi thủ tục khác")]

COMPLAINT_URL = "https://dichvucong.gov.vn/p/phananhkiennghi/pakn-gui-pakn.html"
COMPLAINT = (
    "Rất tiếc vì bạn gặp phiền hà. Phản ánh, kiến nghị về thủ tục hành chính hoặc về thái độ, hành vi của cán bộ, "
    "bạn gửi tại mục “Phản ánh, kiến nghị” của Cổng Dịch vụ công quốc gia: {url} (cơ quan có thẩm quyền tiếp nhận, "
    "trả lời và bạn theo dõi được kết quả). Khiếu nại một quyết định hay hành vi hành chính thì gửi đơn tới chính "
    "cơ quan, người đã ra quyết định hoặc có hành vi đó. Bạn cũng có thể gặp cán bộ hỗ trợ ngay tại đây."
)
COMPLAINT_BUTTONS = [("Gặp cán bộ", "cho tôi gặp cán bộ")]

HANDOVER_QUEUED = (
    "Tôi đã chuyển cuộc trò chuyện tới cán bộ hỗ trợ. Cán bộ sẽ trả lời bạn ngay tại đây khi tiếp nhận; "
    "trong lúc chờ, bạn vẫn có thể hỏi tôi."
)
# One client (address) has as many conversations waiting for an officer, or handed over this hour, as it may.
HANDOVER_CLIENT_BUSY = (
    "Yêu cầu gặp cán bộ từ thiết bị hoặc mạng của bạn đã được ghi nhận và đang chờ cán bộ tiếp nhận, nên "
    "tôi chưa thể chuyển thêm cuộc trò chuyện này. Xin bạn vui lòng thử lại sau ít phút; trong lúc chờ, "
    "bạn vẫn có thể hỏi tôi."
)

RATING_BUTTONS = [("Hữu ích", '/give_feedback{"rating": "5"}'), ("Chưa đúng", '/give_feedback{"rating": "1"}')]
FEEDBACK_ASK = "Bạn thấy câu trả lời vừa rồi thế nào?"
FEEDBACK_THANKS = "Cảm ơn bạn đã đánh giá! Ý kiến của bạn giúp chúng tôi cải thiện trợ lý."
FEEDBACK_SORRY = (
    "Cảm ơn bạn đã góp ý, xin lỗi vì câu trả lời chưa tốt. Bạn có thể hỏi lại rõ hơn, "
    "hoặc nhắn “gặp cán bộ” để được hỗ trợ trực tiếp."
)

# --- dossier prefill -------------------------------------------------------------------------
DOSSIER_SUPPORTED = "Tôi có thể giúp điền tờ khai cho các thủ tục sau. Bạn chọn thủ tục cần làm:"
DOSSIER_START = (
    "Bắt đầu điền “{title}”. Tôi sẽ hỏi từng mục; bất cứ lúc nào bạn có thể nhắn “sửa <tên mục>” "
    "(ví dụ “sửa ngày sinh”), “xem lại” để xem các mục đã khai, hoặc “hủy” để dừng."
)
CONSENT_QUESTION = (
    "Bạn có đồng ý để tôi lưu thông tin cá nhân (họ tên, ngày sinh, số CCCD, điện thoại, nơi cư trú) "
    "để tự điền cho lần sau không? Bạn có thể xóa bất cứ lúc nào bằng cách nhắn “xóa thông tin của tôi”."
)
CONSENT_BUTTONS = [("Đồng ý lưu", "đồng ý"), ("Không lưu", "không đồng ý")]
CONSENT_YES = "Cảm ơn bạn. Thông tin sẽ được lưu sau khi hoàn tất tờ khai."
KIOSK_NOTHING_KEPT = "Đây là máy dùng chung: tôi không lưu thông tin cá nhân của bạn sau khi in tờ khai."
CONSENT_NO = "Vâng, tôi sẽ không lưu thông tin của bạn sau cuộc trò chuyện này."
CONFIRM_PREFILL = "{label}: {value} — đúng không?"
CONFIRM_BUTTONS = [("Đúng", "đúng"), ("Sửa", "sửa")]
SUMMARY_HEADER = "Các thông tin bạn đã khai:"
CONFIRM_FINISH = "Bạn kiểm tra lại. Nếu đúng hết, bấm “Hoàn tất”; muốn sửa mục nào thì nhắn “sửa <tên mục>”."
FINISH_BUTTONS = [("Hoàn tất", "hoàn tất"), ("Sửa", "sửa")]
BACK_TO_FORM = "Giờ ta điền tiếp tờ khai nhé (nhắn “hủy” nếu muốn dừng)."
WHICH_FIELD = "Bạn muốn sửa mục nào?"
ASK_WHICH_FIX = "Bạn muốn sửa mục nào? Nhắn “sửa <tên mục>”, ví dụ “sửa họ tên”."
UNKNOWN_FIELD = "Tôi không tìm thấy mục “{name}”. Các mục gồm: {labels}."
DOSSIER_DONE = (
    "Đã tạo hồ sơ nháp mã {code} cho thủ tục {procedure} (mã {procedure_code}). "
    "Bạn tải tờ khai để in và ký: {pdf_url}\nTra cứu tình trạng: nhắn “tra cứu hồ sơ {code}”."
)
CHECKLIST_HEADER = "Giấy tờ cần mang theo khi nộp:"
DOSSIER_CANCELLED = "Đã hủy việc điền tờ khai. Thông tin vừa khai không được lưu."
PROFILE_SAVED = "Thông tin cá nhân của bạn đã được lưu cho lần sau (theo sự đồng ý của bạn)."
PROFILE_EMPTY = "Tôi không lưu thông tin cá nhân nào của bạn."
PROFILE_NEEDS_LOGIN = (
    "Thông tin cá nhân và hồ sơ đã lưu chỉ hiện sau khi bạn đăng nhập (tài khoản định danh điện tử). "
    "Chưa đăng nhập thì tôi không lưu gì của bạn ngoài cuộc trò chuyện này."
)
DOSSIERS_LIST = "Hồ sơ của bạn:"
FORM_NEEDS_CONVERSATION = (
    "Để điền “{title}”, bạn hãy dùng khung trò chuyện trên Cổng dịch vụ công, máy tra cứu tại bộ phận một cửa, "
    "Telegram hoặc Zalo: cuộc trò chuyện này không có mã riêng, người khác dùng cùng tên có thể xem được thông tin "
    "bạn khai. Tôi vẫn trả lời mọi câu hỏi về thủ tục tại đây."
)
ANONYMOUS_FORM = (
    "Bạn chưa đăng nhập: bạn vẫn khai và tải tờ khai bình thường, nhưng thông tin sẽ không được lưu để tự điền "
    "lần sau. Muốn tự điền, bạn hãy đăng nhập."
)
LOGIN_OFFER = "Bạn bấm nút bên dưới để đăng nhập bằng tài khoản định danh điện tử; xong thì quay lại đây trò chuyện tiếp."
LOGIN_MID_FORM = "Bạn đăng nhập qua nút bên dưới rồi quay lại; tờ khai vẫn giữ nguyên, ta điền tiếp nhé."
ALREADY_SIGNED_IN = "Bạn đã đăng nhập rồi. Thông tin bạn đồng ý lưu sẽ được tự điền vào tờ khai lần sau."
PROFILE_SHOW = "Thông tin tôi đang lưu của bạn:"
PROFILE_LABELS = {"full_name": "Họ tên", "dob": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc",
                  "nationality": "Quốc tịch", "id_number": "Số CCCD", "phone": "Điện thoại", "residence": "Nơi cư trú"}
DELETE_CONFIRM = (
    "Bạn có chắc muốn xóa toàn bộ thông tin cá nhân, hồ sơ nháp và lịch sử trò chuyện tôi đang lưu của bạn? "
    "Việc này không hoàn tác được."
)
DELETE_CONFIRM_BUTTONS = [("Xóa hết", '/delete_profile{"confirm": "yes"}'), ("Không xóa", "/deny")]
DELETE_KEPT = "Vâng, tôi không xóa gì. Thông tin của bạn vẫn được giữ như cũ."
PROFILE_DELETED = "Đã xóa toàn bộ thông tin cá nhân, hồ sơ nháp ({count} mục) và lịch sử trò chuyện của bạn. Tôi sẽ không dùng lại các thông tin này."
STATUS_ASK_CODE = "Bạn cho tôi mã hồ sơ, dạng HS-2026-000123."
STATUS_NOT_FOUND = "Không tìm thấy hồ sơ {code} của bạn. Bạn kiểm tra lại mã hồ sơ."
STATUS_REPORT = "Hồ sơ {code} ({procedure}): {status}."
STATUS_NOTE = "Ghi chú của cán bộ: {note}"
