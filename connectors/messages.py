"""Vietnamese text the gateway itself says (when the core cannot be asked)."""

EMPTY_MESSAGE = "Bạn chưa nhập nội dung. Bạn cần hỏi thủ tục gì ạ?"
TOO_LONG = "Tin nhắn dài quá ({length} ký tự). Bạn vui lòng rút gọn câu hỏi dưới {limit} ký tự nhé."
NO_TEXT = "Tôi chỉ đọc được chữ. Bạn hãy gõ câu hỏi về thủ tục bạn cần nhé."
CORE_UNAVAILABLE = "Xin lỗi, hệ thống đang bận hoặc tạm gián đoạn. Bạn vui lòng thử lại sau ít phút."
NOTHING_TO_SAY = "Không có nội dung để đọc."
VOICE_UNAVAILABLE = "Chức năng giọng nói chưa được cài đặt trên kiosk này. Bạn vui lòng gõ câu hỏi hoặc chọn nút bên dưới."
AUDIO_TOO_LONG = "Đoạn ghi âm quá dài. Bạn vui lòng nói ngắn gọn hơn."
AUDIO_UNREADABLE = "Không đọc được đoạn ghi âm. Bạn vui lòng thử lại."
AUDIO_NOT_UNDERSTOOD = "Xin lỗi, tôi chưa nghe rõ. Bạn vui lòng nói lại hoặc gõ câu hỏi."
CONVERSATION_EXPIRED = "Phiên trò chuyện không hợp lệ hoặc đã hết hạn. Bạn vui lòng tải lại trang để bắt đầu phiên mới."
CONVERSATION_MISMATCH = "Tin nhắn không thuộc phiên trò chuyện này."
RATE_LIMITED = "Bạn gửi nhanh quá. Bạn vui lòng đợi khoảng một phút rồi hỏi tiếp nhé."
BODY_TOO_LARGE = "Nội dung gửi lên quá lớn. Bạn vui lòng gửi tin nhắn ngắn hơn."
# To an officer teaching a wording (connectors/api/officer.py): aliases are kept and audited for good.
ALIAS_PERSONAL_DATA = ("Cụm từ có thông tin cá nhân (số giấy tờ, số điện thoại, ngày sinh, địa chỉ, họ tên) hoặc phần "
                       "đã được che (***, [họ tên], [địa chỉ]). Xin bỏ phần đó, chỉ giữ cách công dân gọi thủ tục, "
                       "rồi gắn lại.")
LOGIN_BUTTON = "Đăng nhập để tự điền"
LOGIN_OFF = "(Đăng nhập chưa được bật trên hệ thống này, nên thông tin của bạn sẽ không được lưu lại.)"
# What a reply offering a login says instead while no identity provider is configured.
LOGIN_UNAVAILABLE = ("Hệ thống này chưa có đăng nhập, nên bạn không đăng nhập được ở đây. Bạn vẫn hỏi, khai và "
                     "tải tờ khai bình thường; chỉ là thông tin bạn khai sẽ không được lưu để tự điền lần sau.")
LOGIN_NOT_HERE = ("(Tại ki-ốt hoặc ứng dụng này không đăng nhập được. Bạn hãy dùng khung trò chuyện trên Cổng "
                  "Dịch vụ công, Zalo hoặc Telegram để đăng nhập và tự điền.)")
LOGIN_LINK_USED = ("Liên kết đăng nhập đã hết hạn hoặc đã được dùng. Bạn hãy quay lại cuộc trò chuyện và "
                   "gõ «đăng nhập» để nhận liên kết mới.")
LOGIN_FAILED = "Đăng nhập không thành công. Bạn hãy quay lại cuộc trò chuyện và thử lại."
LOGIN_DONE = "Bạn đã đăng nhập. Hãy quay lại cuộc trò chuyện để tiếp tục: thông tin bạn đồng ý lưu sẽ được tự điền lần sau."
LOGIN_OTHER_BROWSER = ("Liên kết đăng nhập này được tạo trên một trình duyệt khác nên không dùng được ở đây. Để bảo vệ "
                       "thông tin của bạn, hãy bắt đầu đăng nhập từ khung trò chuyện của chính bạn.")
LOGIN_CONFIRM_IN_CHAT = ("Bạn đã đăng nhập tài khoản định danh điện tử. Để hoàn tất, hãy gõ mã {code} vào cuộc trò "
                         "chuyện của bạn với Trợ lý ảo trong vòng 10 phút. Chỉ gõ mã này vào cuộc trò chuyện của chính "
                         "bạn, không đưa mã cho bất kỳ ai.")
LOGIN_RETURN = "Quay lại trang trước"
LOGIN_CONFIRMED = "Đã xác nhận, cuộc trò chuyện này đã được đăng nhập. Thông tin bạn đồng ý lưu sẽ được tự điền lần sau."
LOGIN_CODE_WRONG = "Mã xác nhận không đúng. Bạn hãy gõ lại đúng mã hiện trên trang đăng nhập."
STAFF_LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
STAFF_LOGIN_THROTTLED = "Đăng nhập sai quá nhiều lần. Bạn vui lòng đợi ít phút rồi thử lại."
STAFF_WEAK_PASSWORD = "Mật khẩu cần ít nhất {length} ký tự và không được chỉ gồm khoảng trắng."
HANDOVER_CLOSED = ("Cán bộ đã kết thúc cuộc trò chuyện. Trợ lý ảo sẽ tiếp tục hỗ trợ bạn: bạn cứ nhắn câu hỏi, "
                   "hoặc gõ «gặp cán bộ» nếu cần cán bộ giúp thêm.")
