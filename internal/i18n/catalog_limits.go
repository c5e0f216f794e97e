package i18n

// limitsCatalog holds the wording of limits under abuse (throttled
// sign-ins, busy hashing, refused bodies) and of a used code; it joins
// catalog at init.
var limitsCatalog = map[Lang]map[string]string{
	VI: {
		"signin.throttled":     "Có quá nhiều lần đăng nhập sai từ thiết bị này. Vui lòng đợi rồi thử lại (tối đa %d phút).",
		"signin.busy":          "Máy chủ đang bận kiểm tra mật khẩu. Vui lòng thử lại sau giây lát.",
		"body.encoding":        "Nội dung yêu cầu không được nén (Content-Encoding).",
		"body.length_required": "Yêu cầu phải ghi rõ độ dài nội dung (Content-Length); không nhận nội dung gửi từng khúc (chunked).",
		"body.busy":            "Máy chủ đang nhận quá nhiều dữ liệu cùng lúc. Vui lòng thử lại sau giây lát; chưa có gì được lưu.",
		"ui.used_help":         "Nếu chính đồng chí vừa gửi phiếu bằng mã này mà mất kết nối, phiếu đã được ghi nhận (chỉ một lần). Mã xác nhận chỉ hiện lại trên trình duyệt đã gửi phiếu: tải lại trang báo lỗi hiện ra sau khi bấm Gửi phiếu (trình duyệt gửi lại đúng phiếu đó, không tính hai lần), hoặc nhập lại mã trong cùng thẻ trình duyệt. Nếu đồng chí chưa gửi phiếu bằng mã này, hãy báo cho người phát phiếu.",
	},
	EN: {
		"signin.throttled":     "Too many failed sign-ins came from this device. Please wait and try again (at most %d minutes).",
		"signin.busy":          "The server is busy checking passwords. Please try again in a moment.",
		"body.encoding":        "Compressed request bodies (Content-Encoding) are not accepted.",
		"body.length_required": "A request body needs a Content-Length; bodies sent in chunks are not accepted.",
		"body.busy":            "The server is receiving too much data at once. Please try again in a moment; nothing was stored.",
		"ui.used_help":         "If you just sent your ballot with this code and lost the connection, it was recorded (once). Its receipt shows again only in the browser that sent it: reload the error page you got after pressing Send (the browser sends the same ballot again, and it is not counted twice), or enter the code again in the same browser tab. If you did not send a ballot with this code, tell whoever handed it to you.",
	},
}

func init() { merge(limitsCatalog) }
