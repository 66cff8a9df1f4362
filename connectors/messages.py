"""Vietnamese text the gateway itself says (when the core cannot be asked)."""

EMPTY_MESSAGE = "Bạn chưa nhập nội dung. Bạn cần hỏi thủ tục gì ạ?"
TOO_LONG = "Tin nhắn dài quá ({length} ký tự). Bạn vui lòng rút gọn câu hỏi dưới {limit} ký tự nhé."
NO_TEXT = "Tôi chỉ đọc được chữ. Bạn hãy gõ câu hỏi về thủ tục bạn cần nhé."
CORE_UNAVAILABLE = "Xin lỗi, hệ thống đang bận hoặc tạm gián đoạn. Bạn vui lòng thử lại sau ít phút."
